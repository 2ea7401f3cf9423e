//! Attacks tried against the API as an attacker would (SEC-1): a page on
//! another site makes the browser of a logged-in user post to Kopek.

use kopek_engine::Ctx;
use kopek_engine::accounts::clients::NewStaff;
use kopek_store::backend_test;
use reqwest::{Client, StatusCode};
use serde_json::json;

use crate::common::{App, error_of, json_of};

/// Staff logged in through the API: a browser holding the session cookie.
async fn staff_browser(app: &App) -> Client {
    let staff = NewStaff {
        email: "accountant@provider.test".into(),
        full_name: "Бухгалтер".into(),
        password: "accountant-password".into(),
        role: "accountant".into(),
    };
    app.t.engine.create_staff_user(&Ctx::system("test"), staff).await.unwrap();
    let browser = Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let login = browser
        .post(app.url("/auth/login"))
        .json(&json!({ "email": "accountant@provider.test", "password": "accountant-password", "staff": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    browser
}

backend_test!(async fn sec1_a_cross_site_post_with_the_session_cookie_changes_nothing(db) {
    let app = App::spawn(db).await;
    let (client, payer) = app.client("CSRF", None).await;
    let method = app.method(json!({ "prefix": "bank", "name": "Счёт", "gateway": "bank_transfer", "currency": "RUB", "payer_kinds": ["individual"] })).await;
    let (_, transfer) = app.post(&format!("/clients/{client}/payments/start"), json!({ "payer_id": payer, "method_id": method, "amount": "500.00" })).await;
    let credit = format!("/payments/{}/credit", transfer["id"]);
    let staff = staff_browser(&app).await;

    // A form on evil.example posted by the accountant's browser.
    let forged = staff.post(app.url(&credit)).header("origin", "http://evil.example").header("content-type", "text/plain").body("{}");
    assert_eq!(error_of(forged).await, (StatusCode::FORBIDDEN, "cross_site_request".to_string()));
    let fetched = staff.post(app.url(&credit)).header("sec-fetch-site", "cross-site").json(&json!({}));
    assert_eq!(error_of(fetched).await, (StatusCode::FORBIDDEN, "cross_site_request".to_string()));
    assert_eq!(app.balance(client).await, "0.00", "nothing was credited");

    // The client's own browser, cross-site, can't cancel its payment either.
    let portal = app.portal("CSRF").await;
    let cancel = format!("/payments/{}/cancel", transfer["id"]);
    let forged = portal.post(app.url(&cancel)).header("origin", "https://evil.example").json(&json!({}));
    assert_eq!(error_of(forged).await, (StatusCode::FORBIDDEN, "cross_site_request".to_string()));
    assert_eq!(app.get(&format!("/payments/{}", transfer["id"])).await["status"], "new");

    // From Kopek's own pages it works; reading is never refused.
    let host = app.base.trim_start_matches("http://").to_string();
    let (status, paid) = json_of(staff.post(app.url(&credit)).header("origin", format!("http://{host}")).json(&json!({}))).await;
    assert_eq!((status, paid["status"].as_str()), (StatusCode::OK, Some("credited")), "{paid}");
    let read = staff.get(app.url(&format!("/payments/{}", transfer["id"]))).header("origin", "http://evil.example").send().await.unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    assert_eq!(app.balance(client).await, "500.00");
});

backend_test!(async fn sec1_an_api_token_is_no_cookie_and_is_not_asked_where_it_comes_from(db) {
    let app = App::spawn(db).await;
    let client = app.owned_client("TOKEN", None).await;
    // An integration sends its token from wherever it runs.
    let r = app.staff(reqwest::Method::POST, &format!("/clients/{client}/payments")).header("origin", "https://crm.example").json(&json!({ "amount": "10.00", "currency": "RUB" }));
    let (status, p) = json_of(r).await;
    assert_eq!((status, p["amount"].as_str()), (StatusCode::CREATED, Some("10.00")), "{p}");
});

backend_test!(async fn sec1_a_payment_never_sends_the_payer_to_another_site(db) {
    let app = App::spawn(db).await;
    let (client, payer) = app.client("REDIR", None).await;
    let method = app.method(json!({ "prefix": "card", "name": "Карта", "gateway": "sandbox", "currency": "RUB", "payer_kinds": ["individual"] })).await;
    for evil in ["https://evil.example/phish", "//evil.example", "javascript:alert(1)"] {
        let r = app.staff(reqwest::Method::POST, &format!("/clients/{client}/payments/start"))
            .json(&json!({ "payer_id": payer, "method_id": method, "amount": "50.00", "return_url": evil }));
        assert_eq!(error_of(r).await, (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field".to_string()), "{evil}");
    }
    assert!(app.get(&format!("/clients/{client}/payments")).await.as_array().unwrap().is_empty(), "nothing was started");
    let (status, p) = app.post(&format!("/clients/{client}/payments/start"), json!({ "payer_id": payer, "method_id": method, "amount": "50.00", "return_url": "/finance/payments" })).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
});

fn shield(logins: u32, webhooks: u32, metrics_token: Option<&str>) -> kopek_web::shield::ShieldConfig {
    kopek_web::shield::ShieldConfig {
        logins_per_minute: logins,
        webhook_calls_per_minute: webhooks,
        metrics_token: metrics_token.map(str::to_string),
    }
}

backend_test!(async fn sec1_an_address_past_its_login_rate_gets_429_before_any_password_is_checked(db) {
    let app = App::spawn_shielded(db, crate::common::Gateways::Cards, shield(3, 600, None)).await;
    app.owned_client("RATE", None).await;
    let login = |password: &'static str| {
        app.http.post(app.url("/auth/login")).json(&json!({ "email": "rate@client.test", "password": password }))
    };
    for _ in 0..3 {
        assert_eq!(error_of(login("wrong-password")).await, (StatusCode::UNAUTHORIZED, "bad_credentials".to_string()));
    }
    let r = login("client-password").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["code"], "too_many_requests");
    // The portal's login form shares the address's count, in the user's language.
    let page = app.http.post(app.site("/login")).header("accept-language", "ru").form(&[("email", "rate@client.test")]).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(page.text().await.unwrap(), "Слишком много попыток входа с вашего адреса. Подождите минуту и попробуйте снова.");
    // The refused attempts were never checked: two more failures do not lock.
    let mut conn = app.t.db.store.conn().await.unwrap();
    let failures: i64 = kopek_store::on_db!(conn, db => kopek_store::sqlx::query_scalar(
        "SELECT failures FROM login_attempts WHERE login = 'client:rate@client.test'").fetch_one(db).await).unwrap();
    assert_eq!(failures, 3);
});

backend_test!(async fn sec1_forged_webhooks_past_the_rate_are_refused_without_a_write(db) {
    let app = App::spawn_shielded(db, crate::common::Gateways::Cards, shield(30, 2, None)).await;
    let forged = br#"{"event":"payment.succeeded","payment_id":"nope"}"#;
    for _ in 0..2 {
        let (status, _) = app.webhook("sandbox", &[], forged).await;
        assert_ne!(status, StatusCode::TOO_MANY_REQUESTS);
    }
    let before = rows_of(&app, "audit_log").await;
    for _ in 0..5 {
        let (status, e) = app.webhook("sandbox", &[], forged).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("too_many_requests")), "{e}");
    }
    assert_eq!(rows_of(&app, "audit_log").await, before, "a refused knock writes nothing");
});

/// How many rows `table` holds.
async fn rows_of(app: &App, table: &str) -> i64 {
    let mut conn = app.t.db.store.conn().await.unwrap();
    let sql = format!("SELECT COUNT(*) FROM {table}");
    kopek_store::on_db!(conn, db => kopek_store::sqlx::query_scalar(kopek_store::sqlx::AssertSqlSafe(sql.clone()))
        .fetch_one(db).await)
    .unwrap()
}

backend_test!(async fn sec1_unproven_webhooks_are_logged_without_an_audit_record_and_only_the_latest_are_kept(db) {
    use kopek_engine::payments::gateway::{GatewayKind, WebhookRequest};
    use kopek_engine::payments::webhook::REFUSED_KEPT;
    let app = App::spawn_with(db, crate::common::Gateways::Sandbox).await;
    let before = rows_of(&app, "audit_log").await;
    let source = "203.0.113.7".parse().ok();
    for i in 0..REFUSED_KEPT + 3 {
        let body = format!(r#"{{"event":"payment.succeeded","payment_id":"forged-{i}"}}"#);
        let req = WebhookRequest { headers: &[], body: body.as_bytes(), remote_ip: source, now: app.t.engine.now() };
        let e = app.t.engine.gateway_webhook(GatewayKind::Sandbox, &req).await.unwrap_err();
        assert_eq!(e.code(), "webhook_forged", "{e}");
    }
    assert_eq!(rows_of(&app, "refused_webhooks").await, REFUSED_KEPT, "the log stays bounded");
    assert_eq!(rows_of(&app, "audit_log").await, before, "nobody vouched for them: nothing audited");
    assert_eq!(rows_of(&app, "gateway_events").await, 0);
    let log = app.get("/gateway-events/refused").await;
    let log = log.as_array().unwrap();
    assert_eq!(log.len() as i64, REFUSED_KEPT);
    assert_eq!(log[0]["source"], "203.0.113.7");
    assert_eq!(log[0]["gateway"], "sandbox");
    // A client's user may not read it.
    app.client("PEEK", None).await;
    let portal = app.portal("PEEK").await;
    let r = portal.get(app.url("/gateway-events/refused")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
});

backend_test!(async fn sec1_metrics_with_a_token_answer_only_the_token_and_api_answers_are_not_stored(db) {
    let app = App::spawn_shielded(db, crate::common::Gateways::Cards, shield(30, 600, Some("metrics-secret"))).await;
    let open = app.http.get(app.site("/metrics")).send().await.unwrap();
    assert_eq!(open.status(), StatusCode::UNAUTHORIZED);
    let wrong = app.http.get(app.site("/metrics")).bearer_auth("metrics-secreT").send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let right = app.http.get(app.site("/metrics")).bearer_auth("metrics-secret").send().await.unwrap();
    assert_eq!(right.status(), StatusCode::OK);
    let r = app.staff(reqwest::Method::GET, "/clients").send().await.unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
});
