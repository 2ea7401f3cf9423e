//! The audit log through the API (SEC-3): staff read who did what, with
//! filters, a page at a time.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use kopek_engine::accounts::audit::{AuditPage, AuditQuery};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiQuery, Caller};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
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

/// Staff: the audit log, newest first. Errors: `forbidden` for a client's
/// user, `out_of_range` (limit), `before_from` (to before from),
/// `too_long` (actor, action), `bad_query`.
#[utoipa::path(get, path = "/audit", tag = "session", params(AuditParams),
    responses((status = 200, body = AuditPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn audit_log(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiQuery(p): ApiQuery<AuditParams>,
) -> ApiResult<Json<AuditPage>> {
    let q = AuditQuery {
        actor: p.actor,
        client_id: p.client_id,
        action: p.action,
        from: p.from,
        to: p.to,
        before: p.before,
        limit: p.limit,
    };
    Ok(Json(state.engine.audit_log(&ctx, &q).await?))
}
