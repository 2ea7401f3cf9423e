//! Client accounts (ACC-1). The balance column is a cache of the sum of the
//! client's ledger entries, changed only with those entries.

use chrono::{DateTime, Utc};

use kopek_domain::account::ClientState;

use crate::{Backend, Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClientRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub country: String,
    pub currency: String,
    pub balance: i64,
    pub credit_limit: i64,
    pub disconnect_threshold: i64,
    #[sqlx(try_from = "String")]
    pub state: ClientState,
    pub created_at: DateTime<Utc>,
    /// CHG-3: the client's discount (positive) or markup (negative), in
    /// ten-thousandths of a percent.
    pub loyalty_percent: i64,
    /// CRD-2: the credit limit is blocked until the overdue invoice is paid.
    pub credit_blocked: bool,
}

impl ClientRow {
    /// What may be spent below zero now: nothing while the limit is blocked.
    pub fn usable_credit(&self) -> i64 {
        if self.credit_blocked { 0 } else { self.credit_limit }
    }
}

pub struct NewClient<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub country: &'a str,
    pub currency: &'a str,
    pub credit_limit: i64,
    pub disconnect_threshold: i64,
    pub state: ClientState,
    pub created_at: DateTime<Utc>,
}

pub async fn insert(conn: &mut Conn, c: &NewClient<'_>) -> Result<ClientRow> {
    let row = on_db!(conn, db => sqlx::query_as(
        "INSERT INTO clients (code, name, country, currency, credit_limit, disconnect_threshold, state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING id, code, name, country, currency, balance, credit_limit, disconnect_threshold, state, created_at, loyalty_percent, credit_blocked")
        .bind(c.code).bind(c.name).bind(c.country).bind(c.currency)
        .bind(c.credit_limit).bind(c.disconnect_threshold).bind(c.state.as_str()).bind(c.created_at)
        .fetch_one(db).await)?;
    Ok(row)
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<ClientRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, code, name, country, currency, balance, credit_limit, disconnect_threshold, state, created_at, loyalty_percent, credit_blocked
         FROM clients WHERE id = $1")
        .bind(id).fetch_optional(db).await)?)
}

/// Reads the client and, on PostgreSQL, locks its row until the transaction
/// ends: every money movement of one client goes through this lock, so two
/// concurrent movements never read the same balance. SQLite's
/// `BEGIN IMMEDIATE` already serialises writers.
pub async fn lock(conn: &mut Conn, id: i64) -> Result<Option<ClientRow>> {
    match conn.backend() {
        Backend::Postgres => Ok(on_db!(conn, db => sqlx::query_as(
            "SELECT id, code, name, country, currency, balance, credit_limit, disconnect_threshold, state, created_at, loyalty_percent, credit_blocked
             FROM clients WHERE id = $1 FOR UPDATE")
            .bind(id).fetch_optional(db).await)?),
        Backend::Sqlite => get(conn, id).await,
    }
}

pub async fn code_taken(conn: &mut Conn, code: &str) -> Result<bool> {
    let n: i64 = on_db!(conn, db => sqlx::query_scalar("SELECT COUNT(*) FROM clients WHERE code = $1")
        .bind(code).fetch_one(db).await)?;
    Ok(n > 0)
}

/// Clients in id order, a page at a time; `only` narrows to one client.
pub async fn list(conn: &mut Conn, only: Option<i64>, after_id: i64, limit: i64) -> Result<Vec<ClientRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, code, name, country, currency, balance, credit_limit, disconnect_threshold, state, created_at, loyalty_percent, credit_blocked
         FROM clients WHERE ($1 IS NULL OR id = $1) AND id > $2 ORDER BY id LIMIT $3")
        .bind(only).bind(after_id).bind(limit).fetch_all(db).await)?)
}

pub async fn count(conn: &mut Conn) -> Result<i64> {
    Ok(on_db!(conn, db => sqlx::query_scalar("SELECT COUNT(*) FROM clients").fetch_one(db).await)?)
}

/// Moves the cached balance by `delta` and returns the new balance.
pub async fn add_to_balance(conn: &mut Conn, id: i64, delta: i64) -> Result<i64> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "UPDATE clients SET balance = balance + $2 WHERE id = $1 RETURNING balance")
        .bind(id).bind(delta).fetch_one(db).await)?)
}

pub async fn set_limits(conn: &mut Conn, id: i64, credit_limit: i64, threshold: i64) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE clients SET credit_limit = $2, disconnect_threshold = $3 WHERE id = $1")
        .bind(id).bind(credit_limit).bind(threshold).execute(db).await)?;
    Ok(())
}

pub async fn set_state(conn: &mut Conn, id: i64, state: ClientState) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE clients SET state = $2 WHERE id = $1")
        .bind(id).bind(state.as_str()).execute(db).await)?;
    Ok(())
}

pub async fn set_loyalty(conn: &mut Conn, id: i64, percent: i64) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE clients SET loyalty_percent = $2 WHERE id = $1")
        .bind(id).bind(percent).execute(db).await)?;
    Ok(())
}

/// CRD-2, CRD-4: blocks or unblocks the client's credit limit.
pub async fn set_credit_blocked(conn: &mut Conn, id: i64, blocked: bool) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE clients SET credit_blocked = $2 WHERE id = $1")
        .bind(id).bind(blocked).execute(db).await)?;
    Ok(())
}

/// OPS-5: what a staff search looks for. The patterns are LIKE patterns
/// with `\` escaping; `lower_pattern` is lower-cased, for the letters
/// `LOWER()` folds (SQLite folds only Latin ones, so a Cyrillic name is
/// also matched as typed, by `pattern`).
pub struct Search {
    pub pattern: String,
    pub lower_pattern: String,
    /// The digits of an INN or a phone number, when the query could be one.
    pub digits: Option<String>,
}

/// Clients matching `s` by code, name, a user's e-mail or phone, or a
/// payer's INN, in id order after `after_id`.
pub async fn search(conn: &mut Conn, s: &Search, after_id: i64, limit: i64) -> Result<Vec<ClientRow>> {
    let phone = s.digits.as_ref().map(|d| format!("%{d}%"));
    // Payers' details are stored as compact JSON: an INN is `"inn":"…"`.
    let inn = s.digits.as_ref().map(|d| format!("%\"inn\":\"{d}%"));
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, code, name, country, currency, balance, credit_limit, disconnect_threshold, state, created_at, loyalty_percent, credit_blocked
         FROM clients WHERE id > $1 AND (
             code LIKE $2 ESCAPE '\\' OR LOWER(code) LIKE $3 ESCAPE '\\'
             OR name LIKE $2 ESCAPE '\\' OR LOWER(name) LIKE $3 ESCAPE '\\'
             OR id IN (SELECT client_id FROM client_users
                       WHERE LOWER(email) LIKE $3 ESCAPE '\\' OR ($4 IS NOT NULL AND phone LIKE $4))
             OR ($5 IS NOT NULL AND id IN (SELECT client_id FROM payers WHERE deleted_at IS NULL AND details LIKE $5)))
         ORDER BY id LIMIT $6")
        .bind(after_id).bind(&s.pattern).bind(&s.lower_pattern).bind(phone.as_deref()).bind(inn.as_deref()).bind(limit)
        .fetch_all(db).await)?)
}
