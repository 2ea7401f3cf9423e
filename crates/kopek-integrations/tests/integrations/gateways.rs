//! Every gateway against stubs that answer as the real APIs document
//! (PMT-4), and bank statements matched to open payments.

mod bank_statement;
mod sandbox;
mod stripe;
mod yookassa;

use chrono::{DateTime, TimeZone, Utc};
use kopek_integrations::{CreatePayment, WebhookRequest};
use rust_decimal::Decimal;

pub fn now() -> DateTime<Utc> {
    Utc.timestamp_opt(1_750_000_000, 0).single().expect("valid time")
}

pub fn payment(payment_id: &str, key: &str, amount: Decimal, currency: &str) -> CreatePayment {
    CreatePayment {
        payment_id: payment_id.to_string(),
        idempotency_key: key.to_string(),
        amount,
        currency: currency.to_string(),
        description: format!("Пополнение баланса, платеж {payment_id}"),
        return_url: "https://billing.example/portal/payments".to_string(),
        save_method: false,
        saved_method_token: None,
    }
}

pub fn webhook<'a>(headers: &'a [(String, String)], body: &'a [u8], now: DateTime<Utc>) -> WebhookRequest<'a> {
    WebhookRequest { headers, body, remote_ip: None, now }
}
