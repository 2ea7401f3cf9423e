//! Stripe (https://docs.stripe.com/api): PaymentIntents, refunds and signed
//! webhooks. Requests are form-encoded with a Bearer secret key; amounts
//! travel as integers in the currency's smallest unit.
//!
//! A new card is entered in Stripe's embedded Payment Element with the
//! intent's client secret; a saved card (customer and payment method) is
//! confirmed at once, and a 3-D Secure step comes back as a redirect URL.

use std::time::Duration;

use async_trait::async_trait;
use kopek_engine::payments::gateway::{
    CreatePayment, GatewayError, GatewayKind, GatewayPayment, GatewayRefund, GatewayStatus, PaymentGateway, RefundStatus,
    WebhookEvent, WebhookRequest,
};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::signature;
use crate::support::{self, from_minor, to_minor};

pub const STRIPE_API: &str = "https://api.stripe.com";
pub const SIGNATURE_HEADER: &str = "Stripe-Signature";
/// The metadata key that carries Kopek's payment id.
pub const METADATA_KEY: &str = "kopek_payment_id";

#[derive(Clone)]
pub struct StripeConfig {
    /// `STRIPE_API` in production; a local stub in tests.
    pub base_url: String,
    /// `sk_live_…` or `sk_test_…`.
    pub secret_key: String,
    /// The endpoint's signing secret, `whsec_…`.
    pub webhook_secret: String,
    /// With `false` intents use manual capture and wait for `capture`.
    pub auto_capture: bool,
    pub timeout: Duration,
    /// How far a webhook's signed timestamp may be from now.
    pub tolerance_secs: i64,
}

impl StripeConfig {
    pub fn new(secret_key: impl Into<String>, webhook_secret: impl Into<String>) -> StripeConfig {
        StripeConfig {
            base_url: STRIPE_API.to_string(),
            secret_key: secret_key.into(),
            webhook_secret: webhook_secret.into(),
            auto_capture: true,
            timeout: support::DEFAULT_TIMEOUT,
            tolerance_secs: signature::DEFAULT_TOLERANCE_SECS,
        }
    }
}

impl std::fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeConfig")
            .field("base_url", &self.base_url)
            .field("secret_key", &"<redacted>")
            .field("webhook_secret", &"<redacted>")
            .field("auto_capture", &self.auto_capture)
            .field("timeout", &self.timeout)
            .field("tolerance_secs", &self.tolerance_secs)
            .finish()
    }
}

pub struct StripeGateway {
    config: StripeConfig,
    base: String,
    http: reqwest::Client,
}

impl std::fmt::Debug for StripeGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeGateway").field("config", &self.config).finish()
    }
}

/// Decimal places of a currency's smallest unit as Stripe counts them
/// (https://docs.stripe.com/currencies#zero-decimal), which for a few
/// currencies differs from ISO 4217.
pub fn currency_exponent(currency: &str) -> u32 {
    const ZERO: [&str; 16] =
        ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"];
    const THREE: [&str; 5] = ["BHD", "JOD", "KWD", "OMR", "TND"];
    let c = currency.to_ascii_uppercase();
    if ZERO.contains(&c.as_str()) {
        0
    } else if THREE.contains(&c.as_str()) {
        3
    } else {
        2
    }
}

#[derive(Deserialize)]
struct Intent {
    id: String,
    status: String,
    amount: i64,
    #[serde(default)]
    amount_received: i64,
    currency: String,
    #[serde(default)]
    client_secret: Option<String>,
    #[serde(default)]
    customer: Option<Value>,
    #[serde(default)]
    payment_method: Option<Value>,
    #[serde(default)]
    setup_future_usage: Option<String>,
    #[serde(default)]
    metadata: serde_json::Map<String, Value>,
    #[serde(default)]
    next_action: Option<Value>,
    #[serde(default)]
    last_payment_error: Option<ApiError>,
    #[serde(default)]
    cancellation_reason: Option<String>,
}

#[derive(Deserialize)]
struct Refund {
    id: String,
    amount: i64,
    currency: String,
    status: String,
    #[serde(default)]
    payment_intent: Option<Value>,
}

#[derive(Deserialize)]
struct Customer {
    id: String,
}

#[derive(Deserialize, Default)]
struct ApiError {
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    decline_code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    payment_intent: Option<Box<Intent>>,
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    error: ApiError,
}

#[derive(Deserialize)]
struct Event {
    #[serde(rename = "type")]
    kind: String,
    data: EventData,
}

#[derive(Deserialize)]
struct EventData {
    object: Value,
}

/// An id field that Stripe returns either as the id or, when expanded, as
/// the object with its id inside.
fn id_of(v: &Option<Value>) -> Option<String> {
    match v.as_ref()? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("id")?.as_str().map(str::to_string),
        _ => None,
    }
}

impl ApiError {
    fn describe(&self) -> String {
        let code = self.decline_code.as_deref().or(self.code.as_deref()).or(self.kind.as_deref()).unwrap_or("error");
        format!("{code}: {}", self.message.as_deref().unwrap_or("no message"))
    }
}

impl Intent {
    fn into_gateway(self) -> GatewayPayment {
        let exponent = currency_exponent(&self.currency);
        let failure_reason = self.last_payment_error.as_ref().map(ApiError::describe);
        let status = match self.status.as_str() {
            "requires_capture" => GatewayStatus::WaitingForCapture,
            "succeeded" => GatewayStatus::Succeeded,
            // Only a cancelled intent can never take money.
            "canceled" => GatewayStatus::Canceled,
            // A declined attempt sends the intent back for another method
            // (https://docs.stripe.com/payments/paymentintents/lifecycle):
            // the payer may retry on the same intent, which may yet succeed.
            "requires_payment_method" if failure_reason.is_some() => GatewayStatus::Declined,
            _ => GatewayStatus::Pending,
        };
        let confirmation_url =
            self.next_action.as_ref().and_then(|a| a.pointer("/redirect_to_url/url")).and_then(Value::as_str).map(str::to_string);
        let method_token = match (&status, &self.setup_future_usage, id_of(&self.customer), id_of(&self.payment_method)) {
            (GatewayStatus::Succeeded | GatewayStatus::WaitingForCapture, Some(_), Some(c), Some(pm)) => {
                Some(format!("{c}/{pm}"))
            }
            _ => None,
        };
        // What was taken, once something was; until then what was asked.
        let minor = if self.amount_received > 0 { self.amount_received } else { self.amount };
        GatewayPayment {
            external_id: self.id,
            status,
            confirmation_url,
            client_secret: self.client_secret,
            method_token,
            amount: from_minor(minor, exponent),
            currency: self.currency.to_ascii_uppercase(),
            failure_reason: failure_reason.or(self.cancellation_reason),
        }
    }

    fn payment_id(&self) -> Option<String> {
        self.metadata.get(METADATA_KEY)?.as_str().map(str::to_string)
    }
}

enum Failure {
    /// A declined confirmation still created an intent, open for another
    /// attempt: Kopek records it.
    DeclinedIntent(Box<Intent>),
    Error(GatewayError),
}

fn failure_for(status: u16, body: &[u8]) -> Failure {
    let error = serde_json::from_slice::<ErrorEnvelope>(body).map(|e| e.error).unwrap_or_default();
    let detail = error.describe();
    let e = match status {
        402 => match error.payment_intent {
            Some(intent) => return Failure::DeclinedIntent(intent),
            None => GatewayError::Declined(detail),
        },
        400 | 409 => GatewayError::Invalid(format!("Stripe: {detail}")),
        404 => GatewayError::NotFound(format!("Stripe: {detail}")),
        429 | 500..=599 => GatewayError::Unavailable(format!("Stripe answered {status}: {detail}")),
        401 | 403 => GatewayError::Protocol(format!("Stripe refused our key ({status}): {detail}")),
        _ => GatewayError::Protocol(format!("Stripe answered {status}: {detail}")),
    };
    Failure::Error(e)
}

fn intent_path(external_id: &str) -> Result<String, GatewayError> {
    Ok(format!("/v1/payment_intents/{}", support::path_segment(external_id)?))
}

type Form = Vec<(String, String)>;

fn field(form: &mut Form, key: &str, value: impl ToString) {
    form.push((key.to_string(), value.to_string()));
}

impl StripeGateway {
    pub fn new(config: StripeConfig) -> Result<StripeGateway, GatewayError> {
        if config.secret_key.is_empty() || config.webhook_secret.is_empty() {
            return Err(GatewayError::Protocol("Stripe needs a secret key and a webhook secret".into()));
        }
        let http = support::http_client(config.timeout)?;
        let base = support::base_url(&config.base_url);
        Ok(StripeGateway { config, base, http })
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        form: Option<(&Form, &str)>,
        what: &str,
    ) -> Result<Result<T, Failure>, GatewayError> {
        let mut request = self.http.request(method, format!("{}{path}", self.base)).bearer_auth(&self.config.secret_key);
        if let Some((form, key)) = form {
            request = request.header("Idempotency-Key", key).form(form);
        }
        let (status, body) = support::send(request).await?;
        if !(200..300).contains(&status) {
            return Ok(Err(failure_for(status, &body)));
        }
        Ok(Ok(support::parse_json(what, &body)?))
    }

    /// An intent from a call that may answer with a declined intent.
    async fn intent(&self, method: reqwest::Method, path: &str, form: Option<(&Form, &str)>) -> Result<Intent, GatewayError> {
        match self.call::<Intent>(method, path, form, "Stripe PaymentIntent").await? {
            Ok(intent) => Ok(intent),
            Err(Failure::DeclinedIntent(intent)) => Ok(*intent),
            Err(Failure::Error(e)) => Err(e),
        }
    }

    async fn post<T: DeserializeOwned>(&self, path: &str, form: &Form, key: &str, what: &str) -> Result<T, GatewayError> {
        match self.call::<T>(reqwest::Method::POST, path, Some((form, key)), what).await? {
            Ok(v) => Ok(v),
            Err(Failure::DeclinedIntent(i)) => Err(GatewayError::Declined(format!("payment {} declined", i.id))),
            Err(Failure::Error(e)) => Err(e),
        }
    }

    fn metadata(form: &mut Form, payment_id: &str) {
        field(form, &format!("metadata[{METADATA_KEY}]"), payment_id);
    }
}

#[async_trait]
impl PaymentGateway for StripeGateway {
    fn kind(&self) -> GatewayKind {
        GatewayKind::Stripe
    }

    async fn create(&self, req: &CreatePayment) -> Result<GatewayPayment, GatewayError> {
        let minor = to_minor(req.amount, currency_exponent(&req.currency))?;
        let mut form = Form::new();
        field(&mut form, "amount", minor);
        field(&mut form, "currency", req.currency.to_ascii_lowercase());
        field(&mut form, "description", &req.description);
        field(&mut form, "capture_method", if self.config.auto_capture { "automatic" } else { "manual" });
        Self::metadata(&mut form, &req.payment_id);
        match &req.saved_method_token {
            Some(token) => {
                // Saved tokens are "customer/payment method": a reusable
                // method belongs to a customer and is charged through it.
                let (customer, method) = match token.split_once('/') {
                    Some((c, m)) => (Some(c), m),
                    None => (None, token.as_str()),
                };
                if let Some(c) = customer {
                    field(&mut form, "customer", c);
                }
                field(&mut form, "payment_method", method);
                field(&mut form, "confirm", "true");
                field(&mut form, "return_url", &req.return_url);
            }
            None => {
                field(&mut form, "automatic_payment_methods[enabled]", "true");
                if req.save_method {
                    let mut customer_form = Form::new();
                    field(&mut customer_form, "description", format!("Kopek payment {}", req.payment_id));
                    Self::metadata(&mut customer_form, &req.payment_id);
                    let key = format!("{}/customer", req.idempotency_key);
                    let customer: Customer = self.post("/v1/customers", &customer_form, &key, "Stripe customer").await?;
                    field(&mut form, "customer", customer.id);
                    field(&mut form, "setup_future_usage", "off_session");
                }
            }
        }
        let intent = self.intent(reqwest::Method::POST, "/v1/payment_intents", Some((&form, &req.idempotency_key))).await?;
        Ok(intent.into_gateway())
    }

    async fn fetch(&self, external_id: &str) -> Result<GatewayPayment, GatewayError> {
        let intent = self.intent(reqwest::Method::GET, &intent_path(external_id)?, None).await?;
        Ok(intent.into_gateway())
    }

    async fn capture(&self, external_id: &str, amount: Decimal) -> Result<GatewayPayment, GatewayError> {
        let held = self.intent(reqwest::Method::GET, &intent_path(external_id)?, None).await?;
        let minor = to_minor(amount, currency_exponent(&held.currency))?;
        let mut form = Form::new();
        field(&mut form, "amount_to_capture", minor);
        // Capturing is final, so the same capture is the same key.
        let key = format!("capture-{external_id}-{minor}");
        let path = format!("{}/capture", intent_path(external_id)?);
        let intent = self.intent(reqwest::Method::POST, &path, Some((&form, &key))).await?;
        Ok(intent.into_gateway())
    }

    async fn refund(&self, external_id: &str, amount: Decimal, idempotency_key: &str) -> Result<GatewayRefund, GatewayError> {
        let paid = self.intent(reqwest::Method::GET, &intent_path(external_id)?, None).await?;
        let mut form = Form::new();
        field(&mut form, "payment_intent", external_id);
        field(&mut form, "amount", to_minor(amount, currency_exponent(&paid.currency))?);
        let refund: Refund = self.post("/v1/refunds", &form, idempotency_key, "Stripe refund").await?;
        let status = match refund.status.as_str() {
            "succeeded" => RefundStatus::Succeeded,
            "pending" | "requires_action" => RefundStatus::Pending,
            "failed" | "canceled" => RefundStatus::Failed,
            other => return Err(GatewayError::Protocol(format!("unknown Stripe refund status {other:?}"))),
        };
        Ok(GatewayRefund {
            external_id: refund.id,
            payment_external_id: id_of(&refund.payment_intent).unwrap_or_else(|| external_id.to_string()),
            status,
            amount: from_minor(refund.amount, currency_exponent(&refund.currency)),
            currency: refund.currency.to_ascii_uppercase(),
        })
    }

    async fn verify_webhook(&self, req: &WebhookRequest<'_>) -> Result<WebhookEvent, GatewayError> {
        signature::verify(
            req.header(SIGNATURE_HEADER),
            &self.config.webhook_secret,
            req.body,
            req.now,
            self.config.tolerance_secs,
        )?;
        let event: Event = support::parse_json("Stripe event", req.body)?;
        let is_intent = event.data.object.get("object").and_then(Value::as_str) == Some("payment_intent");
        if !event.kind.starts_with("payment_intent.") || !is_intent {
            return Err(GatewayError::Ignored(event.kind));
        }
        let intent: Intent = serde_json::from_value(event.data.object)
            .map_err(|e| GatewayError::Protocol(format!("unexpected Stripe PaymentIntent: {e}")))?;
        let payment_id = intent.payment_id();
        let payment = intent.into_gateway();
        Ok(WebhookEvent::from_payment(payment, payment_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exponents_follow_stripe() {
        assert_eq!(currency_exponent("rub"), 2);
        assert_eq!(currency_exponent("JPY"), 0);
        assert_eq!(currency_exponent("kwd"), 3);
    }

    #[test]
    fn pmt4_a_declined_attempt_leaves_the_intent_open() {
        let intent: Intent = serde_json::from_value(json!({
            "id": "pi_1", "object": "payment_intent", "status": "requires_payment_method",
            "amount": 1000, "currency": "eur",
            "last_payment_error": {"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds", "message": "Your card has insufficient funds."}
        }))
        .unwrap();
        let p = intent.into_gateway();
        assert_eq!(p.status, GatewayStatus::Declined);
        assert!(!p.status.is_final());
        assert_eq!(p.amount, Decimal::new(1000, 2));
        assert_eq!(p.currency, "EUR");
        assert!(p.failure_reason.unwrap().starts_with("insufficient_funds"));
    }

    #[test]
    fn a_saved_method_is_reported_with_its_customer() {
        let intent: Intent = serde_json::from_value(json!({
            "id": "pi_2", "status": "succeeded", "amount": 500, "amount_received": 500, "currency": "usd",
            "customer": "cus_1", "payment_method": {"id": "pm_1", "object": "payment_method"},
            "setup_future_usage": "off_session"
        }))
        .unwrap();
        assert_eq!(intent.into_gateway().method_token.as_deref(), Some("cus_1/pm_1"));
    }
}
