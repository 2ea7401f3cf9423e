//! ACC-5, ACC-6: the caller's action log, the privacy policy (published by
//! staff, accepted by a client's user), personal-data exports, and
//! requests to delete or restrict personal data.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::IntoResponse;
use kopek_domain::privacy::PrivacyRequestStatus;
use kopek_engine::EngineError;
use kopek_engine::accounts::personal_data::{NewPrivacyRequest, PersonalDataExport, PrivacyRequest};
use kopek_engine::accounts::privacy::{ActivityPage, MyPrivacyPolicy, NewPrivacyPolicy, PrivacyPolicy};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityQuery {
    /// From 1; past the end, the last page.
    #[serde(default = "first")]
    pub page: i64,
    /// 20, 50 or 100 (20 otherwise).
    #[serde(default = "twenty")]
    pub per_page: i64,
}

fn first() -> i64 {
    1
}

fn twenty() -> i64 {
    20
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestsQuery {
    /// open, done or refused; every request when absent.
    #[param(pattern = "^(open|done|refused)$")]
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// The version read and accepted: it must be the one in force.
    pub version: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefuseRequest {
    pub reason: String,
}

/// The caller's own action log: logins with address and device, and the
/// changes it made, newest first.
#[utoipa::path(get, path = "/me/activity", tag = "clients", params(ActivityQuery),
    responses((status = 200, body = ActivityPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn my_activity(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiQuery(q): ApiQuery<ActivityQuery>,
) -> ApiResult<Json<ActivityPage>> {
    Ok(Json(state.engine.my_activity(&ctx, q.page, q.per_page).await?))
}

/// Every version of the privacy policy, newest first (staff).
#[utoipa::path(get, path = "/privacy-policies", tag = "clients",
    responses((status = 200, body = Vec<PrivacyPolicy>), (status = 403, body = ErrorBody)))]
pub async fn list_policies(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<Vec<PrivacyPolicy>>> {
    Ok(Json(state.engine.privacy_policies(&ctx).await?))
}

/// Publish a version of the privacy policy (admins and support): every
/// client's user is asked to accept it.
#[utoipa::path(post, path = "/privacy-policies", tag = "clients", request_body = NewPrivacyPolicy,
    responses((status = 201, body = PrivacyPolicy), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn publish_policy(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(req): ApiJson<NewPrivacyPolicy>,
) -> ApiResult<(StatusCode, Json<PrivacyPolicy>)> {
    Ok((StatusCode::CREATED, Json(state.engine.publish_privacy_policy(&ctx, req).await?)))
}

/// The policy in force and whether the caller accepted it.
#[utoipa::path(get, path = "/me/privacy-policy", tag = "clients",
    responses((status = 200, body = MyPrivacyPolicy), (status = 403, body = ErrorBody)))]
pub async fn my_policy(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<MyPrivacyPolicy>> {
    Ok(Json(state.engine.my_privacy_policy(&ctx).await?))
}

/// Accept the policy in force.
#[utoipa::path(post, path = "/me/privacy-policy/accept", tag = "clients", request_body = AcceptRequest,
    responses((status = 200, body = MyPrivacyPolicy), (status = 409, body = ErrorBody)))]
pub async fn accept_policy(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(req): ApiJson<AcceptRequest>,
) -> ApiResult<Json<MyPrivacyPolicy>> {
    Ok(Json(state.engine.accept_privacy_policy(&ctx, &req.version).await?))
}

/// The caller's exports of its personal data.
#[utoipa::path(get, path = "/me/personal-data/exports", tag = "clients",
    responses((status = 200, body = Vec<PersonalDataExport>), (status = 403, body = ErrorBody)))]
pub async fn list_exports(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<Vec<PersonalDataExport>>> {
    Ok(Json(state.engine.my_personal_data_exports(&ctx).await?))
}

/// Export the caller's personal data as CSV, kept for one download; the
/// user is notified when it is ready.
#[utoipa::path(post, path = "/me/personal-data/exports", tag = "clients",
    responses((status = 201, body = PersonalDataExport), (status = 403, body = ErrorBody)))]
pub async fn create_export(
    State(state): State<AppState>,
    Caller(ctx): Caller,
) -> ApiResult<(StatusCode, Json<PersonalDataExport>)> {
    Ok((StatusCode::CREATED, Json(state.engine.export_personal_data(&ctx).await?)))
}

/// Download an export, once: a second download is 410 Gone.
#[utoipa::path(get, path = "/me/personal-data/exports/{id}", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = ErrorBody),
        (status = 410, body = ErrorBody)))]
pub async fn download_export(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    let csv = state.engine.download_personal_data(&ctx, id).await.map_err(gone)?;
    let disposition = format!("attachment; filename=\"personal-data-{id}.csv\"");
    Ok(([(CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (CONTENT_DISPOSITION, disposition)], csv))
}

/// An export taken already is gone, not in conflict.
pub fn gone(e: EngineError) -> ApiError {
    if e.code() == "export_gone" {
        return ApiError::new(StatusCode::GONE, "export_gone", e.to_string());
    }
    e.into()
}

/// The caller's requests about its personal data and their state.
#[utoipa::path(get, path = "/me/privacy-requests", tag = "clients",
    responses((status = 200, body = Vec<PrivacyRequest>), (status = 403, body = ErrorBody)))]
pub async fn my_requests(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<Vec<PrivacyRequest>>> {
    Ok(Json(state.engine.my_privacy_requests(&ctx).await?))
}

/// Ask for the caller's personal data to be deleted, or its use restricted.
#[utoipa::path(post, path = "/me/privacy-requests", tag = "clients", request_body = NewPrivacyRequest,
    responses((status = 201, body = PrivacyRequest), (status = 422, body = ErrorBody)))]
pub async fn file_request(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(req): ApiJson<NewPrivacyRequest>,
) -> ApiResult<(StatusCode, Json<PrivacyRequest>)> {
    Ok((StatusCode::CREATED, Json(state.engine.file_privacy_request(&ctx, req).await?)))
}

/// Every personal-data request, the nearest deadline first (staff).
#[utoipa::path(get, path = "/privacy-requests", tag = "clients", params(RequestsQuery),
    responses((status = 200, body = Vec<PrivacyRequest>), (status = 403, body = ErrorBody)))]
pub async fn list_requests(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiQuery(q): ApiQuery<RequestsQuery>,
) -> ApiResult<Json<Vec<PrivacyRequest>>> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(PrivacyRequestStatus::parse(s).ok_or_else(|| {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", "status is open, done or refused")
        })?),
    };
    Ok(Json(state.engine.privacy_requests(&ctx, status).await?))
}

/// Carry a request out: a deletion pseudonymises the user, keeping what
/// accounting law requires; a restriction stops the news it was sent.
#[utoipa::path(post, path = "/privacy-requests/{id}/carry-out", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, body = PrivacyRequest), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn carry_out_request(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<PrivacyRequest>> {
    Ok(Json(state.engine.carry_out_privacy_request(&ctx, id).await?))
}

/// Refuse a request, saying why.
#[utoipa::path(post, path = "/privacy-requests/{id}/refuse", tag = "clients", params(("id" = i64, Path)),
    request_body = RefuseRequest,
    responses((status = 200, body = PrivacyRequest), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn refuse_request(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RefuseRequest>,
) -> ApiResult<Json<PrivacyRequest>> {
    Ok(Json(state.engine.refuse_privacy_request(&ctx, id, &req.reason).await?))
}
