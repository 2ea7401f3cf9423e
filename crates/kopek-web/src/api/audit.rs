//! The audit log through the API (SEC-3): staff read who did what, with
//! filters, a page at a time.

use axum::Json;
use axum::extract::State;
use kopek_engine::accounts::audit::{AuditPage, AuditQuery};

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiQuery, Caller};

/// Staff: the audit log, newest first. Errors: `forbidden` for a client's
/// user, `out_of_range` (limit), `before_from` (to before from),
/// `too_long` (actor, action), `bad_query`.
#[utoipa::path(get, path = "/audit", tag = "session", params(AuditQuery),
    responses((status = 200, body = AuditPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn audit_log(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<AuditPage>> {
    Ok(Json(state.engine.audit_log(&ctx, &q).await?))
}
