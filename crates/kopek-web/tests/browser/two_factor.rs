//! Two-step authentication in the portal (SEC-2): turned on from
//! "Безопасность" with the code computed from the secret the page shows,
//! then a logout and a login that asks for the code.

use chrono::Duration;
use kopek_domain::totp;
use thirtyfour::By;

use crate::harness::Portal;

#[tokio::test]
async fn sec2_a_client_turns_on_two_step_authentication_and_logs_in_with_a_code() {
    let Some(p) = Portal::start(true).await else { return };
    p.t.client("TWOFA1", 0).await;
    p.log_in("twofa1@client.test", "client-password").await;
    p.go("/client/profile").await;
    p.click("security-link").await;
    assert_eq!(p.path().await, "/client/security");
    assert_eq!(p.heading().await, "Безопасность");
    assert_eq!(p.text("two-factor-state").await, "Выключена");
    p.click("two-factor-enrol").await;
    assert_eq!(p.text("two-factor-state").await, "Ожидает подтверждения");
    let qr = p.driver.find(By::Css("[data-test='qr'] svg")).await.unwrap();
    assert!(qr.rect().await.unwrap().width >= 200.0, "the QR code is drawn");
    let secret = totp::base32_decode(&p.text("secret").await).unwrap();
    p.fill("code", &totp::code_at(&secret, p.t.engine.now())).await;
    p.click("two-factor-confirm").await;
    assert_eq!(p.text("two-factor-on").await, "Двухэтапная аутентификация включена");
    let codes = p.driver.find_all(By::Css("[data-test='recovery-codes'] li")).await.unwrap();
    assert_eq!(codes.len(), 10);
    p.click("security-done").await;
    assert_eq!(p.text("two-factor-state").await, "Включена");
    p.click("logout").await;

    p.t.clock.advance(Duration::seconds(totp::STEP_SECONDS));
    p.log_in("twofa1@client.test", "client-password").await;
    assert_eq!(p.heading().await, "Код подтверждения");
    p.fill("code", &totp::code_at(&secret, p.t.engine.now())).await;
    p.click("login-code").await;
    assert_eq!(p.path().await, "/");
    assert_eq!(p.heading().await, "Главная");
    p.close().await;
}
