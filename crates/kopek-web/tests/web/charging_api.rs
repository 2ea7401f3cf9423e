//! The catalog and charging API over HTTP, on both backends (CAT, CHG).

use crate::common::App;
use kopek_store::backend_test;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn internet(shift: i32) -> Value {
    json!({ "spec": {
        "main": { "name": "Internet 100", "kind": "periodic" },
        "fee": { "price": "310.00", "write_off": "daily", "currency": "RUB", "vat_percent": "20" },
        "additional": { "charge_shift_minutes": shift },
        "integration": { "nas": "nas-1", "activation_params": "speed=100" }
    }, "valid_from": "2026-01-01" })
}

backend_test!(async fn chg1_catalog_connect_run_and_dry_run_over_http(db) {
    let app = App::spawn(db).await;
    let (status, svc) = app.post("/services", internet(-150)).await;
    assert_eq!(status, StatusCode::CREATED, "{svc}");
    assert_eq!(svc["versions"][0]["spec"]["additional"]["charge_shift_minutes"], -150);
    let (_, client) = app.post("/clients", json!({ "name": "Abonent", "credit_limit": "100", "disconnect_threshold": "-100" })).await;
    let id = client["id"].as_i64().unwrap();
    let (status, sub) = app.post(&format!("/clients/{id}/subscriptions"), json!({ "service_id": svc["id"] })).await;
    assert_eq!(status, StatusCode::CREATED, "{sub}");
    assert_eq!(sub["state"], "active");
    // Connected at 12:00 provider time: half a day of 10.00.
    assert_eq!(app.get(&format!("/clients/{id}/balance")).await["balance"], "-5.00");

    let (status, dry) = app.post("/charge-runs", json!({ "date": "2026-03-02", "dry_run": true })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((dry["charges"].as_i64(), dry["total"].as_str()), (Some(1), Some("10.00")));
    assert_eq!(app.get(&format!("/clients/{id}/balance")).await["balance"], "-5.00", "a dry run changes nothing");
    let (_, real) = app.post("/charge-runs", json!({ "date": "2026-03-02" })).await;
    assert_eq!(real["total"], "10.00");
    let (_, again) = app.post("/charge-runs", json!({ "date": "2026-03-02" })).await;
    assert_eq!(again["charges"], 0);
    assert_eq!(app.get(&format!("/clients/{id}/balance")).await["balance"], "-15.00");
    let expenses = app.get(&format!("/clients/{id}/expenses")).await;
    assert_eq!(expenses.as_array().unwrap().len(), 2);
    assert!(expenses[1]["name"].as_str().unwrap().starts_with("Internet 100: 2026-03-02 00:00"));
    // LED-5: 20 % VAT included: 5.00 → 0.83 (at connection), 10.00 → 1.67 (the run).
    assert_eq!((expenses[0]["tax"].as_str(), expenses[1]["tax"].as_str()), (Some("0.83"), Some("1.67")));
    let history = app.get(&format!("/subscriptions/{}/history", sub["id"])).await;
    assert_eq!(history[0]["to"], "active");
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn catalog_refuses_bad_options_with_clear_errors(db) {
    let app = App::spawn(db).await;
    let (status, e) = app.post("/services", internet(-601)).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")));
    assert!(e["message"].as_str().unwrap().contains("-600…600"));
    let mut system = internet(0);
    system["spec"]["main"]["kind"] = json!("system");
    let (status, e) = app.post("/services", system).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("system_service")));
    let mut unknown = internet(0);
    unknown["spec"]["fee"]["write_off"] = json!("weekly");
    let (status, e) = app.post("/services", unknown).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_body")));
    let mut lifetime = internet(0);
    lifetime["spec"]["lifetime"] = json!({ "days": 7 });
    let (_, svc) = app.post("/services", lifetime).await;
    let (status, e) = app.post("/tariffs", json!({ "name": "Home", "services": [svc["id"]] })).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")));
    let mut over = internet(0);
    over["spec"]["additional"]["threshold_override"] = json!("0");
    let (_, svc) = app.post("/services", over).await;
    let (_, client) = app.post("/clients", json!({ "name": "A" })).await;
    let (status, e) = app.post(&format!("/clients/{}/subscriptions", client["id"]), json!({ "service_id": svc["id"] })).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")));
    assert!(e["message"].as_str().unwrap().contains("must be below the client's"));
    let (status, e) = app.post(&format!("/clients/{}/subscriptions", client["id"]), json!({ "service_id": 9999 })).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    assert!(app.get(&format!("/clients/{}/subscriptions", client["id"])).await.as_array().unwrap().is_empty());
});

// LED-5 over HTTP: a service takes "standard" VAT or a fixed percent, and
// both at once is a 422 naming the field, creating nothing; a standard
// service charged in March 2026 is taxed at 22% and each expense shows
// the rate it was charged at.
backend_test!(async fn led5_standard_vat_over_http_and_a_fixed_rate_with_it_refused(db) {
    let app = App::spawn(db).await;
    let services = app.get("/services").await.as_array().unwrap().len();
    let mut both = internet(0);
    both["spec"]["fee"]["vat_rate"] = json!("standard");
    let (status, e) = app.post("/services", both).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")), "{e}");
    assert_eq!(
        e["message"],
        "fee.vat_rate: the standard rate is set by date; give either vat_rate \"standard\" or a fixed vat_percent, not both"
    );
    assert_eq!(app.get("/services").await.as_array().unwrap().len(), services, "nothing created");

    let mut standard = internet(0);
    standard["spec"]["fee"] = json!({ "price": "310.00", "write_off": "daily", "currency": "RUB", "vat_rate": "standard" });
    let (status, svc) = app.post("/services", standard).await;
    assert_eq!(status, StatusCode::CREATED, "{svc}");
    assert_eq!(svc["versions"][0]["spec"]["fee"]["vat_rate"], "standard");
    let (_, client) = app.post("/clients", json!({ "name": "Abonent", "credit_limit": "100", "disconnect_threshold": "-100" })).await;
    let id = client["id"].as_i64().unwrap();
    app.post(&format!("/clients/{id}/subscriptions"), json!({ "service_id": svc["id"] })).await;
    app.post("/charge-runs", json!({ "date": "2026-03-02" })).await;
    let expenses = app.get(&format!("/clients/{id}/expenses")).await;
    let shown: Vec<(&str, &str, &str)> = expenses
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["amount"].as_str().unwrap(), x["tax"].as_str().unwrap(), x["vat_percent"].as_str().unwrap()))
        .collect();
    // 22 % included: 5.00 → 0.90 (at connection), 10.00 → 1.80 (the run).
    assert_eq!(shown, vec![("5.00", "0.90", "22"), ("10.00", "1.80", "22")]);
});

// CAT-1: a forsage's boost over HTTP: charged at once, refused while it
// runs (409 `boost_running`), and a forsage without its duration refused
// at the catalog next to the field.
backend_test!(async fn cat1_a_forsage_is_boosted_over_http_and_refused_while_the_boost_runs(db) {
    let app = App::spawn(db).await;
    let mut spec = json!({ "spec": {
        "main": { "name": "Турбо", "kind": "forsage" },
        "fee": { "price": "50.00", "write_off": "prepay", "currency": "RUB" },
        "conditions": { "speed": { "in_kbps": 200000, "out_kbps": 100000 } }
    }, "valid_from": "2026-01-01" });
    let (status, e) = app.post("/services", spec.clone()).await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("conditions.boost_minutes")), "{e}");
    spec["spec"]["conditions"]["boost_minutes"] = json!(60);
    let (status, svc) = app.post("/services", spec).await;
    assert_eq!(status, StatusCode::CREATED, "{svc}");
    let (_, client) = app.post("/clients", json!({ "name": "Abonent" })).await;
    let id = client["id"].as_i64().unwrap();
    app.post(&format!("/clients/{id}/payments"), json!({ "amount": "80.00", "currency": "RUB" })).await;
    let (_, sub) = app.post(&format!("/clients/{id}/subscriptions"), json!({ "service_id": svc["id"] })).await;
    let (status, boosted) = app.post(&format!("/subscriptions/{}/boost", sub["id"]), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{boosted}");
    assert_eq!(boosted["charged_total"], "50.00");
    assert_eq!(app.get(&format!("/clients/{id}/balance")).await["balance"], "30.00");
    let (status, e) = app.post(&format!("/subscriptions/{}/boost", sub["id"]), json!({})).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::CONFLICT, Some("boost_running")), "{e}");
    assert!(e["message"].as_str().unwrap().contains("runs until 2026-03-01 13:00"), "{e}");
    assert_eq!(app.get(&format!("/clients/{id}/balance")).await["balance"], "30.00");
});

// OPS-3: the expenses list pages by id with `after` and `limit`, and a
// limit out of range is refused next to its parameter.
backend_test!(async fn ops3_a_client_s_expenses_are_paged_by_id(db) {
    let app = App::spawn(db).await;
    let (_, client) = app.post("/clients", json!({ "name": "Abonent", "credit_limit": "1000" })).await;
    let id = client["id"].as_i64().unwrap();
    app.post(&format!("/clients/{id}/payments"), json!({ "amount": "25.00", "currency": "RUB" })).await;
    for n in 1..=5 {
        let (status, e) =
            app.post(&format!("/clients/{id}/expenses"), json!({ "name": format!("Работы {n}"), "amount": "10.00", "currency": "RUB" })).await;
        assert_eq!(status, StatusCode::CREATED, "{e}");
    }
    let all = app.get(&format!("/clients/{id}/expenses")).await;
    let ids: Vec<i64> = all.as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 5);
    let page = app.get(&format!("/clients/{id}/expenses?limit=2&after={}", ids[1])).await;
    let names: Vec<&str> = page.as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Работы 3", "Работы 4"]);
    // The third expense was half paid by the 25.00: its page says so.
    assert_eq!((page[0]["unpaid"].as_str(), page[1]["unpaid"].as_str()), (Some("5.00"), Some("10.00")));
    assert_eq!(page[0]["paid_by"][0]["amount"], "5.00", "{page}");
    let (status, e) = crate::common::json_of(app.staff(reqwest::Method::GET, &format!("/clients/{id}/expenses?limit=0"))).await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("limit")), "{e}");
});
