//! A gateway that lives in the process, for demos and tests (PMT-4). It
//! behaves like a redirect gateway: a created payment waits on a hosted page
//! (`{page_base}/{external_id}`, served by the web layer), which settles it
//! with [`SandboxGateway::settle`]; the settlement comes back as a signed
//! callback to deliver to the webhook endpoint, now or later.
//!
//! Its states follow Stripe's PaymentIntent: a declined card is one attempt,
//! after which the payment stays open and the payer may pay again on the
//! same page; only a success (or, with manual capture, the hold) ends it.
//!
//! Callbacks are signed like Stripe's (HMAC-SHA256 over "{t}.{body}" in the
//! `X-Sandbox-Signature` header), so the webhook path that accepts them is
//! the same one that must refuse forgeries.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kopek_engine::payments::gateway::{
    CreatePayment, GatewayError, GatewayKind, GatewayPayment, GatewayRefund, GatewayStatus, PaymentGateway, RefundStatus,
    WebhookEvent, WebhookRequest,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::signature;
use crate::support::check_amount;

pub const SIGNATURE_HEADER: &str = "X-Sandbox-Signature";
/// Paying with this saved token is declined, to demo a failed autopayment;
/// the payment stays open, as a declined attempt leaves it.
pub const DECLINED_TOKEN: &str = "sbx_pm_declined";
const TOKEN_PREFIX: &str = "sbx_pm_";

#[derive(Clone)]
pub struct SandboxConfig {
    /// Signs callbacks; the webhook endpoint refuses anything else.
    pub webhook_secret: String,
    /// Prefix of the hosted page's URL, a path or an absolute URL.
    pub page_base: String,
    /// With `false` a paid payment waits for `capture`, as a card hold does.
    pub auto_capture: bool,
    pub tolerance_secs: i64,
}

impl SandboxConfig {
    pub fn new(webhook_secret: impl Into<String>) -> SandboxConfig {
        SandboxConfig {
            webhook_secret: webhook_secret.into(),
            page_base: "/sandbox/pay".to_string(),
            auto_capture: true,
            tolerance_secs: signature::DEFAULT_TOLERANCE_SECS,
        }
    }
}

impl std::fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("webhook_secret", &"<redacted>")
            .field("page_base", &self.page_base)
            .field("auto_capture", &self.auto_capture)
            .field("tolerance_secs", &self.tolerance_secs)
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SandboxOutcome {
    Succeed,
    /// The card is declined; the payment waits for another attempt.
    Decline,
}

/// A webhook call to deliver: POST `body` with `headers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxCallback {
    pub external_id: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What the hosted page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct SandboxCheckout {
    pub payment: GatewayPayment,
    pub payment_id: String,
    pub description: String,
    pub return_url: String,
}

/// The callback's body, the sandbox's webhook format.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Notice {
    external_id: String,
    payment_id: String,
    status: GatewayStatus,
    amount: Decimal,
    currency: String,
    method_token: Option<String>,
    failure_reason: Option<String>,
}

struct Entry {
    payment: GatewayPayment,
    payment_id: String,
    description: String,
    return_url: String,
    save_method: bool,
    /// The amount first asked for: a replayed create must ask the same.
    requested: Decimal,
    refunded: Decimal,
}

impl Entry {
    fn notice(&self) -> Notice {
        Notice {
            external_id: self.payment.external_id.clone(),
            payment_id: self.payment_id.clone(),
            status: self.payment.status,
            amount: self.payment.amount,
            currency: self.payment.currency.clone(),
            method_token: self.payment.method_token.clone(),
            failure_reason: self.payment.failure_reason.clone(),
        }
    }
}

#[derive(Default)]
struct State {
    payments: HashMap<String, Entry>,
    by_key: HashMap<String, String>,
    refunds: HashMap<String, GatewayRefund>,
    late: Vec<Notice>,
}

pub struct SandboxGateway {
    config: SandboxConfig,
    state: Mutex<State>,
}

impl std::fmt::Debug for SandboxGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxGateway").field("config", &self.config).finish()
    }
}

// Random ids: a restarted demo must not reuse an id its database holds.
fn new_id(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

fn not_found(external_id: &str) -> GatewayError {
    GatewayError::NotFound(format!("sandbox payment {external_id}"))
}

impl SandboxGateway {
    pub fn new(config: SandboxConfig) -> Result<SandboxGateway, GatewayError> {
        if config.webhook_secret.is_empty() {
            return Err(GatewayError::Protocol("the sandbox needs a webhook secret".into()));
        }
        Ok(SandboxGateway { config, state: Mutex::new(State::default()) })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere leaves whole entries behind; carry on with them.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The signature header value for `body` at `now`, as the sandbox sends
    /// it; tests use it to build authentic and forged calls.
    pub fn sign(&self, body: &[u8], now: DateTime<Utc>) -> Result<String, GatewayError> {
        signature::sign(&self.config.webhook_secret, now.timestamp(), body)
    }

    fn callback(&self, notice: &Notice, now: DateTime<Utc>) -> Result<SandboxCallback, GatewayError> {
        let body = serde_json::to_vec(notice).map_err(|e| GatewayError::Protocol(e.to_string()))?;
        let signature = self.sign(&body, now)?;
        Ok(SandboxCallback {
            external_id: notice.external_id.clone(),
            headers: vec![
                ("Content-Type".to_string(), "application/json".to_string()),
                (SIGNATURE_HEADER.to_string(), signature),
            ],
            body,
        })
    }

    /// The hosted page's view of a payment.
    pub fn checkout(&self, external_id: &str) -> Option<SandboxCheckout> {
        let state = self.state();
        let e = state.payments.get(external_id)?;
        Some(SandboxCheckout {
            payment: e.payment.clone(),
            payment_id: e.payment_id.clone(),
            description: e.description.clone(),
            return_url: e.return_url.clone(),
        })
    }

    fn apply(&self, state: &mut State, external_id: &str, outcome: SandboxOutcome) -> Result<Notice, GatewayError> {
        let auto_capture = self.config.auto_capture;
        let e = state.payments.get_mut(external_id).ok_or_else(|| not_found(external_id))?;
        if !matches!(e.payment.status, GatewayStatus::Pending | GatewayStatus::Declined) {
            return Err(GatewayError::Invalid(format!("sandbox payment {external_id} is already {}", e.payment.status.as_str())));
        }
        match outcome {
            SandboxOutcome::Succeed => {
                e.payment.status = if auto_capture { GatewayStatus::Succeeded } else { GatewayStatus::WaitingForCapture };
                e.payment.confirmation_url = None;
                // As Stripe clears `last_payment_error`: the earlier decline
                // is history, not a reason attached to the success.
                e.payment.failure_reason = None;
                if e.save_method {
                    e.payment.method_token = Some(new_id(TOKEN_PREFIX));
                }
            }
            // The page stays where it was, for the payer's next attempt.
            SandboxOutcome::Decline => {
                e.payment.status = GatewayStatus::Declined;
                e.payment.failure_reason = Some("declined in the sandbox".to_string());
            }
        }
        Ok(e.notice())
    }

    /// Settles a pending payment as the payer chose on the hosted page and
    /// returns the callback to deliver at once.
    pub fn settle(
        &self,
        external_id: &str,
        outcome: SandboxOutcome,
        now: DateTime<Utc>,
    ) -> Result<SandboxCallback, GatewayError> {
        let notice = self.apply(&mut self.state(), external_id, outcome)?;
        self.callback(&notice, now)
    }

    /// Settles a payment but holds its callback back, as a gateway whose
    /// webhook is delayed: `fetch` already tells the new state.
    pub fn settle_late(&self, external_id: &str, outcome: SandboxOutcome) -> Result<(), GatewayError> {
        let mut state = self.state();
        let notice = self.apply(&mut state, external_id, outcome)?;
        state.late.push(notice);
        Ok(())
    }

    /// The held-back callbacks, signed at delivery time as a real gateway
    /// signs when it sends.
    pub fn take_late_callbacks(&self, now: DateTime<Utc>) -> Result<Vec<SandboxCallback>, GatewayError> {
        let notices = std::mem::take(&mut self.state().late);
        notices.iter().map(|n| self.callback(n, now)).collect()
    }
}

#[async_trait]
impl PaymentGateway for SandboxGateway {
    fn kind(&self) -> GatewayKind {
        GatewayKind::Sandbox
    }

    async fn create(&self, req: &CreatePayment) -> Result<GatewayPayment, GatewayError> {
        check_amount(req.amount, 2)?;
        let mut state = self.state();
        if let Some(id) = state.by_key.get(&req.idempotency_key) {
            let e = &state.payments[id];
            if e.payment_id != req.payment_id || e.requested != req.amount || e.payment.currency != req.currency {
                return Err(GatewayError::Invalid(format!(
                    "idempotency key {} was used for another payment",
                    req.idempotency_key
                )));
            }
            return Ok(e.payment.clone());
        }
        let external_id = new_id("sbx_");
        let mut payment = GatewayPayment {
            external_id: external_id.clone(),
            status: GatewayStatus::Pending,
            confirmation_url: None,
            client_secret: None,
            method_token: None,
            amount: req.amount,
            currency: req.currency.clone(),
            failure_reason: None,
        };
        match req.saved_method_token.as_deref() {
            Some(DECLINED_TOKEN) => {
                payment.status = GatewayStatus::Declined;
                payment.failure_reason = Some("saved method declined in the sandbox".to_string());
            }
            Some(token) if token.starts_with(TOKEN_PREFIX) => {
                payment.status =
                    if self.config.auto_capture { GatewayStatus::Succeeded } else { GatewayStatus::WaitingForCapture };
            }
            Some(token) => return Err(GatewayError::Invalid(format!("{token} is not a sandbox payment method"))),
            None => {
                let base = self.config.page_base.trim_end_matches('/');
                payment.confirmation_url = Some(format!("{base}/{external_id}"));
            }
        }
        state.by_key.insert(req.idempotency_key.clone(), external_id.clone());
        state.payments.insert(
            external_id,
            Entry {
                payment: payment.clone(),
                payment_id: req.payment_id.clone(),
                description: req.description.clone(),
                return_url: req.return_url.clone(),
                save_method: req.save_method,
                requested: req.amount,
                refunded: Decimal::ZERO,
            },
        );
        Ok(payment)
    }

    async fn fetch(&self, external_id: &str) -> Result<GatewayPayment, GatewayError> {
        let state = self.state();
        state.payments.get(external_id).map(|e| e.payment.clone()).ok_or_else(|| not_found(external_id))
    }

    async fn capture(&self, external_id: &str, amount: Decimal) -> Result<GatewayPayment, GatewayError> {
        check_amount(amount, 2)?;
        let mut state = self.state();
        let e = state.payments.get_mut(external_id).ok_or_else(|| not_found(external_id))?;
        match e.payment.status {
            // Capturing twice is answered like the first time.
            GatewayStatus::Succeeded if e.payment.amount == amount => return Ok(e.payment.clone()),
            GatewayStatus::WaitingForCapture if amount <= e.payment.amount => {}
            GatewayStatus::WaitingForCapture => {
                return Err(GatewayError::Invalid(format!("capture of {amount} exceeds the hold of {}", e.payment.amount)));
            }
            other => {
                return Err(GatewayError::Invalid(format!("sandbox payment {external_id} is {}", other.as_str())));
            }
        }
        e.payment.status = GatewayStatus::Succeeded;
        e.payment.amount = amount;
        Ok(e.payment.clone())
    }

    async fn refund(&self, external_id: &str, amount: Decimal, idempotency_key: &str) -> Result<GatewayRefund, GatewayError> {
        check_amount(amount, 2)?;
        let mut state = self.state();
        if let Some(r) = state.refunds.get(idempotency_key) {
            if r.payment_external_id != external_id || r.amount != amount {
                return Err(GatewayError::Invalid(format!("idempotency key {idempotency_key} was used for another refund")));
            }
            return Ok(r.clone());
        }
        let e = state.payments.get_mut(external_id).ok_or_else(|| not_found(external_id))?;
        if e.payment.status != GatewayStatus::Succeeded {
            return Err(GatewayError::Invalid(format!("sandbox payment {external_id} is {}", e.payment.status.as_str())));
        }
        let left = e.payment.amount - e.refunded;
        if amount > left {
            return Err(GatewayError::Invalid(format!("refund of {amount} exceeds the {left} left to refund")));
        }
        e.refunded += amount;
        let refund = GatewayRefund {
            external_id: new_id("sbx_re_"),
            payment_external_id: external_id.to_string(),
            status: RefundStatus::Succeeded,
            amount,
            currency: e.payment.currency.clone(),
        };
        state.refunds.insert(idempotency_key.to_string(), refund.clone());
        Ok(refund)
    }

    async fn verify_webhook(&self, req: &WebhookRequest<'_>) -> Result<WebhookEvent, GatewayError> {
        signature::verify(
            req.header(SIGNATURE_HEADER),
            &self.config.webhook_secret,
            req.body,
            req.now,
            self.config.tolerance_secs,
        )?;
        let notice: Notice =
            serde_json::from_slice(req.body).map_err(|e| GatewayError::Protocol(format!("unexpected sandbox callback: {e}")))?;
        Ok(WebhookEvent {
            external_id: notice.external_id,
            status: notice.status,
            amount: notice.amount,
            currency: notice.currency,
            payment_id: Some(notice.payment_id),
            method_token: notice.method_token,
            failure_reason: notice.failure_reason,
        })
    }
}
