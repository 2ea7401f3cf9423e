//! ACC-5, ACC-6: privacy policy versions and their acceptance, a user's
//! action log, personal-data exports and requests, and the pseudonymising
//! of a user whose data is deleted.

use chrono::{DateTime, NaiveDate, Utc};
use kopek_domain::privacy::{PrivacyRequestKind, PrivacyRequestStatus};

use crate::audit::AuditRow;
use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PolicyRow {
    pub id: i64,
    pub version: String,
    pub body: Option<String>,
    pub url: Option<String>,
    pub published_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

const POLICY_COLS: &str = "id, version, body, url, published_at, created_at";

macro_rules! sql {
    ($($part:expr),+ $(,)?) => { sqlx::AssertSqlSafe([$($part),+].concat()) };
}

pub struct NewPolicy<'a> {
    pub version: &'a str,
    pub body: Option<&'a str>,
    pub url: Option<&'a str>,
    pub published_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_policy(conn: &mut Conn, p: &NewPolicy<'_>) -> Result<PolicyRow> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(
        "INSERT INTO privacy_policies (version, body, url, published_at, created_at) VALUES ($1, $2, $3, $4, $5)
         RETURNING ", POLICY_COLS))
        .bind(p.version).bind(p.body).bind(p.url).bind(p.published_at).bind(p.created_at)
        .fetch_one(db).await)?)
}

/// Every version, newest first.
pub async fn policies(conn: &mut Conn) -> Result<Vec<PolicyRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", POLICY_COLS,
        " FROM privacy_policies ORDER BY published_at DESC, id DESC"))
        .fetch_all(db).await)?)
}

/// The version in force at `now`: the newest already published.
pub async fn current_policy(conn: &mut Conn, now: DateTime<Utc>) -> Result<Option<PolicyRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", POLICY_COLS,
        " FROM privacy_policies WHERE published_at <= $1 ORDER BY published_at DESC, id DESC LIMIT 1"))
        .bind(now).fetch_optional(db).await)?)
}

/// The id of the version in force at `now` when the user has not accepted
/// it yet; one statement, as every portal page asks it.
pub async fn unaccepted_policy(conn: &mut Conn, user_id: i64, now: DateTime<Utc>) -> Result<Option<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "SELECT p.id FROM privacy_policies p
         WHERE p.id = (SELECT c.id FROM privacy_policies c WHERE c.published_at <= $2
                       ORDER BY c.published_at DESC, c.id DESC LIMIT 1)
           AND NOT EXISTS (SELECT 1 FROM privacy_acceptances a WHERE a.policy_id = p.id AND a.client_user_id = $1)")
        .bind(user_id).bind(now).fetch_optional(db).await)?)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AcceptanceRow {
    pub policy_id: i64,
    pub version: String,
    pub accepted_at: DateTime<Utc>,
    pub source_ip: Option<String>,
}

/// Records the acceptance; accepting the same version again changes nothing.
pub async fn accept_policy(
    conn: &mut Conn,
    user_id: i64,
    client_id: i64,
    policy_id: i64,
    at: DateTime<Utc>,
    source_ip: Option<&str>,
) -> Result<bool> {
    let n = exec_db!(conn, db => sqlx::query(
        "INSERT INTO privacy_acceptances (client_user_id, policy_id, client_id, accepted_at, source_ip)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (client_user_id, policy_id) DO NOTHING")
        .bind(user_id).bind(policy_id).bind(client_id).bind(at).bind(source_ip).execute(db).await)?;
    Ok(n == 1)
}

/// The versions the user accepted, newest first.
pub async fn acceptances(conn: &mut Conn, user_id: i64) -> Result<Vec<AcceptanceRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT a.policy_id, p.version, a.accepted_at, a.source_ip FROM privacy_acceptances a
         JOIN privacy_policies p ON p.id = a.policy_id WHERE a.client_user_id = $1 ORDER BY a.accepted_at DESC, a.policy_id DESC")
        .bind(user_id).fetch_all(db).await)?)
}

/// ACC-5: one page of what the user did (the audit records it is the actor
/// of), newest first.
pub async fn actions_of(conn: &mut Conn, user_id: i64, limit: i64, offset: i64) -> Result<Vec<AuditRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, at, actor_kind, actor_id, actor_label, source_ip, action, entity, entity_id, client_id, details
         FROM audit_log WHERE actor_kind = 'client_user' AND actor_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3")
        .bind(user_id).bind(limit).bind(offset).fetch_all(db).await)?)
}

pub async fn count_actions_of(conn: &mut Conn, user_id: i64) -> Result<i64> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE actor_kind = 'client_user' AND actor_id = $1")
        .bind(user_id).fetch_one(db).await)?)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExportRow {
    pub id: i64,
    pub client_id: i64,
    pub client_user_id: i64,
    pub requested_at: DateTime<Utc>,
    pub csv: Option<String>,
    pub downloaded_at: Option<DateTime<Utc>>,
}

pub async fn insert_export(conn: &mut Conn, client_id: i64, user_id: i64, at: DateTime<Utc>, csv: &str) -> Result<i64> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "INSERT INTO privacy_exports (client_id, client_user_id, requested_at, csv) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(client_id).bind(user_id).bind(at).bind(csv).fetch_one(db).await)?)
}

/// The user's exports, newest first, without their contents.
pub async fn exports_of(conn: &mut Conn, user_id: i64) -> Result<Vec<ExportRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, client_id, client_user_id, requested_at, NULL AS csv, downloaded_at
         FROM privacy_exports WHERE client_user_id = $1 ORDER BY id DESC")
        .bind(user_id).fetch_all(db).await)?)
}

/// Takes an export's contents out, once: the row keeps only when it was
/// downloaded. `None` when it is not the user's or was taken already; of
/// two takers at once only the one whose update lands gets it.
pub async fn take_export(conn: &mut Conn, id: i64, user_id: i64, at: DateTime<Utc>) -> Result<Option<String>> {
    let csv: Option<Option<String>> = on_db!(conn, db => sqlx::query_scalar(
        "SELECT csv FROM privacy_exports WHERE id = $1 AND client_user_id = $2 AND downloaded_at IS NULL")
        .bind(id).bind(user_id).fetch_optional(db).await)?;
    let Some(Some(csv)) = csv else { return Ok(None) };
    let n = exec_db!(conn, db => sqlx::query(
        "UPDATE privacy_exports SET downloaded_at = $3, csv = NULL
         WHERE id = $1 AND client_user_id = $2 AND downloaded_at IS NULL")
        .bind(id).bind(user_id).bind(at).execute(db).await)?;
    Ok((n == 1).then_some(csv))
}

pub async fn export(conn: &mut Conn, id: i64) -> Result<Option<ExportRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, client_id, client_user_id, requested_at, csv, downloaded_at FROM privacy_exports WHERE id = $1")
        .bind(id).fetch_optional(db).await)?)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RequestRow {
    pub id: i64,
    pub client_id: i64,
    pub client_user_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: PrivacyRequestKind,
    pub comment: String,
    #[sqlx(try_from = "String")]
    pub status: PrivacyRequestStatus,
    pub filed_at: DateTime<Utc>,
    pub due_on: NaiveDate,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
}

const REQUEST_COLS: &str =
    "id, client_id, client_user_id, kind, comment, status, filed_at, due_on, decided_at, decided_by, reason";

pub struct NewRequest<'a> {
    pub client_id: i64,
    pub user_id: i64,
    pub kind: PrivacyRequestKind,
    pub comment: &'a str,
    pub filed_at: DateTime<Utc>,
    pub due_on: NaiveDate,
}

pub async fn insert_request(conn: &mut Conn, r: &NewRequest<'_>) -> Result<RequestRow> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(
        "INSERT INTO privacy_requests (client_id, client_user_id, kind, comment, status, filed_at, due_on)
         VALUES ($1, $2, $3, $4, 'open', $5, $6) RETURNING ", REQUEST_COLS))
        .bind(r.client_id).bind(r.user_id).bind(r.kind.as_str()).bind(r.comment).bind(r.filed_at).bind(r.due_on)
        .fetch_one(db).await)?)
}

pub async fn request(conn: &mut Conn, id: i64) -> Result<Option<RequestRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", REQUEST_COLS, " FROM privacy_requests WHERE id = $1"))
        .bind(id).fetch_optional(db).await)?)
}

pub async fn requests_of(conn: &mut Conn, user_id: i64) -> Result<Vec<RequestRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", REQUEST_COLS,
        " FROM privacy_requests WHERE client_user_id = $1 ORDER BY id DESC"))
        .bind(user_id).fetch_all(db).await)?)
}

/// Every request in `status` (all when `None`), the nearest deadline first.
pub async fn requests(conn: &mut Conn, status: Option<PrivacyRequestStatus>) -> Result<Vec<RequestRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", REQUEST_COLS,
        " FROM privacy_requests WHERE ($1 IS NULL OR status = $1) ORDER BY due_on, id"))
        .bind(status.map(|s| s.as_str())).fetch_all(db).await)?)
}

/// Decides an open request; false when it was decided already.
pub async fn decide_request(
    conn: &mut Conn,
    id: i64,
    status: PrivacyRequestStatus,
    at: DateTime<Utc>,
    by: &str,
    reason: Option<&str>,
) -> Result<bool> {
    let n = exec_db!(conn, db => sqlx::query(
        "UPDATE privacy_requests SET status = $2, decided_at = $3, decided_by = $4, reason = $5
         WHERE id = $1 AND status = 'open'")
        .bind(id).bind(status.as_str()).bind(at).bind(by).bind(reason).execute(db).await)?;
    Ok(n == 1)
}

/// What replaces a deleted user's personal data.
pub struct Pseudonym<'a> {
    pub email: &'a str,
    pub full_name: &'a str,
    /// Not a password hash, so no password ever matches it.
    pub password_hash: &'a str,
}

/// Replaces the user's personal data with `p` and ends every way in: its
/// sessions and tokens go, it is disabled, its contacts, settings and
/// exports are cleared, and its name in the audit log becomes the
/// pseudonym (the records stay, tied to the same id).
pub async fn pseudonymise_client_user(conn: &mut Conn, id: i64, p: &Pseudonym<'_>) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE client_users SET email = $2, full_name = $3, password_hash = $4, phone = NULL, phone_verified = FALSE,
                enabled = FALSE, telegram = NULL, locale = NULL, timezone = NULL WHERE id = $1")
        .bind(id).bind(p.email).bind(p.full_name).bind(p.password_hash).execute(db).await)?;
    exec_db!(conn, db => sqlx::query("DELETE FROM sessions WHERE principal_kind = 'client_user' AND principal_id = $1")
        .bind(id).execute(db).await)?;
    exec_db!(conn, db => sqlx::query("DELETE FROM api_tokens WHERE principal_kind = 'client_user' AND principal_id = $1")
        .bind(id).execute(db).await)?;
    exec_db!(conn, db => sqlx::query("DELETE FROM notification_preferences WHERE client_user_id = $1")
        .bind(id).execute(db).await)?;
    exec_db!(conn, db => sqlx::query("UPDATE privacy_exports SET csv = NULL WHERE client_user_id = $1")
        .bind(id).execute(db).await)?;
    // Its second factor, its picture, and where its notifications went.
    for table in ["two_factor", "two_factor_recovery_codes", "login_tickets"] {
        let sql = format!("DELETE FROM {table} WHERE principal_kind = 'client_user' AND principal_id = $1");
        exec_db!(conn, db => sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(id).execute(db).await)?;
    }
    exec_db!(conn, db => sqlx::query("DELETE FROM user_avatars WHERE user_id = $1").bind(id).execute(db).await)?;
    exec_db!(conn, db => sqlx::query("DELETE FROM phone_codes WHERE client_user_id = $1").bind(id).execute(db).await)?;
    exec_db!(conn, db => sqlx::query("UPDATE notification_deliveries SET address = $2 WHERE client_user_id = $1")
        .bind(id).bind(p.email).execute(db).await)?;
    exec_db!(conn, db => sqlx::query(
        "UPDATE audit_log SET actor_label = $2 WHERE actor_kind = 'client_user' AND actor_id = $1")
        .bind(id).bind(p.email).execute(db).await)?;
    Ok(())
}
