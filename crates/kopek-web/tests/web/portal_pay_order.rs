//! Paying an order directly by a method in the portal, on both backends
//! (PMT-2, ORD-1, ORD-5): the order form offers the balance or a method
//! with a payer; by a method the order waits for its payment on the
//! gateway's page, a declined payment leaves it waiting with "Оплатить
//! заказ", and the money that arrives pays the order without touching the
//! balance. A payer the method can't take is refused next to its field
//! and orders nothing.

use kopek_store::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::pages::{field_error, text_at};
use crate::common::{App, Gateways};
use crate::portal_services::{march, order, product};

/// The order form's fields for 3 addresses and 20 GiB for a month, paid
/// by `pay_with` for `payer`.
fn by_method<'a>(product: &'a str, pay_with: &'a str, payer: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut fields = order(product, "3", "20", "pay");
    fields.extend([("pay_with", pay_with), ("payer_id", payer)]);
    fields
}

backend_test!(async fn pmt2_an_order_paid_by_a_method_waits_for_the_gateway_and_is_paid_by_the_money_that_arrives(db) {
    let app = App::spawn_with(db, Gateways::Sandbox).await;
    let (client, payer) = app.client("BYCARD", None).await;
    let method = app.sandbox_method().await;
    let vds = product(&app).await;
    march(&app);
    let pages = app.pages("BYCARD").await;
    let (id, m, p) = (vds.to_string(), method.to_string(), payer.to_string());

    let form = pages.page(&format!("/services/order?product={vds}")).await;
    assert!(form.contains("Лицевой счёт (с баланса)"), "{form}");
    assert!(form.contains("Card (sandbox) — комиссия 5.00% + 10.00, 10.00 … 15000.00"), "{form}");

    // A company's payer is not one the card method takes: refused next to
    // the payer, nothing ordered.
    let company = json!({ "kind": "legal_entity", "details": {
        "country": "RU", "name": "ООО «Ромашка»", "contact_person": "Иванов Иван", "inn": "7707083893", "kpp": "773601001",
        "ogrn": "1027700132195", "bank_name": "ПАО Сбербанк", "bik": "044525225",
        "settlement_account": "40702810938000000001", "correspondent_account": "30101810400000000225" } });
    let (status, c) = app.post(&format!("/clients/{client}/payers"), company).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let company = c["id"].as_i64().unwrap().to_string();
    let sent = pages.form("/services/order", &by_method(&id, &m, &company)).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", sent.html);
    assert_eq!(field_error(&sent.html, "payer_id").as_deref(), Some("Этот метод оплаты недоступен для плательщика такого типа"));
    assert!(sent.html.contains(&format!("<option value=\"{m}\" selected>")), "the method chosen stays chosen");
    let orders = app.get(&format!("/clients/{client}/orders")).await;
    assert_eq!(orders["awaiting_payment"], json!([]), "{orders}");
    assert_eq!(orders["paid"], json!([]), "{orders}");

    // 625.00 for what is ordered; the card pays 625.00 + 5% + 10.00.
    let sent = pages.form("/services/order", &by_method(&id, &m, &p)).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    let first_page = sent.location.unwrap();
    assert!(first_page.starts_with("/sandbox/pay/"), "{first_page}");
    assert!(pages.page(&first_page).await.contains("Amount: <b>666.25 RUB</b>"));
    let orders = app.get(&format!("/clients/{client}/orders")).await;
    let order_id = orders["awaiting_payment"][0]["id"].as_i64().unwrap();
    assert_eq!(orders["awaiting_payment"][0]["total"], "625.00");

    // Declined: the order still waits, and offers its payment again — the
    // same one, which the gateway keeps open for the payer's next try.
    pages.http.post(app.site(&first_page)).form(&[("outcome", "decline")]).send().await.unwrap();
    let html = pages.page(&format!("/client/orders/{order_id}")).await;
    assert_eq!(text_at(&html, "data-test=\"order-status\"").as_deref(), Some("Ждёт оплаты"));
    assert!(html.contains("data-test=\"pay-order\""), "{html}");
    let again = pages.form(&format!("/client/orders/{order_id}/pay"), &[]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.html);
    let second_page = again.location.unwrap();
    assert_eq!(second_page, first_page);
    assert_eq!(app.get(&format!("/clients/{client}/payments")).await.as_array().unwrap().len(), 1, "no second payment");

    // Paid: back through the gateway's return to the payment's result, the
    // order paid and its service open, the balance untouched.
    let r = pages.http.post(app.site(&second_page)).form(&[("outcome", "succeed")]).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/finance/top-up/return");
    let r = pages.http.get(app.site("/finance/top-up/return")).send().await.unwrap();
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/finance/payments/"), "{:?}", r.headers());
    let html = pages.page(&format!("/client/orders/{order_id}")).await;
    assert_eq!(text_at(&html, "data-test=\"order-status\"").as_deref(), Some("Оплачен"));
    assert!(!html.contains("data-test=\"pay-order\""));
    assert!(html.contains("data-test=\"service-link\""), "{html}");
    assert_eq!(app.balance(client).await, "0.00", "the card's money paid the order, nothing left over or owed");
    // An order no longer waiting is not paid twice.
    let late = pages.form(&format!("/client/orders/{order_id}/pay"), &[]).await;
    late.assert_redirect(&format!("/client/orders/{order_id}"));
});

backend_test!(async fn pmt2_the_cart_checks_out_by_a_method_and_a_refused_method_leaves_the_cart_as_it_was(db) {
    let app = App::spawn_with(db, Gateways::Sandbox).await;
    let (client, payer) = app.client("CARTCARD", None).await;
    let method = app.sandbox_method().await;
    let vds = product(&app).await;
    march(&app);
    let pages = app.pages("CARTCARD").await;
    let (id, m, p) = (vds.to_string(), method.to_string(), payer.to_string());
    pages.form("/services/order", &order(&id, "3", "20", "cart")).await.assert_redirect("/client/cart");
    let cart = pages.page("/client/cart").await;
    assert!(cart.contains("data-test=\"pay-with\""), "{cart}");
    let item = cart.split("data-test=\"cart-item-").nth(1).unwrap().split('"').next().unwrap().to_string();

    // A method that is switched off: refused next to the choice, the cart kept.
    let (status, off) = app
        .post(
            "/payment-methods",
            json!({ "prefix": "off", "name": "Old card", "gateway": "sandbox", "currency": "RUB", "commission_percent": "0",
                     "commission_fixed": "0", "cashback_percent": "0", "payer_kinds": ["individual"], "enabled": false, "instructions": "" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{off}");
    let off = off["id"].to_string();
    let sent = pages.form("/client/cart/checkout", &[("items", item.as_str()), ("pay_with", &off), ("payer_id", &p)]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", sent.html);
    assert_eq!(field_error(&sent.html, "pay_with").as_deref(), Some("Этот метод оплаты отключён"));
    assert!(sent.html.contains(&format!("data-test=\"cart-item-{item}\"")), "the cart is kept");

    let sent = pages.form("/client/cart/checkout", &[("items", item.as_str()), ("pay_with", &m), ("payer_id", &p)]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    let gateway = sent.location.unwrap();
    assert!(pages.page(&gateway).await.contains("Amount: <b>666.25 RUB</b>"));
    pages.http.post(app.site(&gateway)).form(&[("outcome", "succeed")]).send().await.unwrap();
    let orders = app.get(&format!("/clients/{client}/orders")).await;
    assert_eq!(orders["paid"][0]["total"], "625.00", "{orders}");
    assert_eq!(app.balance(client).await, "0.00");
    assert!(pages.page("/client/cart").await.contains("data-test=\"cart-empty\""));
});
