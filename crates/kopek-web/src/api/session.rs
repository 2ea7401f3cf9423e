//! Logging in (a session cookie for the portal), out, who am I, and API
//! tokens (SEC-1).

use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kopek_engine::Actor;
use kopek_engine::accounts::auth::LoginKind;
use kopek_engine::accounts::two_factor::LoginStep;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::two_factor::login_answer;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Caller, LoginPlace, session_cookie, session_cookie_header};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// Log in as staff rather than as a client's user.
    #[serde(default)]
    pub staff: bool,
}

/// Who is logged in.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Me {
    /// staff, client_user or system.
    pub kind: String,
    pub id: Option<i64>,
    pub email: String,
    /// For a client's user: its client.
    pub client_id: Option<i64>,
    /// For staff: admin, accountant, support or read_only.
    pub role: Option<String>,
}

impl From<&Actor> for Me {
    fn from(a: &Actor) -> Self {
        let role = match a {
            Actor::Staff { role, .. } => Some(role.to_string()),
            _ => None,
        };
        Me { kind: a.kind().into(), id: a.id(), email: a.label(), client_id: a.own_client(), role }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// What the token is for, e.g. "1C export".
    pub label: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenCreated {
    /// Shown once: send it as `Authorization: Bearer <token>`.
    pub token: String,
}

/// Log in and receive the session cookie. With two-step authentication
/// on (SEC-2) a right password answers 401 `second_step_required` with a
/// ticket for `/auth/second-step`; staff who must use it and have not
/// enrolled get 403 `two_factor_enrolment_required` with a ticket for
/// `/auth/enrol`.
#[utoipa::path(post, path = "/auth/login", tag = "session", request_body = LoginRequest, security(()),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody, description = "`second_step_required` with a `ticket` for `/auth/second-step`, `bad_credentials` or `login_disabled`"),
        (status = 403, body = ErrorBody, description = "`two_factor_enrolment_required` with a `ticket` for `/auth/enrol`"), (status = 429, body = ErrorBody)))]
pub async fn login(State(state): State<AppState>, place: LoginPlace, ApiJson(req): ApiJson<LoginRequest>) -> ApiResult<Response> {
    let kind = if req.staff { LoginKind::Staff } else { LoginKind::Client };
    let step = state.engine.login_step(kind, &req.email, &req.password).await?;
    if let LoginStep::Session(session) = &step {
        state.engine.record_login(session, place.ip, place.device.as_deref()).await?;
    }
    Ok(login_answer(&state, step))
}

/// End the session.
#[utoipa::path(post, path = "/auth/logout", tag = "session", responses((status = 204)))]
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<impl IntoResponse> {
    if let Some(token) = session_cookie(&headers) {
        state.engine.logout(&token).await?;
    }
    let clear = session_cookie_header(state.engine.settings(), None);
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, clear)]))
}

/// The caller.
#[utoipa::path(get, path = "/me", tag = "session", responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(Caller(ctx): Caller) -> Json<Me> {
    Json(Me::from(&ctx.actor))
}

/// Issue an API token for the caller's own login.
#[utoipa::path(post, path = "/tokens", tag = "session", request_body = TokenRequest,
    responses((status = 201, body = TokenCreated), (status = 401, body = ErrorBody)))]
pub async fn create_token(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(req): ApiJson<TokenRequest>,
) -> ApiResult<(StatusCode, Json<TokenCreated>)> {
    let email = ctx.actor.label();
    let token = state.engine.create_token(&ctx, &email, req.label.trim()).await?;
    Ok((StatusCode::CREATED, Json(TokenCreated { token })))
}
