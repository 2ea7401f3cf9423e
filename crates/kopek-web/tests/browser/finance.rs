//! Topping up the balance through the sandbox gateway's page in Chromium
//! (PMT-1): the commission before paying, the gateway's page, the way back
//! to the payment's result and the new balance.

use kopek_domain::payer::PayerDetails;
use kopek_engine::core::amount::Amount;
use kopek_engine::payments::methods::MethodInput;
use kopek_engine::payments::payers::PayerInput;
use thirtyfour::prelude::*;

use crate::harness::Portal;

fn amount(s: &str) -> Option<Amount> {
    Some(Amount(s.parse().unwrap()))
}

#[tokio::test]
async fn pmt1_a_client_tops_up_through_the_sandbox_page_and_sees_the_new_balance() {
    let Some(p) = Portal::start(true).await else { return };
    let (client, owner) = p.t.client("TOPUP1", 0).await;
    let details = PayerDetails { country: "RU".into(), name: "Анна Банана".into(), ..PayerDetails::default() };
    p.t.engine.create_payer(&owner, client.id, PayerInput { kind: "individual".into(), details }).await.unwrap();
    let method = MethodInput {
        prefix: "pfx".into(),
        name: "ЮKassa".into(),
        gateway: "sandbox".into(),
        currency: "RUB".into(),
        commission_percent: amount("5"),
        commission_fixed: amount("10.00"),
        min_amount: amount("10.00"),
        max_amount: amount("3000.00"),
        cashback_percent: None,
        payer_kinds: vec!["individual".into()],
        enabled: true,
        instructions: String::new(),
    };
    p.t.engine.create_payment_method(&p.admin, method).await.unwrap();

    p.log_in("topup1@client.test", "client-password").await;
    p.go("/finance/top-up").await;
    assert_eq!(p.heading().await, "Пополнение баланса");
    p.fill("amount", "5").await;
    p.click("calculate").await;
    assert_eq!(p.field_error("amount").await, "Сумма меньше минимальной для этого метода оплаты");
    p.fill("amount", "20").await;
    p.click("calculate").await;
    assert_eq!(p.text("quote-commission").await, "11,00 ₽");
    assert_eq!(p.text("quote-to-pay").await, "31,00 ₽");
    p.snapshot("finance-top-up-quote").await;

    p.click("pay").await;
    assert!(p.path().await.starts_with("/sandbox/pay/"), "{}", p.path().await);
    let pay = p.driver.find(By::Css("button[value='succeed']")).await.unwrap();
    p.click_and_wait(pay).await;
    assert!(p.path().await.ends_with("/result"), "{}", p.path().await);
    assert_eq!(p.text("status").await, "Зачислен");
    assert_eq!(p.text("balance").await, "20,00 ₽");
    p.go("/").await;
    assert_eq!(p.text("balance-amount").await, "20,00 ₽");
    p.close().await;
}
