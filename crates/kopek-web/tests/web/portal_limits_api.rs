//! Over HTTP, on both backends: what the portal offers a client's user is
//! all it can order (CAT-9, CAT-10), amounts stop at the documented maximum
//! (LED-1), and a month charged from the 1st is named by the month (CAT-6).

use crate::common::{App, json_of};
use chrono::{TimeZone, Utc};
use kopek_store::backend_test;
use reqwest::StatusCode;
use serde_json::{Value, json};

impl App {
    /// A monthly service sold from 2026-01-01, with its portal tab.
    async fn portal_service(&self, name: &str, portal: Value, hidden: bool) -> i64 {
        let spec = json!({ "main": { "name": name, "kind": "periodic" },
            "fee": { "price": "300.00", "write_off": "prepay", "period": "month", "currency": "RUB" },
            "additional": { "hidden_from_client": hidden }, "portal": portal });
        let (status, s) = self.post("/services", json!({ "spec": spec, "valid_from": "2026-01-01" })).await;
        assert_eq!(status, StatusCode::CREATED, "{s}");
        s["id"].as_i64().unwrap()
    }
}

backend_test!(async fn cat9_cat10_http_a_service_the_portal_does_not_offer_is_not_found_and_not_ordered(db) {
    let app = App::spawn(db).await;
    let (client, _) = app.client("HIDE", None).await;
    app.credit(client, "1000.00").await;
    let hidden = app.portal_service("Hidden VDS", json!({ "orderable": true }), true).await;
    let staff_only = app.portal_service("Staff VDS", json!({}), false).await;
    let offered = app.portal_service("VDS-2", json!({ "orderable": true }), false).await;
    let portal = app.portal("HIDE").await;
    let order = app.url(&format!("/clients/{client}/paid-subscriptions"));

    for id in [hidden, staff_only] {
        let (status, e) = json_of(portal.get(app.url(&format!("/services/{id}")))).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{e}");
        let (status, e) = json_of(portal.post(&order).json(&json!({ "service_id": id, "months": 1 }))).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{e}");
        assert_eq!(e["message"].as_str(), Some(format!("service {id} not found").as_str()));
    }
    assert!(app.get(&format!("/clients/{client}/subscriptions")).await.as_array().unwrap().is_empty());
    assert_eq!(app.balance(client).await, "1000.00");
    // Connecting is for what the portal offers (CAT-10), with no discount
    // of the client's own.
    let connect = app.url(&format!("/clients/{client}/subscriptions"));
    let (status, e) = json_of(portal.post(&connect).json(&json!({ "service_id": hidden }))).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{e}");
    let discounted = json!({ "service_id": offered, "discount_percent": "50" });
    let (status, e) = json_of(portal.post(&connect).json(&discounted)).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{e}");
    assert!(app.get(&format!("/clients/{client}/subscriptions")).await.as_array().unwrap().is_empty());

    let (status, sub) = json_of(portal.post(&order).json(&json!({ "service_id": offered, "months": 1 }))).await;
    assert_eq!((status, sub["state"].as_str()), (StatusCode::CREATED, Some("active")), "{sub}");
    assert_eq!(app.balance(client).await, "700.00");
    // Staff keep their powers.
    let (status, sub) = app.post(&format!("/clients/{client}/paid-subscriptions"), json!({ "service_id": hidden, "months": 1 })).await;
    assert_eq!((status, sub["service_id"].as_i64()), (StatusCode::CREATED, Some(hidden)), "{sub}");
    assert_eq!(app.balance(client).await, "400.00");
});

backend_test!(async fn led1_http_an_amount_above_the_maximum_is_422_and_the_next_expense_posts(db) {
    let app = App::spawn(db).await;
    let (client, _) = app.client("HUGE", None).await;
    let expenses = format!("/clients/{client}/expenses");
    for amount in ["922337203685477.5807", "1000000000000.0001"] {
        let (status, e) = app.post(&expenses, json!({ "name": "Hosting", "amount": amount, "currency": "RUB" })).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("amount_too_large")), "{e}");
        let message = format!("amount {amount} is above the largest amount Kopek accepts, 1000000000000.0000");
        assert_eq!(e["message"].as_str(), Some(message.as_str()));
    }
    let (status, e) = app.post(&format!("/clients/{client}/payments"), json!({ "amount": "1000000000000.01", "currency": "RUB" })).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("amount_too_large")), "{e}");
    assert!(app.get(&expenses).await.as_array().unwrap().is_empty());
    assert_eq!(app.balance(client).await, "0.00");
    for _ in 0..2 {
        let (status, x) = app.post(&expenses, json!({ "name": "Hosting", "amount": "1000000000000", "currency": "RUB" })).await;
        assert_eq!(status, StatusCode::CREATED, "{x}");
    }
    assert_eq!(app.balance(client).await, "-2000000000000.00");
    // The API's description of an amount names the maximum.
    let doc: Value = app.http.get(format!("{}/api/v1/openapi.json", app.base)).send().await.unwrap().json().await.unwrap();
    let amount = doc["components"]["schemas"]["Amount"]["description"].as_str().unwrap_or_default().to_string();
    assert!(amount.contains("1000000000000.0000") && amount.contains("amount_too_large"), "{amount}");
});

backend_test!(async fn cat6_http_a_month_charged_from_the_1st_is_named_by_the_month(db) {
    let app = App::spawn(db).await;
    let (client, _) = app.client("FIRST", Some("1000.00")).await;
    let spec = json!({ "main": { "name": "Internet", "kind": "periodic" },
        "fee": { "price": "300.00", "write_off": "prepay", "period": "month", "currency": "RUB" },
        "calendar": "from_first_of_month" });
    let (status, s) = app.post("/services", json!({ "spec": spec, "valid_from": "2026-01-01" })).await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    // 10 March, 12:00 provider time: before the 15th, so the whole of March.
    app.t.clock.set(Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap());
    let (status, sub) = app.post(&format!("/clients/{client}/subscriptions"), json!({ "service_id": s["id"] })).await;
    assert_eq!(status, StatusCode::CREATED, "{sub}");
    let x = app.get(&format!("/clients/{client}/expenses")).await;
    let names: Vec<(&str, &str)> =
        x.as_array().unwrap().iter().map(|e| (e["name"].as_str().unwrap(), e["amount"].as_str().unwrap())).collect();
    assert_eq!(names, vec![("Internet: 2026-03-01 00:00 – 2026-04-01 00:00", "300.00")]);
});
