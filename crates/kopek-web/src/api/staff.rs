//! The provider's people through the API (ACC-4, SEC-1): the staff list, an
//! admin's change of a role or a login switched off, and the API tokens of
//! staff logins listed and revoked; the dashboard staff open first.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kopek_engine::accounts::staff::{ApiToken, StaffChange};
use kopek_engine::core::views::StaffUser;
use kopek_engine::ledger::dashboard::StaffDashboard;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Caller};

/// Every staff user, by e-mail.
#[utoipa::path(get, path = "/staff", tag = "clients",
    responses((status = 200, body = Vec<StaffUser>), (status = 403, body = ErrorBody)))]
pub async fn list_staff(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<Vec<StaffUser>>> {
    Ok(Json(state.engine.staff_users(&ctx).await?))
}

/// Change a staff user's role or switch its login off (admins only;
/// `last_admin` when it would leave no admin who can log in).
#[utoipa::path(put, path = "/staff/{id}", tag = "clients", params(("id" = i64, Path)), request_body = StaffChange,
    responses((status = 200, body = StaffUser), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change_staff(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(change): ApiJson<StaffChange>,
) -> ApiResult<Json<StaffUser>> {
    Ok(Json(state.engine.change_staff_user(&ctx, id, change).await?))
}

/// The API tokens of staff logins, newest first: an admin's list holds
/// everyone's, anyone else's its own.
#[utoipa::path(get, path = "/tokens", tag = "session",
    responses((status = 200, body = Vec<ApiToken>), (status = 403, body = ErrorBody)))]
pub async fn list_tokens(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<Vec<ApiToken>>> {
    Ok(Json(state.engine.api_tokens(&ctx).await?))
}

/// Revoke a staff token for good (an admin any, anyone else its own).
#[utoipa::path(delete, path = "/tokens/{id}", tag = "session", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    state.engine.revoke_token(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The dashboard: money in and charged today and this month per currency
/// with its days, clients per state, failed deliveries, hooks and the
/// outbox's waiting work.
#[utoipa::path(get, path = "/dashboard", tag = "clients",
    responses((status = 200, body = StaffDashboard), (status = 403, body = ErrorBody)))]
pub async fn dashboard(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<StaffDashboard>> {
    Ok(Json(state.engine.staff_dashboard(&ctx).await?))
}
