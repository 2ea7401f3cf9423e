//! The provider's own services in the portal over plain HTTP, on both
//! backends (CAT-10): the order menu lists what the portal offers, an order
//! short of funds is refused next to its button, an order shows the
//! service's popup text, and "Отключить" appears, and works, only once the
//! months have passed.

use chrono::{TimeZone, Utc};
use kopek_store::backend_test;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::App;
use crate::common::pages::{field_error, text_at};

/// A monthly service paid ahead, 300.00, with its portal tab.
async fn isp(app: &App, name: &str, portal: Value) -> i64 {
    let spec = json!({ "main": { "name": name, "kind": "periodic" },
        "fee": { "price": "300.00", "write_off": "prepay", "period": "month", "currency": "RUB" }, "portal": portal });
    let (status, s) = app.post("/services", json!({ "spec": spec, "valid_from": "2026-01-01" })).await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    s["id"].as_i64().unwrap()
}

backend_test!(async fn cat10_http_a_provider_service_is_ordered_from_the_menu_with_its_popup_and_cancelled_after_two_months(db) {
    let app = App::spawn(db).await;
    let (client, _) = app.client("ISP", None).await;
    let turbo = isp(&app, "Turbo 100", json!({ "orderable": true, "check_funds": true, "cancellable": true,
        "cancel_after_months": 2, "popup_text": "Скорость вырастет в течение часа" })).await;
    let staff_only = isp(&app, "Staff line", json!({})).await;
    // 2026-03-01 12:00 provider time (UTC+3).
    app.t.clock.set(Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap());
    let pages = app.pages("ISP").await;

    // The menu lists the orderable service with the funds it needs, not
    // the staff's own.
    let html = pages.page("/services/order").await;
    assert!(html.contains(&format!("data-test=\"connect-{turbo}\"")), "{html}");
    assert!(!html.contains(&format!("data-test=\"isp-{staff_only}\"")), "{html}");
    assert_eq!(text_at(&html, &format!("data-test=\"isp-funds-{turbo}\"")).as_deref(), Some("Подключается, только если на балансе есть 300,00 ₽"));

    // 299.99 is short of the month: refused next to the button, nothing connected.
    app.credit(client, "299.99").await;
    let id = turbo.to_string();
    let sent = pages.form("/services/connect", &[("service_id", &id)]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", sent.html);
    assert_eq!(field_error(&sent.html, &format!("service-{turbo}")).as_deref(), Some("Недостаточно средств на балансе с учётом кредитного лимита"));
    assert_eq!(app.balance(client).await, "299.99");
    assert!(app.get(&format!("/clients/{client}/subscriptions")).await.as_array().unwrap().is_empty());
    // A service the portal does not offer is not found.
    let (status, _) = {
        let sent = pages.form("/services/connect", &[("service_id", &staff_only.to_string())]).await;
        (sent.status, sent.html)
    };
    assert_eq!(status, StatusCode::NOT_FOUND);

    // With 300.00 it is connected, charged for the rest of March (300.00 ×
    // 732 h / 744 h = 295.1613), and the popup text is shown.
    app.credit(client, "0.01").await;
    let sent = pages.form("/services/connect", &[("service_id", &id)]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    let to = sent.location.unwrap();
    let sub: i64 = to.strip_prefix("/services?connected=").unwrap().parse().unwrap();
    let html = pages.page(&to).await;
    assert_eq!(text_at(&html, "data-test=\"popup\"").as_deref(), Some("Скорость вырастет в течение часа"));
    assert_eq!(text_at(&html, "data-test=\"notice\"").as_deref(), Some("Услуга подключена"));
    assert_eq!(text_at(&html, &format!("data-test=\"isp-state-{sub}\"")).as_deref(), Some("Активна"));
    assert_eq!(app.balance(client).await, "4.8387");

    // Not before two calendar months: no button, the day named; a stale
    // form is refused next to the service.
    let html = pages.page("/services").await;
    assert!(!html.contains("data-test=\"popup\""), "the popup follows the order only");
    assert!(!html.contains(&format!("data-test=\"cancel-{sub}\"")), "{html}");
    assert_eq!(text_at(&html, &format!("data-test=\"cancellable-from-{sub}\"")).as_deref(), Some("Можно отключить с 01.05.2026"));
    // The last minute of 2026-04-30.
    app.t.clock.set(Utc.with_ymd_and_hms(2026, 4, 30, 20, 59, 0).unwrap());
    // Two months on, the session has expired: log in again.
    let pages = app.pages("ISP").await;
    let sent = pages.form(&format!("/services/isp/{sub}/cancel"), &[]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", sent.html);
    assert_eq!(field_error(&sent.html, &format!("action-{sub}")).as_deref(), Some("Эту услугу пока нельзя отключить в личном кабинете"));

    // 2026-05-01 00:00: "Отключить" is there and cancels it.
    app.t.clock.set(Utc.with_ymd_and_hms(2026, 4, 30, 21, 0, 0).unwrap());
    let html = pages.page("/services").await;
    assert!(html.contains(&format!("data-test=\"cancel-{sub}\"")), "{html}");
    pages.form(&format!("/services/isp/{sub}/cancel"), &[]).await.assert_redirect("/services");
    let html = pages.page("/services").await;
    assert_eq!(text_at(&html, "data-test=\"notice\"").as_deref(), Some("Услуга отключена"));
    assert!(!html.contains(&format!("data-test=\"isp-service-{sub}\"")), "{html}");
    let subs = app.get(&format!("/clients/{client}/subscriptions")).await;
    assert_eq!(subs[0]["state"].as_str(), Some("disconnected"), "{subs}");
});

backend_test!(async fn cat10_http_the_order_menu_in_english_names_the_refusal_in_english(db) {
    let app = App::spawn(db).await;
    let (_, _) = app.client("ISPEN", None).await;
    let turbo = isp(&app, "Turbo 100", json!({ "orderable": true, "check_funds": true })).await;
    let pages = app.pages("ISPEN").await;
    pages.form("/lang", &[("lang", "en"), ("next", "/services/order")]).await.assert_redirect("/services/order");
    let sent = pages.form("/services/connect", &[("service_id", &turbo.to_string())]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", sent.html);
    assert_eq!(field_error(&sent.html, &format!("service-{turbo}")).as_deref(), Some("The balance with the credit limit is not enough"));
});

// CAT-1 in the portal: a forsage in the client's services list is turned on
// by «Включить форсаж» (charged at once), shows until when it runs, and a
// turn-on the balance doesn't cover is refused next to the row.
backend_test!(async fn cat1_http_a_client_turns_a_forsage_on_from_the_services_list(db) {
    let app = App::spawn(db).await;
    let (client, _) = app.client("TURBO", None).await;
    let spec = json!({ "main": { "name": "Турбо", "kind": "forsage" },
        "fee": { "price": "50.00", "write_off": "prepay", "currency": "RUB" },
        "conditions": { "speed": { "in_kbps": 200000, "out_kbps": 100000 }, "boost_minutes": 60 } });
    let (status, s) = app.post("/services", json!({ "spec": spec, "valid_from": "2026-01-01" })).await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    let (status, sub) = app.post(&format!("/clients/{client}/subscriptions"), json!({ "service_id": s["id"] })).await;
    assert_eq!(status, StatusCode::CREATED, "{sub}");
    let sub = sub["id"].as_i64().unwrap();
    app.t.clock.set(Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap());
    let pages = app.pages("TURBO").await;
    let html = pages.page("/services").await;
    assert_eq!(text_at(&html, &format!("data-test=\"boost-{sub}\"")).as_deref(), Some("Включить форсаж на 60 мин за 50,00 ₽"));
    let sent = pages.form(&format!("/services/isp/{sub}/boost"), &[]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", sent.html);
    assert_eq!(field_error(&sent.html, &format!("action-{sub}")).as_deref(), Some("Недостаточно средств на балансе с учётом кредитного лимита"));
    app.credit(client, "50.00").await;
    let sent = pages.form(&format!("/services/isp/{sub}/boost"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    assert_eq!(app.balance(client).await, "0.00");
    let html = pages.page("/services").await;
    assert_eq!(text_at(&html, &format!("data-test=\"boost-until-{sub}\"")).as_deref(), Some("Форсаж включён до 01.03.2026 13:00"));
    assert!(!html.contains(&format!("data-test=\"boost-{sub}\"")), "no second turn-on while it runs");
});
