use std::net::IpAddr;

use kopek_integrations::{
    GatewayError, GatewayStatus, PaymentGateway, RefundStatus, WebhookRequest, YooKassaConfig, YooKassaGateway,
};
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use wiremock::matchers::{basic_auth, body_json, body_partial_json, header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{now, payment, webhook};

const ID: &str = "2419a771-000f-5000-9000-1edaf29243f2";

fn gateway(server: &MockServer, auto_capture: bool) -> YooKassaGateway {
    let mut config = YooKassaConfig::new("100500", "test_secret");
    config.base_url = server.uri();
    config.auto_capture = auto_capture;
    YooKassaGateway::new(config).unwrap()
}

/// A payment object as YooKassa's API reference shows it.
fn payment_object(status: &str, value: &str) -> Value {
    let mut p = json!({
        "id": ID,
        "status": status,
        "paid": status != "pending",
        "amount": { "value": value, "currency": "RUB" },
        "created_at": "2025-06-15T15:06:40.000Z",
        "description": "Пополнение баланса, платеж yk/12",
        "metadata": { "kopek_payment_id": "yk/12" },
        "recipient": { "account_id": "100500", "gateway_id": "100700" },
        "refundable": status == "succeeded",
        "test": true
    });
    match status {
        "pending" => {
            p["confirmation"] = json!({
                "type": "redirect",
                "confirmation_url": format!("https://yoomoney.ru/api-pages/v2/payment-confirm/epl?orderId={ID}")
            });
            p["payment_method"] = json!({ "type": "bank_card", "id": ID, "saved": false });
        }
        _ => {
            p["payment_method"] = json!({
                "type": "bank_card", "id": ID, "saved": true, "title": "Bank card *4444",
                "card": { "first6": "555555", "last4": "4444", "expiry_month": "07", "expiry_year": "2030", "card_type": "MasterCard" }
            });
        }
    }
    p
}

fn notification(event: &str, object: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({ "type": "notification", "event": event, "object": object })).unwrap()
}

async fn stub_get(server: &MockServer, object: Value) {
    Mock::given(method("GET"))
        .and(path(format!("/v3/payments/{ID}")))
        .and(basic_auth("100500", "test_secret"))
        .respond_with(ResponseTemplate::new(200).set_body_json(object))
        .mount(server)
        .await;
}

#[tokio::test]
async fn pmt4_yookassa_payment_created_then_succeeded() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v3/payments"))
        .and(basic_auth("100500", "test_secret"))
        .and(header("Idempotence-Key", "pay-yk-12"))
        .and(body_partial_json(json!({
            "amount": { "value": "100.00", "currency": "RUB" },
            "capture": true,
            "confirmation": { "type": "redirect", "return_url": "https://billing.example/portal/payments" },
            "metadata": { "kopek_payment_id": "yk/12" },
            "save_payment_method": true
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_object("pending", "100.00")))
        .expect(1)
        .mount(&server)
        .await;
    let yk = gateway(&server, true);
    let mut req = payment("yk/12", "pay-yk-12", dec!(100), "RUB");
    req.save_method = true;

    let created = yk.create(&req).await.unwrap();
    assert_eq!(created.external_id, ID);
    assert_eq!(created.status, GatewayStatus::Pending);
    assert!(created.confirmation_url.unwrap().starts_with("https://yoomoney.ru/api-pages/v2/payment-confirm/"));
    assert_eq!((created.amount, created.currency.as_str()), (dec!(100.00), "RUB"));
    assert_eq!(created.method_token, None);

    // The notification is only a hint; the state comes from the re-fetch.
    stub_get(&server, payment_object("succeeded", "100.00")).await;
    let body = notification("payment.succeeded", payment_object("succeeded", "100.00"));
    let event = yk.verify_webhook(&webhook(&[], &body, now())).await.unwrap();
    assert_eq!(event.external_id, ID);
    assert_eq!(event.status, GatewayStatus::Succeeded);
    assert_eq!(event.amount, dec!(100));
    assert_eq!(event.payment_id.as_deref(), Some("yk/12"));
    assert_eq!(event.method_token.as_deref(), Some(ID));

    let fetched = yk.fetch(ID).await.unwrap();
    assert_eq!(fetched.status, GatewayStatus::Succeeded);
    assert_eq!(fetched.confirmation_url, None);
}

#[tokio::test]
async fn pmt4_yookassa_notification_trusts_only_the_refetched_payment() {
    let server = MockServer::start().await;
    let yk = gateway(&server, true);
    // A forger claims success for a payment that is still pending.
    stub_get(&server, payment_object("pending", "100.00")).await;
    let body = notification("payment.succeeded", payment_object("succeeded", "1000000.00"));
    let event = yk.verify_webhook(&webhook(&[], &body, now())).await.unwrap();
    assert_eq!(event.status, GatewayStatus::Pending);
    assert_eq!(event.amount, dec!(100));

    // An id YooKassa does not know is a forgery.
    let mut unknown = payment_object("succeeded", "100.00");
    unknown["id"] = json!("00000000-0000-0000-0000-000000000000");
    Mock::given(method("GET"))
        .and(path("/v3/payments/00000000-0000-0000-0000-000000000000"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "type": "error", "id": "ab1", "code": "not_found", "description": "Incorrect payment_id. Payment doesn't exist or access denied."
        })))
        .mount(&server)
        .await;
    let forged = yk.verify_webhook(&webhook(&[], &notification("payment.succeeded", unknown), now())).await;
    assert!(matches!(&forged, Err(GatewayError::Forged(_))), "{forged:?}");
    assert_eq!(forged.unwrap_err().code(), "webhook_forged");

    // An id that would lead the re-fetch to another endpoint is refused.
    let mut traversal = payment_object("succeeded", "100.00");
    traversal["id"] = json!("../refunds/216749f7-0016-50be-b000-078d43a63ae4");
    let forged = yk.verify_webhook(&webhook(&[], &notification("payment.succeeded", traversal), now())).await;
    assert!(matches!(forged, Err(GatewayError::Forged(_))), "{forged:?}");
    assert_eq!(server.received_requests().await.unwrap().iter().filter(|r| r.url.path().contains("refunds")).count(), 0);

    let garbage = yk.verify_webhook(&webhook(&[], b"{\"hello\":1}", now())).await;
    assert!(matches!(garbage, Err(GatewayError::Forged(_))));
    let refund_event = notification("refund.succeeded", json!({ "id": "rf-1" }));
    let ignored = yk.verify_webhook(&webhook(&[], &refund_event, now())).await;
    assert!(matches!(ignored, Err(GatewayError::Ignored(e)) if e == "refund.succeeded"));
}

#[tokio::test]
async fn pmt4_yookassa_address_allow_list_refuses_strangers_before_fetching() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(500)).expect(0).mount(&server).await;
    let mut config = YooKassaConfig::new("100500", "test_secret");
    config.base_url = server.uri();
    config.allowed_networks = Some(YooKassaConfig::official_networks());
    let yk = YooKassaGateway::new(config).unwrap();
    let body = notification("payment.succeeded", payment_object("succeeded", "100.00"));
    for remote in [Some("203.0.113.9".parse::<IpAddr>().unwrap()), None] {
        let req = WebhookRequest { headers: &[], body: &body, remote_ip: remote, now: now() };
        assert!(matches!(yk.verify_webhook(&req).await, Err(GatewayError::Forged(_))));
    }
}

#[tokio::test]
async fn pmt4_yookassa_two_stage_capture_then_refund() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v3/payments"))
        .and(header("Idempotence-Key", "pay-yk-13"))
        .and(body_partial_json(json!({ "capture": false })))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_object("pending", "100.00")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v3/payments/{ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_object("waiting_for_capture", "100.00")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/v3/payments/{ID}/capture")))
        .and(header_exists("Idempotence-Key"))
        .and(body_json(json!({ "amount": { "value": "80.00", "currency": "RUB" } })))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment_object("succeeded", "80.00")))
        .expect(1)
        .mount(&server)
        .await;
    let yk = gateway(&server, false);

    let created = yk.create(&payment("yk/13", "pay-yk-13", dec!(100), "RUB")).await.unwrap();
    assert_eq!(created.status, GatewayStatus::Pending);
    assert_eq!(yk.fetch(ID).await.unwrap().status, GatewayStatus::WaitingForCapture);
    stub_get(&server, payment_object("waiting_for_capture", "100.00")).await;
    let captured = yk.capture(ID, dec!(80)).await.unwrap();
    assert_eq!((captured.status, captured.amount), (GatewayStatus::Succeeded, dec!(80.00)));

    Mock::given(method("POST"))
        .and(path("/v3/refunds"))
        .and(header("Idempotence-Key", "refund-yk-13-1"))
        .and(body_json(json!({ "payment_id": ID, "amount": { "value": "30.00", "currency": "RUB" } })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "216749f7-0016-50be-b000-078d43a63ae4",
            "payment_id": ID,
            "status": "succeeded",
            "created_at": "2025-06-15T16:00:00.000Z",
            "amount": { "value": "30.00", "currency": "RUB" }
        })))
        .expect(1)
        .mount(&server)
        .await;
    let refund = yk.refund(ID, dec!(30), "refund-yk-13-1").await.unwrap();
    assert_eq!(refund.external_id, "216749f7-0016-50be-b000-078d43a63ae4");
    assert_eq!(refund.payment_external_id, ID);
    assert_eq!((refund.status, refund.amount, refund.currency.as_str()), (RefundStatus::Succeeded, dec!(30), "RUB"));
}

#[tokio::test]
async fn pmt4_yookassa_autopayment_uses_the_saved_method_and_reports_declines() {
    let server = MockServer::start().await;
    let mut declined = payment_object("canceled", "250.00");
    declined["cancellation_details"] = json!({ "party": "payment_network", "reason": "insufficient_funds" });
    Mock::given(method("POST"))
        .and(path("/v3/payments"))
        .and(header("Idempotence-Key", "auto-1"))
        .and(body_json(json!({
            "amount": { "value": "250.00", "currency": "RUB" },
            "capture": true,
            "description": "Пополнение баланса, платеж yk/14",
            "metadata": { "kopek_payment_id": "yk/14" },
            "payment_method_id": "saved-card-1"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(declined))
        .expect(1)
        .mount(&server)
        .await;
    let yk = gateway(&server, true);
    let mut req = payment("yk/14", "auto-1", dec!(250), "RUB");
    req.saved_method_token = Some("saved-card-1".to_string());
    let p = yk.create(&req).await.unwrap();
    assert_eq!(p.status, GatewayStatus::Failed);
    assert_eq!(p.confirmation_url, None);
    assert!(p.failure_reason.unwrap().contains("insufficient_funds"));
}

#[tokio::test]
async fn pmt4_yookassa_errors_are_classified() {
    let server = MockServer::start().await;
    let answer = |status: u16, code: &str| {
        ResponseTemplate::new(status).set_body_json(json!({
            "type": "error", "id": "e1", "code": code, "description": "see the documentation", "parameter": "amount"
        }))
    };
    Mock::given(method("POST"))
        .and(header("Idempotence-Key", "k500"))
        .respond_with(answer(500, "internal_server_error"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(header("Idempotence-Key", "k400"))
        .respond_with(answer(400, "invalid_request"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(header("Idempotence-Key", "k401"))
        .respond_with(answer(401, "invalid_credentials"))
        .mount(&server)
        .await;
    let yk = gateway(&server, true);
    let e500 = yk.create(&payment("yk/1", "k500", dec!(1), "RUB")).await.unwrap_err();
    assert!(e500.is_retryable(), "{e500:?}");
    assert!(matches!(yk.create(&payment("yk/1", "k400", dec!(1), "RUB")).await, Err(GatewayError::Invalid(_))));
    assert!(matches!(yk.create(&payment("yk/1", "k401", dec!(1), "RUB")).await, Err(GatewayError::Protocol(_))));
    // Refused before any request: YooKassa would round a third decimal.
    assert!(matches!(yk.create(&payment("yk/1", "k500", dec!(1.001), "RUB")).await, Err(GatewayError::Invalid(_))));

    let unreachable =
        YooKassaGateway::new(YooKassaConfig { base_url: "http://127.0.0.1:9".into(), ..YooKassaConfig::new("1", "s") }).unwrap();
    let e = unreachable.fetch(ID).await.unwrap_err();
    assert!(matches!(e, GatewayError::Unavailable(_)), "{e:?}");
}

/// YooKassa has no retryable decline: a declined card cancels the payment
/// for good and a new attempt is a new payment
/// (https://yookassa.ru/developers/payments/declined-payments). So its
/// `canceled` is final, a failure when the payer's side refused and a
/// cancellation when the merchant did; `pending` and `waiting_for_capture`
/// are not.
#[tokio::test]
async fn pmt4_yookassa_a_declined_card_closes_the_payment_for_good() {
    let server = MockServer::start().await;
    let yk = gateway(&server, true);
    let mut declined = payment_object("canceled", "250.00");
    declined["cancellation_details"] = json!({ "party": "payment_network", "reason": "insufficient_funds" });
    let mut by_merchant = payment_object("canceled", "250.00");
    by_merchant["cancellation_details"] = json!({ "party": "merchant", "reason": "canceled_by_merchant" });
    let cases = [
        ("payment.waiting_for_capture", payment_object("waiting_for_capture", "250.00"), GatewayStatus::WaitingForCapture),
        ("payment.canceled", declined, GatewayStatus::Failed),
        ("payment.canceled", by_merchant, GatewayStatus::Canceled),
        ("payment.succeeded", payment_object("succeeded", "250.00"), GatewayStatus::Succeeded),
    ];
    for (kind, object, expected) in cases {
        server.reset().await;
        stub_get(&server, object.clone()).await;
        let event = yk.verify_webhook(&webhook(&[], &notification(kind, object), now())).await.unwrap();
        assert_eq!(event.status, expected, "{kind}");
        assert_ne!(event.status, GatewayStatus::Declined, "{kind}");
        assert_eq!(event.status.is_final(), kind != "payment.waiting_for_capture", "{kind}");
    }
    server.reset().await;
    stub_get(&server, payment_object("pending", "250.00")).await;
    let pending = yk.fetch(ID).await.unwrap();
    assert_eq!((pending.status, pending.status.is_final()), (GatewayStatus::Pending, false));
}
