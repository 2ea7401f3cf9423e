use thiserror::Error;

/// A rule of the domain was broken by the input. Each variant carries a
/// stable machine-readable code (see [`DomainError::code`]) so the web layer
/// can turn it into a 4xx answer without guessing.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    #[error("amount {0} has more decimal places than allowed ({1})")]
    TooPrecise(String, u32),
    #[error("amount must be positive, got {0}")]
    NotPositive(String),
    #[error("amount {0} does not fit the stored range")]
    Overflow(String),
    #[error("unknown currency code {0:?}: use an ISO 4217 code such as RUB")]
    UnknownCurrency(String),
    #[error("currency mismatch: expected {expected}, got {got}")]
    CurrencyMismatch { expected: String, got: String },
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
}

impl DomainError {
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::TooPrecise(..) => "amount_too_precise",
            DomainError::NotPositive(_) => "amount_not_positive",
            DomainError::Overflow(_) => "amount_overflow",
            DomainError::UnknownCurrency(_) => "unknown_currency",
            DomainError::CurrencyMismatch { .. } => "currency_mismatch",
            DomainError::Invalid { .. } => "invalid_field",
        }
    }

    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        DomainError::Invalid { field, message: message.into() }
    }
}
