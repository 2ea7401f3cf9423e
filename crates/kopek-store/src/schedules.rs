//! Durable schedules: each recurring job is a row with its next due time.
//! A process fires a due schedule by moving `next_run_at` forward with a
//! compare-and-set on `version`; only one process can win a given round, so
//! several `kopek serve` processes on one database never fire it twice.

use chrono::{DateTime, Utc};

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ScheduleRow {
    pub name: String,
    pub topic: String,
    pub recurrence: String,
    pub next_run_at: DateTime<Utc>,
    pub last_run_at: Option<DateTime<Utc>>,
    pub enabled: bool,
    pub version: i64,
}

/// Creates the schedule unless it exists; an existing one keeps its state.
pub async fn ensure(conn: &mut Conn, name: &str, topic: &str, recurrence: &str, first_run_at: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO schedules (name, topic, recurrence, next_run_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO NOTHING")
        .bind(name).bind(topic).bind(recurrence).bind(first_run_at).execute(db).await)?;
    Ok(())
}

pub async fn due(conn: &mut Conn, now: DateTime<Utc>) -> Result<Vec<ScheduleRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT name, topic, recurrence, next_run_at, last_run_at, enabled, version FROM schedules
         WHERE enabled AND next_run_at <= $1 ORDER BY next_run_at, name")
        .bind(now).fetch_all(db).await)?)
}

pub async fn all(conn: &mut Conn) -> Result<Vec<ScheduleRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT name, topic, recurrence, next_run_at, last_run_at, enabled, version FROM schedules ORDER BY name")
        .fetch_all(db).await)?)
}

/// Moves a schedule to its next round if nobody else did since it was read.
pub async fn advance(
    conn: &mut Conn,
    name: &str,
    seen_version: i64,
    fired_at: DateTime<Utc>,
    next_run_at: DateTime<Utc>,
) -> Result<bool> {
    let res = exec_db!(conn, db => sqlx::query(
        "UPDATE schedules SET next_run_at = $3, last_run_at = $4, version = version + 1
         WHERE name = $1 AND version = $2")
        .bind(name).bind(seen_version).bind(next_run_at).bind(fired_at).execute(db).await)?;
    Ok(res == 1)
}
