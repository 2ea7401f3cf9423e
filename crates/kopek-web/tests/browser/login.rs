//! Logging in, the dashboard, the language, logging out (SEC-1, ACC-7,
//! OPS-5).

use kopek_engine::core::amount::Amount;
use kopek_engine::ledger::entries::CreditPayment;

use crate::harness::Portal;

#[tokio::test]
async fn ops5_acc7_a_client_logs_in_sees_its_balance_in_both_languages_and_logs_out() {
    let Some(p) = Portal::start(true).await else { return };
    let (client, _) = p.t.client("LOGIN1", 0).await;
    let money = CreditPayment {
        amount: Amount("1234.56".parse().unwrap()),
        currency: "RUB".into(),
        method: "manual".into(),
        comment: String::new(),
    };
    p.t.engine.credit_payment(&p.admin, client.id, money).await.unwrap();

    // A page that needs a login sends there, and back after it.
    p.go("/").await;
    assert_eq!(p.path().await, "/login?next=/");
    assert_eq!(p.heading().await, "Вход в личный кабинет");
    p.log_in("login1@client.test", "wrong-password").await;
    assert_eq!(p.text("form-error").await, "Неверный email или пароль");
    p.log_in("", "").await;
    assert_eq!(p.field_error("email").await, "Заполните это поле");
    assert_eq!(p.field_error("password").await, "Заполните это поле");

    p.log_in("login1@client.test", "client-password").await;
    assert_eq!(p.path().await, "/");
    assert_eq!(p.heading().await, "Главная");
    assert_eq!(p.text("balance-amount").await, "1 234,56 ₽");
    assert!(p.text("who").await.contains("LOGIN1"));
    p.snapshot("dashboard-ru").await;

    p.switch_to("en").await;
    assert_eq!(p.path().await, "/");
    assert_eq!(p.heading().await, "Dashboard");
    assert_eq!(p.text("balance-amount").await, "₽1,234.56");

    p.click("logout").await;
    assert_eq!(p.path().await, "/login");
    p.go("/").await;
    assert_eq!(p.path().await, "/login?next=/", "the session ended");
    p.close().await;
}

#[tokio::test]
async fn ops5_the_portal_works_with_javascript_off() {
    let Some(p) = Portal::start(false).await else { return };
    p.t.client("NOJS1", 0).await;
    p.log_in("nojs1@client.test", "client-password").await;
    assert_eq!(p.heading().await, "Главная");
    assert_eq!(p.text("balance-amount").await, "0,00 ₽");
    p.click("logout").await;
    assert_eq!(p.path().await, "/login");
    p.close().await;
}
