//! ACC-2: confirming the logged-in user's phone number by an SMS code, and
//! changing a confirmed one by a code sent to the old number.

use axum::Json;
use axum::extract::State;
use kopek_engine::accounts::phone::{PhoneCodeRequest, PhoneCodeSent};
use kopek_engine::core::views::ClientUser;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Caller};

/// The code from the SMS.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneCode {
    pub code: String,
}

/// Send a code: to the user's unconfirmed number, to `new_phone` for an
/// unconfirmed user, or to the old number when a confirmed one changes.
#[utoipa::path(post, path = "/me/phone/code", tag = "clients", request_body = PhoneCodeRequest,
    responses((status = 200, body = PhoneCodeSent), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn send_code(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(req): ApiJson<PhoneCodeRequest>,
) -> ApiResult<Json<PhoneCodeSent>> {
    Ok(Json(state.engine.send_phone_code(&ctx, req).await?))
}

/// The code that can still be entered, or null.
#[utoipa::path(get, path = "/me/phone/code", tag = "clients",
    responses((status = 200, body = Option<PhoneCodeSent>), (status = 403, body = ErrorBody)))]
pub async fn pending_code(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<Option<PhoneCodeSent>>> {
    Ok(Json(state.engine.pending_phone_code(&ctx).await?))
}

/// Enter the code: the number is confirmed (or, when changing, replaced by
/// the new one, to be confirmed next).
#[utoipa::path(post, path = "/me/phone/confirm", operation_id = "confirm_phone", tag = "clients", request_body = PhoneCode,
    responses((status = 200, body = ClientUser), (status = 422, body = ErrorBody)))]
pub async fn confirm(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(req): ApiJson<PhoneCode>,
) -> ApiResult<Json<ClientUser>> {
    Ok(Json(state.engine.confirm_phone(&ctx, &req.code).await?))
}
