//! ACC-3: a client user's avatar through the API — the picture's bytes as
//! the request's or the answer's body, its type judged by the bytes.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiPath, Caller};

/// The user's avatar, as the picture it is.
#[utoipa::path(get, path = "/clients/{id}/users/{user_id}/avatar", tag = "clients",
    params(("id" = i64, Path), ("user_id" = i64, Path)),
    responses((status = 200, description = "the picture (PNG, JPEG, GIF or WebP)", content_type = "image/*"),
              (status = 404, body = ErrorBody, description = "no such user, or it has no avatar")))]
pub async fn get_avatar(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath((id, user_id)): ApiPath<(i64, i64)>,
) -> ApiResult<Response> {
    let avatar = state
        .engine
        .user_avatar(&ctx, id, user_id)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("user {user_id} has no avatar")))?;
    let mut res = avatar.bytes.into_response();
    // The engine stores only the types it sniffed, all plain ASCII.
    let ct = HeaderValue::from_str(&avatar.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    res.headers_mut().insert(CONTENT_TYPE, ct);
    res.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    Ok(res)
}

/// Sets the user's avatar from the body's bytes (at most 512 KiB; PNG,
/// JPEG, GIF or WebP by content). Refusals: `not_an_image`,
/// `file_too_large` (422).
#[utoipa::path(put, path = "/clients/{id}/users/{user_id}/avatar", tag = "clients",
    params(("id" = i64, Path), ("user_id" = i64, Path)),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "the picture's bytes"),
    responses((status = 204, description = "set"), (status = 403, body = ErrorBody, description = "no \"users\" right"),
              (status = 404, body = ErrorBody, description = "no such user"),
              (status = 422, body = ErrorBody, description = "not a picture, or too large")))]
pub async fn put_avatar(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath((id, user_id)): ApiPath<(i64, i64)>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    state.engine.set_user_avatar(&ctx, id, user_id, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/clients/{id}/users/{user_id}/avatar", tag = "clients",
    params(("id" = i64, Path), ("user_id" = i64, Path)),
    responses((status = 204, description = "removed, or there was none"), (status = 403, body = ErrorBody, description = "no \"users\" right"),
              (status = 404, body = ErrorBody, description = "no such user")))]
pub async fn delete_avatar(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath((id, user_id)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    state.engine.remove_user_avatar(&ctx, id, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
