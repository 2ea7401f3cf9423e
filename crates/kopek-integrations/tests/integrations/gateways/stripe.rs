use chrono::Duration;
use kopek_integrations::signature;
use kopek_integrations::{GatewayError, GatewayStatus, PaymentGateway, RefundStatus, StripeConfig, StripeGateway};
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use wiremock::matchers::{bearer_token, body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{now, payment, webhook};

const SECRET: &str = "whsec_test_kopek";

fn gateway(server: &MockServer) -> StripeGateway {
    let mut config = StripeConfig::new("sk_test_kopek", SECRET);
    config.base_url = server.uri();
    StripeGateway::new(config).unwrap()
}

/// A PaymentIntent as Stripe's API reference shows it.
fn intent(status: &str, amount: i64, currency: &str) -> Value {
    json!({
        "id": "pi_3MtwBwLkdIwHu7ix28a3tqPa",
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_received": if status == "succeeded" { amount } else { 0 },
        "capture_method": "automatic",
        "client_secret": "pi_3MtwBwLkdIwHu7ix28a3tqPa_secret_YrKJUKribcBjcG8HVhfZluoGH",
        "confirmation_method": "automatic",
        "created": 1680800504,
        "currency": currency,
        "customer": null,
        "description": "Пополнение баланса",
        "last_payment_error": null,
        "livemode": false,
        "metadata": { "kopek_payment_id": "stripe/7" },
        "next_action": null,
        "payment_method": if status == "succeeded" { json!("pm_1MtwBwLkdIwHu7ixl4gLVVKq") } else { Value::Null },
        "payment_method_types": ["card"],
        "setup_future_usage": null,
        "status": status
    })
}

fn event(kind: &str, object: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": "evt_3MtwBwLkdIwHu7ix0Y1Q5WxW",
        "object": "event",
        "api_version": "2024-06-20",
        "created": 1680800600,
        "type": kind,
        "livemode": false,
        "data": { "object": object }
    }))
    .unwrap()
}

fn signed(body: &[u8], secret: &str, at: i64) -> Vec<(String, String)> {
    vec![("Stripe-Signature".to_string(), signature::sign(secret, at, body).unwrap())]
}

#[tokio::test]
async fn pmt4_stripe_payment_intent_created_then_signed_webhook_accepted_then_refund() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/payment_intents"))
        .and(bearer_token("sk_test_kopek"))
        .and(header("Idempotency-Key", "pay-stripe-7"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("amount=150050"))
        .and(body_string_contains("currency=eur"))
        .and(body_string_contains("capture_method=automatic"))
        .and(body_string_contains("metadata%5Bkopek_payment_id%5D=stripe%2F7"))
        .and(body_string_contains("automatic_payment_methods%5Benabled%5D=true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(intent("requires_payment_method", 150050, "eur")))
        .expect(1)
        .mount(&server)
        .await;
    let stripe = gateway(&server);

    let created = stripe.create(&payment("stripe/7", "pay-stripe-7", dec!(1500.50), "EUR")).await.unwrap();
    assert_eq!(created.external_id, "pi_3MtwBwLkdIwHu7ix28a3tqPa");
    assert_eq!(created.status, GatewayStatus::Pending);
    assert!(created.client_secret.unwrap().contains("_secret_"));
    assert_eq!((created.amount, created.currency.as_str()), (dec!(1500.50), "EUR"));

    let body = event("payment_intent.succeeded", intent("succeeded", 150050, "eur"));
    let headers = signed(&body, SECRET, now().timestamp() - 20);
    let e = stripe.verify_webhook(&webhook(&headers, &body, now())).await.unwrap();
    assert_eq!(e.external_id, "pi_3MtwBwLkdIwHu7ix28a3tqPa");
    assert_eq!(e.status, GatewayStatus::Succeeded);
    assert_eq!((e.amount, e.currency.as_str()), (dec!(1500.50), "EUR"));
    assert_eq!(e.payment_id.as_deref(), Some("stripe/7"));

    Mock::given(method("GET"))
        .and(path("/v1/payment_intents/pi_3MtwBwLkdIwHu7ix28a3tqPa"))
        .and(bearer_token("sk_test_kopek"))
        .respond_with(ResponseTemplate::new(200).set_body_json(intent("succeeded", 150050, "eur")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/refunds"))
        .and(header("Idempotency-Key", "refund-stripe-7"))
        .and(body_string_contains("payment_intent=pi_3MtwBwLkdIwHu7ix28a3tqPa"))
        .and(body_string_contains("amount=50000"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "re_1Nispe2eZvKYlo2Cd31jOCgZ",
            "object": "refund",
            "amount": 50000,
            "balance_transaction": "txn_1Nispe2eZvKYlo2CYezqFhEx",
            "charge": "ch_1NirD82eZvKYlo2CIvbtLWuY",
            "created": 1692942318,
            "currency": "eur",
            "metadata": {},
            "payment_intent": "pi_3MtwBwLkdIwHu7ix28a3tqPa",
            "reason": null,
            "status": "succeeded"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let refund = stripe.refund("pi_3MtwBwLkdIwHu7ix28a3tqPa", dec!(500), "refund-stripe-7").await.unwrap();
    assert_eq!(refund.external_id, "re_1Nispe2eZvKYlo2Cd31jOCgZ");
    assert_eq!((refund.status, refund.amount, refund.currency.as_str()), (RefundStatus::Succeeded, dec!(500), "EUR"));
}

#[tokio::test]
async fn pmt4_stripe_forged_signature_refused() {
    let server = MockServer::start().await;
    let stripe = gateway(&server);
    let body = event("payment_intent.succeeded", intent("succeeded", 150050, "eur"));
    let t = now().timestamp();

    let wrong_secret = signed(&body, "whsec_attacker", t);
    let e = stripe.verify_webhook(&webhook(&wrong_secret, &body, now())).await.unwrap_err();
    assert_eq!(e.code(), "webhook_forged");

    // A genuine signature does not cover a changed body.
    let tampered = String::from_utf8(body.clone()).unwrap().replace("150050", "99950050").into_bytes();
    let genuine = signed(&body, SECRET, t);
    assert!(matches!(stripe.verify_webhook(&webhook(&genuine, &tampered, now())).await, Err(GatewayError::Forged(_))));

    assert!(matches!(stripe.verify_webhook(&webhook(&[], &body, now())).await, Err(GatewayError::Forged(_))));
    let garbage = vec![("Stripe-Signature".to_string(), "t=abc,v1=zz".to_string())];
    assert!(matches!(stripe.verify_webhook(&webhook(&garbage, &body, now())).await, Err(GatewayError::Forged(_))));
}

#[tokio::test]
async fn pmt4_stripe_stale_timestamp_refused() {
    let server = MockServer::start().await;
    let stripe = gateway(&server);
    let body = event("payment_intent.succeeded", intent("succeeded", 150050, "eur"));
    let replayed = signed(&body, SECRET, (now() - Duration::seconds(301)).timestamp());
    let e = stripe.verify_webhook(&webhook(&replayed, &body, now())).await.unwrap_err();
    assert!(matches!(&e, GatewayError::Forged(m) if m.contains("tolerance")), "{e:?}");
    let just_in_time = signed(&body, SECRET, (now() - Duration::seconds(300)).timestamp());
    assert!(stripe.verify_webhook(&webhook(&just_in_time, &body, now())).await.is_ok());
}

#[tokio::test]
async fn pmt4_stripe_other_events_are_ignored_and_failures_reported() {
    let server = MockServer::start().await;
    let stripe = gateway(&server);
    let charge = event("charge.succeeded", json!({ "id": "ch_1", "object": "charge" }));
    let headers = signed(&charge, SECRET, now().timestamp());
    let e = stripe.verify_webhook(&webhook(&headers, &charge, now())).await.unwrap_err();
    assert!(matches!(e, GatewayError::Ignored(k) if k == "charge.succeeded"));

    let mut failed = intent("requires_payment_method", 990, "usd");
    failed["last_payment_error"] = json!({
        "type": "card_error", "code": "card_declined", "decline_code": "generic_decline", "message": "Your card was declined."
    });
    let body = event("payment_intent.payment_failed", failed);
    let headers = signed(&body, SECRET, now().timestamp());
    let e = stripe.verify_webhook(&webhook(&headers, &body, now())).await.unwrap();
    assert_eq!((e.status, e.amount), (GatewayStatus::Declined, dec!(9.90)));
    assert!(e.failure_reason.unwrap().starts_with("generic_decline"));
}

/// With the Payment Element a declined card sends the intent back to
/// `requires_payment_method` and the payer retries on the same intent
/// (https://docs.stripe.com/payments/paymentintents/lifecycle): the
/// `payment_intent.payment_failed` is an attempt, the later
/// `payment_intent.succeeded` the payment; only `canceled` ends an intent
/// without money.
#[tokio::test]
async fn pmt4_stripe_a_declined_attempt_is_not_final_and_the_retry_succeeds() {
    let server = MockServer::start().await;
    let stripe = gateway(&server);
    let verify = |body: Vec<u8>| {
        let headers = signed(&body, SECRET, now().timestamp());
        let stripe = &stripe;
        async move { stripe.verify_webhook(&webhook(&headers, &body, now())).await.unwrap() }
    };

    let mut declined = intent("requires_payment_method", 25000, "rub");
    declined["last_payment_error"] = json!({
        "type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
        "message": "Your card has insufficient funds.", "payment_method": { "id": "pm_1Declined", "object": "payment_method" }
    });
    let first = verify(event("payment_intent.payment_failed", declined)).await;
    assert_eq!((first.status, first.amount, first.currency.as_str()), (GatewayStatus::Declined, dec!(250), "RUB"));
    assert!(!first.status.is_final());
    assert_eq!(first.failure_reason.as_deref(), Some("insufficient_funds: Your card has insufficient funds."));
    assert_eq!(first.payment_id.as_deref(), Some("stripe/7"));

    let retried = verify(event("payment_intent.succeeded", intent("succeeded", 25000, "rub"))).await;
    assert_eq!((retried.status, retried.amount), (GatewayStatus::Succeeded, dec!(250)));
    assert_eq!(retried.external_id, first.external_id, "the same intent");

    let mut canceled = intent("canceled", 25000, "rub");
    canceled["cancellation_reason"] = json!("abandoned");
    let end = verify(event("payment_intent.canceled", canceled)).await;
    assert_eq!((end.status, end.failure_reason.as_deref()), (GatewayStatus::Canceled, Some("abandoned")));
    assert!(end.status.is_final());
    // Still on its way: neither an attempt refused nor an end.
    let processing = verify(event("payment_intent.processing", intent("processing", 25000, "rub"))).await;
    assert_eq!(processing.status, GatewayStatus::Pending);
}

#[tokio::test]
async fn pmt4_stripe_saves_a_card_through_a_customer_and_charges_it_later() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .and(header("Idempotency-Key", "pay-stripe-8/customer"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": "cus_NffrFeUfNV2Hib", "object": "customer" })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/payment_intents"))
        .and(header("Idempotency-Key", "pay-stripe-8"))
        .and(body_string_contains("customer=cus_NffrFeUfNV2Hib"))
        .and(body_string_contains("setup_future_usage=off_session"))
        .and(body_string_contains("amount=1500&"))
        .respond_with(ResponseTemplate::new(200).set_body_json(intent("requires_payment_method", 1500, "jpy")))
        .expect(1)
        .mount(&server)
        .await;
    let stripe = gateway(&server);
    let mut req = payment("stripe/8", "pay-stripe-8", dec!(1500), "JPY");
    req.save_method = true;
    assert_eq!(stripe.create(&req).await.unwrap().amount, dec!(1500));

    let mut saved = intent("succeeded", 1500, "jpy");
    saved["customer"] = json!("cus_NffrFeUfNV2Hib");
    saved["setup_future_usage"] = json!("off_session");
    let body = event("payment_intent.succeeded", saved);
    let headers = signed(&body, SECRET, now().timestamp());
    let e = stripe.verify_webhook(&webhook(&headers, &body, now())).await.unwrap();
    let token = e.method_token.unwrap();
    assert_eq!(token, "cus_NffrFeUfNV2Hib/pm_1MtwBwLkdIwHu7ixl4gLVVKq");

    // Charging the saved card: the bank declines, and Stripe answers 402
    // with the intent it created, open for another payment method.
    let mut declined = intent("requires_payment_method", 2000, "jpy");
    declined["last_payment_error"] =
        json!({ "type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds" });
    Mock::given(method("POST"))
        .and(path("/v1/payment_intents"))
        .and(header("Idempotency-Key", "auto-stripe-9"))
        .and(body_string_contains("payment_method=pm_1MtwBwLkdIwHu7ixl4gLVVKq"))
        .and(body_string_contains("confirm=true"))
        .respond_with(ResponseTemplate::new(402).set_body_json(json!({ "error": {
            "type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
            "message": "Your card has insufficient funds.", "payment_intent": declined
        }})))
        .expect(1)
        .mount(&server)
        .await;
    let mut again = payment("stripe/9", "auto-stripe-9", dec!(2000), "JPY");
    again.saved_method_token = Some(token);
    let p = stripe.create(&again).await.unwrap();
    assert_eq!((p.status, p.amount), (GatewayStatus::Declined, dec!(2000)));
}

#[tokio::test]
async fn pmt4_stripe_manual_capture_and_errors() {
    let server = MockServer::start().await;
    let mut held = intent("requires_capture", 10000, "usd");
    held["amount_capturable"] = json!(10000);
    Mock::given(method("GET"))
        .and(path("/v1/payment_intents/pi_3MtwBwLkdIwHu7ix28a3tqPa"))
        .respond_with(ResponseTemplate::new(200).set_body_json(held))
        .mount(&server)
        .await;
    let mut captured = intent("succeeded", 10000, "usd");
    captured["amount_received"] = json!(7550);
    Mock::given(method("POST"))
        .and(path("/v1/payment_intents/pi_3MtwBwLkdIwHu7ix28a3tqPa/capture"))
        .and(header("Idempotency-Key", "capture-pi_3MtwBwLkdIwHu7ix28a3tqPa-7550"))
        .and(body_string_contains("amount_to_capture=7550"))
        .respond_with(ResponseTemplate::new(200).set_body_json(captured))
        .expect(1)
        .mount(&server)
        .await;
    let stripe = gateway(&server);
    assert_eq!(stripe.fetch("pi_3MtwBwLkdIwHu7ix28a3tqPa").await.unwrap().status, GatewayStatus::WaitingForCapture);
    let p = stripe.capture("pi_3MtwBwLkdIwHu7ix28a3tqPa", dec!(75.50)).await.unwrap();
    assert_eq!((p.status, p.amount), (GatewayStatus::Succeeded, dec!(75.50)));

    Mock::given(method("GET"))
        .and(path("/v1/payment_intents/pi_missing"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({ "error": {
            "type": "invalid_request_error", "code": "resource_missing", "message": "No such payment_intent: 'pi_missing'"
        }})))
        .mount(&server)
        .await;
    assert!(matches!(stripe.fetch("pi_missing").await, Err(GatewayError::NotFound(_))));
    Mock::given(method("GET"))
        .and(path("/v1/payment_intents/pi_busy"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    assert!(stripe.fetch("pi_busy").await.unwrap_err().is_retryable());
    assert!(matches!(stripe.create(&payment("stripe/10", "k", dec!(10.005), "USD")).await, Err(GatewayError::Invalid(_))));
}
