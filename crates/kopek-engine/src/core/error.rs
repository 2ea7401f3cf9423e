use kopek_domain::DomainError;
use kopek_store::StoreError;
use thiserror::Error;

/// Why a use case refused or failed. Every variant but `Internal` is the
/// caller's to fix and carries a stable `code`; the web layer maps each kind
/// to its HTTP status.
#[derive(Debug, Error)]
pub enum EngineError {
    /// Bad input: 422 (or 400 for malformed requests, decided by the web).
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    /// Unknown id, or an id the caller may not see: 404.
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    /// The state forbids it (a duplicate, a second reversal): 409.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// Not logged in, or wrong credentials: 401.
    #[error("{message}")]
    Unauthorized { code: &'static str, message: String },
    /// Logged in, but the role does not allow it: 403.
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    /// Too many failed logins: 429.
    #[error("{message}")]
    Locked { message: String },
    /// Our fault: 500, logged, never shown in detail.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = EngineError> = std::result::Result<T, E>;

impl EngineError {
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::Invalid { code, .. }
            | EngineError::Conflict { code, .. }
            | EngineError::Unauthorized { code, .. }
            | EngineError::Forbidden { code, .. } => code,
            EngineError::NotFound { .. } => "not_found",
            EngineError::Locked { .. } => "login_locked",
            EngineError::Internal(_) => "internal",
        }
    }

    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        EngineError::Invalid { code, message: message.into() }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        EngineError::Conflict { code, message: message.into() }
    }

    pub fn not_found(what: &'static str, id: impl ToString) -> Self {
        EngineError::NotFound { what, id: id.to_string() }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        EngineError::Forbidden { code: "forbidden", message: message.into() }
    }
}

impl From<DomainError> for EngineError {
    fn from(e: DomainError) -> Self {
        EngineError::Invalid { code: e.code(), message: e.to_string() }
    }
}

impl From<StoreError> for EngineError {
    fn from(e: StoreError) -> Self {
        EngineError::Internal(e.to_string())
    }
}

impl From<serde_json::Error> for EngineError {
    fn from(e: serde_json::Error) -> Self {
        EngineError::Internal(format!("json: {e}"))
    }
}
