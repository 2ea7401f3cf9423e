//! HTTP integration tests against the spawned server, on both backends
//! (OPS-3, OPS-4, LED-1 … LED-3, SEC-1, SEC-4).

use kopek_engine::Ctx;
use kopek_engine::testing::TestEngine;
use kopek_store::backend_test;
use kopek_web::AppState;
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

struct App {
    base: String,
    http: Client,
    admin_token: String,
    t: TestEngine,
}

impl App {
    async fn spawn(db: kopek_store::testing::TestDb) -> App {
        let t = TestEngine::over(db);
        let admin = t.admin().await;
        let admin_token = t.engine.create_token(&Ctx::system("test"), &admin.actor.label(), "tests").await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = AppState::new(t.engine.clone());
        tokio::spawn(kopek_web::serve(listener, state, std::future::pending()));
        App { base, http: Client::builder().cookie_store(true).build().unwrap(), admin_token, t }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    async fn get(&self, path: &str) -> Response {
        self.http.get(self.url(path)).bearer_auth(&self.admin_token).send().await.unwrap()
    }

    async fn post(&self, path: &str, body: Value) -> Response {
        self.http.post(self.url(path)).bearer_auth(&self.admin_token).json(&body).send().await.unwrap()
    }

    async fn create_client(&self, code: &str) -> i64 {
        let r = self
            .post("/api/v1/clients", json!({
                "code": code, "name": format!("Client {code}"),
                "owner": { "email": format!("{}@client.test", code.to_lowercase()), "full_name": "Owner", "password": "client-password" }
            }))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
    }

    async fn json(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        r.json().await.unwrap()
    }
}

async fn error_of(r: Response) -> (StatusCode, String) {
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    (status, body["code"].as_str().unwrap().to_string())
}

backend_test!(async fn led2_http_client_payment_expenses_balance_and_allocations(db) {
    let app = App::spawn(db).await;
    let id = app.create_client("HTTP").await;
    let c = app.json(&format!("/api/v1/clients/{id}")).await;
    assert_eq!((c["currency"].as_str(), c["balance"].as_str(), c["state"].as_str()), (Some("RUB"), Some("0.00"), Some("active")));

    let p = app.post(&format!("/api/v1/clients/{id}/payments"), json!({ "amount": "1000.00", "currency": "RUB" })).await;
    assert_eq!(p.status(), StatusCode::CREATED);
    let p: Value = p.json().await.unwrap();
    assert_eq!(p["number"], format!("manual/{}", p["id"]));
    for (name, amount) in [("VDS-2", "650.5"), ("Traffic", "22.4137"), ("Domain", "799")] {
        let r = app.post(&format!("/api/v1/clients/{id}/expenses"), json!({ "name": name, "amount": amount, "currency": "RUB", "vat_percent": 20 })).await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let b = app.json(&format!("/api/v1/clients/{id}/balance")).await;
    assert_eq!(b, json!({
        "client_id": id, "currency": "RUB", "balance": "-471.9137", "credit_limit": "0.00",
        "available": "-471.9137", "credit_blocked": false, "debt": "471.9137", "unallocated": "0.00",
    }));
    let x = app.json(&format!("/api/v1/clients/{id}/expenses")).await;
    let rows: Vec<(String, String, String, usize)> = x.as_array().unwrap().iter().map(|e| (
        e["amount"].as_str().unwrap().into(), e["tax"].as_str().unwrap().into(),
        e["unpaid"].as_str().unwrap().into(), e["paid_by"].as_array().unwrap().len(),
    )).collect();
    assert_eq!(rows, vec![
        ("650.50".into(), "108.42".into(), "0.00".into(), 1),
        ("22.4137".into(), "3.74".into(), "0.00".into(), 1),
        ("799.00".into(), "133.17".into(), "471.9137".into(), 1),
    ]);
    assert_eq!(x[2]["paid_by"][0], json!({ "payment_id": p["id"], "expense_id": x[2]["id"], "amount": "327.0863" }));

    let more = app.post(&format!("/api/v1/clients/{id}/payments"), json!({ "amount": 500, "currency": "RUB" })).await;
    let more: Value = more.json().await.unwrap();
    assert_eq!((more["unallocated"].as_str(), more["allocations"][0]["amount"].as_str()), (Some("28.0863"), Some("471.9137")));
    let r = app.post(&format!("/api/v1/payments/{}/reversal", p["id"]), json!({ "reason": "chargeback" })).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "refunded");
    let b = app.json(&format!("/api/v1/clients/{id}/balance")).await;
    assert_eq!((b["balance"].as_str(), b["debt"].as_str()), (Some("-971.9137"), Some("971.9137")));
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn sec4_http_a_clients_user_cannot_cross_to_another_client(db) {
    let app = App::spawn(db).await;
    let own = app.create_client("MINE").await;
    let other = app.create_client("THEIRS").await;
    let p: Value = app.post(&format!("/api/v1/clients/{other}/payments"), json!({ "amount": "5.00", "currency": "RUB" })).await.json().await.unwrap();
    let x: Value = app.post(&format!("/api/v1/clients/{other}/expenses"), json!({ "name": "x", "amount": "1", "currency": "RUB" })).await.json().await.unwrap();

    // The portal way: log in, then the session cookie carries the user.
    let portal = Client::builder().cookie_store(true).build().unwrap();
    let login = portal.post(app.url("/api/v1/auth/login")).json(&json!({ "email": "mine@client.test", "password": "client-password" })).send().await.unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    assert!(login.headers()["set-cookie"].to_str().unwrap().contains("HttpOnly"));
    let me: Value = portal.get(app.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!((me["kind"].as_str(), me["client_id"].as_i64()), (Some("client_user"), Some(own)));

    for path in [
        format!("/api/v1/clients/{other}"), format!("/api/v1/clients/{other}/balance"),
        format!("/api/v1/clients/{other}/payments"), format!("/api/v1/clients/{other}/expenses"),
        format!("/api/v1/clients/{other}/users"), format!("/api/v1/payments/{}", p["id"]),
        format!("/api/v1/expenses/{}", x["id"]),
    ] {
        let r = portal.get(app.url(&path)).send().await.unwrap();
        assert_eq!(error_of(r).await, (StatusCode::NOT_FOUND, "not_found".into()), "{path}");
    }
    let r = portal.post(app.url(&format!("/api/v1/clients/{other}/users"))).json(&json!({ "email": "spy@x.ru", "full_name": "Spy", "password": "12345678" })).send().await.unwrap();
    assert_eq!(error_of(r).await, (StatusCode::NOT_FOUND, "not_found".into()));
    let list: Value = portal.get(app.url("/api/v1/clients")).send().await.unwrap().json().await.unwrap();
    assert_eq!(list.as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![own]);
    let r = portal.post(app.url(&format!("/api/v1/clients/{own}/payments"))).json(&json!({ "amount": "5.00", "currency": "RUB" })).send().await.unwrap();
    assert_eq!(error_of(r).await, (StatusCode::FORBIDDEN, "forbidden".into()));

    let out = portal.post(app.url("/api/v1/auth/logout")).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let r = portal.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(error_of(r).await, (StatusCode::UNAUTHORIZED, "unauthenticated".into()));
});

backend_test!(async fn bad_input_gets_a_clear_4xx_and_changes_nothing(db) {
    let app = App::spawn(db).await;
    let id = app.create_client("BAD").await;
    app.post(&format!("/api/v1/clients/{id}/payments"), json!({ "amount": "10.00", "currency": "RUB" })).await;
    let pay = format!("/api/v1/clients/{id}/payments");
    let cases: Vec<(reqwest::RequestBuilder, StatusCode, &str)> = vec![
        (app.http.post(app.url(&pay)).bearer_auth(&app.admin_token).header("content-type", "application/json").body("{\"amount\": "), StatusCode::BAD_REQUEST, "malformed_json"),
        (app.http.post(app.url(&pay)).bearer_auth(&app.admin_token).body("amount=5"), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        (app.http.post(app.url(&pay)).bearer_auth(&app.admin_token).json(&json!({ "amount": "-5.00", "currency": "RUB" })), StatusCode::UNPROCESSABLE_ENTITY, "amount_not_positive"),
        (app.http.post(app.url(&pay)).bearer_auth(&app.admin_token).json(&json!({ "amount": "5.001", "currency": "RUB" })), StatusCode::UNPROCESSABLE_ENTITY, "amount_too_precise"),
        (app.http.post(app.url(&pay)).bearer_auth(&app.admin_token).json(&json!({ "amount": "5.00", "currency": "EUR" })), StatusCode::UNPROCESSABLE_ENTITY, "currency_mismatch"),
        (app.http.post(app.url(&pay)).bearer_auth(&app.admin_token).json(&json!({ "amount": "five", "currency": "RUB" })), StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        (app.http.post(app.url(&pay)).bearer_auth(&app.admin_token).json(&json!({ "amount": "5", "currency": "RUB", "extra": 1 })), StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        (app.http.post(app.url(&pay)).json(&json!({ "amount": "5.00", "currency": "RUB" })), StatusCode::UNAUTHORIZED, "unauthenticated"),
        (app.http.post(app.url(&pay)).bearer_auth("kpk_forged").json(&json!({ "amount": "5.00", "currency": "RUB" })), StatusCode::UNAUTHORIZED, "unauthenticated"),
        (app.http.post(app.url("/api/v1/clients/999999/payments")).bearer_auth(&app.admin_token).json(&json!({ "amount": "5.00", "currency": "RUB" })), StatusCode::NOT_FOUND, "not_found"),
        (app.http.post(app.url("/api/v1/clients/abc/payments")).bearer_auth(&app.admin_token).json(&json!({ "amount": "5.00", "currency": "RUB" })), StatusCode::BAD_REQUEST, "bad_path"),
        (app.http.get(app.url("/api/v1/payments/424242")).bearer_auth(&app.admin_token), StatusCode::NOT_FOUND, "not_found"),
        (app.http.post(app.url("/api/v1/clients")).bearer_auth(&app.admin_token).json(&json!({ "name": "Dup", "owner": { "email": "BAD@client.test", "full_name": "X", "password": "password-1" } })), StatusCode::CONFLICT, "email_taken"),
        (app.http.post(app.url("/api/v1/clients")).bearer_auth(&app.admin_token).json(&json!({ "name": "Y", "currency": "XYZ" })), StatusCode::UNPROCESSABLE_ENTITY, "unknown_currency"),
        (app.http.post(app.url("/api/v1/clients")).bearer_auth(&app.admin_token).json(&json!({ "name": "Z", "owner": { "email": "not-an-email", "full_name": "X", "password": "password-1" } })), StatusCode::UNPROCESSABLE_ENTITY, "invalid_field"),
        (app.http.get(app.url("/api/v1/nothing-here")).bearer_auth(&app.admin_token), StatusCode::NOT_FOUND, "no_route"),
    ];
    for (i, (req, status, code)) in cases.into_iter().enumerate() {
        let r = req.send().await.unwrap();
        assert_eq!(error_of(r).await, (status, code.to_string()), "case {i}");
    }
    let b = app.json(&format!("/api/v1/clients/{id}/balance")).await;
    assert_eq!(b["balance"], "10.00");
    assert_eq!(app.json(&pay).await.as_array().unwrap().len(), 1);
    assert_eq!(app.json("/api/v1/clients").await.as_array().unwrap().len(), 1);
});

backend_test!(async fn idempotency_key_over_http_replays_and_refuses_another_body(db) {
    let app = App::spawn(db).await;
    let id = app.create_client("KEY").await;
    let send = |amount: &'static str| {
        app.http.post(app.url(&format!("/api/v1/clients/{id}/payments")))
            .bearer_auth(&app.admin_token).header("Idempotency-Key", "order-77")
            .json(&json!({ "amount": amount, "currency": "RUB" })).send()
    };
    let first = send("100.00").await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let again = send("100.00").await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    assert_eq!(error_of(send("999.00").await.unwrap()).await, (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused".into()));
    assert_eq!(app.json(&format!("/api/v1/clients/{id}/balance")).await["balance"], "100.00");
});

backend_test!(async fn ops_health_metrics_openapi_and_swagger(db) {
    let app = App::spawn(db).await;
    let h: Value = app.http.get(app.url("/healthz")).send().await.unwrap().json().await.unwrap();
    assert_eq!(h["status"], "ok");
    let spec: Value = app.http.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    for path in ["/api/v1/clients", "/api/v1/clients/{id}/payments", "/api/v1/payments/{id}/reversal", "/api/v1/auth/login"] {
        assert!(spec["paths"][path].is_object(), "{path} in the OpenAPI");
    }
    assert!(spec["components"]["schemas"]["Payment"].is_object());
    let docs = app.http.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(docs.text().await.unwrap().contains("swagger"));
    let metrics = app.http.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("kopek_http_requests_total"), "{metrics}");
    let home = app.http.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("/api/docs"));
});
