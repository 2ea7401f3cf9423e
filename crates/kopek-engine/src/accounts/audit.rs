//! SEC-3: the audit log as staff read it — who did what, to which client,
//! when and from where — filtered by actor, client, action and days, and
//! paged newest first.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use kopek_store::audit::{self as store, AuditFilter, AuditRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::Engine;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};

/// The most records one page holds.
pub const MAX_PAGE: i64 = 500;

/// What staff look for; every part optional. The API reads it from the
/// query string as it stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// The actor's e-mail (any case), or a system job's name.
    pub actor: Option<String>,
    pub client_id: Option<i64>,
    /// An action ("payment.credit") or its group ("payment").
    pub action: Option<String>,
    /// The first day, in the provider's time zone (YYYY-MM-DD).
    pub from: Option<NaiveDate>,
    /// The last day, inclusive.
    pub to: Option<NaiveDate>,
    /// Records older than this id: `next_before` of the previous page.
    pub before: Option<i64>,
    /// At most this many (1…500, default 100).
    pub limit: Option<i64>,
}

/// One record of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// staff, client_user or system.
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    /// The actor's e-mail, or the system job's name.
    pub actor: String,
    pub source_ip: Option<String>,
    /// What was done, e.g. "payment.credit".
    pub action: String,
    /// What it was done to, and its id.
    pub entity: String,
    pub entity_id: String,
    pub client_id: Option<i64>,
    /// What the change was, as the use case recorded it.
    pub details: serde_json::Value,
}

/// A page of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditPage {
    pub records: Vec<AuditRecord>,
    /// Ask with `before` set to this for the next page; none at the end.
    pub next_before: Option<i64>,
}

fn record(row: AuditRow) -> AuditRecord {
    AuditRecord {
        id: row.id,
        at: row.at,
        actor_kind: row.actor_kind,
        actor_id: row.actor_id,
        actor: row.actor_label,
        source_ip: row.source_ip,
        action: row.action,
        entity: row.entity,
        entity_id: row.entity_id,
        client_id: row.client_id,
        details: serde_json::from_str(&row.details).unwrap_or(serde_json::Value::String(row.details)),
    }
}

/// A filter's text: trimmed, none when blank, and at most 200 characters.
fn text(field: &'static str, value: &Option<String>) -> Result<Option<String>> {
    let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty());
    match value {
        Some(v) if v.chars().count() > 200 => Err(EngineError::invalid_field(field, "too_long", "at most 200 characters")),
        v => Ok(v.map(str::to_string)),
    }
}

impl Engine {
    /// SEC-3: the audit log, newest first, for any staff member; a
    /// client's user is refused.
    pub async fn audit_log(&self, ctx: &Ctx, q: &AuditQuery) -> Result<AuditPage> {
        ctx.actor.ensure_staff("read the audit log")?;
        let limit = q.limit.unwrap_or(100);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(EngineError::invalid_field("limit", "out_of_range", format!("limit: 1…{MAX_PAGE}, not {limit}")));
        }
        if let (Some(from), Some(to)) = (q.from, q.to)
            && from > to
        {
            return Err(EngineError::invalid_field("to", "before_from", format!("the last day {to} is before the first {from}")));
        }
        let (actor, action) = (text("actor", &q.actor)?, text("action", &q.action)?);
        let day_start = |d: NaiveDate| self.to_utc(d.and_time(NaiveTime::MIN));
        let filter = AuditFilter {
            actor: actor.as_deref(),
            client_id: q.client_id,
            action: action.as_deref(),
            from: q.from.map(day_start),
            to: q.to.and_then(|d| d.checked_add_days(Days::new(1))).map(day_start),
            before_id: q.before,
        };
        let mut conn = self.store.conn().await?;
        // One more than asked tells whether another page follows.
        let mut rows = store::search(&mut conn, &filter, limit + 1).await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_before = if more { rows.last().map(|r| r.id) } else { None };
        Ok(AuditPage { records: rows.into_iter().map(record).collect(), next_before })
    }
}
