//! Idempotency keys of API writes: the first request with a key stores its
//! answer in the same transaction as its effect; a repeat replays it.

use chrono::{DateTime, Utc};

use crate::{Conn, Result, exec_db, on_db};

/// What a key already holds when a request claims it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new and now belongs to this transaction.
    Fresh,
    /// The key was used before, for a request with this hash and answer.
    Used { request_hash: String, response: Option<String> },
}

/// Claims `key` for this transaction. On PostgreSQL a concurrent request
/// with the same key waits here until the first one commits or rolls back.
pub async fn claim(conn: &mut Conn, scope: &str, key: &str, request_hash: &str, now: DateTime<Utc>) -> Result<Claim> {
    let inserted: Option<String> = on_db!(conn, db => sqlx::query_scalar(
        "INSERT INTO idempotency_keys (scope, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (scope, key) DO NOTHING RETURNING key")
        .bind(scope).bind(key).bind(request_hash).bind(now).fetch_optional(db).await)?;
    if inserted.is_some() {
        return Ok(Claim::Fresh);
    }
    let (request_hash, response): (String, Option<String>) = on_db!(conn, db => sqlx::query_as(
        "SELECT request_hash, response FROM idempotency_keys WHERE scope = $1 AND key = $2")
        .bind(scope).bind(key).fetch_one(db).await)?;
    Ok(Claim::Used { request_hash, response })
}

pub async fn store_response(conn: &mut Conn, scope: &str, key: &str, response: &str) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE idempotency_keys SET response = $3 WHERE scope = $1 AND key = $2")
        .bind(scope).bind(key).bind(response).execute(db).await)?;
    Ok(())
}

/// Forgets keys older than `before`; a retry after that is a new request.
pub async fn delete_older_than(conn: &mut Conn, before: DateTime<Utc>) -> Result<u64> {
    Ok(exec_db!(conn, db => sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1").bind(before).execute(db).await)?)
}
