//! What the engine's tests share: the provider's clock (UTC+3) set by local
//! time, a catalog service from its spec, money credited by staff,
//! a connection, a payment method for individuals, and a balance as the
//! API writes it.

#![allow(dead_code, reason = "each test file uses the part it needs")]

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use kopek_domain::payer::PayerDetails;
use kopek_engine::catalog::services::ServiceInput;
use kopek_engine::charging::subscriptions::ConnectInput;
use kopek_engine::core::amount::Amount;
use kopek_engine::ledger::entries::CreditPayment;
use kopek_engine::payments::methods::MethodInput;
use kopek_engine::payments::payers::PayerInput;
use kopek_engine::testing::TestEngine;
use kopek_engine::{Ctx, Engine};
use serde_json::{Value, json};

pub fn amt(s: &str) -> Amount {
    Amount(s.parse().unwrap())
}

/// A day of 2026.
pub fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

/// A provider-local moment of 2026.
pub fn local(m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    day(m, d).and_hms_opt(h, min, 0).unwrap()
}

/// Sets the clock to a provider-local time (UTC+3) of 2026.
pub fn at_local(t: &TestEngine, m: u32, d: u32, h: u32, min: u32) {
    at(t, local(m, d, h, min));
}

/// Sets the clock to a provider-local time (UTC+3).
pub fn at(t: &TestEngine, local: NaiveDateTime) {
    t.clock.set(Utc.from_utc_datetime(&(local - chrono::Duration::hours(3))));
}

/// A catalog service valid from 2026-01-01.
pub async fn service(e: &Engine, admin: &Ctx, spec: Value) -> i64 {
    let input: ServiceInput = serde_json::from_value(json!({ "spec": spec, "valid_from": "2026-01-01" })).unwrap();
    e.create_service(admin, input).await.unwrap().id
}

/// A periodic service's spec with its fee.
pub fn fee(name: &str, price: &str, write_off: &str) -> Value {
    json!({ "main": { "name": name, "kind": "periodic" }, "fee": { "price": price, "write_off": write_off, "currency": "RUB" } })
}

/// Money credited by staff.
pub fn payment(amount: &str) -> CreditPayment {
    CreditPayment { amount: amt(amount), currency: "RUB".into(), method: "manual".into(), comment: String::new() }
}

pub async fn pay(e: &Engine, admin: &Ctx, client: i64, amount: &str) {
    e.credit_payment(admin, client, payment(amount)).await.unwrap();
}

pub async fn connect(e: &Engine, admin: &Ctx, client: i64, service_id: i64) -> i64 {
    e.connect(admin, client, ConnectInput { service_id, tariff_id: None, discount_percent: None }).await.unwrap().id
}

pub async fn balance(e: &Engine, ctx: &Ctx, client: i64) -> String {
    e.balance(ctx, client).await.unwrap().balance.0.to_string()
}

/// A payment method in roubles for individuals, with no commission and no
/// limits, through `gateway` ("sandbox", "bank_transfer").
pub fn method_input(prefix: &str, name: &str, gateway: &str) -> MethodInput {
    MethodInput {
        prefix: prefix.into(),
        name: name.into(),
        gateway: gateway.into(),
        currency: "RUB".into(),
        commission_percent: None,
        commission_fixed: None,
        min_amount: None,
        max_amount: None,
        cashback_percent: None,
        payer_kinds: vec!["individual".into()],
        enabled: true,
        instructions: String::new(),
    }
}

/// A Russian company payer with Sberbank's real identifiers (their check
/// digits hold).
pub fn company(name: &str) -> PayerInput {
    PayerInput {
        kind: "legal_entity".into(),
        details: PayerDetails {
            country: "RU".into(),
            name: name.into(),
            contact_person: Some("Иванов Иван".into()),
            inn: Some("7707083893".into()),
            kpp: Some("773601001".into()),
            ogrn: Some("1027700132195".into()),
            bank_name: Some("ПАО Сбербанк".into()),
            bik: Some("044525225".into()),
            settlement_account: Some("40702810938000000001".into()),
            correspondent_account: Some("30101810400000000225".into()),
            ..PayerDetails::default()
        },
    }
}
