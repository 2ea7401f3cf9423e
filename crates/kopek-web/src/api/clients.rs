//! Client accounts, their users, and staff users (ACC-1, ACC-2, ACC-4).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kopek_engine::accounts::clients::{ClientChanges, NewClient, NewStaff, NewUser};
use kopek_engine::core::views::{Client, ClientUser, StaffUser};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// Return clients with ids after this one.
    #[serde(default)]
    pub after: i64,
    /// At most this many (1…500, default 100).
    #[serde(default = "default_limit")]
    pub limit: i64,
}

fn default_limit() -> i64 {
    100
}

/// Clients in id order; a client's user sees only its own.
#[utoipa::path(get, path = "/clients", tag = "clients", params(Page),
    responses((status = 200, body = Vec<Client>), (status = 401, body = ErrorBody)))]
pub async fn list_clients(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiQuery(page): ApiQuery<Page>,
) -> ApiResult<Json<Vec<Client>>> {
    Ok(Json(state.engine.clients(&ctx, page.after, page.limit).await?))
}

/// Create a client account, optionally with its first user.
#[utoipa::path(post, path = "/clients", tag = "clients", request_body = NewClient,
    responses((status = 201, body = Client), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_client(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(req): ApiJson<NewClient>,
) -> ApiResult<(StatusCode, Json<Client>)> {
    Ok((StatusCode::CREATED, Json(state.engine.create_client(&ctx, req).await?)))
}

#[utoipa::path(get, path = "/clients/{id}", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, body = Client), (status = 404, body = ErrorBody)))]
pub async fn get_client(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Client>> {
    Ok(Json(state.engine.client(&ctx, id).await?))
}

/// Change a client's credit limit, disconnection threshold or state.
#[utoipa::path(patch, path = "/clients/{id}", tag = "clients", params(("id" = i64, Path)), request_body = ClientChanges,
    responses((status = 200, body = Client), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_client(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ClientChanges>,
) -> ApiResult<Json<Client>> {
    Ok(Json(state.engine.update_client(&ctx, id, req).await?))
}

#[utoipa::path(get, path = "/clients/{id}/users", tag = "clients", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ClientUser>), (status = 404, body = ErrorBody)))]
pub async fn list_users(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<ClientUser>>> {
    Ok(Json(state.engine.client_users(&ctx, id).await?))
}

/// Add a user to a client; emails are unique logins.
#[utoipa::path(post, path = "/clients/{id}/users", tag = "clients", params(("id" = i64, Path)), request_body = NewUser,
    responses((status = 201, body = ClientUser), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NewUser>,
) -> ApiResult<(StatusCode, Json<ClientUser>)> {
    Ok((StatusCode::CREATED, Json(state.engine.create_client_user(&ctx, id, req).await?)))
}

/// Create a staff user (admins only).
#[utoipa::path(post, path = "/staff", tag = "clients", request_body = NewStaff,
    responses((status = 201, body = StaffUser), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_staff(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(req): ApiJson<NewStaff>,
) -> ApiResult<(StatusCode, Json<StaffUser>)> {
    Ok((StatusCode::CREATED, Json(state.engine.create_staff_user(&ctx, req).await?)))
}
