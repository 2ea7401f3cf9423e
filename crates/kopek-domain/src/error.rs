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
    #[error("amount {amount} is above the largest amount Kopek accepts, {max}")]
    AmountTooLarge { amount: String, max: String },
    #[error("this would take the balance to {balance}, beyond the largest balance Kopek keeps, {max} either way")]
    BalanceTooLarge { balance: String, max: String },
    #[error("unknown currency code {0:?}: use an ISO 4217 code such as RUB")]
    UnknownCurrency(String),
    #[error("currency mismatch: expected {expected}, got {got}")]
    CurrencyMismatch { expected: String, got: String },
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
    #[error("amount {amount} is below the method's minimum {min} (allowed {allowed})")]
    AmountBelowMinimum { amount: String, min: String, allowed: String },
    #[error("amount {amount} is above the method's maximum {max} (allowed {allowed})")]
    AmountAboveMaximum { amount: String, max: String, allowed: String },
    #[error("this payment method is not available to payers of kind {kind} (available to: {allowed})")]
    PayerKindNotAllowed { kind: String, allowed: String },
    #[error("no exchange rate from {from} to {to} on or before {date}")]
    NoExchangeRate { from: String, to: String, date: String },
    #[error("payment status can't change from {from} to {to}")]
    InvalidTransition { from: String, to: String },
    #[error("payer can't be deleted: {0}")]
    PayerInUse(String),
    #[error(
        "payer {payer} has unpaid expenses in an act: pay them, or delete the act and \
         reissue it to the other payer"
    )]
    PayerLockedByAct { payer: i64 },
    #[error("{field}: not a picture Kopek takes (PNG, JPEG, GIF or WebP, judged by its content, not its name)")]
    NotAnImage { field: &'static str },
    #[error("{field}: the file is {size} bytes; at most {max} are taken")]
    FileTooLarge { field: &'static str, size: usize, max: usize },
    #[error("{field}: {name:?} is not a kind of file taken here (taken: {allowed}; judged by its content, not its name)")]
    FileKindRefused { field: &'static str, name: String, allowed: String },
    #[error("{field}: the files are {size} bytes together; at most {max} are taken in one message")]
    AttachmentsTooLarge { field: &'static str, size: usize, max: usize },
    #[error("{field}: {count} files; at most {max} are taken in one message")]
    TooManyFiles { field: &'static str, count: usize, max: usize },
    #[error("a ticket that is {state} can't be {action}")]
    TicketActionRefused { state: String, action: String },
}

impl DomainError {
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::TooPrecise(..) => "amount_too_precise",
            DomainError::NotPositive(_) => "amount_not_positive",
            DomainError::Overflow(_) => "amount_overflow",
            DomainError::AmountTooLarge { .. } => "amount_too_large",
            DomainError::BalanceTooLarge { .. } => "balance_too_large",
            DomainError::UnknownCurrency(_) => "unknown_currency",
            DomainError::CurrencyMismatch { .. } => "currency_mismatch",
            DomainError::Invalid { .. } => "invalid_field",
            DomainError::AmountBelowMinimum { .. } => "amount_below_minimum",
            DomainError::AmountAboveMaximum { .. } => "amount_above_maximum",
            DomainError::PayerKindNotAllowed { .. } => "payer_kind_not_allowed",
            DomainError::NoExchangeRate { .. } => "no_exchange_rate",
            DomainError::InvalidTransition { .. } => "invalid_status_transition",
            DomainError::PayerInUse(_) => "payer_in_use",
            DomainError::PayerLockedByAct { .. } => "payer_locked_by_act",
            DomainError::NotAnImage { .. } => "not_an_image",
            DomainError::FileTooLarge { .. } => "file_too_large",
            DomainError::FileKindRefused { .. } => "file_kind_refused",
            DomainError::AttachmentsTooLarge { .. } => "attachments_too_large",
            DomainError::TooManyFiles { .. } => "too_many_files",
            DomainError::TicketActionRefused { .. } => "ticket_action_refused",
        }
    }

    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        DomainError::Invalid { field, message: message.into() }
    }

    /// The form field the error is about, for variants that have one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            DomainError::Invalid { field, .. }
            | DomainError::NotAnImage { field }
            | DomainError::FileTooLarge { field, .. }
            | DomainError::FileKindRefused { field, .. }
            | DomainError::AttachmentsTooLarge { field, .. }
            | DomainError::TooManyFiles { field, .. } => Some(field),
            _ => None,
        }
    }
}
