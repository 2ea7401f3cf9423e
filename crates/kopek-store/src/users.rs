//! Logins: a client's users (ACC-2), staff users (ACC-4), API tokens and
//! portal sessions (SEC-1). Secrets are stored only as hashes.

use chrono::{DateTime, Utc};

use kopek_domain::account::{Rights, StaffRole};

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClientUserRow {
    pub id: i64,
    pub client_id: i64,
    pub email: String,
    pub full_name: String,
    pub password_hash: String,
    pub phone: Option<String>,
    pub phone_verified: bool,
    pub is_owner: bool,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    /// ACC-3: every right, whatever `rights` says (the owner always).
    pub full_access: bool,
    #[sqlx(try_from = "String")]
    pub rights: Rights,
    /// ACC-5: the user's language, when chosen.
    pub locale: Option<String>,
    pub timezone: Option<String>,
}

impl ClientUserRow {
    /// What the user may do in the portal and the API.
    pub fn effective_rights(&self) -> Rights {
        if self.is_owner || self.full_access { Rights::ALL } else { self.rights }
    }
}

const CLIENT_USER_COLS: &str = "id, client_id, email, full_name, password_hash, phone, phone_verified, is_owner, enabled,
    created_at, full_access, rights, locale, timezone";

macro_rules! sql {
    ($($part:expr),+ $(,)?) => { sqlx::AssertSqlSafe([$($part),+].concat()) };
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StaffUserRow {
    pub id: i64,
    pub email: String,
    pub full_name: String,
    pub password_hash: String,
    #[sqlx(try_from = "String")]
    pub role: StaffRole,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
}

/// Who a token or session belongs to, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PrincipalRef {
    pub principal_kind: String,
    pub principal_id: i64,
}

pub struct NewClientUser<'a> {
    pub client_id: i64,
    pub email: &'a str,
    pub full_name: &'a str,
    pub password_hash: &'a str,
    pub phone: Option<&'a str>,
    pub is_owner: bool,
    pub full_access: bool,
    pub rights: Rights,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_client_user(conn: &mut Conn, u: &NewClientUser<'_>) -> Result<ClientUserRow> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "INSERT INTO client_users (client_id, email, full_name, password_hash, phone, is_owner, created_at, full_access, rights)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING id, client_id, email, full_name, password_hash, phone, phone_verified, is_owner, enabled,
                   created_at, full_access, rights, locale, timezone")
        .bind(u.client_id).bind(u.email).bind(u.full_name).bind(u.password_hash)
        .bind(u.phone).bind(u.is_owner).bind(u.created_at).bind(u.full_access).bind(u.rights.stored())
        .fetch_one(db).await)?)
}

pub async fn client_user_by_email(conn: &mut Conn, email: &str) -> Result<Option<ClientUserRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", CLIENT_USER_COLS, " FROM client_users WHERE email = $1"))
        .bind(email).fetch_optional(db).await)?)
}

pub async fn client_user(conn: &mut Conn, id: i64) -> Result<Option<ClientUserRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", CLIENT_USER_COLS, " FROM client_users WHERE id = $1"))
        .bind(id).fetch_optional(db).await)?)
}

pub async fn client_users_of(conn: &mut Conn, client_id: i64) -> Result<Vec<ClientUserRow>> {
    Ok(
        on_db!(conn, db => sqlx::query_as(sql!("SELECT ", CLIENT_USER_COLS, " FROM client_users WHERE client_id = $1 ORDER BY id"))
        .bind(client_id).fetch_all(db).await)?,
    )
}

pub struct NewStaffUser<'a> {
    pub email: &'a str,
    pub full_name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_staff_user(conn: &mut Conn, u: &NewStaffUser<'_>) -> Result<StaffUserRow> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "INSERT INTO staff_users (email, full_name, password_hash, role, created_at)
         VALUES ($1, $2, $3, $4, $5)
         RETURNING id, email, full_name, password_hash, role, enabled, created_at")
        .bind(u.email).bind(u.full_name).bind(u.password_hash).bind(u.role).bind(u.created_at)
        .fetch_one(db).await)?)
}

pub async fn staff_user_by_email(conn: &mut Conn, email: &str) -> Result<Option<StaffUserRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, email, full_name, password_hash, role, enabled, created_at
         FROM staff_users WHERE email = $1")
        .bind(email).fetch_optional(db).await)?)
}

pub async fn staff_user(conn: &mut Conn, id: i64) -> Result<Option<StaffUserRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, email, full_name, password_hash, role, enabled, created_at
         FROM staff_users WHERE id = $1")
        .bind(id).fetch_optional(db).await)?)
}

pub async fn insert_token(
    conn: &mut Conn,
    token_hash: &str,
    principal: &PrincipalRef,
    label: &str,
    at: DateTime<Utc>,
) -> Result<i64> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "INSERT INTO api_tokens (token_hash, principal_kind, principal_id, label, created_at, client_id)
         VALUES ($1, $2, $3, $4, $5, (SELECT client_id FROM client_users WHERE $2 = 'client_user' AND id = $3))
         RETURNING id")
        .bind(token_hash).bind(&principal.principal_kind).bind(principal.principal_id).bind(label).bind(at)
        .fetch_one(db).await)?)
}

pub async fn token_principal(conn: &mut Conn, token_hash: &str) -> Result<Option<PrincipalRef>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT principal_kind, principal_id FROM api_tokens WHERE token_hash = $1")
        .bind(token_hash).fetch_optional(db).await)?)
}

pub async fn insert_session(
    conn: &mut Conn,
    token_hash: &str,
    principal: &PrincipalRef,
    at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    insert_acting_session(conn, token_hash, principal, None, at, expires_at).await
}

/// A session of `principal` that the staff member `acting_staff_id`, when
/// given, works in on the principal's behalf.
pub async fn insert_acting_session(
    conn: &mut Conn,
    token_hash: &str,
    principal: &PrincipalRef,
    acting_staff_id: Option<i64>,
    at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO sessions (token_hash, principal_kind, principal_id, acting_staff_id, created_at, expires_at, client_id)
         VALUES ($1, $2, $3, $4, $5, $6, (SELECT client_id FROM client_users WHERE $2 = 'client_user' AND id = $3))")
        .bind(token_hash).bind(&principal.principal_kind).bind(principal.principal_id).bind(acting_staff_id)
        .bind(at).bind(expires_at)
        .execute(db).await)?;
    Ok(())
}

/// A live session: whose it is, and the staff member acting in it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub principal_kind: String,
    pub principal_id: i64,
    pub acting_staff_id: Option<i64>,
}

pub async fn session_principal(conn: &mut Conn, token_hash: &str, now: DateTime<Utc>) -> Result<Option<SessionRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT principal_kind, principal_id, acting_staff_id FROM sessions WHERE token_hash = $1 AND expires_at > $2")
        .bind(token_hash).bind(now).fetch_optional(db).await)?)
}

pub async fn delete_session(conn: &mut Conn, token_hash: &str) -> Result<()> {
    exec_db!(conn, db => sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash).execute(db).await)?;
    Ok(())
}

/// Removes sessions that ended before `now`; returns how many.
pub async fn delete_expired_sessions(conn: &mut Conn, now: DateTime<Utc>) -> Result<u64> {
    Ok(exec_db!(conn, db => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(db).await)?)
}

/// ACC-3: what a client may change about one of its users.
pub struct ClientUserChanges<'a> {
    pub full_name: &'a str,
    pub phone: Option<&'a str>,
    pub phone_verified: bool,
    pub full_access: bool,
    pub rights: Rights,
}

pub async fn update_client_user(conn: &mut Conn, id: i64, c: &ClientUserChanges<'_>) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE client_users SET full_name = $2, phone = $3, phone_verified = $4, full_access = $5, rights = $6 WHERE id = $1")
        .bind(id).bind(c.full_name).bind(c.phone).bind(c.phone_verified).bind(c.full_access).bind(c.rights.stored())
        .execute(db).await)?;
    Ok(())
}

pub async fn set_client_user_enabled(conn: &mut Conn, id: i64, enabled: bool) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE client_users SET enabled = $2 WHERE id = $1")
        .bind(id).bind(enabled).execute(db).await)?;
    Ok(())
}

pub async fn set_client_user_password(conn: &mut Conn, id: i64, password_hash: &str) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE client_users SET password_hash = $2 WHERE id = $1")
        .bind(id).bind(password_hash).execute(db).await)?;
    Ok(())
}

/// Removes a client's user with its preferences, sessions and API tokens,
/// so nothing it left behind still opens the portal.
pub async fn delete_client_user(conn: &mut Conn, id: i64) -> Result<()> {
    exec_db!(conn, db => sqlx::query("DELETE FROM notification_preferences WHERE client_user_id = $1")
        .bind(id).execute(db).await)?;
    exec_db!(conn, db => sqlx::query("DELETE FROM sessions WHERE principal_kind = 'client_user' AND principal_id = $1")
        .bind(id).execute(db).await)?;
    exec_db!(conn, db => sqlx::query("DELETE FROM api_tokens WHERE principal_kind = 'client_user' AND principal_id = $1")
        .bind(id).execute(db).await)?;
    exec_db!(conn, db => sqlx::query("DELETE FROM client_users WHERE id = $1").bind(id).execute(db).await)?;
    Ok(())
}

/// ACC-5: a user's own settings; `None` means "not chosen".
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserSettingsRow {
    pub locale: Option<String>,
    pub timezone: Option<String>,
    pub telegram: Option<String>,
}

pub async fn user_settings(conn: &mut Conn, id: i64) -> Result<Option<UserSettingsRow>> {
    Ok(on_db!(conn, db => sqlx::query_as("SELECT locale, timezone, telegram FROM client_users WHERE id = $1")
        .bind(id).fetch_optional(db).await)?)
}

pub async fn set_user_settings(conn: &mut Conn, id: i64, s: &UserSettingsRow) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE client_users SET locale = $2, timezone = $3, telegram = $4 WHERE id = $1")
        .bind(id).bind(&s.locale).bind(&s.timezone).bind(&s.telegram).execute(db).await)?;
    Ok(())
}

/// NTF-2: one stored choice of category × channel.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NotificationPreferenceRow {
    pub category: String,
    pub channel: String,
    pub enabled: bool,
}

pub async fn notification_preferences(conn: &mut Conn, user_id: i64) -> Result<Vec<NotificationPreferenceRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT category, channel, enabled FROM notification_preferences WHERE client_user_id = $1 ORDER BY category, channel")
        .bind(user_id).fetch_all(db).await)?)
}

pub async fn set_notification_preference(conn: &mut Conn, user_id: i64, p: &NotificationPreferenceRow) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO notification_preferences (client_user_id, category, channel, enabled, client_id)
         VALUES ($1, $2, $3, $4, (SELECT client_id FROM client_users WHERE id = $1))
         ON CONFLICT (client_user_id, category, channel) DO UPDATE SET enabled = excluded.enabled")
        .bind(user_id).bind(&p.category).bind(&p.channel).bind(p.enabled).execute(db).await)?;
    Ok(())
}

/// Every staff user, by email.
pub async fn staff_users(conn: &mut Conn) -> Result<Vec<StaffUserRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, email, full_name, password_hash, role, enabled, created_at FROM staff_users ORDER BY email")
        .fetch_all(db).await)?)
}

/// Admins who may still log in.
pub async fn enabled_admins(conn: &mut Conn) -> Result<i64> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "SELECT COUNT(*) FROM staff_users WHERE role = 'admin' AND enabled")
        .fetch_one(db).await)?)
}

pub async fn set_staff_role_and_enabled(conn: &mut Conn, id: i64, role: &str, enabled: bool) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE staff_users SET role = $2, enabled = $3 WHERE id = $1")
        .bind(id).bind(role).bind(enabled).execute(db).await)?;
    Ok(())
}

/// An API token as listed: never its secret, which is not kept.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub principal_kind: String,
    pub principal_id: i64,
    pub label: String,
    pub created_at: DateTime<Utc>,
    /// The login's e-mail.
    pub email: String,
}

/// The tokens of staff logins, newest first; of one login when given.
pub async fn staff_tokens(conn: &mut Conn, staff_id: Option<i64>) -> Result<Vec<TokenRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT t.id, t.principal_kind, t.principal_id, t.label, t.created_at, s.email
         FROM api_tokens t JOIN staff_users s ON s.id = t.principal_id
         WHERE t.principal_kind = 'staff' AND ($1 IS NULL OR t.principal_id = $1)
         ORDER BY t.id DESC")
        .bind(staff_id).fetch_all(db).await)?)
}

pub async fn token(conn: &mut Conn, id: i64) -> Result<Option<PrincipalRef>> {
    Ok(on_db!(conn, db => sqlx::query_as("SELECT principal_kind, principal_id FROM api_tokens WHERE id = $1")
        .bind(id).fetch_optional(db).await)?)
}

pub async fn delete_token(conn: &mut Conn, id: i64) -> Result<()> {
    exec_db!(conn, db => sqlx::query("DELETE FROM api_tokens WHERE id = $1").bind(id).execute(db).await)?;
    Ok(())
}
