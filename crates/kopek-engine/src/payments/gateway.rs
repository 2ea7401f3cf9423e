//! The one interface every payment gateway answers to (PMT-4). The engine
//! owns the trait so that use cases depend on it and `kopek-integrations`
//! implements it; nothing here touches the database.
//!
//! A gateway's answers are facts reported by the outside world; the engine
//! decides what they mean for the ledger. Idempotency is shared: the engine
//! passes the key it stores, so a retried use case repeats the same request
//! to the gateway and gets the same payment back.

use std::net::IpAddr;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Which gateway a payment went through; with the external id it is the
/// payment's unique key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GatewayKind {
    BankTransfer,
    Sandbox,
    Yookassa,
    Stripe,
}

impl GatewayKind {
    pub const ALL: [GatewayKind; 4] =
        [GatewayKind::BankTransfer, GatewayKind::Sandbox, GatewayKind::Yookassa, GatewayKind::Stripe];

    pub fn as_str(self) -> &'static str {
        match self {
            GatewayKind::BankTransfer => "bank_transfer",
            GatewayKind::Sandbox => "sandbox",
            GatewayKind::Yookassa => "yookassa",
            GatewayKind::Stripe => "stripe",
        }
    }

    pub fn parse(s: &str) -> Option<GatewayKind> {
        GatewayKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for GatewayKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request to take money.
#[derive(Debug, Clone, PartialEq)]
pub struct CreatePayment {
    /// Kopek's payment id (e.g. "yk/12"); travels in the gateway's metadata
    /// so that a webhook names the payment it is about.
    pub payment_id: String,
    /// Sent as the gateway's idempotency header: a retry after a timeout
    /// must not take the money twice.
    pub idempotency_key: String,
    pub amount: Decimal,
    /// ISO 4217 code, upper case.
    pub currency: String,
    pub description: String,
    /// Where the payer's browser comes back after the gateway's page.
    pub return_url: String,
    /// Ask the gateway to keep the card and return a token (PMT-6).
    pub save_method: bool,
    /// Pay with a token saved earlier, without the payer's redirect when the
    /// gateway allows it (autopayment, PMT-5).
    pub saved_method_token: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GatewayStatus {
    /// Created, the payer has not finished (or the money is still awaited).
    Pending,
    /// Authorised, held on the card until captured or cancelled.
    WaitingForCapture,
    Succeeded,
    /// One attempt was refused (a declined card, a failed 3-D Secure) and the
    /// gateway keeps the payment open for another, as Stripe returns its
    /// intent to `requires_payment_method`: money may still come.
    Declined,
    /// The payer's side failed and the gateway closed the payment (YooKassa
    /// cancels a declined payment; a new attempt is a new payment).
    Failed,
    /// Cancelled by the merchant, or by the gateway after a hold expired.
    Canceled,
}

impl GatewayStatus {
    /// The gateway moves a payment no further from a final status. Kopek
    /// still credits a success that follows any other report: the gateway
    /// holds the money, whatever it said before.
    pub fn is_final(self) -> bool {
        matches!(self, GatewayStatus::Succeeded | GatewayStatus::Failed | GatewayStatus::Canceled)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            GatewayStatus::Pending => "pending",
            GatewayStatus::WaitingForCapture => "waiting_for_capture",
            GatewayStatus::Succeeded => "succeeded",
            GatewayStatus::Declined => "declined",
            GatewayStatus::Failed => "failed",
            GatewayStatus::Canceled => "canceled",
        }
    }
}

/// A payment as the gateway reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct GatewayPayment {
    /// The gateway's own id; unique per gateway.
    pub external_id: String,
    pub status: GatewayStatus,
    /// Send the payer's browser here to pay (redirect flow); none when no
    /// page is needed (bank transfer, a saved card charged directly).
    pub confirmation_url: Option<String>,
    /// For gateways whose payment form is embedded in Kopek's page rather
    /// than reached by redirect (Stripe's Payment Element).
    pub client_secret: Option<String>,
    /// A saved payment method's token, once the gateway has one.
    pub method_token: Option<String>,
    pub amount: Decimal,
    pub currency: String,
    /// The gateway's reason for a failure or cancellation, for staff.
    pub failure_reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    Pending,
    Succeeded,
    Failed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GatewayRefund {
    pub external_id: String,
    pub payment_external_id: String,
    pub status: RefundStatus,
    pub amount: Decimal,
    pub currency: String,
}

/// An incoming webhook call, as the web layer received it.
#[derive(Debug, Clone, Copy)]
pub struct WebhookRequest<'a> {
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    /// The caller's address as the web layer trusts it (after its own proxy
    /// rules); gateways with an address allow-list check it.
    pub remote_ip: Option<IpAddr>,
    /// Signature timestamps are checked against this, not the system time.
    pub now: DateTime<Utc>,
}

impl WebhookRequest<'_> {
    /// HTTP header names are case-insensitive.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A proven change of a payment's state.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEvent {
    pub external_id: String,
    pub status: GatewayStatus,
    pub amount: Decimal,
    pub currency: String,
    /// Kopek's id from the gateway's metadata; none for a payment not
    /// created by Kopek, which the engine then finds by external id or
    /// ignores.
    pub payment_id: Option<String>,
    pub method_token: Option<String>,
    pub failure_reason: Option<String>,
}

impl WebhookEvent {
    /// What a gateway's own answer about a payment proves, for Kopek's
    /// payment `payment_id` when known.
    pub fn from_payment(p: GatewayPayment, payment_id: Option<String>) -> WebhookEvent {
        WebhookEvent {
            external_id: p.external_id,
            status: p.status,
            amount: p.amount,
            currency: p.currency,
            payment_id,
            method_token: p.method_token,
            failure_reason: p.failure_reason,
        }
    }
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum GatewayError {
    /// A webhook that is not proven to come from the gateway: bad or missing
    /// signature, stale timestamp, unknown address, an id the gateway denies.
    #[error("webhook refused: {0}")]
    Forged(String),
    /// An authentic webhook about something that does not move a payment
    /// (another event type); answer it with success so it is not resent.
    #[error("webhook event ignored: {0}")]
    Ignored(String),
    /// The payer's bank or the gateway refused the money.
    #[error("payment declined: {0}")]
    Declined(String),
    /// A request the gateway cannot take (amount precision, currency,
    /// a refund larger than the payment).
    #[error("invalid gateway request: {0}")]
    Invalid(String),
    #[error("not found at the gateway: {0}")]
    NotFound(String),
    /// The gateway has no such operation (a bank transfer has no webhooks).
    #[error("not supported by this gateway: {0}")]
    Unsupported(String),
    /// Network failure, timeout, 5xx or rate limit: the same request, with
    /// the same idempotency key, may be retried later.
    #[error("gateway unavailable: {0}")]
    Unavailable(String),
    /// An answer we do not understand or credentials the gateway refuses:
    /// a configuration or programming fault, not the payer's.
    #[error("gateway protocol error: {0}")]
    Protocol(String),
}

impl GatewayError {
    /// A stable machine code, for API errors and logs.
    pub fn code(&self) -> &'static str {
        match self {
            GatewayError::Forged(_) => "webhook_forged",
            GatewayError::Ignored(_) => "webhook_ignored",
            GatewayError::Declined(_) => "payment_declined",
            GatewayError::Invalid(_) => "gateway_invalid_request",
            GatewayError::NotFound(_) => "gateway_not_found",
            GatewayError::Unsupported(_) => "gateway_unsupported",
            GatewayError::Unavailable(_) => "gateway_unavailable",
            GatewayError::Protocol(_) => "gateway_protocol",
        }
    }

    pub fn is_retryable(&self) -> bool {
        matches!(self, GatewayError::Unavailable(_))
    }
}

/// Every gateway, behind `Arc<dyn PaymentGateway>`.
#[async_trait]
pub trait PaymentGateway: Send + Sync {
    fn kind(&self) -> GatewayKind;

    async fn create(&self, req: &CreatePayment) -> Result<GatewayPayment, GatewayError>;

    /// The payment's current state, for polling when a webhook is late.
    async fn fetch(&self, external_id: &str) -> Result<GatewayPayment, GatewayError>;

    /// Takes a held payment; the amount may be less than the hold.
    async fn capture(&self, external_id: &str, amount: Decimal) -> Result<GatewayPayment, GatewayError>;

    async fn refund(&self, external_id: &str, amount: Decimal, idempotency_key: &str) -> Result<GatewayRefund, GatewayError>;

    /// Proves a webhook authentic and says what it reports. Only an `Ok`
    /// may change a payment; the event's content comes from what was proven
    /// (a checked signature, or the gateway's own answer to a re-fetch).
    async fn verify_webhook(&self, req: &WebhookRequest<'_>) -> Result<WebhookEvent, GatewayError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for k in GatewayKind::ALL {
            assert_eq!(GatewayKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(GatewayKind::parse("paypal"), None);
    }

    #[test]
    fn webhook_headers_are_case_insensitive() {
        let headers = vec![("stripe-signature".to_string(), "t=1".to_string())];
        let req = WebhookRequest { headers: &headers, body: b"", remote_ip: None, now: Utc::now() };
        assert_eq!(req.header("Stripe-Signature"), Some("t=1"));
        assert_eq!(req.header("X-Other"), None);
    }

    #[test]
    fn pmt4_a_declined_attempt_is_not_final() {
        assert!(!GatewayStatus::Declined.is_final());
        assert!(GatewayStatus::Failed.is_final() && GatewayStatus::Canceled.is_final());
        assert_eq!(serde_json::to_value(GatewayStatus::Declined).unwrap(), "declined");
    }

    #[test]
    fn only_unavailable_is_retried() {
        assert!(GatewayError::Unavailable("503".into()).is_retryable());
        assert!(!GatewayError::Declined("card".into()).is_retryable());
        assert_eq!(GatewayError::Forged("sig".into()).code(), "webhook_forged");
    }
}
