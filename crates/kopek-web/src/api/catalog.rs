//! The catalog (CAT-1 … CAT-12): services with versions and history,
//! tariffs and holiday calendars. Staff read it; admins change it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kopek_engine::catalog::services::{Change, HolidayInput, Service, ServiceInput, Tariff, TariffInput};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Caller};

#[utoipa::path(get, path = "/services", tag = "catalog", responses((status = 200, body = Vec<Service>)))]
pub async fn list_services(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<Vec<Service>>> {
    Ok(Json(state.engine.services(&ctx).await?))
}

/// Create a service with every tab of its options.
#[utoipa::path(post, path = "/services", tag = "catalog", request_body = ServiceInput,
    responses((status = 201, body = Service), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_service(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(input): ApiJson<ServiceInput>,
) -> ApiResult<(StatusCode, Json<Service>)> {
    Ok((StatusCode::CREATED, Json(state.engine.create_service(&ctx, input).await?)))
}

#[utoipa::path(get, path = "/services/{id}", tag = "catalog", params(("id" = i64, Path)),
    responses((status = 200, body = Service), (status = 404, body = ErrorBody)))]
pub async fn get_service(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Service>> {
    Ok(Json(state.engine.service(&ctx, id).await?))
}

/// Change a service; a new price or speed makes a version from `valid_from`.
#[utoipa::path(put, path = "/services/{id}", tag = "catalog", params(("id" = i64, Path)), request_body = ServiceInput,
    responses((status = 200, body = Service), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_service(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ServiceInput>,
) -> ApiResult<Json<Service>> {
    Ok(Json(state.engine.update_service(&ctx, id, input).await?))
}

/// Who changed what in a service, and when.
#[utoipa::path(get, path = "/services/{id}/history", tag = "catalog", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Change>), (status = 404, body = ErrorBody)))]
pub async fn service_history(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Change>>> {
    Ok(Json(state.engine.service_history(&ctx, id).await?))
}

#[utoipa::path(get, path = "/tariffs", tag = "catalog", responses((status = 200, body = Vec<Tariff>)))]
pub async fn list_tariffs(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<Vec<Tariff>>> {
    Ok(Json(state.engine.tariffs(&ctx).await?))
}

#[utoipa::path(post, path = "/tariffs", tag = "catalog", request_body = TariffInput,
    responses((status = 201, body = Tariff), (status = 422, body = ErrorBody)))]
pub async fn create_tariff(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(input): ApiJson<TariffInput>,
) -> ApiResult<(StatusCode, Json<Tariff>)> {
    Ok((StatusCode::CREATED, Json(state.engine.create_tariff(&ctx, input).await?)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Added {
    pub added: usize,
}

/// Mark days of a holiday calendar (CAT-11).
#[utoipa::path(post, path = "/holidays", tag = "catalog", request_body = HolidayInput,
    responses((status = 201, body = Added), (status = 422, body = ErrorBody)))]
pub async fn add_holidays(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(input): ApiJson<HolidayInput>,
) -> ApiResult<(StatusCode, Json<Added>)> {
    Ok((StatusCode::CREATED, Json(Added { added: state.engine.add_holidays(&ctx, input).await? })))
}
