//! Paying an order straight by a method in Chromium (PMT-2, ORD-1): the
//! order form's "how to pay" choice, the gateway's page, and the order
//! paid by that money with the balance untouched — then the same order's
//! page in English.

use chrono::{TimeZone, Utc};
use kopek_domain::payer::PayerDetails;
use kopek_engine::core::amount::Amount;
use kopek_engine::payments::methods::MethodInput;
use kopek_engine::payments::payers::PayerInput;
use thirtyfour::prelude::*;

use crate::harness::Portal;

fn amount(s: &str) -> Option<Amount> {
    Some(Amount(s.parse().unwrap()))
}

/// Chooses `value` in the select named `name`.
async fn choose(p: &Portal, name: &str, value: &str) {
    let option = p.driver.find(By::Css(format!("select[name='{name}'] option[value='{value}']"))).await.unwrap();
    option.click().await.unwrap();
}

#[tokio::test]
async fn pmt2_a_client_pays_an_order_by_card_on_the_gateway_page_and_the_balance_stays_untouched() {
    let Some(p) = Portal::start(true).await else { return };
    let (client, owner) = p.t.client("BYCARD", 0).await;
    let details = PayerDetails { country: "RU".into(), name: "Анна Банана".into(), ..PayerDetails::default() };
    let payer = p.t.engine.create_payer(&owner, client.id, PayerInput { kind: "individual".into(), details }).await.unwrap();
    let method = MethodInput {
        prefix: "card".into(),
        name: "Карта".into(),
        gateway: "sandbox".into(),
        currency: "RUB".into(),
        commission_percent: amount("5"),
        commission_fixed: amount("10.00"),
        min_amount: amount("10.00"),
        max_amount: amount("15000.00"),
        cashback_percent: None,
        payer_kinds: vec!["individual".into()],
        enabled: true,
        instructions: String::new(),
    };
    let method = p.t.engine.create_payment_method(&p.admin, method).await.unwrap();
    let product = p.vds_product().await;
    p.t.clock.set(Utc.with_ymd_and_hms(2026, 3, 10, 21, 0, 0).unwrap());

    p.log_in("bycard@client.test", "client-password").await;
    p.go("/services/order").await;
    p.click(&format!("order-{product}")).await;
    p.fill("addon-ipv4", "3").await;
    p.fill("addon-disk", "20").await;
    p.fill("domain", "bycard123").await;
    choose(&p, "pay_with", &method.id.to_string()).await;
    choose(&p, "payer_id", &payer.id.to_string()).await;
    p.click("recalculate").await;
    assert_eq!(p.text("to-pay").await, "625,00 ₽");
    p.click("pay").await;
    assert!(p.path().await.starts_with("/sandbox/pay/"), "{}", p.path().await);
    // 625.00 + 5 % + 10.00 of commission.
    assert!(p.driver.source().await.unwrap().contains("666.25 RUB"));
    let pay = p.driver.find(By::Css("button[value='succeed']")).await.unwrap();
    p.click_and_wait(pay).await;
    assert!(p.path().await.ends_with("/result"), "{}", p.path().await);
    assert_eq!(p.text("status").await, "Зачислен");

    let order = p.t.engine.orders(&p.admin, client.id).await.unwrap().paid[0].id;
    p.go(&format!("/client/orders/{order}")).await;
    assert_eq!(p.text("order-status").await, "Оплачен");
    assert_eq!(p.text("order-total").await, "625,00 ₽");
    assert!(p.driver.find(By::Css("[data-test='pay-order']")).await.is_err(), "a paid order is not offered for payment");
    p.go("/").await;
    assert_eq!(p.text("balance-amount").await, "0,00 ₽", "the card paid the order, not the balance");
    p.go(&format!("/client/orders/{order}")).await;
    p.switch_to("en").await;
    assert_eq!(p.text("order-status").await, "Paid");
    p.close().await;
}
