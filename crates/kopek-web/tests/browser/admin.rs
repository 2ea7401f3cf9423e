//! The staff panel in Chromium (OPS-5 staff half, ACC-4), in Russian: an
//! accountant logs in, finds a client by its payer's INN, opens the card
//! and credits the bank transfer it awaits, and sees the balance grow by
//! exactly the transfer; a read-only staff member sees the same transfer
//! with no «Зачислить» to press.

use kopek_engine::accounts::clients::NewStaff;
use kopek_engine::core::amount::Amount;
use kopek_engine::ledger::entries::CreditPayment;
use kopek_engine::payments::payers::PayerInput;
use kopek_engine::payments::start::StartPayment;
use thirtyfour::prelude::*;

use crate::harness::Portal;

pub(crate) async fn staff(p: &Portal, role: &str) -> String {
    let email = format!("{}@staff.test", role.replace('_', "-"));
    let req = NewStaff {
        email: email.clone(),
        full_name: format!("Staff {role}"),
        password: "staff-password".into(),
        role: role.into(),
    };
    p.t.engine.create_staff_user(&p.admin, req).await.unwrap();
    email
}

pub(crate) async fn staff_log_in(p: &Portal, email: &str) {
    p.go("/admin/login").await;
    p.fill("email", email).await;
    p.fill("password", "staff-password").await;
    p.click("login").await;
}

#[tokio::test]
async fn ops5_acc4_an_accountant_finds_a_client_by_inn_and_credits_its_transfer_and_read_only_cannot() {
    let Some(p) = Portal::start(false).await else { return };
    let (client, owner) = p.t.client("ROMASHKA", 0).await;
    let details = serde_json::from_value(serde_json::json!({
        "country": "RU", "name": "ООО «Ромашка»", "contact_person": "Анна", "inn": "7707083893", "kpp": "773601001",
        "ogrn": "1027700132195", "director_name": "Иванов И. И.", "director_position": "Директор"
    }))
    .unwrap();
    let payer = p.t.engine.create_payer(&owner, client.id, PayerInput { kind: "legal_entity".into(), details }).await.unwrap();
    let method = serde_json::from_value(serde_json::json!({
        "prefix": "bank", "name": "Банковский перевод", "gateway": "bank_transfer", "currency": "RUB",
        "payer_kinds": ["legal_entity"]
    }))
    .unwrap();
    let method = p.t.engine.create_payment_method(&p.admin, method).await.unwrap();
    let before = CreditPayment {
        amount: Amount("100.00".parse().unwrap()),
        currency: "RUB".into(),
        method: "manual".into(),
        comment: String::new(),
    };
    p.t.engine.credit_payment(&p.admin, client.id, before).await.unwrap();
    let transfer = p.t.engine.start_payment(&owner, client.id, start(payer.id, method.id, "4321.09")).await.unwrap();
    let id = transfer.id;

    let accountant = staff(&p, "accountant").await;
    staff_log_in(&p, &accountant).await;
    assert_eq!(p.path().await, "/admin/clients");
    assert_eq!(p.text("role").await, "бухгалтер");
    p.fill("q", "7707083893").await;
    p.click("search").await;
    p.click("open-ROMASHKA").await;
    assert_eq!(p.heading().await, "ROMASHKA · Client ROMASHKA");
    assert_eq!(p.text("balance").await, "100,00 ₽");
    assert!(p.text(&format!("awaiting-{id}")).await.contains("4 321,09 ₽"));
    p.click(&format!("credit-payment-{id}")).await;
    assert_eq!(p.path().await, format!("/admin/clients/{}", client.id));
    assert_eq!(p.text("notice").await, "Платёж зачислен");
    assert_eq!(p.text("balance").await, "4 421,09 ₽");
    assert!(p.driver.find_all(By::Css(format!("[data-test='awaiting-{id}']"))).await.unwrap().is_empty());
    p.click("logout").await;

    let transfer = p.t.engine.start_payment(&owner, client.id, start(payer.id, method.id, "10.00")).await.unwrap();
    let read_only = staff(&p, "read_only").await;
    staff_log_in(&p, &read_only).await;
    p.go(&format!("/admin/clients/{}", client.id)).await;
    assert_eq!(p.text("role").await, "только просмотр");
    assert!(p.text(&format!("awaiting-{}", transfer.id)).await.contains("10,00 ₽"));
    assert!(
        p.driver.find_all(By::Css("[data-test^='credit-payment-']")).await.unwrap().is_empty(),
        "no «Зачислить» for read-only"
    );
    assert!(p.driver.find_all(By::Css("[data-test='limits-form']")).await.unwrap().is_empty());
    assert_eq!(p.text("balance").await, "4 421,09 ₽");
    p.close().await;
}

/// A bank transfer of `amount` the client starts from its payer.
pub(crate) fn start(payer_id: i64, method_id: i64, amount: &str) -> StartPayment {
    StartPayment {
        payer_id,
        method_id,
        amount: Amount(amount.parse().unwrap()),
        return_url: None,
        save_method: false,
        saved_method_id: None,
    }
}
