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
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into() }
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
        ApiError { status: status_of(&e), code: e.code(), message: e.to_string() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody { code: self.code.to_string(), message: self.message };
        (self.status, Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
