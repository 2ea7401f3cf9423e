//! Ordering a virtual server with add-ons, finding it in "Товары/Услуги"
//! and renewing it, in Chromium (ORD-1, SVC-1, SVC-2).

use chrono::{TimeZone, Utc};
use kopek_engine::core::amount::Amount;
use kopek_engine::ledger::entries::CreditPayment;
use thirtyfour::By;

use crate::harness::Portal;

#[tokio::test]
async fn ord1_svc2_a_client_orders_a_virtual_server_with_addons_sees_it_and_renews_it() {
    let Some(p) = Portal::start(true).await else { return };
    let (client, _) = p.t.client("BVDS", 0).await;
    let money = CreditPayment {
        amount: Amount("2000.00".parse().unwrap()),
        currency: "RUB".into(),
        method: "manual".into(),
        comment: String::new(),
    };
    p.t.engine.credit_payment(&p.admin, client.id, money).await.unwrap();
    let product = p.vds_product().await;
    // 11 March 2026, 00:00 provider time.
    p.t.clock.set(Utc.with_ymd_and_hms(2026, 3, 10, 21, 0, 0).unwrap());

    p.log_in("bvds@client.test", "client-password").await;
    p.go("/services/order").await;
    p.click(&format!("order-{product}")).await;
    p.fill("addon-ipv4", "3").await;
    p.fill("addon-disk", "20").await;
    p.fill("domain", "myserver123").await;
    p.click("recalculate").await;
    assert_eq!(p.text("to-pay").await, "625,00 ₽");
    p.snapshot("services-order").await;
    p.click("pay").await;
    assert!(p.path().await.starts_with("/client/orders/"));
    assert_eq!(p.text("order-status").await, "Оплачен");

    let sub = p.t.engine.client_services(&p.admin, client.id).await.unwrap()[0].subscription_id;
    p.go("/services").await;
    assert_eq!(p.text(&format!("state-{sub}")).await, "Активен");
    assert_eq!(p.text(&format!("paid-until-{sub}")).await, "11.04.2026 00:00");
    p.click(&format!("renew-{sub}")).await;
    assert_eq!(p.path().await, "/services");
    assert_eq!(p.text("notice").await, "Услуга продлена");
    assert_eq!(p.text(&format!("paid-until-{sub}")).await, "11.05.2026 00:00");
    p.snapshot("services-list").await;
    assert_eq!(p.t.engine.balance(&p.admin, client.id).await.unwrap().balance.0.to_string(), "750.00");
    p.close().await;
}

#[tokio::test]
async fn cat10_a_client_orders_a_provider_service_sees_its_popup_and_cancels_it_after_two_months() {
    let Some(p) = Portal::start(false).await else { return };
    let (client, _) = p.t.client("BISP", 0).await;
    let money = CreditPayment {
        amount: Amount("1000.00".parse().unwrap()),
        currency: "RUB".into(),
        method: "manual".into(),
        comment: String::new(),
    };
    p.t.engine.credit_payment(&p.admin, client.id, money).await.unwrap();
    let spec = serde_json::json!({ "spec": {
        "main": { "name": "Turbo 100", "kind": "periodic" },
        "fee": { "price": "300.00", "write_off": "prepay", "period": "month", "currency": "RUB" },
        "portal": { "orderable": true, "check_funds": true, "cancellable": true, "cancel_after_months": 2,
                    "popup_text": "Скорость вырастет в течение часа" } }, "valid_from": "2026-01-01" });
    let service = p.t.engine.create_service(&p.admin, serde_json::from_value(spec).unwrap()).await.unwrap().id;
    // 10 March 2026, 12:00 provider time.
    p.t.clock.set(Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap());

    p.log_in("bisp@client.test", "client-password").await;
    p.go("/services/order").await;
    p.click(&format!("connect-{service}")).await;
    assert!(p.path().await.starts_with("/services?connected="), "{}", p.path().await);
    assert_eq!(p.text("popup").await, "Скорость вырастет в течение часа");
    assert_eq!(p.text("notice").await, "Услуга подключена");
    let sub = p.t.engine.subscriptions(&p.admin, client.id).await.unwrap()[0].id;
    assert_eq!(p.text(&format!("cancellable-from-{sub}")).await, "Можно отключить с 10.05.2026");
    assert!(p.driver.find(By::Css(format!("[data-test='cancel-{sub}']"))).await.is_err(), "not cancellable before May 10");
    p.snapshot("services-isp-ordered").await;

    // Two calendar months later, 2026-05-10 00:00 provider time.
    p.t.clock.set(Utc.with_ymd_and_hms(2026, 5, 9, 21, 0, 0).unwrap());
    // The session has expired meanwhile: log in again.
    p.log_in("bisp@client.test", "client-password").await;
    p.go("/services").await;
    p.click(&format!("cancel-{sub}")).await;
    assert_eq!(p.path().await, "/services");
    assert_eq!(p.text("notice").await, "Услуга отключена");
    assert!(p.driver.find(By::Css(format!("[data-test='isp-service-{sub}']"))).await.is_err());
    assert_eq!(p.t.engine.subscriptions(&p.admin, client.id).await.unwrap()[0].state, "disconnected");
    p.close().await;
}
