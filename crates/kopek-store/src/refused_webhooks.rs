//! Webhooks no gateway vouched for (SEC-1): a short log, cut to its latest
//! rows on every write, for staff to see who knocks and why they were
//! turned away.

use chrono::{DateTime, Utc};

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RefusedRow {
    pub id: i64,
    pub gateway: String,
    pub source: Option<String>,
    pub reason: String,
    pub received_at: DateTime<Utc>,
}

/// Records one refused delivery and forgets all but the latest `keep`.
pub async fn record(
    conn: &mut Conn,
    gateway: &str,
    source: Option<&str>,
    reason: &str,
    now: DateTime<Utc>,
    keep: i64,
) -> Result<()> {
    let id: i64 = on_db!(conn, db => sqlx::query_scalar(
        "INSERT INTO refused_webhooks (gateway, source, reason, received_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(gateway).bind(source).bind(reason).bind(now).fetch_one(db).await)?;
    exec_db!(conn, db => sqlx::query("DELETE FROM refused_webhooks WHERE id <= $1")
        .bind(id - keep).execute(db).await)?;
    Ok(())
}

/// The latest refused deliveries, newest first.
pub async fn latest(conn: &mut Conn, limit: i64) -> Result<Vec<RefusedRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, gateway, source, reason, received_at FROM refused_webhooks ORDER BY id DESC LIMIT $1")
        .bind(limit).fetch_all(db).await)?)
}
