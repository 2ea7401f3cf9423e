//! Payments through YooKassa and Stripe over HTTP, on both backends, the
//! gateways' APIs stubbed by wiremock (PMT-1, PMT-4, CHG-7, LED-1): start,
//! webhook, duplicate and forged webhooks, a success after a declined
//! attempt or a cancellation, refund.

use std::sync::Arc;

use crate::common::{App, Gateways};
use hmac::{Hmac, Mac};
use kopek_integrations::{PaymentGateway, StripeConfig, StripeGateway, YooKassaConfig, YooKassaGateway};
use kopek_store::backend_test;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;
use wiremock::matchers::{basic_auth, bearer_token, body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const YK_ID: &str = "2419a771-000f-5000-9000-1edaf29243f2";
const YK_CONFIRM: &str = "https://yoomoney.ru/api-pages/v2/payment-confirm/epl?orderId=2419a771-000f-5000-9000-1edaf29243f2";
const PI_ID: &str = "pi_3MtwBwLkdIwHu7ix28a3tqPa";
const WHSEC: &str = "whsec_test_kopek";

impl App {
    /// A client, an individual payer of it, and a commission-free RUB method.
    async fn setup(&self, prefix: &str, gateway: &str) -> (i64, i64, i64) {
        let (client, payer) = self.client(&prefix.to_uppercase(), None).await;
        let method = self
            .method(json!({
                "prefix": prefix, "name": format!("Card via {gateway}"), "gateway": gateway, "currency": "RUB",
                "commission_percent": "0", "commission_fixed": "0", "cashback_percent": "0",
                "payer_kinds": ["individual"], "enabled": true, "instructions": "",
            }))
            .await;
        (client, payer, method)
    }

    async fn start(&self, client: i64, payer: i64, mid: i64, amount: &str) -> Value {
        let body = json!({ "payer_id": payer, "method_id": mid, "amount": amount, "return_url": "/portal" });
        let (status, pay) = self.post(&format!("/clients/{client}/payments/start"), body).await;
        assert_eq!(status, StatusCode::CREATED, "{pay}");
        pay
    }
}

// ---- YooKassa ------------------------------------------------------------

fn yookassa(server: &MockServer) -> Arc<dyn PaymentGateway> {
    let mut config = YooKassaConfig::new("100500", "test_secret");
    config.base_url = server.uri();
    Arc::new(YooKassaGateway::new(config).unwrap())
}

/// A server whose engine pays through YooKassa, stubbed, and a client
/// with a payer and a method of it (`App::setup`).
async fn over_yookassa(db: kopek_store::testing::TestDb) -> (MockServer, App, (i64, i64, i64)) {
    let server = MockServer::start().await;
    stub_yk_create(&server).await;
    let app = App::spawn_with(db, Gateways::These(vec![yookassa(&server)])).await;
    let setup = app.setup("yk", "yookassa").await;
    (server, app, setup)
}

/// A payment object as YooKassa's API reference shows it.
fn yk_payment(status: &str, value: &str, number: &str) -> Value {
    let mut p = json!({
        "id": YK_ID, "status": status, "paid": status != "pending",
        "amount": { "value": value, "currency": "RUB" },
        "created_at": "2026-03-01T09:00:00.000Z", "description": format!("Advance payment {number}"),
        "metadata": { "kopek_payment_id": number },
        "recipient": { "account_id": "100500", "gateway_id": "100700" },
        "refundable": status == "succeeded", "test": true,
        "payment_method": { "type": "bank_card", "id": YK_ID, "saved": false },
    });
    if status == "pending" {
        p["confirmation"] = json!({ "type": "redirect", "confirmation_url": YK_CONFIRM });
    }
    p
}

/// POST /v3/payments answers a pending payment carrying what it was asked.
async fn stub_yk_create(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/v3/payments"))
        .and(basic_auth("100500", "test_secret"))
        .respond_with(|req: &Request| {
            let asked: Value = serde_json::from_slice(&req.body).unwrap();
            let number = asked["metadata"]["kopek_payment_id"].as_str().unwrap_or_default();
            ResponseTemplate::new(200).set_body_json(yk_payment("pending", asked["amount"]["value"].as_str().unwrap(), number))
        })
        .mount(server)
        .await;
}

async fn stub_yk_get(server: &MockServer, object: Value) {
    Mock::given(method("GET"))
        .and(path(format!("/v3/payments/{YK_ID}")))
        .and(basic_auth("100500", "test_secret"))
        .respond_with(ResponseTemplate::new(200).set_body_json(object))
        .mount(server)
        .await;
}

fn yk_notification(object: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({ "type": "notification", "event": "payment.succeeded", "object": object })).unwrap()
}

async fn requests_to(server: &MockServer, verb: &str, p: &str) -> Vec<Request> {
    let all = server.received_requests().await.unwrap();
    all.into_iter().filter(|r| r.method.as_str() == verb && r.url.path() == p).collect()
}

/// A YooKassa payment of `amount` started and credited through its webhook.
async fn yk_paid(app: &App, server: &MockServer, client: i64, payer: i64, mid: i64, amount: &str) -> Value {
    let pay = app.start(client, payer, mid, amount).await;
    let number = pay["number"].as_str().unwrap();
    stub_yk_get(server, yk_payment("succeeded", amount, number)).await;
    // The notification is only a hint: it claims more than was paid, the
    // re-fetched payment decides.
    let (status, out) = app.webhook("yookassa", &[], &yk_notification(yk_payment("succeeded", "99999.00", number))).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!((out["outcome"].as_str(), out["payment_id"].as_i64()), (Some("credited"), pay["id"].as_i64()), "{out}");
    pay
}

backend_test!(async fn pmt4_yookassa_payment_from_creation_to_credited_through_the_stub(db) {
    let (server, app, (client, payer, mid)) = over_yookassa(db).await;

    let pay = app.start(client, payer, mid, "500.00").await;
    let number = pay["number"].as_str().unwrap().to_string();
    assert!(number.starts_with("yk/"), "{number}");
    assert_eq!(pay["status"], "paying");
    let flow = &pay["flow"];
    assert_eq!((flow["gateway"].as_str(), flow["external_id"].as_str()), (Some("yookassa"), Some(YK_ID)));
    assert_eq!((flow["to_pay"].as_str(), flow["confirmation_url"].as_str()), (Some("500.00"), Some(YK_CONFIRM)));
    // What reached YooKassa: the amount, our number, a stable idempotence key.
    let created = requests_to(&server, "POST", "/v3/payments").await;
    assert_eq!(created.len(), 1);
    let asked: Value = serde_json::from_slice(&created[0].body).unwrap();
    assert_eq!(asked["amount"], json!({ "value": "500.00", "currency": "RUB" }));
    assert_eq!(asked["metadata"]["kopek_payment_id"], number.as_str());
    assert_eq!(asked["confirmation"]["return_url"], "https://billing.example/portal");
    assert_eq!(created[0].headers.get("Idempotence-Key").unwrap().to_str().unwrap(), format!("kopek-payment-{number}"));
    assert_eq!(app.balance(client).await, "0.00", "nothing is credited before the money comes");

    stub_yk_get(&server, yk_payment("succeeded", "500.00", &number)).await;
    let (status, out) = app.webhook("yookassa", &[], &yk_notification(yk_payment("succeeded", "500.00", &number))).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out, json!({ "outcome": "credited", "payment_id": pay["id"], "reason": "" }));
    assert_eq!(requests_to(&server, "GET", &format!("/v3/payments/{YK_ID}")).await.len(), 1, "the payment was fetched back");
    let got = app.get(&format!("/payments/{}", pay["id"])).await;
    assert_eq!((got["status"].as_str(), got["amount"].as_str()), (Some("credited"), Some("500.00")));
    assert_eq!(app.balance(client).await, "500.00");
    let events = app.get(&format!("/gateway-events?payment_id={}", pay["id"])).await;
    assert_eq!(events.as_array().unwrap().len(), 1);
    assert_eq!((events[0]["outcome"].as_str(), events[0]["status"].as_str()), (Some("credited"), Some("succeeded")));
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());
});

// ---- Stripe --------------------------------------------------------------

fn stripe(server: &MockServer) -> Arc<dyn PaymentGateway> {
    let mut config = StripeConfig::new("sk_test_kopek", WHSEC);
    config.base_url = server.uri();
    Arc::new(StripeGateway::new(config).unwrap())
}

/// A PaymentIntent as Stripe's API reference shows it.
fn intent(status: &str, minor: i64, number: &str) -> Value {
    json!({
        "id": PI_ID, "object": "payment_intent", "amount": minor, "amount_capturable": 0,
        "amount_received": if status == "succeeded" { minor } else { 0 },
        "capture_method": "automatic", "client_secret": format!("{PI_ID}_secret_YrKJUKribcBjcG8HVhfZluoGH"),
        "confirmation_method": "automatic", "created": 1772355600, "currency": "rub", "customer": null,
        "description": format!("Advance payment {number}"), "last_payment_error": null, "livemode": false,
        "metadata": { "kopek_payment_id": number }, "next_action": null,
        "payment_method": if status == "succeeded" { json!("pm_1MtwBwLkdIwHu7ixl4gLVVKq") } else { Value::Null },
        "payment_method_types": ["card"], "setup_future_usage": null, "status": status,
    })
}

fn stripe_event(object: Value) -> Vec<u8> {
    stripe_event_of("payment_intent.succeeded", object)
}

fn stripe_event_of(kind: &str, object: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": "evt_3MtwBwLkdIwHu7ix0Y1Q5WxW", "object": "event", "api_version": "2024-06-20", "created": 1772355700,
        "type": kind, "livemode": false, "data": { "object": object },
    }))
    .unwrap()
}

/// `Stripe-Signature: t=…,v1=hex(hmac_sha256(secret, "{t}.{body}"))`.
fn stripe_signature(secret: &str, t: i64, body: &[u8]) -> (&'static str, String) {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    ("Stripe-Signature", format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes())))
}

async fn stub_stripe_create(server: &MockServer, minor: i64) {
    Mock::given(method("POST"))
        .and(path("/v1/payment_intents"))
        .and(bearer_token("sk_test_kopek"))
        .respond_with(ResponseTemplate::new(200).set_body_json(intent("requires_payment_method", minor, "")))
        .mount(server)
        .await;
}

/// A server whose engine pays through Stripe, stubbed to create intents of
/// `minor` units, and a client with a payer and a method of it.
async fn over_stripe(db: kopek_store::testing::TestDb, minor: i64) -> (MockServer, App, (i64, i64, i64)) {
    let server = MockServer::start().await;
    stub_stripe_create(&server, minor).await;
    let app = App::spawn_with(db, Gateways::These(vec![stripe(&server)])).await;
    let setup = app.setup("stripe", "stripe").await;
    (server, app, setup)
}

backend_test!(async fn pmt4_stripe_payment_credited_and_the_same_webhook_five_times_credits_once(db) {
    let (server, app, (client, payer, mid)) = over_stripe(db, 75000).await;
    let pay = app.start(client, payer, mid, "750.00").await;
    let number = pay["number"].as_str().unwrap().to_string();
    assert_eq!((pay["status"].as_str(), pay["flow"]["external_id"].as_str()), (Some("paying"), Some(PI_ID)));
    let created = requests_to(&server, "POST", "/v1/payment_intents").await;
    let form = String::from_utf8(created[0].body.clone()).unwrap();
    assert!(form.contains("amount=75000") && form.contains("currency=rub"), "{form}");
    assert!(form.contains(&format!("metadata%5Bkopek_payment_id%5D={}", number.replace('/', "%2F"))), "{form}");

    let body = stripe_event(intent("succeeded", 75000, &number));
    // Signed 30 s ago by the engine's clock, well within the tolerance.
    let sig = stripe_signature(WHSEC, app.t.engine.now().timestamp() - 30, &body);
    let mut outcomes = Vec::new();
    for _ in 0..5 {
        let (status, out) = app.webhook("stripe", std::slice::from_ref(&sig), &body).await;
        assert_eq!(status, StatusCode::OK, "{out}");
        assert_eq!(out["payment_id"], pay["id"]);
        outcomes.push(out["outcome"].as_str().unwrap().to_string());
    }
    assert_eq!(outcomes, ["credited", "duplicate", "duplicate", "duplicate", "duplicate"]);
    assert_eq!(app.balance(client).await, "750.00", "credited exactly once");
    let got = app.get(&format!("/payments/{}", pay["id"])).await;
    assert_eq!((got["status"].as_str(), got["amount"].as_str()), (Some("credited"), Some("750.00")));
    let events = app.get(&format!("/gateway-events?payment_id={}", pay["id"])).await;
    let mut logged: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["outcome"].as_str().unwrap()).collect();
    logged.reverse(); // newest first
    assert_eq!(logged, ["credited", "duplicate", "duplicate", "duplicate", "duplicate"]);
    assert!(events.as_array().unwrap().iter().all(|e| e["gateway"] == "stripe" && e["external_id"] == PI_ID));
    let payments = app.get(&format!("/clients/{client}/payments")).await;
    assert_eq!(payments.as_array().unwrap().len(), 1);
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn pmt4_forged_stripe_signature_is_refused_and_changes_nothing(db) {
    let (_server, app, (client, payer, mid)) = over_stripe(db, 40000).await;
    let pay = app.start(client, payer, mid, "400.00").await;
    let number = pay["number"].as_str().unwrap().to_string();
    let body = stripe_event(intent("succeeded", 40000, &number));
    let now = app.t.engine.now().timestamp();

    let tampered = stripe_event(intent("succeeded", 4000000, &number));
    type Forgery<'a> = (&'a str, Vec<(&'a str, String)>, &'a [u8]);
    let forgeries: Vec<Forgery> = vec![
        ("wrong secret", vec![stripe_signature("whsec_guessed", now, &body)], body.as_slice()),
        ("no signature", vec![], body.as_slice()),
        ("another body", vec![stripe_signature(WHSEC, now, &body)], tampered.as_slice()),
        ("stale timestamp", vec![stripe_signature(WHSEC, now - 301, &body)], body.as_slice()),
        ("from the future", vec![stripe_signature(WHSEC, now + 301, &body)], body.as_slice()),
        ("v0 only", vec![("Stripe-Signature", stripe_signature(WHSEC, now, &body).1.replace("v1=", "v0="))], body.as_slice()),
    ];
    for (case, headers, b) in forgeries {
        let (status, e) = app.webhook("stripe", &headers, b).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("webhook_forged")), "{case}: {e}");
        assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{case}");
    }
    let got = app.get(&format!("/payments/{}", pay["id"])).await;
    assert_eq!(got["status"], "paying");
    assert_eq!(app.balance(client).await, "0.00");
    assert!(app.get(&format!("/gateway-events?payment_id={}", pay["id"])).await.as_array().unwrap().is_empty());
    assert!(app.get("/gateway-events").await.as_array().unwrap().is_empty(), "forgeries stay out of the payments' log");
    let refused = app.get("/gateway-events/refused").await;
    assert_eq!(refused.as_array().unwrap().len(), 6, "every forgery is in the refused log: {refused}");
    assert!(refused.as_array().unwrap().iter().all(|e| e["gateway"] == "stripe" && e["reason"].as_str().is_some_and(|r| !r.is_empty())));

    // The authentic call still works afterwards.
    let (status, out) = app.webhook("stripe", &[stripe_signature(WHSEC, now, &body)], &body).await;
    assert_eq!((status, out["outcome"].as_str()), (StatusCode::OK, Some("credited")), "{out}");
    assert_eq!(app.balance(client).await, "400.00");
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());
});

// Issue 12: with the Payment Element a declined card returns the intent to
// `requires_payment_method` and the payer pays on the same intent. The
// decline leaves the payment waiting; the success is credited, once.
backend_test!(async fn pmt4_stripe_success_after_a_declined_attempt_is_credited_once(db) {
    let (_server, app, (client, payer, mid)) = over_stripe(db, 25000).await;
    let pay = app.start(client, payer, mid, "250.00").await;
    let number = pay["number"].as_str().unwrap().to_string();
    let now = app.t.engine.now().timestamp();

    let mut declined = intent("requires_payment_method", 25000, &number);
    declined["last_payment_error"] = json!({
        "type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
        "message": "Your card has insufficient funds.",
    });
    let failed = stripe_event_of("payment_intent.payment_failed", declined);
    let (status, out) = app.webhook("stripe", &[stripe_signature(WHSEC, now, &failed)], &failed).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let why = "insufficient_funds: Your card has insufficient funds.";
    assert_eq!(out, json!({ "outcome": "declined", "payment_id": pay["id"], "reason": why }));
    let got = app.get(&format!("/payments/{}", pay["id"])).await;
    assert_eq!((got["status"].as_str(), got["flow"]["failure_reason"].as_str()), (Some("paying"), Some(why)));
    assert_eq!(app.balance(client).await, "0.00");

    let paid = stripe_event(intent("succeeded", 25000, &number));
    let sig = stripe_signature(WHSEC, now, &paid);
    let (status, out) = app.webhook("stripe", std::slice::from_ref(&sig), &paid).await;
    assert_eq!((status, out["outcome"].as_str()), (StatusCode::OK, Some("credited")), "{out}");
    assert_eq!(app.balance(client).await, "250.00");
    let (status, out) = app.webhook("stripe", &[sig], &paid).await;
    assert_eq!((status, out["outcome"].as_str()), (StatusCode::OK, Some("duplicate")), "{out}");
    assert_eq!(app.balance(client).await, "250.00", "credited exactly once");

    let got = app.get(&format!("/payments/{}", pay["id"])).await;
    assert_eq!((got["status"].as_str(), got["amount"].as_str()), (Some("credited"), Some("250.00")));
    assert!(got["flow"]["failure_reason"].is_null(), "the refused attempt stays in the gateway log: {got}");
    let events = app.get(&format!("/gateway-events?payment_id={}", pay["id"])).await;
    let mut logged: Vec<(&str, &str)> =
        events.as_array().unwrap().iter().map(|e| (e["status"].as_str().unwrap(), e["outcome"].as_str().unwrap())).collect();
    logged.reverse(); // newest first
    assert_eq!(logged, [("declined", "declined"), ("succeeded", "credited"), ("succeeded", "duplicate")]);
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());
});

// A payer who cancelled the payment in Kopek may still finish it on
// YooKassa's page, which knew nothing of it: the money is credited.
backend_test!(async fn pmt4_yookassa_success_after_the_payer_cancelled_in_kopek_is_credited(db) {
    let (server, app, (client, payer, mid)) = over_yookassa(db).await;
    let pay = app.start(client, payer, mid, "250.00").await;
    let number = pay["number"].as_str().unwrap().to_string();
    let (status, cancelled) = app.post(&format!("/payments/{}/cancel", pay["id"]), json!({})).await;
    assert_eq!((status, cancelled["status"].as_str()), (StatusCode::OK, Some("cancelled")), "{cancelled}");

    stub_yk_get(&server, yk_payment("succeeded", "250.00", &number)).await;
    let note = yk_notification(yk_payment("succeeded", "250.00", &number));
    let (status, out) = app.webhook("yookassa", &[], &note).await;
    assert_eq!((status, out["outcome"].as_str()), (StatusCode::OK, Some("credited")), "{out}");
    assert_eq!(out["reason"], "the payment was cancelled; the gateway took the money");
    let (_, out) = app.webhook("yookassa", &[], &note).await;
    assert_eq!(out["outcome"], "duplicate", "{out}");
    assert_eq!(app.get(&format!("/payments/{}", pay["id"])).await["status"], "credited");
    assert_eq!(app.balance(client).await, "250.00");
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());
});

// ---- Refund --------------------------------------------------------------

backend_test!(async fn pmt4_refund_reverses_the_payment_and_its_allocations(db) {
    let (server, app, (client, payer, mid)) = over_yookassa(db).await;
    let vds = json!({ "name": "VDS-2", "amount": "300.00", "currency": "RUB" });
    let (status, expense) = app.post(&format!("/clients/{client}/expenses"), vds).await;
    assert_eq!(status, StatusCode::CREATED, "{expense}");
    assert_eq!(app.balance(client).await, "-300.00");

    let pay = yk_paid(&app, &server, client, payer, mid, "500.00").await;
    let number = pay["number"].as_str().unwrap().to_string();
    let got = app.get(&format!("/payments/{}", pay["id"])).await;
    assert_eq!(got["allocations"], json!([{ "payment_id": pay["id"], "expense_id": expense["id"], "amount": "300.00" }]));
    assert_eq!(got["unallocated"], "200.00");
    assert_eq!(app.balance(client).await, "200.00");

    Mock::given(method("POST"))
        .and(path("/v3/refunds"))
        .and(basic_auth("100500", "test_secret"))
        .and(header("Idempotence-Key", format!("kopek-refund-{number}").as_str()))
        .and(body_partial_json(json!({ "payment_id": YK_ID, "amount": { "value": "500.00", "currency": "RUB" } })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "216749f7-0016-50be-b000-078d43a63ae4", "payment_id": YK_ID, "status": "succeeded",
            "amount": { "value": "500.00", "currency": "RUB" }, "created_at": "2026-03-01T09:05:00.000Z",
        })))
        .mount(&server)
        .await;
    let (status, e) = app.post(&format!("/payments/{}/refund", pay["id"]), json!({ "reason": "  " })).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")), "{e}");
    assert!(requests_to(&server, "POST", "/v3/refunds").await.is_empty(), "a refused refund asks nothing of YooKassa");

    let (status, refunded) = app.post(&format!("/payments/{}/refund", pay["id"]), json!({ "reason": "client asked" })).await;
    assert_eq!(status, StatusCode::OK, "{refunded}");
    assert_eq!(refunded["status"], "refunded");
    assert_eq!(requests_to(&server, "POST", "/v3/refunds").await.len(), 1, "the refund reached YooKassa");
    let x = app.get(&format!("/expenses/{}", expense["id"])).await;
    assert_eq!((x["status"].as_str(), x["unpaid"].as_str()), (Some("posted"), Some("300.00")), "{x}");
    assert_eq!(x["paid_by"], json!([]));
    let b = app.get(&format!("/clients/{client}/balance")).await;
    assert_eq!((b["balance"].as_str(), b["debt"].as_str()), (Some("-300.00"), Some("300.00")));

    // A second refund is refused and YooKassa is not asked again.
    let (status, e) = app.post(&format!("/payments/{}/refund", pay["id"]), json!({ "reason": "again" })).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::CONFLICT, Some("not_reversible")), "{e}");
    assert_eq!(requests_to(&server, "POST", "/v3/refunds").await.len(), 1);
    assert_eq!(app.balance(client).await, "-300.00");
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());
});

// CHG-7: a refund YooKassa cancels returned no money, so the payment
// stays credited and the balance keeps it.
backend_test!(async fn pmt4_a_refund_the_gateway_cancels_leaves_the_payment_credited(db) {
    let (server, app, (client, payer, mid)) = over_yookassa(db).await;
    let pay = yk_paid(&app, &server, client, payer, mid, "500.00").await;
    Mock::given(method("POST"))
        .and(path("/v3/refunds"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "216749f7-0016-50be-b000-078d43a63ae4", "payment_id": YK_ID, "status": "canceled",
            "amount": { "value": "500.00", "currency": "RUB" },
            "cancellation_details": { "party": "yoo_money", "reason": "insufficient_funds" },
        })))
        .mount(&server)
        .await;
    let (status, e) = app.post(&format!("/payments/{}/refund", pay["id"]), json!({ "reason": "client asked" })).await;
    assert_eq!(requests_to(&server, "POST", "/v3/refunds").await.len(), 1);
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    assert_eq!(app.get(&format!("/payments/{}", pay["id"])).await["status"], "credited");
    assert_eq!(app.balance(client).await, "500.00");
});
