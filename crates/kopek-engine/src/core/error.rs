use kopek_domain::DomainError;
use kopek_store::StoreError;
use thiserror::Error;

/// Why a use case refused or failed. Every variant but `Internal` is the
/// caller's to fix and carries a stable `code`; the web layer maps each kind
/// to its HTTP status.
#[derive(Debug, Error)]
pub enum EngineError {
    /// Bad input: 422 (or 400 for malformed requests, decided by the web).
    /// `field` names the input at fault when one is, so a form shows the
    /// message next to it.
    #[error("{message}")]
    Invalid { code: &'static str, message: String, field: Option<&'static str> },
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
    /// Our fault: 500, logged, never shown in detail. A broken invariant
    /// says which.
    #[error("internal error: {0}")]
    Internal(String),
    /// The database failed; the cause is kept for the log.
    #[error("database error")]
    Store(#[source] StoreError),
    /// Stored JSON (a service's spec, a payload) did not read back.
    #[error("stored data did not decode")]
    Decode(#[source] serde_json::Error),
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
            EngineError::Internal(_) | EngineError::Store(_) | EngineError::Decode(_) => "internal",
        }
    }

    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        EngineError::Invalid { code, message: message.into(), field: None }
    }

    /// Bad input in one named field.
    pub fn invalid_field(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        EngineError::Invalid { code, message: message.into(), field: Some(field) }
    }

    /// The same refusal placed on `field`, the input it came in by (a
    /// number checked the same way whichever form field carried it).
    pub fn on_field(self, field: &'static str) -> Self {
        match self {
            EngineError::Invalid { code, message, .. } => EngineError::Invalid { code, message, field: Some(field) },
            other => other,
        }
    }

    /// The input at fault, when the error names one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            EngineError::Invalid { field, .. } => *field,
            _ => None,
        }
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
        EngineError::Invalid { code: e.code(), message: e.to_string(), field: e.field() }
    }
}

impl From<StoreError> for EngineError {
    fn from(e: StoreError) -> Self {
        EngineError::Store(e)
    }
}

impl From<serde_json::Error> for EngineError {
    fn from(e: serde_json::Error) -> Self {
        EngineError::Decode(e)
    }
}

impl EngineError {
    /// Ours to fix (a 500), as opposed to the caller's.
    pub fn is_internal(&self) -> bool {
        matches!(self, EngineError::Internal(_) | EngineError::Store(_) | EngineError::Decode(_))
    }

    /// The error and every cause under it, for the log: "database error:
    /// error returned from database: …".
    pub fn chain(&self) -> String {
        let mut out = self.to_string();
        let mut next = std::error::Error::source(self);
        while let Some(cause) = next {
            out.push_str(": ");
            out.push_str(&cause.to_string());
            next = cause.source();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_failure_keeps_its_cause_for_the_log() {
        let e = EngineError::from(StoreError::Corrupt("payment 7 has status \"frozen\"".into()));
        assert!(e.is_internal());
        assert_eq!(e.code(), "internal");
        assert_eq!(e.chain(), "database error: stored data is corrupt: payment 7 has status \"frozen\"");
    }
}
