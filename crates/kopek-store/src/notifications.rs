//! NTF-4: the portal's inbox of notifications and the deliveries by
//! e-mail and SMS, each with its tries (to a client's user, or to a staff
//! user for a new ticket of its department, ACC-4). Both are written with their
//! unique keys, so handling one outbox message again adds nothing.

use chrono::{DateTime, Utc};
use kopek_domain::account::NotificationChannel;
use kopek_domain::notification::DeliveryStatus;

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InboxRow {
    pub id: i64,
    pub outbox_id: i64,
    pub client_id: i64,
    pub client_user_id: i64,
    pub event: String,
    pub category: String,
    pub locale: String,
    pub data: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

const INBOX_COLS: &str =
    "id, outbox_id, client_id, client_user_id, event, category, locale, data, subject, body, created_at, read_at";

pub struct NewInbox<'a> {
    pub outbox_id: i64,
    pub client_id: i64,
    pub client_user_id: i64,
    pub event: &'a str,
    pub category: &'a str,
    pub locale: &'a str,
    pub data: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub created_at: DateTime<Utc>,
}

macro_rules! sql {
    ($($part:expr),+ $(,)?) => { sqlx::AssertSqlSafe([$($part),+].concat()) };
}

/// Keeps a notification for its user; the row already kept when the
/// message is handled again.
pub async fn insert_inbox(conn: &mut Conn, n: &NewInbox<'_>) -> Result<InboxRow> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO notification_inbox (outbox_id, client_id, client_user_id, event, category, locale, data, subject, body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (outbox_id, client_user_id) DO NOTHING")
        .bind(n.outbox_id).bind(n.client_id).bind(n.client_user_id).bind(n.event).bind(n.category).bind(n.locale)
        .bind(n.data).bind(n.subject).bind(n.body).bind(n.created_at).execute(db).await)?;
    Ok(
        on_db!(conn, db => sqlx::query_as(sql!("SELECT ", INBOX_COLS, " FROM notification_inbox WHERE outbox_id = $1 AND client_user_id = $2"))
        .bind(n.outbox_id).bind(n.client_user_id).fetch_one(db).await)?,
    )
}

pub async fn inbox_entry(conn: &mut Conn, id: i64) -> Result<Option<InboxRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", INBOX_COLS, " FROM notification_inbox WHERE id = $1"))
        .bind(id).fetch_optional(db).await)?)
}

/// One page of a user's notifications, newest first.
pub async fn inbox_page(conn: &mut Conn, user_id: i64, limit: i64, offset: i64) -> Result<Vec<InboxRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", INBOX_COLS,
        " FROM notification_inbox WHERE client_user_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3"))
        .bind(user_id).bind(limit).bind(offset).fetch_all(db).await)?)
}

/// How many notifications a user has, and how many of them are unread.
pub async fn inbox_counts(conn: &mut Conn, user_id: i64) -> Result<(i64, i64)> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN read_at IS NULL THEN 1 ELSE 0 END), 0)
         FROM notification_inbox WHERE client_user_id = $1")
        .bind(user_id).fetch_one(db).await)?)
}

pub async fn mark_read(conn: &mut Conn, id: i64, now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE notification_inbox SET read_at = $2 WHERE id = $1 AND read_at IS NULL")
        .bind(id).bind(now).execute(db).await)?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: i64,
    pub outbox_id: i64,
    /// A client's user's delivery: its inbox entry and user.
    pub inbox_id: Option<i64>,
    pub client_id: i64,
    pub client_user_id: Option<i64>,
    /// A staff user's delivery (ACC-4), with what it renders from.
    pub staff_user_id: Option<i64>,
    pub locale: Option<String>,
    pub data: Option<String>,
    pub event: String,
    #[sqlx(try_from = "String")]
    pub channel: NotificationChannel,
    pub address: String,
    #[sqlx(try_from = "String")]
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub provider_message_id: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

const DELIVERY_COLS: &str = "id, outbox_id, inbox_id, client_id, client_user_id, staff_user_id, locale, data, event, channel,
    address, status, attempts, last_error, provider_message_id, next_attempt_at, created_at, sent_at";

/// Queues a delivery unless this message already has one for the user and
/// channel.
pub async fn insert_delivery(
    conn: &mut Conn,
    inbox: &InboxRow,
    channel: NotificationChannel,
    address: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO notification_deliveries (outbox_id, inbox_id, client_id, client_user_id, event, channel, address,
                                              status, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $8) ON CONFLICT (outbox_id, client_user_id, channel) DO NOTHING")
        .bind(inbox.outbox_id).bind(inbox.id).bind(inbox.client_id).bind(inbox.client_user_id).bind(&inbox.event)
        .bind(channel.as_str()).bind(address).bind(now).execute(db).await)?;
    Ok(())
}

/// A notification for a staff user (ACC-4), who has no inbox: what it
/// renders from is kept on the delivery itself.
pub struct NewStaffDelivery<'a> {
    pub outbox_id: i64,
    pub client_id: i64,
    pub staff_user_id: i64,
    pub event: &'a str,
    pub locale: &'a str,
    pub data: &'a str,
    pub channel: NotificationChannel,
    pub address: &'a str,
}

/// Queues a staff user's delivery unless this message already has one for
/// the staff user and channel.
pub async fn insert_staff_delivery(conn: &mut Conn, d: &NewStaffDelivery<'_>, now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO notification_deliveries (outbox_id, client_id, staff_user_id, event, locale, data, channel, address,
                                              status, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', $9, $9) ON CONFLICT (outbox_id, staff_user_id, channel) DO NOTHING")
        .bind(d.outbox_id).bind(d.client_id).bind(d.staff_user_id).bind(d.event).bind(d.locale).bind(d.data)
        .bind(d.channel.as_str()).bind(d.address).bind(now).execute(db).await)?;
    Ok(())
}

/// Takes up to `limit` due deliveries of the given channels for one try:
/// counts the attempt and moves the next attempt to `lease_until`, so a
/// process that dies mid-try leaves it to be tried again then, and no
/// other process takes it meanwhile.
pub async fn claim_due(
    conn: &mut Conn,
    channels: &[NotificationChannel],
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<DeliveryRow>> {
    let names = serde_json::to_string(&channels.iter().map(|c| c.as_str()).collect::<Vec<_>>()).expect("names serialise");
    let lock = match conn.backend() {
        crate::Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        crate::Backend::Sqlite => "",
    };
    let channel_in = match conn.backend() {
        crate::Backend::Postgres => "channel IN (SELECT json_array_elements_text($4::json))",
        crate::Backend::Sqlite => "channel IN (SELECT value FROM json_each($4))",
    };
    let mut rows: Vec<DeliveryRow> = on_db!(conn, db => sqlx::query_as(sql!(
        "UPDATE notification_deliveries SET attempts = attempts + 1, next_attempt_at = $2
         WHERE id IN (SELECT id FROM notification_deliveries
                      WHERE status IN ('queued', 'failed') AND next_attempt_at <= $1 AND ", channel_in,
                      " ORDER BY next_attempt_at, id LIMIT $3", lock, ")
         RETURNING ", DELIVERY_COLS))
        .bind(now).bind(lease_until).bind(limit).bind(&names).fetch_all(db).await)?;
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

pub async fn mark_sent(conn: &mut Conn, id: i64, provider_message_id: &str, now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE notification_deliveries SET status = 'sent', provider_message_id = $2, sent_at = $3, last_error = NULL WHERE id = $1")
        .bind(id).bind(provider_message_id).bind(now).execute(db).await)?;
    Ok(())
}

/// Records a failed try: failed with its next attempt, or dead.
pub async fn mark_failed(conn: &mut Conn, id: i64, status: DeliveryStatus, error: &str, next: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE notification_deliveries SET status = $2, last_error = $3, next_attempt_at = $4 WHERE id = $1")
        .bind(id).bind(status.as_str()).bind(error).bind(next).execute(db).await)?;
    Ok(())
}

/// Staff's "send again": queued for now, its tries so far kept.
pub async fn requeue(conn: &mut Conn, id: i64, now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE notification_deliveries SET status = 'queued', next_attempt_at = $2 WHERE id = $1 AND status IN ('failed', 'dead')")
        .bind(id).bind(now).execute(db).await)?;
    Ok(())
}

pub async fn delivery(conn: &mut Conn, id: i64) -> Result<Option<DeliveryRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", DELIVERY_COLS, " FROM notification_deliveries WHERE id = $1"))
        .bind(id).fetch_optional(db).await)?)
}

/// The delivery log's filters; `None` leaves a column free.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    pub event: Option<String>,
    pub channel: Option<NotificationChannel>,
    pub status: Option<DeliveryStatus>,
    pub client_id: Option<i64>,
}

/// One page of the delivery log, newest first.
pub async fn deliveries(conn: &mut Conn, f: &DeliveryFilter, limit: i64, offset: i64) -> Result<Vec<DeliveryRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", DELIVERY_COLS, " FROM notification_deliveries
         WHERE ($1 IS NULL OR event = $1) AND ($2 IS NULL OR channel = $2) AND ($3 IS NULL OR status = $3)
           AND ($4 IS NULL OR client_id = $4)
         ORDER BY id DESC LIMIT $5 OFFSET $6"))
        .bind(&f.event).bind(f.channel.map(|c| c.as_str())).bind(f.status.map(|s| s.as_str())).bind(f.client_id)
        .bind(limit).bind(offset).fetch_all(db).await)?)
}

/// Deliveries per channel and status, for metrics.
pub async fn count_by_channel_and_status(conn: &mut Conn) -> Result<Vec<(String, String, i64)>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT channel, status, COUNT(*) FROM notification_deliveries GROUP BY channel, status ORDER BY channel, status")
        .fetch_all(db).await)?)
}

/// NTF-3: a staff's own template of one event in one language.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TemplateRow {
    pub event: String,
    pub locale: String,
    pub subject: String,
    pub text: String,
    pub sms: String,
    pub html: Option<String>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

pub async fn template(conn: &mut Conn, event: &str, locale: &str) -> Result<Option<TemplateRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT event, locale, subject, text, sms, html, updated_at, updated_by FROM notification_templates
         WHERE event = $1 AND locale = $2")
        .bind(event).bind(locale).fetch_optional(db).await)?)
}

/// Stores (or replaces) the template of `row.event` in `row.locale`.
pub async fn put_template(conn: &mut Conn, row: &TemplateRow) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO notification_templates (event, locale, subject, text, sms, html, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (event, locale) DO UPDATE SET subject = excluded.subject, text = excluded.text, sms = excluded.sms,
             html = excluded.html, updated_at = excluded.updated_at, updated_by = excluded.updated_by")
        .bind(&row.event).bind(&row.locale).bind(&row.subject).bind(&row.text).bind(&row.sms).bind(&row.html)
        .bind(row.updated_at).bind(&row.updated_by).execute(db).await)?;
    Ok(())
}

/// Removes a stored template; answers whether there was one.
pub async fn delete_template(conn: &mut Conn, event: &str, locale: &str) -> Result<bool> {
    let n = exec_db!(conn, db => sqlx::query("DELETE FROM notification_templates WHERE event = $1 AND locale = $2")
        .bind(event).bind(locale).execute(db).await)?;
    Ok(n > 0)
}
