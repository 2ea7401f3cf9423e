//! The staff panel's money screens in Chromium (OPS-5, PMT-4, CHG-1, CHG-8,
//! ACC-4), in Russian: an accountant uploads a 1C statement, reads what it
//! will credit, credits the matched transfer and sees what was credited;
//! an admin dry-runs the night per client, then runs it; read-only staff
//! see both screens and have nothing to press; support reach neither.

use chrono::{TimeZone, Utc};
use kopek_engine::payments::payers::PayerInput;
use thirtyfour::prelude::*;

use crate::admin::{staff, staff_log_in, start};
use crate::harness::Portal;
use crate::statement::{cp1251, statement};

/// The outcome column of the report's line for bank document `number`.
async fn outcome(p: &Portal, number: &str) -> String {
    let row = p.driver.find(By::Css(format!("[data-test='statement-line-{number}']"))).await.unwrap();
    row.find(By::Css("[data-test='outcome']")).await.unwrap().text().await.unwrap()
}

/// Follows the staff menu's item `key`.
async fn open_menu(p: &Portal, key: &str) {
    let link = p.driver.find(By::Css(format!("[data-nav='{key}']"))).await.unwrap();
    p.click_and_wait(link).await;
}

#[tokio::test]
async fn ops5_pmt4_an_accountant_uploads_a_1c_statement_and_credits_the_matched_transfers() {
    let Some(p) = Portal::start(false).await else { return };
    let (client, owner) = p.t.client("ROMASHKA", 0).await;
    let details = serde_json::from_value(serde_json::json!({ "country": "RU", "name": "Анна Котова" })).unwrap();
    let payer = p.t.engine.create_payer(&owner, client.id, PayerInput { kind: "individual".into(), details }).await.unwrap();
    let method = serde_json::from_value(serde_json::json!({
        "prefix": "bank", "name": "Банковский перевод", "gateway": "bank_transfer", "currency": "RUB",
        "payer_kinds": ["individual"]
    }))
    .unwrap();
    let method = p.t.engine.create_payment_method(&p.admin, method).await.unwrap();
    let paid = p.t.engine.start_payment(&owner, client.id, start(payer.id, method.id, "1000.00")).await.unwrap();
    let short = p.t.engine.start_payment(&owner, client.id, start(payer.id, method.id, "250.00")).await.unwrap();
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("kl_to_1c.txt");
    std::fs::write(
        &file,
        cp1251(&statement(&[
            ("311", "1000.00", format!("Оплата по счёту {} за хостинг", paid.number)),
            ("58", "200.00", format!("Оплата счета {}", short.number)),
        ])),
    )
    .unwrap();

    let accountant = staff(&p, "accountant").await;
    staff_log_in(&p, &accountant).await;
    p.go("/admin/payments").await;
    p.click("statement-link").await;
    assert_eq!(p.heading().await, "Выписка из банка (1С)");
    let input = p.driver.find(By::Css("input[type='file'][name='statement']")).await.unwrap();
    input.send_keys(file.display().to_string()).await.unwrap();
    p.click("statement-preview").await;
    assert_eq!(p.text("statement-stage").await, "Что будет зачислено");
    assert_eq!(p.text("statement-summary").await, "Совпало платежей: 1 на 1 000,00 ₽. Ничего ещё не зачислено.");
    assert_eq!(outcome(&p, "311").await, "будет зачислен");
    assert_eq!(outcome(&p, "58").await, "сумма не совпадает: платёж ждёт 250,00 ₽; зачислите вручную, если верно");
    p.click("statement-credit").await;
    assert_eq!(p.text("statement-stage").await, "Что зачислено");
    assert_eq!(p.text("statement-summary").await, "Зачислено платежей: 1 на 1 000,00 ₽.");
    assert_eq!(outcome(&p, "311").await, "зачислен");
    p.go("/admin/payments").await;
    assert!(p.driver.find_all(By::Css(format!("[data-test='awaiting-{}']", paid.id))).await.unwrap().is_empty());
    assert!(p.text(&format!("awaiting-{}", short.id)).await.contains("250,00 ₽"));
    p.go(&format!("/admin/clients/{}", client.id)).await;
    assert_eq!(p.text("balance").await, "1 000,00 ₽");
    p.close().await;
}

#[tokio::test]
async fn ops5_chg8_acc4_an_admin_dry_runs_the_night_then_runs_it_and_read_only_and_support_cannot() {
    let Some(p) = Portal::start(false).await else { return };
    let service = serde_json::from_value(serde_json::json!({ "spec": {
        "main": { "name": "Интернет 100", "kind": "periodic" },
        "fee": { "price": "310.00", "write_off": "daily", "currency": "RUB" }
    }, "valid_from": "2026-01-01" }))
    .unwrap();
    let service = p.t.engine.create_service(&p.admin, service).await.unwrap();
    let (client, _) = p.t.client("NIGHT", 100).await;
    let connect = serde_json::from_value(serde_json::json!({ "service_id": service.id })).unwrap();
    p.t.engine.connect(&p.admin, client.id, connect).await.unwrap();
    // 03:00 on 2 March, provider time: the night of the 2nd has come.
    p.t.clock.set(Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap());

    let admin = staff(&p, "admin").await;
    staff_log_in(&p, &admin).await;
    open_menu(&p, "night").await;
    assert_eq!(p.heading().await, "Ночной прогон");
    assert_eq!(p.driver.find(By::Name("date")).await.unwrap().value().await.unwrap().as_deref(), Some("2026-03-02"));
    p.click("night-rehearse").await;
    let row = p.driver.find(By::Css(format!("[data-test='rehearsal-client-{}']", client.id))).await.unwrap();
    let cell = |name: &'static str| {
        let row = row.clone();
        async move { row.find(By::Css(format!("[data-test='{name}']"))).await.unwrap().text().await.unwrap() }
    };
    assert_eq!((cell("before").await, cell("after").await), ("-5,00".to_string(), "-15,00".to_string()));
    assert_eq!(p.text("sum-charged").await, "10,00");
    assert!(p.driver.find_all(By::Css("[data-test^='night-run-']")).await.unwrap().is_empty(), "a dry run is no run");
    p.click("night-run").await;
    assert_eq!(p.text("notice").await, "Ночной прогон выполнен");
    let run = p.driver.find(By::Css("[data-test='night-run-2026-03-02']")).await.unwrap();
    assert_eq!(run.find(By::Css("[data-test='charged']")).await.unwrap().text().await.unwrap(), "10,00");
    assert_eq!(run.find(By::Css("[data-test='run-status']")).await.unwrap().text().await.unwrap(), "выполнен");
    p.go(&format!("/admin/clients/{}", client.id)).await;
    assert_eq!(p.text("balance").await, "-15,00 ₽");
    p.click("logout").await;

    let viewer = staff(&p, "read_only").await;
    staff_log_in(&p, &viewer).await;
    open_menu(&p, "night").await;
    assert!(p.text("night-no-right").await.contains("администратор и бухгалтер"));
    assert!(p.driver.find_all(By::Css("[data-test='night-run']")).await.unwrap().is_empty());
    assert_eq!(p.driver.find_all(By::Css("[data-test^='night-run-']")).await.unwrap().len(), 1, "read-only sees the runs");
    p.click("logout").await;

    let support = staff(&p, "support").await;
    staff_log_in(&p, &support).await;
    assert!(p.driver.find_all(By::Css("[data-nav='night'], [data-nav='payments']")).await.unwrap().is_empty());
    p.go("/admin/night").await;
    assert_eq!(p.heading().await, "Недостаточно прав");
    p.go("/admin/payments").await;
    assert_eq!(p.heading().await, "Недостаточно прав");
    p.close().await;
}
