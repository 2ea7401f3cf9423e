//! The runs of the night (OPS-5, CHG-1): one row per run, written when it
//! starts and completed when it ends, so a run a crash cut short stays
//! visible as unfinished.

use chrono::{DateTime, NaiveDate, Utc};

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NightRunRow {
    pub id: i64,
    pub night_date: NaiveDate,
    pub actor_label: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub duration_ms: Option<i64>,
    pub charges: i64,
    pub skipped: i64,
    pub summary: String,
    pub error: Option<String>,
}

/// A run begins; its id completes it.
pub async fn start(conn: &mut Conn, night_date: NaiveDate, actor_label: &str, started_at: DateTime<Utc>) -> Result<i64> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "INSERT INTO night_runs (night_date, actor_label, started_at) VALUES ($1, $2, $3) RETURNING id")
        .bind(night_date).bind(actor_label).bind(started_at).fetch_one(db).await)?)
}

/// What a finished run did; `error` when it stopped on one.
pub struct Finished<'a> {
    pub finished_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub charges: i64,
    pub skipped: i64,
    pub summary: &'a str,
    pub error: Option<&'a str>,
}

pub async fn finish(conn: &mut Conn, id: i64, f: &Finished<'_>) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE night_runs SET finished_at = $2, duration_ms = $3, charges = $4, skipped = $5, summary = $6, error = $7
         WHERE id = $1")
        .bind(id).bind(f.finished_at).bind(f.duration_ms).bind(f.charges).bind(f.skipped).bind(f.summary).bind(f.error)
        .execute(db).await)?;
    Ok(())
}

/// The newest runs first, `limit` of them with ids below `before`.
pub async fn recent(conn: &mut Conn, before: Option<i64>, limit: i64) -> Result<Vec<NightRunRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, night_date, actor_label, started_at, finished_at, duration_ms, charges, skipped, summary, error
         FROM night_runs WHERE ($1 IS NULL OR id < $1) ORDER BY id DESC LIMIT $2")
        .bind(before).bind(limit).fetch_all(db).await)?)
}
