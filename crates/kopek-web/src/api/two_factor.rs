//! Two-step authentication (SEC-2): a login's second step, enrolment of
//! staff who must use it, one's own enrolment, and staff resetting a client
//! user's. A sensitive action takes its code in the `X-Second-Factor`
//! header (see [`crate::extract::SECOND_FACTOR`]).

use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kopek_engine::accounts::auth::Session;
use kopek_engine::accounts::two_factor::{CodeRequest, Enrolment, LoginStep, RecoveryCodes, TwoFactorStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::session::Me;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Caller, LoginPlace, session_cookie_header};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondStepRequest {
    pub ticket: String,
    /// The authenticator app's code, or a recovery code.
    pub code: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketRequest {
    pub ticket: String,
}

/// Enrolment confirmed at login: the session is open, and the recovery
/// codes are shown this once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EnrolledLogin {
    pub me: Me,
    pub recovery_codes: Vec<String>,
}

/// The answer to a login: the session, or the ticket of its second step.
pub fn login_answer(state: &AppState, step: LoginStep) -> Response {
    match step {
        LoginStep::Session(session) => with_session(state, &session, Json(Me::from(&session.actor))),
        LoginStep::SecondStep { ticket } => {
            let body = ErrorBody {
                code: "second_step_required".into(),
                message: "enter a code from the authenticator app (or a recovery code) with this ticket".into(),
                field: None,
                ticket: Some(ticket),
            };
            (StatusCode::UNAUTHORIZED, Json(body)).into_response()
        }
        LoginStep::EnrolmentRequired { ticket } => {
            let body = ErrorBody {
                code: "two_factor_enrolment_required".into(),
                message: "staff must use two-step authentication: enrol with this ticket".into(),
                field: None,
                ticket: Some(ticket),
            };
            (StatusCode::FORBIDDEN, Json(body)).into_response()
        }
    }
}

fn with_session(state: &AppState, session: &Session, body: impl IntoResponse) -> Response {
    let cookie = session_cookie_header(state.engine.settings(), Some(&session.token));
    let mut headers = HeaderMap::new();
    headers.insert(SET_COOKIE, HeaderValue::from_str(&cookie).expect("cookie is ASCII"));
    (headers, body).into_response()
}

/// The second step of a login: the ticket and a code open the session.
/// Wrong codes count toward the login's lockout.
#[utoipa::path(post, path = "/auth/second-step", tag = "session", request_body = SecondStepRequest, security(()),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody, description = "ticket_expired"),
        (status = 422, body = ErrorBody, description = "invalid_code, code_reused"), (status = 429, body = ErrorBody)))]
pub async fn second_step(
    State(state): State<AppState>,
    place: LoginPlace,
    ApiJson(req): ApiJson<SecondStepRequest>,
) -> ApiResult<Response> {
    let session = state.engine.login_second_step(&req.ticket, &req.code).await?;
    state.engine.record_login(&session, place.ip, place.device.as_deref()).await?;
    Ok(with_session(&state, &session, Json(Me::from(&session.actor))))
}

/// Staff sent to enrol at login: a new secret and its QR code.
#[utoipa::path(post, path = "/auth/enrol", tag = "session", request_body = TicketRequest, security(()),
    responses((status = 200, body = Enrolment), (status = 401, body = ErrorBody)))]
pub async fn enrol_at_login(State(state): State<AppState>, ApiJson(req): ApiJson<TicketRequest>) -> ApiResult<Json<Enrolment>> {
    Ok(Json(state.engine.enrol_two_factor_by_ticket(&req.ticket).await?))
}

/// The first code turns two-step authentication on and opens the session.
#[utoipa::path(post, path = "/auth/enrol/confirm", tag = "session", request_body = SecondStepRequest, security(()),
    responses((status = 200, body = EnrolledLogin), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn confirm_at_login(
    State(state): State<AppState>,
    place: LoginPlace,
    ApiJson(req): ApiJson<SecondStepRequest>,
) -> ApiResult<Response> {
    let (codes, session) = state.engine.confirm_two_factor_by_ticket(&req.ticket, &req.code).await?;
    state.engine.record_login(&session, place.ip, place.device.as_deref()).await?;
    let body = EnrolledLogin { me: Me::from(&session.actor), recovery_codes: codes.codes };
    Ok(with_session(&state, &session, Json(body)))
}

/// Whether the caller's two-step authentication is on.
#[utoipa::path(get, path = "/me/two-factor", tag = "session",
    responses((status = 200, body = TwoFactorStatus), (status = 401, body = ErrorBody)))]
pub async fn status(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<TwoFactorStatus>> {
    Ok(Json(state.engine.two_factor_status(&ctx).await?))
}

/// Start (or start again) enrolment: a new secret, its otpauth address and
/// QR code; nothing changes at login until it is confirmed.
#[utoipa::path(post, path = "/me/two-factor", tag = "session",
    responses((status = 201, body = Enrolment), (status = 409, body = ErrorBody, description = "two_factor_on")))]
pub async fn enrol(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<(StatusCode, Json<Enrolment>)> {
    Ok((StatusCode::CREATED, Json(state.engine.enrol_two_factor(&ctx).await?)))
}

/// Confirm with the app's first code: two-step authentication is on, and
/// the ten recovery codes are answered this once.
#[utoipa::path(post, path = "/me/two-factor/confirm", operation_id = "confirm_two_factor", tag = "session", request_body = CodeRequest,
    responses((status = 200, body = RecoveryCodes), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn confirm(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(req): ApiJson<CodeRequest>,
) -> ApiResult<Json<RecoveryCodes>> {
    Ok(Json(state.engine.confirm_two_factor(&ctx, &req.code).await?))
}

/// Turn it off, with a fresh code (or a recovery code).
#[utoipa::path(post, path = "/me/two-factor/disable", tag = "session", request_body = CodeRequest,
    responses((status = 204), (status = 422, body = ErrorBody, description = "second_step_required, invalid_code, code_reused")))]
pub async fn disable(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(req): ApiJson<CodeRequest>,
) -> ApiResult<StatusCode> {
    state.engine.disable_two_factor(&ctx.with_second_factor(Some(req.code))).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Staff turn off a client user's two-step authentication (audited).
#[utoipa::path(post, path = "/clients/{id}/users/{user_id}/two-factor/reset", tag = "clients",
    params(("id" = i64, Path), ("user_id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reset(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath((id, user_id)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    state.engine.reset_two_factor(&ctx, id, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
