use chrono::Duration;
use kopek_integrations::sandbox::{DECLINED_TOKEN, SIGNATURE_HEADER};
use kopek_integrations::{
    GatewayError, GatewayKind, GatewayStatus, PaymentGateway, RefundStatus, SandboxConfig, SandboxGateway, SandboxOutcome,
};
use rust_decimal_macros::dec;

use super::{now, payment, webhook};

fn sandbox(auto_capture: bool) -> SandboxGateway {
    let mut config = SandboxConfig::new("sandbox-secret");
    config.auto_capture = auto_capture;
    SandboxGateway::new(config).unwrap()
}

#[tokio::test]
async fn pmt4_sandbox_payment_succeeds_through_a_signed_callback() {
    let gw = sandbox(true);
    assert_eq!(gw.kind(), GatewayKind::Sandbox);
    let mut req = payment("sbx/1", "pay-sbx-1", dec!(300), "RUB");
    req.save_method = true;
    let created = gw.create(&req).await.unwrap();
    assert_eq!(created.status, GatewayStatus::Pending);
    assert_eq!(created.confirmation_url, Some(format!("/sandbox/pay/{}", created.external_id)));
    // A retried create is the same payment.
    assert_eq!(gw.create(&req).await.unwrap().external_id, created.external_id);
    let checkout = gw.checkout(&created.external_id).unwrap();
    assert_eq!((checkout.payment_id.as_str(), checkout.payment.amount), ("sbx/1", dec!(300)));

    let callback = gw.settle(&created.external_id, SandboxOutcome::Succeed, now()).unwrap();
    let event = gw.verify_webhook(&webhook(&callback.headers, &callback.body, now())).await.unwrap();
    assert_eq!(event.external_id, created.external_id);
    assert_eq!(event.status, GatewayStatus::Succeeded);
    assert_eq!((event.amount, event.currency.as_str()), (dec!(300), "RUB"));
    assert_eq!(event.payment_id.as_deref(), Some("sbx/1"));
    let token = event.method_token.expect("a saved method");
    assert_eq!(gw.fetch(&created.external_id).await.unwrap().status, GatewayStatus::Succeeded);

    let refund = gw.refund(&created.external_id, dec!(100), "refund-1").await.unwrap();
    assert_eq!((refund.status, refund.amount), (RefundStatus::Succeeded, dec!(100)));
    assert_eq!(gw.refund(&created.external_id, dec!(100), "refund-1").await.unwrap(), refund);
    assert!(matches!(gw.refund(&created.external_id, dec!(200.01), "refund-2").await, Err(GatewayError::Invalid(_))));

    // The saved method pays at once, without a page.
    let mut auto = payment("sbx/2", "pay-sbx-2", dec!(50), "RUB");
    auto.saved_method_token = Some(token);
    let p = gw.create(&auto).await.unwrap();
    assert_eq!((p.status, p.confirmation_url), (GatewayStatus::Succeeded, None));
}

#[tokio::test]
async fn pmt4_sandbox_a_declined_attempt_can_be_followed_by_a_success() {
    let gw = sandbox(true);
    let created = gw.create(&payment("sbx/3", "pay-sbx-3", dec!(10), "RUB")).await.unwrap();
    let callback = gw.settle(&created.external_id, SandboxOutcome::Decline, now()).unwrap();
    let event = gw.verify_webhook(&webhook(&callback.headers, &callback.body, now())).await.unwrap();
    assert_eq!(event.status, GatewayStatus::Declined);
    assert!(!event.status.is_final(), "the payer may try again");
    assert_eq!(event.failure_reason.as_deref(), Some("declined in the sandbox"));
    // The payment waits on the same page for the next attempt.
    let waiting = gw.fetch(&created.external_id).await.unwrap();
    assert_eq!((waiting.status, waiting.confirmation_url), (GatewayStatus::Declined, created.confirmation_url.clone()));
    assert!(matches!(gw.refund(&created.external_id, dec!(1), "r").await, Err(GatewayError::Invalid(_))));
    // A second decline is another attempt, not an error.
    gw.settle(&created.external_id, SandboxOutcome::Decline, now()).unwrap();

    let callback = gw.settle(&created.external_id, SandboxOutcome::Succeed, now()).unwrap();
    let event = gw.verify_webhook(&webhook(&callback.headers, &callback.body, now())).await.unwrap();
    assert_eq!((event.status, event.amount, event.failure_reason), (GatewayStatus::Succeeded, dec!(10), None));
    assert_eq!(gw.fetch(&created.external_id).await.unwrap().confirmation_url, None);
    // Only the success ends it.
    assert!(matches!(gw.settle(&created.external_id, SandboxOutcome::Decline, now()), Err(GatewayError::Invalid(_))));
    assert!(matches!(gw.settle(&created.external_id, SandboxOutcome::Succeed, now()), Err(GatewayError::Invalid(_))));

    let mut declined = payment("sbx/4", "pay-sbx-4", dec!(10), "RUB");
    declined.saved_method_token = Some(DECLINED_TOKEN.to_string());
    let p = gw.create(&declined).await.unwrap();
    assert_eq!((p.status, p.failure_reason.is_some()), (GatewayStatus::Declined, true));
    assert!(matches!(gw.fetch("sbx_unknown").await, Err(GatewayError::NotFound(_))));
}

#[tokio::test]
async fn pmt4_sandbox_forged_callback_refused() {
    let gw = sandbox(true);
    let created = gw.create(&payment("sbx/5", "pay-sbx-5", dec!(10), "RUB")).await.unwrap();
    let callback = gw.settle(&created.external_id, SandboxOutcome::Decline, now()).unwrap();

    // A declined attempt turned into a success under the old signature.
    let forged_body = String::from_utf8(callback.body.clone()).unwrap().replace("\"declined\"", "\"succeeded\"");
    assert_ne!(forged_body.as_bytes(), callback.body.as_slice());
    let e = gw.verify_webhook(&webhook(&callback.headers, forged_body.as_bytes(), now())).await.unwrap_err();
    assert_eq!(e.code(), "webhook_forged");

    let other = SandboxGateway::new(SandboxConfig::new("someone-else")).unwrap();
    let headers = vec![(SIGNATURE_HEADER.to_string(), other.sign(forged_body.as_bytes(), now()).unwrap())];
    assert!(matches!(gw.verify_webhook(&webhook(&headers, forged_body.as_bytes(), now())).await, Err(GatewayError::Forged(_))));
    assert!(matches!(gw.verify_webhook(&webhook(&[], &callback.body, now())).await, Err(GatewayError::Forged(_))));

    // A genuine callback replayed much later is refused too.
    let later = now() + Duration::minutes(10);
    assert!(matches!(gw.verify_webhook(&webhook(&callback.headers, &callback.body, later)).await, Err(GatewayError::Forged(_))));
}

#[tokio::test]
async fn pmt4_sandbox_late_callback_arrives_after_the_state_changed() {
    let gw = sandbox(true);
    let created = gw.create(&payment("sbx/6", "pay-sbx-6", dec!(10), "RUB")).await.unwrap();
    gw.settle_late(&created.external_id, SandboxOutcome::Succeed).unwrap();
    assert_eq!(gw.fetch(&created.external_id).await.unwrap().status, GatewayStatus::Succeeded);

    let later = now() + Duration::hours(1);
    let callbacks = gw.take_late_callbacks(later).unwrap();
    assert_eq!(callbacks.len(), 1);
    let event = gw.verify_webhook(&webhook(&callbacks[0].headers, &callbacks[0].body, later)).await.unwrap();
    assert_eq!((event.external_id, event.status), (created.external_id, GatewayStatus::Succeeded));
    assert!(gw.take_late_callbacks(later).unwrap().is_empty());
}

#[tokio::test]
async fn pmt4_sandbox_hold_then_capture() {
    let gw = sandbox(false);
    let created = gw.create(&payment("sbx/7", "pay-sbx-7", dec!(100), "RUB")).await.unwrap();
    let callback = gw.settle(&created.external_id, SandboxOutcome::Succeed, now()).unwrap();
    let event = gw.verify_webhook(&webhook(&callback.headers, &callback.body, now())).await.unwrap();
    assert_eq!(event.status, GatewayStatus::WaitingForCapture);
    assert!(matches!(gw.capture(&created.external_id, dec!(100.01)).await, Err(GatewayError::Invalid(_))));
    let captured = gw.capture(&created.external_id, dec!(60)).await.unwrap();
    assert_eq!((captured.status, captured.amount), (GatewayStatus::Succeeded, dec!(60)));
    assert_eq!(gw.capture(&created.external_id, dec!(60)).await.unwrap(), captured);
    // A reused idempotency key for another payment is refused.
    assert!(matches!(gw.create(&payment("sbx/8", "pay-sbx-7", dec!(100), "RUB")).await, Err(GatewayError::Invalid(_))));
}
