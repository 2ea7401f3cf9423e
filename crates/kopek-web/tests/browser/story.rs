//! The client guide's story, clicked through in Chromium in each language,
//! and once with JavaScript off (OPS-5, PAY-2, PMT-1, ORD-1, SVC-1, SVC-2,
//! LED-2, LED-3): log in → create a company payer (a wrong INN refused
//! next to its field, the right one accepted) → top up through the
//! sandbox's page with its commission → order a virtual server with
//! add-ons (the price shown is the price charged) → see it among the
//! services → renew it → see the expenses and the payment → log out.

use chrono::{TimeZone, Utc};
use kopek_engine::core::amount::Amount;
use kopek_engine::payments::methods::MethodInput;
use thirtyfour::prelude::*;

use crate::harness::Portal;

/// What the story reads on the pages, in one language.
struct Words {
    lang: &'static str,
    wrong_inn: &'static str,
    payer_created: &'static str,
    commission: &'static str,
    to_pay: &'static str,
    credited: &'static str,
    balance_after_top_up: &'static str,
    order_to_pay: &'static str,
    active: &'static str,
    renewed: &'static str,
    paid_until: [&'static str; 2],
    balance_at_end: &'static str,
}

const RU: Words = Words {
    lang: "ru",
    wrong_inn: "Неверный ИНН: у юридического лица 10 цифр, последняя — контрольная; проверьте, нет ли опечатки",
    payer_created: "Плательщик создан",
    commission: "110,00 ₽",
    to_pay: "2 110,00 ₽",
    credited: "Зачислен",
    balance_after_top_up: "2 000,00 ₽",
    order_to_pay: "625,00 ₽",
    active: "Активен",
    renewed: "Услуга продлена",
    paid_until: ["11.04.2026 00:00", "11.05.2026 00:00"],
    balance_at_end: "750,00 ₽",
};

const EN: Words = Words {
    lang: "en",
    wrong_inn: "Wrong INN: a legal entity's has 10 digits, the last a check digit; look for a typo",
    payer_created: "The payer is created",
    commission: "₽110.00",
    to_pay: "₽2,110.00",
    credited: "Credited",
    balance_after_top_up: "₽2,000.00",
    order_to_pay: "₽625.00",
    active: "Active",
    renewed: "The service is renewed",
    paid_until: ["Apr 11, 2026 00:00", "May 11, 2026 00:00"],
    balance_at_end: "₽750.00",
};

async fn story(w: &Words, javascript: bool) {
    let Some(p) = Portal::start(javascript).await else { return };
    let code = format!("STORY{}{}", w.lang.to_uppercase(), if javascript { "" } else { "NOJS" });
    let email = format!("{}@client.test", code.to_lowercase());
    let (client, owner) = p.t.client(&code, 0).await;
    let method = MethodInput {
        prefix: "sbx".into(),
        name: "Карта".into(),
        gateway: "sandbox".into(),
        currency: "RUB".into(),
        commission_percent: Some(Amount("5".parse().unwrap())),
        commission_fixed: Some(Amount("10.00".parse().unwrap())),
        min_amount: Some(Amount("10.00".parse().unwrap())),
        max_amount: Some(Amount("30000.00".parse().unwrap())),
        cashback_percent: None,
        payer_kinds: vec!["individual".into(), "legal_entity".into(), "sole_proprietor".into()],
        enabled: true,
        instructions: String::new(),
    };
    p.t.engine.create_payment_method(&p.admin, method).await.unwrap();
    let product = p.vds_product().await;
    // 11 March 2026, 00:00 provider time.
    p.t.clock.set(Utc.with_ymd_and_hms(2026, 3, 10, 21, 0, 0).unwrap());

    p.go("/login").await;
    p.switch_to(w.lang).await;
    p.log_in(&email, "client-password").await;
    assert_eq!(p.path().await, "/");

    // A company payer: the wrong INN is refused next to its field.
    p.go("/client/payers").await;
    p.click("create").await;
    p.click("next").await;
    p.driver.find(By::Css("[data-test='kind-legal_entity']")).await.unwrap().click().await.unwrap();
    p.click("next").await;
    p.fill_company_payer("7707083894").await;
    p.click("finish").await;
    assert_eq!(p.field_error("inn").await, w.wrong_inn);
    p.fill("inn", "7707083893").await;
    p.click("finish").await;
    assert_eq!(p.text("notice").await, w.payer_created);
    assert_eq!(p.t.engine.payers(&owner, client.id).await.unwrap().len(), 1);

    // Top up through the sandbox's page, the commission shown first.
    p.go("/finance/top-up").await;
    p.fill("amount", "2000").await;
    p.click("calculate").await;
    assert_eq!(p.text("quote-commission").await, w.commission);
    assert_eq!(p.text("quote-to-pay").await, w.to_pay);
    p.click("pay").await;
    assert!(p.path().await.starts_with("/sandbox/pay/"), "{}", p.path().await);
    let pay = p.driver.find(By::Css("button[value='succeed']")).await.unwrap();
    p.click_and_wait(pay).await;
    assert_eq!(p.text("status").await, w.credited);
    assert_eq!(p.text("balance").await, w.balance_after_top_up);

    // A virtual server with add-ons: the price shown is the price charged.
    p.go("/services/order").await;
    p.click(&format!("order-{product}")).await;
    p.fill("addon-ipv4", "3").await;
    p.fill("addon-disk", "20").await;
    p.fill("domain", "myserver123").await;
    p.click("recalculate").await;
    assert_eq!(p.text("to-pay").await, w.order_to_pay);
    p.click("pay").await;
    assert!(p.path().await.starts_with("/client/orders/"), "{}", p.path().await);
    assert_eq!(p.t.engine.balance(&owner, client.id).await.unwrap().balance.0.to_string(), "1375.00");

    // Among the services, then renewed for a month.
    let sub = p.t.engine.client_services(&owner, client.id).await.unwrap()[0].subscription_id;
    p.go("/services").await;
    assert_eq!(p.text(&format!("state-{sub}")).await, w.active);
    assert_eq!(p.text(&format!("paid-until-{sub}")).await, w.paid_until[0]);
    p.click(&format!("renew-{sub}")).await;
    assert_eq!(p.text("notice").await, w.renewed);
    assert_eq!(p.text(&format!("paid-until-{sub}")).await, w.paid_until[1]);

    // The expenses and the payment.
    p.go("/finance/expenses").await;
    let rows = p.driver.find_all(By::Css("[data-test='expenses'] tr[data-test^='expense-']")).await.unwrap();
    assert_eq!(rows.len(), 2, "the order and the renewal");
    p.go("/finance/payments").await;
    let statuses = p.driver.find_all(By::Css("[data-test='payments'] [data-test='status']")).await.unwrap();
    assert_eq!(statuses.len(), 1);
    assert_eq!(statuses[0].text().await.unwrap(), w.credited);
    p.go("/").await;
    assert_eq!(p.text("balance-amount").await, w.balance_at_end);

    p.click("logout").await;
    assert_eq!(p.path().await, "/login");
    p.close().await;
}

#[tokio::test]
async fn ops5_the_guides_story_in_russian() {
    story(&RU, true).await;
}

#[tokio::test]
async fn ops5_the_guides_story_in_english() {
    story(&EN, true).await;
}

#[tokio::test]
async fn ops5_the_guides_story_with_javascript_off() {
    story(&RU, false).await;
}
