//! ACC-2: the SMS codes that confirm a user's phone number (hashes only).
//! A try at a code is counted in one statement, so parallel guesses can't
//! exceed the limit; a code is used in one statement, so it works once.

use chrono::{DateTime, Utc};

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PhoneCodeRow {
    pub id: i64,
    pub client_user_id: i64,
    pub purpose: String,
    /// The number the code was sent to.
    pub sent_to: String,
    /// When changing a confirmed number: the number it becomes.
    pub new_phone: Option<String>,
    pub code_hash: String,
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy)]
pub struct NewPhoneCode<'a> {
    pub client_user_id: i64,
    pub purpose: &'a str,
    pub sent_to: &'a str,
    pub new_phone: Option<&'a str>,
    pub code_hash: &'a str,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Keeps a new code; the user's earlier open codes stop working.
pub async fn insert(conn: &mut Conn, c: &NewPhoneCode<'_>) -> Result<i64> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE phone_codes SET used_at = $2 WHERE client_user_id = $1 AND used_at IS NULL")
        .bind(c.client_user_id).bind(c.created_at).execute(db).await)?;
    let id: i64 = on_db!(conn, db => sqlx::query_scalar(
        "INSERT INTO phone_codes (client_user_id, purpose, sent_to, new_phone, code_hash, attempts, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, 0, $6, $7) RETURNING id")
        .bind(c.client_user_id).bind(c.purpose).bind(c.sent_to).bind(c.new_phone).bind(c.code_hash)
        .bind(c.created_at).bind(c.expires_at).fetch_one(db).await)?;
    Ok(id)
}

/// The user's newest code, used or not.
pub async fn latest(conn: &mut Conn, client_user_id: i64) -> Result<Option<PhoneCodeRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, client_user_id, purpose, sent_to, new_phone, code_hash, attempts, created_at, expires_at, used_at
         FROM phone_codes WHERE client_user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1")
        .bind(client_user_id).fetch_optional(db).await)?)
}

/// How many codes the user asked for since `since`.
pub async fn count_since(conn: &mut Conn, client_user_id: i64, since: DateTime<Utc>) -> Result<i64> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "SELECT COUNT(*) FROM phone_codes WHERE client_user_id = $1 AND created_at >= $2")
        .bind(client_user_id).bind(since).fetch_one(db).await)?)
}

/// Counts one try at the open code `id`; `false` when it is used or its
/// tries ran out (`max`).
pub async fn spend_try(conn: &mut Conn, id: i64, max: i64) -> Result<bool> {
    let n = exec_db!(conn, db => sqlx::query(
        "UPDATE phone_codes SET attempts = attempts + 1 WHERE id = $1 AND used_at IS NULL AND attempts < $2")
        .bind(id).bind(max).execute(db).await)?;
    Ok(n == 1)
}

/// Uses the code; `false` when it was used already.
pub async fn mark_used(conn: &mut Conn, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let n = exec_db!(conn, db => sqlx::query("UPDATE phone_codes SET used_at = $2 WHERE id = $1 AND used_at IS NULL")
        .bind(id).bind(now).execute(db).await)?;
    Ok(n == 1)
}

/// Sets the user's number and whether it is confirmed.
pub async fn set_phone(conn: &mut Conn, client_user_id: i64, phone: Option<&str>, verified: bool) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE client_users SET phone = $2, phone_verified = $3 WHERE id = $1")
        .bind(client_user_id).bind(phone).bind(verified).execute(db).await)?;
    Ok(())
}
