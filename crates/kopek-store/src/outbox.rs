//! The transactional outbox: messages written in the same transaction as
//! the change that caused them, then handed to workers with a lease. A
//! worker that dies loses its lease and another takes the message over; a
//! failed message comes back after a backoff until its attempts run out.

use chrono::{DateTime, Utc};

use crate::{Backend, Conn, DbRef, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub topic: String,
    pub payload: String,
    pub dedup_key: Option<String>,
    pub status: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub available_at: DateTime<Utc>,
    pub locked_by: Option<String>,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
}

pub const PENDING: &str = "pending";
pub const DONE: &str = "done";
pub const DEAD: &str = "dead";

pub struct NewMessage<'a> {
    pub topic: &'a str,
    pub payload: &'a str,
    pub dedup_key: Option<&'a str>,
    pub max_attempts: i64,
    pub available_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// Queues a message; with a dedup key already queued it does nothing and
/// returns `None`.
pub async fn enqueue(conn: &mut Conn, m: &NewMessage<'_>) -> Result<Option<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "INSERT INTO outbox (topic, payload, dedup_key, status, max_attempts, available_at, created_at)
         VALUES ($1, $2, $3, 'pending', $4, $5, $6) ON CONFLICT (dedup_key) DO NOTHING RETURNING id")
        .bind(m.topic).bind(m.payload).bind(m.dedup_key).bind(m.max_attempts)
        .bind(m.available_at).bind(m.created_at)
        .fetch_optional(db).await)?)
}

/// Queues many messages in one statement; those whose dedup key is
/// already queued are left out. Returns how many were queued.
pub async fn enqueue_many(conn: &mut Conn, messages: &[NewMessage<'_>]) -> Result<u64> {
    if messages.is_empty() {
        return Ok(0);
    }
    Ok(match conn.db() {
        DbRef::Pg(db) => {
            let topics: Vec<&str> = messages.iter().map(|m| m.topic).collect();
            let payloads: Vec<&str> = messages.iter().map(|m| m.payload).collect();
            let keys: Vec<Option<&str>> = messages.iter().map(|m| m.dedup_key).collect();
            let attempts: Vec<i64> = messages.iter().map(|m| m.max_attempts).collect();
            let available: Vec<DateTime<Utc>> = messages.iter().map(|m| m.available_at).collect();
            let created: Vec<DateTime<Utc>> = messages.iter().map(|m| m.created_at).collect();
            sqlx::query(
                "INSERT INTO outbox (topic, payload, dedup_key, status, max_attempts, available_at, created_at)
                 SELECT t, p, k, 'pending', m, a, c
                   FROM UNNEST($1::TEXT[], $2::TEXT[], $3::TEXT[], $4::BIGINT[], $5::TIMESTAMPTZ[], $6::TIMESTAMPTZ[])
                        WITH ORDINALITY AS x(t, p, k, m, a, c, n)
                  ORDER BY n
                 ON CONFLICT (dedup_key) DO NOTHING",
            )
            .bind(topics)
            .bind(payloads)
            .bind(keys)
            .bind(attempts)
            .bind(available)
            .bind(created)
            .execute(db)
            .await?
            .rows_affected()
        }
        DbRef::Sqlite(db) => {
            // The times go as sqlx writes them, so the worker's text
            // comparisons of `available_at` keep holding.
            let data: Vec<serde_json::Value> = messages
                .iter()
                .map(|m| {
                    serde_json::json!([
                        m.topic,
                        m.payload,
                        m.dedup_key,
                        m.max_attempts,
                        crate::bulk::ts(m.available_at),
                        crate::bulk::ts(m.created_at)
                    ])
                })
                .collect();
            sqlx::query(
                "INSERT INTO outbox (topic, payload, dedup_key, status, max_attempts, available_at, created_at)
                 SELECT value ->> 0, value ->> 1, value ->> 2, 'pending', value ->> 3, value ->> 4, value ->> 5
                   FROM json_each($1) WHERE true ORDER BY key
                 ON CONFLICT (dedup_key) DO NOTHING",
            )
            .bind(serde_json::Value::Array(data).to_string())
            .execute(db)
            .await?
            .rows_affected()
        }
    })
}

/// Leases up to `limit` due messages of the given topics to `worker` until `lease_until`, and
/// counts the attempt. On PostgreSQL concurrent workers skip each other's
/// rows; on SQLite the single statement is atomic.
pub async fn claim(
    conn: &mut Conn,
    worker: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
    topics: &[String],
) -> Result<Vec<OutboxRow>> {
    let sql = match conn.backend() {
        Backend::Postgres => {
            "UPDATE outbox SET locked_by = $1, locked_until = $3, attempts = attempts + 1
             WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND available_at <= $2
                          AND (locked_until IS NULL OR locked_until < $2) AND topic = ANY($5)
                          ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED)
             RETURNING id, topic, payload, dedup_key, status, attempts, max_attempts, available_at,
                       locked_by, locked_until, last_error, created_at, done_at"
        }
        Backend::Sqlite => {
            "UPDATE outbox SET locked_by = $1, locked_until = $3, attempts = attempts + 1
             WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND available_at <= $2
                          AND (locked_until IS NULL OR locked_until < $2)
                          AND topic IN (SELECT value FROM json_each($5))
                          ORDER BY id LIMIT $4)
             RETURNING id, topic, payload, dedup_key, status, attempts, max_attempts, available_at,
                       locked_by, locked_until, last_error, created_at, done_at"
        }
    };
    let mut rows: Vec<OutboxRow> = match conn.db() {
        DbRef::Pg(db) => {
            sqlx::query_as(sql).bind(worker).bind(now).bind(lease_until).bind(limit).bind(topics).fetch_all(db).await?
        }
        DbRef::Sqlite(db) => {
            sqlx::query_as(sql)
                .bind(worker)
                .bind(now)
                .bind(lease_until)
                .bind(limit)
                .bind(serde_json::to_string(topics).expect("topics serialise"))
                .fetch_all(db)
                .await?
        }
    };
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// Marks a leased message done. False when the lease was lost meanwhile.
pub async fn complete(conn: &mut Conn, id: i64, worker: &str, now: DateTime<Utc>) -> Result<bool> {
    let done = exec_db!(conn, db => sqlx::query(
        "UPDATE outbox SET status = 'done', done_at = $3, locked_by = NULL, locked_until = NULL
         WHERE id = $1 AND locked_by = $2 AND status = 'pending'")
        .bind(id).bind(worker).bind(now).execute(db).await)?;
    Ok(done == 1)
}

/// Records a failure: the message comes back at `retry_at`, or is dead when
/// `retry_at` is `None`.
pub async fn fail(conn: &mut Conn, id: i64, worker: &str, error: &str, retry_at: Option<DateTime<Utc>>) -> Result<bool> {
    let status = if retry_at.is_some() { PENDING } else { DEAD };
    let res = exec_db!(conn, db => sqlx::query(
        "UPDATE outbox SET status = $3, last_error = $4, available_at = COALESCE($5, available_at),
                locked_by = NULL, locked_until = NULL
         WHERE id = $1 AND locked_by = $2 AND status = 'pending'")
        .bind(id).bind(worker).bind(status).bind(error).bind(retry_at).execute(db).await)?;
    Ok(res == 1)
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<OutboxRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, topic, payload, dedup_key, status, attempts, max_attempts, available_at,
                locked_by, locked_until, last_error, created_at, done_at
         FROM outbox WHERE id = $1")
        .bind(id).fetch_optional(db).await)?)
}

pub async fn by_topic(conn: &mut Conn, topic: &str) -> Result<Vec<OutboxRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, topic, payload, dedup_key, status, attempts, max_attempts, available_at,
                locked_by, locked_until, last_error, created_at, done_at
         FROM outbox WHERE topic = $1 ORDER BY id")
        .bind(topic).fetch_all(db).await)?)
}

/// Messages per status, for metrics.
pub async fn count_by_status(conn: &mut Conn) -> Result<Vec<(String, i64)>> {
    Ok(on_db!(conn, db => sqlx::query_as("SELECT status, COUNT(*) FROM outbox GROUP BY status ORDER BY status")
        .fetch_all(db).await)?)
}

/// Removes delivered messages finished before `before`; dead ones stay for
/// staff to look at.
pub async fn delete_done_before(conn: &mut Conn, before: DateTime<Utc>) -> Result<u64> {
    Ok(
        exec_db!(conn, db => sqlx::query("DELETE FROM outbox WHERE status = 'done' AND done_at < $1").bind(before).execute(db).await)?,
    )
}
