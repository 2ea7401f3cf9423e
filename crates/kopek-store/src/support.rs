//! Support tickets (SUP-1, SUP-2), their messages and files, and the
//! departments staff answer them in (ACC-4). A file's bytes are read only
//! by [`file_bytes`], never by a list; a file in the files directory has
//! none here, only its name there (`stored_as`).

use chrono::{DateTime, Utc};
use kopek_domain::support::{AuthorKind, TicketStatus};

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DepartmentRow {
    pub id: i64,
    pub name: String,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TicketRow {
    pub id: i64,
    pub client_id: i64,
    pub department_id: Option<i64>,
    pub subscription_id: Option<i64>,
    pub subject: String,
    #[sqlx(try_from = "String")]
    pub status: TicketStatus,
    #[sqlx(try_from = "String")]
    pub last_author: AuthorKind,
    pub client_read: bool,
    pub assignee_id: Option<i64>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub last_message_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MessageRow {
    pub id: i64,
    pub ticket_id: i64,
    #[sqlx(try_from = "String")]
    pub author_kind: AuthorKind,
    pub author_id: Option<i64>,
    pub author_label: String,
    pub text: String,
    pub internal: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FileRow {
    pub id: i64,
    pub ticket_id: i64,
    pub message_id: i64,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: DateTime<Utc>,
    /// Its bytes' name in the files directory; `None`: in the database.
    pub stored_as: Option<String>,
}

/// A new file's row. Its bytes go to the database with it unless they
/// were already put in the files directory as `stored_as`.
#[derive(Debug, Clone)]
pub struct NewFile<'a> {
    pub ticket_id: i64,
    pub message_id: i64,
    pub name: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
    pub stored_as: Option<&'a str>,
}

const FILE: &str = "SELECT id, ticket_id, message_id, name, content_type, size, created_at, stored_as FROM support_files";

/// What a new ticket starts with.
#[derive(Debug, Clone)]
pub struct NewTicket<'a> {
    pub client_id: i64,
    pub department_id: Option<i64>,
    pub subscription_id: Option<i64>,
    pub subject: &'a str,
    pub created_by: &'a str,
}

/// What a new message is.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub ticket_id: i64,
    pub author_kind: AuthorKind,
    pub author_id: Option<i64>,
    pub author_label: &'a str,
    pub text: &'a str,
    pub internal: bool,
}

const TICKET: &str = "SELECT id, client_id, department_id, subscription_id, subject, status, last_author, client_read, \
     assignee_id, created_by, created_at, last_message_at FROM support_tickets";

macro_rules! sql {
    ($($part:expr),+ $(,)?) => { sqlx::AssertSqlSafe([$($part),+].concat()) };
}

pub async fn insert_department(conn: &mut Conn, name: &str, now: DateTime<Utc>) -> Result<DepartmentRow> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "INSERT INTO support_departments (name, enabled, created_at) VALUES ($1, TRUE, $2)
         RETURNING id, name, enabled, created_at")
        .bind(name).bind(now).fetch_one(db).await)?)
}

pub async fn update_department(conn: &mut Conn, id: i64, name: &str, enabled: bool) -> Result<Option<DepartmentRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "UPDATE support_departments SET name = $2, enabled = $3 WHERE id = $1 RETURNING id, name, enabled, created_at")
        .bind(id).bind(name).bind(enabled).fetch_optional(db).await)?)
}

pub async fn department(conn: &mut Conn, id: i64) -> Result<Option<DepartmentRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, name, enabled, created_at FROM support_departments WHERE id = $1")
        .bind(id).fetch_optional(db).await)?)
}

pub async fn departments(conn: &mut Conn) -> Result<Vec<DepartmentRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, name, enabled, created_at FROM support_departments ORDER BY name, id")
        .fetch_all(db).await)?)
}

/// Puts a staff user in a department; whether it was not there yet.
pub async fn add_staff(conn: &mut Conn, department_id: i64, staff_id: i64) -> Result<bool> {
    Ok(exec_db!(conn, db => sqlx::query(
        "INSERT INTO support_department_staff (department_id, staff_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(department_id).bind(staff_id).execute(db).await)?
        > 0)
}

pub async fn remove_staff(conn: &mut Conn, department_id: i64, staff_id: i64) -> Result<bool> {
    Ok(exec_db!(conn, db => sqlx::query(
        "DELETE FROM support_department_staff WHERE department_id = $1 AND staff_id = $2")
        .bind(department_id).bind(staff_id).execute(db).await)?
        > 0)
}

pub async fn department_staff(conn: &mut Conn, department_id: i64) -> Result<Vec<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "SELECT staff_id FROM support_department_staff WHERE department_id = $1 ORDER BY staff_id")
        .bind(department_id).fetch_all(db).await)?)
}

pub async fn departments_of_staff(conn: &mut Conn, staff_id: i64) -> Result<Vec<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "SELECT department_id FROM support_department_staff WHERE staff_id = $1 ORDER BY department_id")
        .bind(staff_id).fetch_all(db).await)?)
}

/// A new open ticket; its first message is inserted apart.
pub async fn insert_ticket(conn: &mut Conn, t: &NewTicket<'_>, now: DateTime<Utc>) -> Result<TicketRow> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(
        "INSERT INTO support_tickets (client_id, department_id, subscription_id, subject, status, last_author,
             client_read, assignee_id, created_by, created_at, last_message_at)
         VALUES ($1, $2, $3, $4, 'open', 'client', TRUE, NULL, $5, $6, $6)
         RETURNING id, client_id, department_id, subscription_id, subject, status, last_author, client_read,
             assignee_id, created_by, created_at, last_message_at"))
        .bind(t.client_id).bind(t.department_id).bind(t.subscription_id).bind(t.subject).bind(t.created_by).bind(now)
        .fetch_one(db).await)?)
}

pub async fn ticket(conn: &mut Conn, id: i64) -> Result<Option<TicketRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(TICKET, " WHERE id = $1")).bind(id).fetch_optional(db).await)?)
}

/// A client's tickets, newest first.
pub async fn client_tickets(conn: &mut Conn, client_id: i64) -> Result<Vec<TicketRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(TICKET, " WHERE client_id = $1 ORDER BY id DESC"))
        .bind(client_id).fetch_all(db).await)?)
}

/// Every ticket, newest first.
pub async fn all_tickets(conn: &mut Conn) -> Result<Vec<TicketRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(TICKET, " ORDER BY id DESC")).fetch_all(db).await)?)
}

/// The tickets a support staff user works with: its departments' and the
/// ones not sorted into any yet, newest first.
pub async fn staff_tickets(conn: &mut Conn, staff_id: i64) -> Result<Vec<TicketRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(TICKET,
        " WHERE department_id IS NULL OR department_id IN
             (SELECT department_id FROM support_department_staff WHERE staff_id = $1) ORDER BY id DESC"))
        .bind(staff_id).fetch_all(db).await)?)
}

/// Records a new message's author and time on its ticket, and sets its
/// status and read mark.
pub async fn touch_ticket(
    conn: &mut Conn,
    id: i64,
    status: TicketStatus,
    last_author: AuthorKind,
    client_read: bool,
    at: DateTime<Utc>,
) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE support_tickets SET status = $2, last_author = $3, client_read = $4, last_message_at = $5 WHERE id = $1")
        .bind(id).bind(status.as_str()).bind(last_author.as_str()).bind(client_read).bind(at).execute(db).await)?;
    Ok(())
}

pub async fn set_status(conn: &mut Conn, id: i64, status: TicketStatus) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE support_tickets SET status = $2 WHERE id = $1")
        .bind(id).bind(status.as_str()).execute(db).await)?;
    Ok(())
}

/// Marks the staff's messages read by the client; whether it changed.
pub async fn mark_read(conn: &mut Conn, id: i64) -> Result<bool> {
    Ok(exec_db!(conn, db => sqlx::query(
        "UPDATE support_tickets SET client_read = TRUE WHERE id = $1 AND client_read = FALSE")
        .bind(id).execute(db).await)?
        > 0)
}

pub async fn set_department(conn: &mut Conn, id: i64, department_id: Option<i64>) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE support_tickets SET department_id = $2 WHERE id = $1")
        .bind(id).bind(department_id).execute(db).await)?;
    Ok(())
}

pub async fn set_assignee(conn: &mut Conn, id: i64, staff_id: Option<i64>) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE support_tickets SET assignee_id = $2 WHERE id = $1")
        .bind(id).bind(staff_id).execute(db).await)?;
    Ok(())
}

/// Open tickets the staff answered last, at or before `before`: those the
/// auto-close looks at.
pub async fn awaiting_client_since(conn: &mut Conn, before: DateTime<Utc>) -> Result<Vec<TicketRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(TICKET,
        " WHERE status = 'open' AND last_author = 'staff' AND last_message_at <= $1 ORDER BY id"))
        .bind(before).fetch_all(db).await)?)
}

pub async fn insert_message(conn: &mut Conn, m: &NewMessage<'_>, now: DateTime<Utc>) -> Result<MessageRow> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "INSERT INTO support_messages (ticket_id, author_kind, author_id, author_label, text, internal, created_at, client_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT client_id FROM support_tickets WHERE id = $1))
         RETURNING id, ticket_id, author_kind, author_id, author_label, text, internal, created_at")
        .bind(m.ticket_id).bind(m.author_kind.as_str()).bind(m.author_id).bind(m.author_label).bind(m.text)
        .bind(m.internal).bind(now).fetch_one(db).await)?)
}

/// A ticket's messages, oldest first; internal notes only when asked.
pub async fn messages(conn: &mut Conn, ticket_id: i64, with_internal: bool) -> Result<Vec<MessageRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, ticket_id, author_kind, author_id, author_label, text, internal, created_at FROM support_messages
         WHERE ticket_id = $1 AND (internal = FALSE OR $2) ORDER BY id")
        .bind(ticket_id).bind(with_internal).fetch_all(db).await)?)
}

pub async fn message(conn: &mut Conn, id: i64) -> Result<Option<MessageRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, ticket_id, author_kind, author_id, author_label, text, internal, created_at FROM support_messages
         WHERE id = $1")
        .bind(id).fetch_optional(db).await)?)
}

pub async fn insert_file(conn: &mut Conn, f: &NewFile<'_>, now: DateTime<Utc>) -> Result<FileRow> {
    let row: FileRow = on_db!(conn, db => sqlx::query_as(
        "INSERT INTO support_files (ticket_id, message_id, name, content_type, size, created_at, stored_as, client_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT client_id FROM support_tickets WHERE id = $1))
         RETURNING id, ticket_id, message_id, name, content_type, size, created_at, stored_as")
        .bind(f.ticket_id).bind(f.message_id).bind(f.name).bind(f.content_type).bind(f.bytes.len() as i64).bind(now)
        .bind(f.stored_as).fetch_one(db).await)?;
    if f.stored_as.is_none() {
        exec_db!(conn, db => sqlx::query(
            "INSERT INTO support_file_bytes (file_id, bytes, client_id)
             VALUES ($1, $2, (SELECT client_id FROM support_files WHERE id = $1))")
            .bind(row.id).bind(f.bytes).execute(db).await)?;
    }
    Ok(row)
}

/// A ticket's files, in the order they came.
pub async fn files(conn: &mut Conn, ticket_id: i64) -> Result<Vec<FileRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(FILE, " WHERE ticket_id = $1 ORDER BY id"))
        .bind(ticket_id).fetch_all(db).await)?)
}

pub async fn file(conn: &mut Conn, id: i64) -> Result<Option<FileRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(FILE, " WHERE id = $1")).bind(id).fetch_optional(db).await)?)
}

/// The bytes of a file kept in the database.
pub async fn file_bytes(conn: &mut Conn, file_id: i64) -> Result<Option<Vec<u8>>> {
    Ok(on_db!(conn, db => sqlx::query_scalar("SELECT bytes FROM support_file_bytes WHERE file_id = $1")
        .bind(file_id).fetch_optional(db).await)?)
}

/// Every support file row, for tests that check nothing was stored.
pub async fn file_count(conn: &mut Conn) -> Result<i64> {
    Ok(on_db!(conn, db => sqlx::query_scalar("SELECT COUNT(*) FROM support_files").fetch_one(db).await)?)
}

/// Links a service question to the ticket that answers it.
pub async fn link_question(conn: &mut Conn, question_id: i64, ticket_id: i64) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE service_questions SET ticket_id = $2 WHERE id = $1")
        .bind(question_id).bind(ticket_id).execute(db).await)?;
    Ok(())
}
