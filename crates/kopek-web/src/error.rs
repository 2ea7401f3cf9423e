//! The one error type of the HTTP layer: every failure is a status and a
//! JSON body `{"code": "...", "message": "..."}` with a stable code.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kopek_engine::EngineError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// Stable and machine-readable, e.g. `amount_too_precise`.
    pub code: String,
    /// For a person to read.
    pub message: String,
    /// The input at fault, when one field is (a 422 of a body's field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The ticket of a login's next step, valid five minutes: with
    /// `second_step_required` for `/auth/second-step`, with
    /// `two_factor_enrolment_required` for `/auth/enrol`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<&'static str>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), field: None }
    }

    pub fn unauthenticated() -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "log in, or send Authorization: Bearer <token>")
    }
}

/// The one answer to each kind of refusal, for the API and the pages: bad
/// input 422, not found 404, a state that forbids it 409, a role that may
/// not 403; ours to fix 500.
pub fn status_of(e: &EngineError) -> StatusCode {
    match e {
        EngineError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        EngineError::NotFound { .. } => StatusCode::NOT_FOUND,
        EngineError::Conflict { .. } => StatusCode::CONFLICT,
        EngineError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
        EngineError::Forbidden { .. } => StatusCode::FORBIDDEN,
        EngineError::Locked { .. } => StatusCode::TOO_MANY_REQUESTS,
        EngineError::Internal(_) | EngineError::Store(_) | EngineError::Decode(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        if e.is_internal() {
            tracing::error!(error = %e.chain(), "internal error");
            return ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "something went wrong on our side; it was logged",
            );
        }
        ApiError { status: status_of(&e), code: e.code(), message: e.to_string(), field: e.field() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body =
            ErrorBody { code: self.code.to_string(), message: self.message, field: self.field.map(str::to_string), ticket: None };
        (self.status, Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
