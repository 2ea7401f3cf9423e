//! Client accounts, their users, and staff users (ACC-1, ACC-2, ACC-4).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kopek_engine::accounts::clients::{ClientChanges, NewClient, NewStaff, NewUser};
use kopek_engine::accounts::settings::{SettingsChanges, UserSettings};
use kopek_engine::accounts::users::{PasswordChange, ProfileChanges, UserChanges};
use kopek_engine::core::views::{Client, ClientUser, StaffUser};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
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

#[utoipa::path(get, path = "/clients/{id}/users/{user_id}", tag = "clients",
    params(("id" = i64, Path), ("user_id" = i64, Path)),
    responses((status = 200, body = ClientUser), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_user(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath((id, user_id)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<ClientUser>> {
    Ok(Json(state.engine.client_user(&ctx, id, user_id).await?))
}

/// ACC-3: change a user's name, phone, password, full access or rights.
#[utoipa::path(patch, path = "/clients/{id}/users/{user_id}", tag = "clients",
    params(("id" = i64, Path), ("user_id" = i64, Path)), request_body = UserChanges,
    responses((status = 200, body = ClientUser), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_user(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath((id, user_id)): ApiPath<(i64, i64)>,
    ApiJson(req): ApiJson<UserChanges>,
) -> ApiResult<Json<ClientUser>> {
    Ok(Json(state.engine.update_client_user(&ctx, id, user_id, req).await?))
}

/// ACC-3: delete a user; never the first one, nor oneself.
#[utoipa::path(delete, path = "/clients/{id}/users/{user_id}", tag = "clients",
    params(("id" = i64, Path), ("user_id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_user(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath((id, user_id)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    state.engine.delete_client_user(&ctx, id, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// ACC-3: let a disabled user log in again.
#[utoipa::path(post, path = "/clients/{id}/users/{user_id}/enable", tag = "clients",
    params(("id" = i64, Path), ("user_id" = i64, Path)),
    responses((status = 200, body = ClientUser), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn enable_user(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath((id, user_id)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<ClientUser>> {
    Ok(Json(state.engine.set_client_user_enabled(&ctx, id, user_id, true).await?))
}

/// ACC-3: stop a user from logging in; its sessions end at once.
#[utoipa::path(post, path = "/clients/{id}/users/{user_id}/disable", tag = "clients",
    params(("id" = i64, Path), ("user_id" = i64, Path)),
    responses((status = 200, body = ClientUser), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
pub async fn disable_user(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath((id, user_id)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<ClientUser>> {
    Ok(Json(state.engine.set_client_user_enabled(&ctx, id, user_id, false).await?))
}

/// ACC-2: the logged-in user's profile.
#[utoipa::path(get, path = "/me/profile", tag = "clients",
    responses((status = 200, body = ClientUser), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn my_profile(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<ClientUser>> {
    Ok(Json(state.engine.my_profile(&ctx).await?))
}

/// ACC-2: change one's own name (not the first user's) or phone.
#[utoipa::path(patch, path = "/me/profile", tag = "clients", request_body = ProfileChanges,
    responses((status = 200, body = ClientUser), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_my_profile(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(req): ApiJson<ProfileChanges>,
) -> ApiResult<Json<ClientUser>> {
    Ok(Json(state.engine.update_my_profile(&ctx, req).await?))
}

/// SEC-1: change one's own password, giving the current one.
#[utoipa::path(post, path = "/me/password", tag = "clients", request_body = PasswordChange,
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn change_my_password(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(req): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    state.engine.change_my_password(&ctx, req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// ACC-5: language, time zone, Telegram and notification preferences.
#[utoipa::path(get, path = "/me/settings", tag = "clients",
    responses((status = 200, body = UserSettings), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn my_settings(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<UserSettings>> {
    Ok(Json(state.engine.my_settings(&ctx).await?))
}

#[utoipa::path(patch, path = "/me/settings", tag = "clients", request_body = SettingsChanges,
    responses((status = 200, body = UserSettings), (status = 422, body = ErrorBody)))]
pub async fn save_my_settings(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(req): ApiJson<SettingsChanges>,
) -> ApiResult<Json<UserSettings>> {
    Ok(Json(state.engine.save_my_settings(&ctx, req).await?))
}
