//! The audit log (SEC-3): who did what, when and from where. Written by the
//! engine in the same transaction as the change it records.

use chrono::{DateTime, Utc};

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    pub actor_label: String,
    pub source_ip: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub client_id: Option<i64>,
    pub details: String,
}

pub struct NewAudit<'a> {
    pub at: DateTime<Utc>,
    pub actor_kind: &'a str,
    pub actor_id: Option<i64>,
    pub actor_label: &'a str,
    pub source_ip: Option<&'a str>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub client_id: Option<i64>,
    pub details: &'a str,
}

pub async fn insert(conn: &mut Conn, a: &NewAudit<'_>) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO audit_log (at, actor_kind, actor_id, actor_label, source_ip, action, entity, entity_id, client_id, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(a.at).bind(a.actor_kind).bind(a.actor_id).bind(a.actor_label).bind(a.source_ip)
        .bind(a.action).bind(a.entity).bind(a.entity_id).bind(a.client_id).bind(a.details)
        .execute(db).await)?;
    Ok(())
}

/// The newest records first; `client_id` narrows to one client's.
pub async fn recent(conn: &mut Conn, client_id: Option<i64>, limit: i64) -> Result<Vec<AuditRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, at, actor_kind, actor_id, actor_label, source_ip, action, entity, entity_id, client_id, details
         FROM audit_log WHERE ($1 IS NULL OR client_id = $1) ORDER BY id DESC LIMIT $2")
        .bind(client_id).bind(limit).fetch_all(db).await)?)
}

/// The records of one entity, oldest first.
pub async fn for_entity(conn: &mut Conn, entity: &str, entity_id: &str) -> Result<Vec<AuditRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, at, actor_kind, actor_id, actor_label, source_ip, action, entity, entity_id, client_id, details
         FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY id")
        .bind(entity).bind(entity_id).fetch_all(db).await)?)
}

/// The records written after record `after_id`, oldest first.
pub async fn after(conn: &mut Conn, after_id: i64) -> Result<Vec<AuditRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, at, actor_kind, actor_id, actor_label, source_ip, action, entity, entity_id, client_id, details
         FROM audit_log WHERE id > $1 ORDER BY id")
        .bind(after_id).fetch_all(db).await)?)
}

/// The id of the newest record, 0 when there is none.
pub async fn last_id(conn: &mut Conn) -> Result<i64> {
    let id: Option<i64> = on_db!(conn, db => sqlx::query_scalar("SELECT MAX(id) FROM audit_log").fetch_one(db).await)?;
    Ok(id.unwrap_or(0))
}

/// What staff look for in the audit log; every part optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter<'a> {
    /// The actor's e-mail or name, whatever its case.
    pub actor: Option<&'a str>,
    pub client_id: Option<i64>,
    /// An action ("payment.credit") or its group ("payment").
    pub action: Option<&'a str>,
    /// From this moment, inclusive …
    pub from: Option<DateTime<Utc>>,
    /// … to this one, exclusive.
    pub to: Option<DateTime<Utc>>,
    /// Only records older than this one: the next page.
    pub before_id: Option<i64>,
}

/// SEC-3: the records matching `f`, newest first, at most `limit`.
pub async fn search(conn: &mut Conn, f: &AuditFilter<'_>, limit: i64) -> Result<Vec<AuditRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, at, actor_kind, actor_id, actor_label, source_ip, action, entity, entity_id, client_id, details
         FROM audit_log
         WHERE (CAST($1 AS TEXT) IS NULL OR LOWER(actor_label) = LOWER(CAST($1 AS TEXT)))
           AND (CAST($2 AS BIGINT) IS NULL OR client_id = $2)
           AND (CAST($3 AS TEXT) IS NULL OR action = $3 OR action LIKE CAST($3 AS TEXT) || '.%')
           AND ($4 IS NULL OR at >= $4)
           AND ($5 IS NULL OR at < $5)
           AND (CAST($6 AS BIGINT) IS NULL OR id < $6)
         ORDER BY id DESC LIMIT $7")
        .bind(f.actor).bind(f.client_id).bind(f.action).bind(f.from).bind(f.to).bind(f.before_id).bind(limit)
        .fetch_all(db).await)?)
}
