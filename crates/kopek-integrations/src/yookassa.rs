//! YooKassa API v3 (https://yookassa.ru/developers/api): payments with a
//! redirect confirmation, two-stage capture, refunds, saved cards.
//!
//! YooKassa signs nothing it sends, so a notification is only a hint: its
//! payment is fetched back with our credentials and only the fetched object
//! is trusted. An address allow-list of YooKassa's networks can be added on
//! top when the web layer knows the caller's real address.

use std::net::IpAddr;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use kopek_engine::payments::gateway::{
    CreatePayment, GatewayError, GatewayKind, GatewayPayment, GatewayRefund, GatewayStatus, PaymentGateway, RefundStatus,
    WebhookEvent, WebhookRequest,
};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{self, check_amount, fixed, parse_decimal};

pub const YOOKASSA_API: &str = "https://api.yookassa.ru";

/// The metadata key that carries Kopek's payment id.
pub const METADATA_KEY: &str = "kopek_payment_id";

/// The networks YooKassa sends notifications from, as it publishes them.
pub const YOOKASSA_NETWORKS: [&str; 7] = [
    "185.71.76.0/27",
    "185.71.77.0/27",
    "77.75.153.0/25",
    "77.75.156.11/32",
    "77.75.156.35/32",
    "77.75.154.128/25",
    "2a02:5180::/32",
];

// YooKassa's limits on these fields; longer values are refused.
const IDEMPOTENCE_KEY_MAX: usize = 64;
const DESCRIPTION_MAX: usize = 128;

#[derive(Clone)]
pub struct YooKassaConfig {
    /// `YOOKASSA_API` in production; a local stub in tests.
    pub base_url: String,
    pub shop_id: String,
    pub secret_key: String,
    /// One-stage payments; with `false` a paid payment waits for `capture`.
    pub auto_capture: bool,
    pub timeout: Duration,
    /// `None`: any address may notify (the re-fetch alone proves the
    /// payment's state); `Some`: only these networks.
    pub allowed_networks: Option<Vec<IpNetwork>>,
}

impl YooKassaConfig {
    pub fn new(shop_id: impl Into<String>, secret_key: impl Into<String>) -> YooKassaConfig {
        YooKassaConfig {
            base_url: YOOKASSA_API.to_string(),
            shop_id: shop_id.into(),
            secret_key: secret_key.into(),
            auto_capture: true,
            timeout: support::DEFAULT_TIMEOUT,
            allowed_networks: None,
        }
    }

    pub fn official_networks() -> Vec<IpNetwork> {
        YOOKASSA_NETWORKS.iter().map(|n| n.parse().expect("published networks parse")).collect()
    }
}

impl std::fmt::Debug for YooKassaConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("YooKassaConfig")
            .field("base_url", &self.base_url)
            .field("shop_id", &self.shop_id)
            .field("secret_key", &"<redacted>")
            .field("auto_capture", &self.auto_capture)
            .field("timeout", &self.timeout)
            .field("allowed_networks", &self.allowed_networks)
            .finish()
    }
}

/// An IPv4 or IPv6 network in CIDR form ("185.71.76.0/27"); a bare address
/// is a network of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNetwork {
    addr: IpAddr,
    prefix: u8,
}

impl IpNetwork {
    pub fn contains(&self, ip: IpAddr) -> bool {
        // A dual-stack listener reports IPv4 callers as ::ffff:a.b.c.d.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for IpNetwork {
    type Err = String;

    fn from_str(s: &str) -> Result<IpNetwork, String> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.trim().parse().map_err(|_| format!("not an IP address: {s:?}"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.trim().parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| format!("bad prefix in {s:?}"))?,
            None => max,
        };
        Ok(IpNetwork { addr, prefix })
    }
}

pub struct YooKassaGateway {
    config: YooKassaConfig,
    base: String,
    http: reqwest::Client,
}

impl std::fmt::Debug for YooKassaGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("YooKassaGateway").field("config", &self.config).finish()
    }
}

#[derive(Deserialize)]
struct Amount {
    value: String,
    currency: String,
}

#[derive(Deserialize)]
struct Confirmation {
    #[serde(default)]
    confirmation_url: Option<String>,
}

#[derive(Deserialize)]
struct Method {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    saved: bool,
}

#[derive(Deserialize)]
struct Cancellation {
    #[serde(default)]
    party: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
struct Payment {
    id: String,
    status: String,
    amount: Amount,
    #[serde(default)]
    confirmation: Option<Confirmation>,
    #[serde(default)]
    payment_method: Option<Method>,
    #[serde(default)]
    metadata: Option<serde_json::Map<String, Value>>,
    #[serde(default)]
    cancellation_details: Option<Cancellation>,
}

#[derive(Deserialize)]
struct Refund {
    id: String,
    payment_id: String,
    status: String,
    amount: Amount,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
struct Notification {
    event: String,
    object: NotificationObject,
}

#[derive(Deserialize)]
struct NotificationObject {
    id: String,
}

impl Payment {
    fn payment_id(&self) -> Option<String> {
        self.metadata.as_ref()?.get(METADATA_KEY)?.as_str().map(str::to_string)
    }

    fn into_gateway(self) -> Result<GatewayPayment, GatewayError> {
        let status = match self.status.as_str() {
            "pending" => GatewayStatus::Pending,
            "waiting_for_capture" => GatewayStatus::WaitingForCapture,
            "succeeded" => GatewayStatus::Succeeded,
            // YooKassa cancels a declined payment for good and a new
            // attempt is a new payment
            // (https://yookassa.ru/developers/payments/declined-payments),
            // so nothing here is a retryable decline. Only the merchant's
            // own cancellation or an expired hold is a cancellation; every
            // other reason is the payer's failure.
            "canceled" => match self.cancellation_details.as_ref().and_then(|c| c.reason.as_deref()) {
                Some("canceled_by_merchant" | "expired_on_capture") => GatewayStatus::Canceled,
                _ => GatewayStatus::Failed,
            },
            other => return Err(GatewayError::Protocol(format!("unknown YooKassa payment status {other:?}"))),
        };
        let failure_reason = self
            .cancellation_details
            .as_ref()
            .map(|c| format!("{} ({})", c.reason.as_deref().unwrap_or("unknown"), c.party.as_deref().unwrap_or("unknown")));
        let method_token = self.payment_method.as_ref().filter(|m| m.saved).and_then(|m| m.id.clone());
        let confirmation_url = match status {
            GatewayStatus::Pending => self.confirmation.and_then(|c| c.confirmation_url),
            _ => None,
        };
        Ok(GatewayPayment {
            amount: parse_decimal("YooKassa amount", &self.amount.value)?,
            currency: self.amount.currency,
            external_id: self.id,
            status,
            confirmation_url,
            client_secret: None,
            method_token,
            failure_reason,
        })
    }
}

/// YooKassa's keys are at most 64 characters; a longer key of ours is
/// hashed so that it stays the same on every retry.
fn idempotence_key(key: &str) -> String {
    if key.len() <= IDEMPOTENCE_KEY_MAX { key.to_string() } else { hex::encode(Sha256::digest(key.as_bytes())) }
}

fn money(amount: Decimal, currency: &str) -> Value {
    json!({ "value": fixed(amount, 2), "currency": currency })
}

fn error_for(status: u16, body: &[u8]) -> GatewayError {
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let detail = match parsed {
        Some(e) => format!("{}: {}", e.code.as_deref().unwrap_or("error"), e.description.as_deref().unwrap_or("no description")),
        None => String::from_utf8_lossy(body).chars().take(200).collect(),
    };
    match status {
        400 => GatewayError::Invalid(format!("YooKassa: {detail}")),
        404 => GatewayError::NotFound(format!("YooKassa: {detail}")),
        429 | 500..=599 => GatewayError::Unavailable(format!("YooKassa answered {status}: {detail}")),
        401 | 403 => GatewayError::Protocol(format!("YooKassa refused our credentials ({status}): {detail}")),
        _ => GatewayError::Protocol(format!("YooKassa answered {status}: {detail}")),
    }
}

impl YooKassaGateway {
    pub fn new(config: YooKassaConfig) -> Result<YooKassaGateway, GatewayError> {
        if config.shop_id.is_empty() || config.secret_key.is_empty() {
            return Err(GatewayError::Protocol("YooKassa needs a shop id and a secret key".into()));
        }
        let http = support::http_client(config.timeout)?;
        let base = support::base_url(&config.base_url);
        Ok(YooKassaGateway { config, base, http })
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, format!("{}{path}", self.base)).basic_auth(&self.config.shop_id, Some(&self.config.secret_key))
    }

    // Every POST carries an Idempotence-Key: YooKassa requires one, and a
    // retried call must not repeat the operation.
    async fn post<T: DeserializeOwned>(&self, path: &str, key: &str, body: &Value, what: &str) -> Result<T, GatewayError> {
        let request = self.request(reqwest::Method::POST, path).header("Idempotence-Key", idempotence_key(key)).json(body);
        self.answer(request, what).await
    }

    async fn answer<T: DeserializeOwned>(&self, request: reqwest::RequestBuilder, what: &str) -> Result<T, GatewayError> {
        let (status, body) = support::send(request).await?;
        if !(200..300).contains(&status) {
            return Err(error_for(status, &body));
        }
        support::parse_json(what, &body)
    }

    async fn fetch_payment(&self, external_id: &str) -> Result<Payment, GatewayError> {
        let id = support::path_segment(external_id)?;
        let request = self.request(reqwest::Method::GET, &format!("/v3/payments/{id}"));
        self.answer(request, "YooKassa payment").await
    }

    fn check_address(&self, remote: Option<IpAddr>) -> Result<(), GatewayError> {
        let Some(networks) = &self.config.allowed_networks else { return Ok(()) };
        match remote {
            Some(ip) if networks.iter().any(|n| n.contains(ip)) => Ok(()),
            Some(ip) => Err(GatewayError::Forged(format!("{ip} is not one of YooKassa's networks"))),
            None => Err(GatewayError::Forged("the caller's address is unknown".into())),
        }
    }
}

#[async_trait]
impl PaymentGateway for YooKassaGateway {
    fn kind(&self) -> GatewayKind {
        GatewayKind::Yookassa
    }

    async fn create(&self, req: &CreatePayment) -> Result<GatewayPayment, GatewayError> {
        check_amount(req.amount, 2)?;
        let mut body = json!({
            "amount": money(req.amount, &req.currency),
            "capture": self.config.auto_capture,
            "description": support::truncate_chars(&req.description, DESCRIPTION_MAX),
            "metadata": { METADATA_KEY: req.payment_id },
        });
        match &req.saved_method_token {
            // An autopayment: YooKassa charges the saved card without a page.
            Some(token) => body["payment_method_id"] = json!(token),
            None => {
                body["confirmation"] = json!({ "type": "redirect", "return_url": req.return_url });
                if req.save_method {
                    body["save_payment_method"] = json!(true);
                }
            }
        }
        let payment: Payment = self.post("/v3/payments", &req.idempotency_key, &body, "YooKassa payment").await?;
        payment.into_gateway()
    }

    async fn fetch(&self, external_id: &str) -> Result<GatewayPayment, GatewayError> {
        self.fetch_payment(external_id).await?.into_gateway()
    }

    async fn capture(&self, external_id: &str, amount: Decimal) -> Result<GatewayPayment, GatewayError> {
        check_amount(amount, 2)?;
        let held = self.fetch_payment(external_id).await?;
        let body = json!({ "amount": money(amount, &held.amount.currency) });
        // Capturing a payment is final, so the same capture is the same key.
        let key = format!("capture-{external_id}-{}", fixed(amount, 2));
        let path = format!("/v3/payments/{}/capture", support::path_segment(external_id)?);
        let payment: Payment = self.post(&path, &key, &body, "YooKassa payment").await?;
        payment.into_gateway()
    }

    async fn refund(&self, external_id: &str, amount: Decimal, idempotency_key: &str) -> Result<GatewayRefund, GatewayError> {
        check_amount(amount, 2)?;
        let paid = self.fetch_payment(external_id).await?;
        let body = json!({ "payment_id": external_id, "amount": money(amount, &paid.amount.currency) });
        let refund: Refund = self.post("/v3/refunds", idempotency_key, &body, "YooKassa refund").await?;
        let status = match refund.status.as_str() {
            "pending" => RefundStatus::Pending,
            "succeeded" => RefundStatus::Succeeded,
            "canceled" => RefundStatus::Failed,
            other => return Err(GatewayError::Protocol(format!("unknown YooKassa refund status {other:?}"))),
        };
        Ok(GatewayRefund {
            amount: parse_decimal("YooKassa refund amount", &refund.amount.value)?,
            currency: refund.amount.currency,
            external_id: refund.id,
            payment_external_id: refund.payment_id,
            status,
        })
    }

    async fn verify_webhook(&self, req: &WebhookRequest<'_>) -> Result<WebhookEvent, GatewayError> {
        self.check_address(req.remote_ip)?;
        let note: Notification =
            serde_json::from_slice(req.body).map_err(|e| GatewayError::Forged(format!("not a YooKassa notification: {e}")))?;
        if !note.event.starts_with("payment.") {
            return Err(GatewayError::Ignored(note.event));
        }
        let fetched = match self.fetch_payment(&note.object.id).await {
            Ok(p) => p,
            Err(GatewayError::NotFound(_)) => {
                return Err(GatewayError::Forged(format!("YooKassa has no payment {}", note.object.id)));
            }
            Err(e) => return Err(e),
        };
        let payment_id = fetched.payment_id();
        let payment = fetched.into_gateway()?;
        Ok(WebhookEvent::from_payment(payment, payment_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_contain_their_addresses() {
        let nets = YooKassaConfig::official_networks();
        let inside = ["185.71.76.31", "77.75.156.11", "77.75.154.200", "2a02:5180:0:1::1", "::ffff:185.71.77.5"];
        for ip in inside {
            assert!(nets.iter().any(|n| n.contains(ip.parse().unwrap())), "{ip}");
        }
        for ip in ["185.71.76.32", "77.75.156.12", "8.8.8.8", "2a03::1"] {
            assert!(!nets.iter().any(|n| n.contains(ip.parse().unwrap())), "{ip}");
        }
        assert!("0.0.0.0/0".parse::<IpNetwork>().unwrap().contains("1.2.3.4".parse().unwrap()));
        assert!("10.0.0.0/33".parse::<IpNetwork>().is_err());
    }

    #[test]
    fn long_keys_are_hashed_stably() {
        let long = "k".repeat(100);
        assert_eq!(idempotence_key(&long), idempotence_key(&long));
        assert_eq!(idempotence_key(&long).len(), 64);
        assert_eq!(idempotence_key("short"), "short");
    }

    #[test]
    fn declines_are_failures_and_merchant_cancels_are_cancellations() {
        let parse = |reason: &str| {
            let p: Payment = serde_json::from_value(json!({
                "id": "p1", "status": "canceled", "amount": {"value": "5.00", "currency": "RUB"},
                "cancellation_details": {"party": "payment_network", "reason": reason}
            }))
            .unwrap();
            p.into_gateway().unwrap()
        };
        assert_eq!(parse("insufficient_funds").status, GatewayStatus::Failed);
        assert_eq!(parse("canceled_by_merchant").status, GatewayStatus::Canceled);
        assert_eq!(parse("insufficient_funds").failure_reason.as_deref(), Some("insufficient_funds (payment_network)"));
    }
}
