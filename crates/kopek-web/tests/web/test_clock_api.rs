//! The test clock over HTTP (OPS-1, CRD-2, PMT-7), on both backends: a
//! staging server whose clock stands at Christmas is moved to 1 February
//! and has lived every night in between — the guide's credit walk (the
//! invoice on the 1st, the reminders, the limit blocked on the 30th) and
//! the renewal that fell due; time never goes back; a server without the
//! test clock has no such endpoints.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use kopek_engine::jobs::test_clock::TestClock;
use kopek_engine::testing::test_settings;
use kopek_engine::{Ctx, Engine};
use kopek_store::backend_test;
use kopek_web::AppState;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{App, json_of};

/// A staging server over `db` whose engine reads a test clock standing at
/// 25 December 2026, 12:00 provider time, with its schedules installed and
/// its worker paused while the clock moves, as `kopek serve --test-clock`.
struct Staging {
    base: String,
    http: Client,
    token: String,
    engine: Engine,
    _stop: tokio::sync::watch::Sender<bool>,
    _db: kopek_store::testing::TestDb,
}

impl Staging {
    async fn spawn(db: kopek_store::testing::TestDb) -> Staging {
        let clock = Arc::new(TestClock::starting_at(Utc.with_ymd_and_hms(2026, 12, 25, 9, 0, 0).unwrap()));
        let engine = Engine::new(db.store.clone(), clock.clone(), test_settings());
        engine.install_schedules().await.unwrap();
        let admin = engine
            .create_staff_user(
                &Ctx::system("test"),
                kopek_engine::accounts::clients::NewStaff {
                    email: "admin@staging.test".into(),
                    full_name: "Admin".into(),
                    password: "admin-password".into(),
                    role: "admin".into(),
                },
            )
            .await
            .unwrap();
        let token = engine.create_token(&Ctx::system("test"), &admin.email, "tests").await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let worker = engine.standard_worker("staging").paused_by(clock.pause());
        tokio::spawn(worker.run(std::time::Duration::from_millis(20), stopped));
        let state = AppState::new(engine.clone()).with_test_clock(Some(clock));
        tokio::spawn(kopek_web::serve(listener, state, std::future::pending()));
        Staging { base, http: Client::new(), token, engine, _stop: stop, _db: db }
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut r = self.http.request(method, format!("{}/api/v1{path}", self.base)).bearer_auth(&self.token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        json_of(r).await
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let (status, v) = self.call(Method::POST, path, Some(body)).await;
        assert!(status.is_success(), "{path}: {status} {v}");
        v
    }

    async fn get(&self, path: &str) -> Value {
        let (status, v) = self.call(Method::GET, path, None).await;
        assert_eq!(status, StatusCode::OK, "{path}: {v}");
        v
    }
}

backend_test!(async fn ops1_crd2_pmt7_the_test_clock_moved_from_christmas_to_february_lives_every_night_between(db) {
    let s = Staging::spawn(db).await;
    let health: Value = s.http.get(format!("{}/healthz", s.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(health["test_clock"]["now"].as_str().unwrap().get(..19), Some("2026-12-25T12:00:00"), "{health}");
    assert_eq!(health["test_clock"]["real_time"], json!(false));

    // The guide's client, on a 5000.00 limit: on Christmas a server renewed
    // monthly (paid to 25 January) and one paid two months ahead, on credit.
    let client = s.post("/clients", json!({ "code": "CR1", "name": "CR1", "credit_limit": "5000", "disconnect_threshold": "-5000",
        "owner": { "email": "cr1@client.test", "full_name": "Owner", "password": "client-password" } })).await;
    let client = client["id"].as_i64().unwrap();
    let spec = json!({ "main": { "name": "VDS-2", "kind": "periodic" },
        "fee": { "price": "300.00", "write_off": "prepay", "period": "month", "currency": "RUB" } });
    let vds = s.post("/services", json!({ "spec": spec, "valid_from": "2026-01-01" })).await["id"].as_i64().unwrap();
    let monthly = s.post(&format!("/clients/{client}/paid-subscriptions"), json!({ "service_id": vds, "months": 1 })).await;
    s.post(&format!("/clients/{client}/paid-subscriptions"), json!({ "service_id": vds, "months": 2 })).await;
    assert_eq!(s.get(&format!("/clients/{client}/balance")).await["balance"], "-900.00");

    let moved = s.post("/test-clock", json!({ "advance_to": "2027-02-01T03:00:00+03:00" })).await;
    let nights: Vec<&str> = moved["nights"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert_eq!((nights.len(), nights[0], nights[37]), (38, "2026-12-26", "2027-02-01"), "{moved}");
    assert_eq!(moved["rounds"]["charging.nightly"], json!(38));
    assert_eq!(moved["rounds"]["maintenance.cleanup"], json!(37));
    assert_eq!(moved["from"].as_str().unwrap().get(..16), Some("2026-12-25T12:00"));
    assert_eq!(moved["clock"]["now"].as_str().unwrap().get(..19), Some("2027-02-01T03:00:00"), "{moved}");

    // The credit walk: December's 900.00 invoiced on 1 January, reminded on
    // its days, the limit blocked on the 30th; January's renewal invoiced
    // on 1 February.
    let invoices = s.get(&format!("/clients/{client}/credit-invoices")).await;
    let january = invoices.as_array().unwrap().iter().find(|i| i["cycle"] == "2027-01").expect("January's invoice");
    assert_eq!((january["amount"].as_str(), january["issued_on"].as_str(), january["block_on"].as_str()),
        (Some("900.00"), Some("2027-01-01"), Some("2027-01-30")));
    assert_eq!(january["reminders"], json!([
        ["credit.invoice_issued", "2027-01-01"], ["credit.due_soon", "2027-01-12"], ["credit.overdue", "2027-01-16"],
        ["credit.block_soon", "2027-01-25"], ["credit.blocked", "2027-01-30"],
    ]));
    let february = invoices.as_array().unwrap().iter().find(|i| i["cycle"] == "2027-02").expect("February's invoice");
    assert_eq!((february["amount"].as_str(), february["issued_on"].as_str()), (Some("300.00"), Some("2027-02-01")));
    let balance = s.get(&format!("/clients/{client}/balance")).await;
    assert_eq!((balance["balance"].as_str(), balance["credit_blocked"].as_bool()), (Some("-1200.00"), Some(true)));
    // The renewal that fell due on 24 January, from the limit before the block.
    let renewals = s.get(&format!("/clients/{client}/auto-renewals")).await;
    let renewed = renewals.as_array().unwrap().iter().find(|r| r["subscription_id"] == monthly["id"]).unwrap();
    assert_eq!(renewed["paid_until"].as_str().unwrap().get(..10), Some("2027-02-25"), "{renewed}");
    assert!(s.engine.check_ledger().await.unwrap().is_empty());

    // Never back; bad input changes nothing.
    let (status, err) = s.call(Method::POST, "/test-clock", Some(json!({ "advance_to": "2027-01-15T00:00:00+03:00" }))).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("test_clock_backwards")), "{err}");
    let (status, err) = s.call(Method::POST, "/test-clock", Some(json!({ "advance_to": "next month" }))).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_body")), "{err}");
    let clock = s.get("/test-clock").await;
    assert_eq!(clock["now"].as_str().unwrap().get(..16), Some("2027-02-01T03:00"), "{clock}");
    assert!(clock["ahead_seconds"].as_i64().unwrap() > 0 && clock["real_time"] == json!(false));
    // Staff only: a client's user is refused, an anonymous caller asked to
    // log in, and only an admin moves the clock.
    let user = s.engine.create_token(&Ctx::system("test"), "cr1@client.test", "portal").await.unwrap();
    let (status, err) = json_of(s.http.get(format!("{}/api/v1/test-clock", s.base)).bearer_auth(&user)).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{err}");
    let (status, _) = json_of(s.http.get(format!("{}/api/v1/test-clock", s.base))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
});

backend_test!(async fn ops1_a_server_without_the_test_clock_answers_404_to_its_endpoints(db) {
    let app = App::spawn(db).await;
    let health: Value = app.http.get(format!("{}/healthz", app.base)).send().await.unwrap().json().await.unwrap();
    assert!(health.get("test_clock").is_none(), "{health}");
    let (status, body) = json_of(app.staff(Method::GET, "/test-clock")).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("no_route")));
    let (status, _) = app.post("/test-clock", json!({ "advance_to": "2030-01-01T03:00:00+03:00" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = json_of(app.http.post(app.url("/test-clock")).json(&json!({}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "even for a caller who is not logged in");
});

backend_test!(async fn ops1_the_portal_says_test_time_while_the_clock_is_moved_and_nothing_on_real_time(db) {
    let staging = Staging::spawn(db).await;
    let login = staging.http.get(format!("{}/login", staging.base)).send().await.unwrap().text().await.unwrap();
    let banner = crate::common::pages::text_at(&login, "data-test=\"test-clock\"").unwrap();
    // The clock runs on from 12:00:00, so the minute may have turned.
    assert!(banner.starts_with("Тестовое время: 25.12.2026 12:0"), "{banner}");
    assert!(banner.ends_with("Kopek живёт по часам, переведённым вперёд; платежи и списания — репетиция."), "{banner}");
});

backend_test!(async fn ops1_a_portal_on_real_time_shows_no_test_clock_banner(db) {
    let app = App::spawn(db).await;
    let login = app.http.get(app.site("/login")).send().await.unwrap().text().await.unwrap();
    assert!(login.contains("Вход в личный кабинет"), "{login}");
    assert!(!login.contains("data-test=\"test-clock\""), "{login}");
});
