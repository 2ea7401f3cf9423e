//! "Товары/Услуги", the order form, the cart and orders in the portal over
//! plain HTTP, on both backends (SVC-1, SVC-2, ORD-1 … ORD-4): the price the
//! form shows is what the balance loses, bad add-on values are refused next
//! to their field, another client's service is not found.

use chrono::{TimeZone, Utc};
use kopek_store::backend_test;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::App;
use crate::common::pages::{Pages, field_error, text_at};

/// 300.00 a month or 850.00 for three; each IPv4 address over the first
/// 150.00 a month, each GiB of disk over 10 2.50 a month; 20% VAT included.
fn vds() -> Value {
    json!({
        "name": "VDS Fast", "product_type": "virtual_server", "currency": "RUB",
        "parameters": [{ "name": "Процессор", "value": "2500 МГц" }],
        "prices": [{ "months": 1, "price": "300.00" }, { "months": 3, "price": "850.00" }],
        "addons": [
            { "code": "ipv4", "name": "Публичные IPv4-адреса", "unit": "Шт.", "unit_price": "150.00", "included": 1, "min": 1, "max": 8, "default": 1 },
            { "code": "disk", "name": "Диск", "unit": "ГиБ", "unit_price": "2.50", "included": 10, "min": 10, "max": 500, "default": 10 }
        ],
        "tax_percent": "20", "tax_included": true, "needs_domain": true,
        "deletion": { "allowed": true, "refund_unused": false }
    })
}

pub(crate) async fn product(app: &App) -> i64 {
    let (status, p) = app.post("/products", json!({ "spec": vds() })).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    p["id"].as_i64().unwrap()
}

/// 11 March 2026, 00:00 provider time (UTC+3).
pub(crate) fn march(app: &App) {
    app.t.clock.set(Utc.with_ymd_and_hms(2026, 3, 10, 21, 0, 0).unwrap());
}

/// The order form's fields for `ipv4` addresses and `disk` GiB, for a month.
pub(crate) fn order<'a>(product: &'a str, ipv4: &'a str, disk: &'a str, action: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("product_id", product),
        ("months", "1"),
        ("addon-ipv4", ipv4),
        ("addon-disk", disk),
        ("domain", "myserver123"),
        ("promo_code", ""),
        ("auto_renew", "on"),
        ("do", action),
    ]
}

/// The ids in `html` after each `prefix` ("/services/", "cart-item-").
fn ids_after(html: &str, prefix: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    for (at, _) in html.match_indices(prefix) {
        let digits: String = html[at + prefix.len()..].chars().take_while(char::is_ascii_digit).collect();
        if let Some(id) = digits.parse::<i64>().ok().filter(|id| !ids.contains(id)) {
            ids.push(id);
        }
    }
    ids
}

/// Orders a VDS with 3 addresses and 20 GiB from the balance: the
/// service's id.
pub(crate) async fn bought(pages: &Pages, product: i64) -> i64 {
    let id = product.to_string();
    let sent = pages.form("/services/order", &order(&id, "3", "20", "pay")).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    let to = sent.location.unwrap();
    assert!(to.starts_with("/client/orders/"), "{to}");
    let html = pages.page(&to).await;
    assert_eq!(text_at(&html, "data-test=\"order-status\"").as_deref(), Some("Оплачен"));
    ids_after(&html, "href=\"/services/")[0]
}

backend_test!(async fn ord1_the_order_form_shows_the_quote_that_is_then_charged_and_refuses_a_bad_addon_next_to_it(db) {
    let app = App::spawn(db).await;
    let (client, _) = app.client("SVC", None).await;
    app.credit(client, "1000.00").await;
    let vds = product(&app).await;
    march(&app);
    let pages = app.pages("SVC").await;

    // The menu of products, then the product's form: no price until the
    // domain name it needs is typed.
    let html = pages.page("/services/order").await;
    assert!(html.contains(&format!("data-test=\"order-{vds}\"")), "{html}");
    let html = pages.page(&format!("/services/order?product={vds}")).await;
    assert!(html.contains("data-test=\"no-quote\""), "{html}");

    // "Пересчитать": 300.00 + 2 × 150.00 + 10 × 2.50 = 625.00, VAT inside.
    let id = vds.to_string();
    let sent = pages.form("/services/order", &order(&id, "3", "20", "quote")).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.html);
    assert_eq!(text_at(&sent.html, "data-test=\"to-pay\"").as_deref(), Some("625,00 ₽"));
    assert_eq!(text_at(&sent.html, "data-test=\"configuration\"").as_deref(), Some("325,00 ₽"));
    assert_eq!(text_at(&sent.html, "data-test=\"tax\"").as_deref(), Some("104,17 ₽"));
    assert_eq!(app.balance(client).await, "1000.00", "a quote buys nothing");

    // Nine addresses are more than the product allows; "abc" is no number.
    let sent = pages.form("/services/order", &order(&id, "9", "abc", "pay")).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&sent.html, "addon-disk").as_deref(), Some("Введите целое число"));
    let sent = pages.form("/services/order", &order(&id, "9", "20", "pay")).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&sent.html, "addon-ipv4").as_deref(), Some("Допустимо 1–8 Шт."));
    assert!(sent.html.contains("value=\"9\""), "what was typed is kept");
    let mut bad_domain = order(&id, "3", "20", "pay");
    bad_domain[4] = ("domain", "my server");
    let sent = pages.form("/services/order", &bad_domain).await;
    assert_eq!(field_error(&sent.html, "domain").as_deref(), Some("Введите доменное имя: латинские буквы, цифры и дефисы, например myserver123"));
    assert_eq!(app.balance(client).await, "1000.00", "nothing bought");

    // "Оплатить": the balance loses exactly the price shown.
    bought(&pages, vds).await;
    assert_eq!(app.balance(client).await, "375.00");
});

backend_test!(async fn svc1_svc2_a_service_is_listed_renewed_stopped_started_changed_and_another_clients_is_not_found(db) {
    let app = App::spawn(db).await;
    let (client, _) = app.client("LIFE", None).await;
    app.credit(client, "2000.00").await;
    let (other, _) = app.client("OTHER", None).await;
    app.credit(other, "1000.00").await;
    let vds = product(&app).await;
    march(&app);
    let pages = app.pages("LIFE").await;
    let sub = bought(&pages, vds).await;
    assert_eq!(app.balance(client).await, "1375.00");

    // Listed under its type with its state, period and expiry.
    let html = pages.page("/services").await;
    assert!(html.contains("<h2>Виртуальный сервер</h2>"), "{html}");
    assert_eq!(text_at(&html, &format!("data-test=\"state-{sub}\"")).as_deref(), Some("Активен"));
    assert_eq!(text_at(&html, &format!("data-test=\"paid-until-{sub}\"")).as_deref(), Some("11.04.2026 00:00"));
    assert_eq!(text_at(&html, &format!("data-test=\"auto-renew-{sub}\"")).as_deref(), Some("включено"));

    // "Продлить" for a month: the configuration's 625.00, a month more.
    let sent = pages.form(&format!("/services/{sub}/renew"), &[("months", "1"), ("back", "/services")]).await;
    sent.assert_redirect("/services");
    assert_eq!(app.balance(client).await, "750.00");
    let html = pages.page("/services").await;
    assert_eq!(text_at(&html, &format!("data-test=\"paid-until-{sub}\"")).as_deref(), Some("11.05.2026 00:00"));
    assert_eq!(text_at(&html, "data-test=\"notice\"").as_deref(), Some("Услуга продлена"));

    // "Выкл." and "Вкл.".
    pages.form(&format!("/services/{sub}/power"), &[("do", "stop"), ("back", "/services")]).await.assert_redirect("/services");
    let html = pages.page("/services").await;
    assert_eq!(text_at(&html, &format!("data-test=\"state-{sub}\"")).as_deref(), Some("Остановлен"));
    let sent = pages.form(&format!("/services/{sub}/power"), &[("do", "stop")]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY, "stopped already");
    assert_eq!(text_at(&sent.html, "data-test=\"form-error\"").as_deref(), Some("Это действие сейчас недоступно для услуги"));
    pages.form(&format!("/services/{sub}/power"), &[("do", "start"), ("back", "/services")]).await.assert_redirect("/services");
    let html = pages.page("/services").await;
    assert_eq!(text_at(&html, &format!("data-test=\"state-{sub}\"")).as_deref(), Some("Активен"));

    // Auto-renewal off.
    pages.form(&format!("/services/{sub}/auto-renew"), &[("auto_renew", "off")]).await.assert_redirect(&format!("/services/{sub}"));
    let html = pages.page(&format!("/services/{sub}")).await;
    assert_eq!(text_at(&html, &format!("data-test=\"auto-renew-{sub}\"")).as_deref(), Some("выключено"));

    // "Изменить": the difference first, nothing charged; a limit broken is
    // refused next to its add-on.
    let sent = pages.form(&format!("/services/{sub}/change"), &[("addon-ipv4", "9"), ("addon-disk", "20"), ("do", "preview")]).await;
    assert_eq!(field_error(&sent.html, "addon-ipv4").as_deref(), Some("Допустимо 1–8 Шт."));
    let sent = pages.form(&format!("/services/{sub}/change"), &[("addon-ipv4", "4"), ("addon-disk", "20"), ("do", "preview")]).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.html);
    assert_eq!(
        text_at(&sent.html, "data-test=\"change-difference\"").as_deref(),
        Some("До конца оплаченного периода будет списано 150,00 ₽")
    );
    assert_eq!(app.balance(client).await, "750.00");
    let sent = pages.form(&format!("/services/{sub}/change"), &[("addon-ipv4", "4"), ("addon-disk", "20"), ("do", "confirm")]).await;
    sent.assert_redirect(&format!("/services/{sub}"));
    assert_eq!(app.balance(client).await, "600.00", "the difference shown is the one charged");

    // Another client's service is not found, and nothing happens to it.
    let theirs = bought(&app.pages("OTHER").await, vds).await;
    assert_eq!(pages.get(&format!("/services/{theirs}")).await.0, StatusCode::NOT_FOUND);
    let sent = pages.form(&format!("/services/{theirs}/renew"), &[("months", "1")]).await;
    assert_eq!(sent.status, StatusCode::NOT_FOUND);
    let sent = pages.form(&format!("/services/{theirs}/power"), &[("do", "stop")]).await;
    assert_eq!(sent.status, StatusCode::NOT_FOUND);
    assert_eq!(app.balance(other).await, "375.00");
    assert_eq!(app.get(&format!("/client-services/{theirs}")).await["state"], "active");
});

backend_test!(async fn ord2_ord3_the_cart_takes_items_removes_them_applies_a_promo_code_and_checks_out_from_the_balance(db) {
    let app = App::spawn(db).await;
    let (client, _) = app.client("CART", None).await;
    app.credit(client, "1000.00").await;
    let vds = product(&app).await;
    let promo = json!({ "code": "SPRING15", "value": { "kind": "percent", "value": "15" }, "valid_from": "2026-01-01", "valid_to": "2026-12-31" });
    let (status, p) = app.post("/promo-codes", json!({ "promo": promo })).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    march(&app);
    let pages = app.pages("CART").await;
    let id = vds.to_string();

    pages.form("/services/order", &order(&id, "3", "20", "cart")).await.assert_redirect("/client/cart");
    pages.form("/services/order", &order(&id, "1", "10", "cart")).await.assert_redirect("/client/cart");
    let html = pages.page("/client/cart").await;
    let items = ids_after(&html, "data-test=\"cart-item-");
    assert_eq!(items.len(), 2, "{html}");
    assert_eq!(text_at(&html, &format!("data-test=\"item-to-pay-{}\"", items[0])).as_deref(), Some("625,00 ₽"));
    assert_eq!(text_at(&html, &format!("data-test=\"item-to-pay-{}\"", items[1])).as_deref(), Some("300,00 ₽"));
    assert_eq!(text_at(&html, "data-test=\"cart-total\"").as_deref(), Some("925,00 ₽"));
    assert_eq!(app.balance(client).await, "1000.00", "the cart buys nothing");

    // "Удалить" the first; a code that does not exist is refused next to
    // its field; SPRING15 takes 15% off the second.
    pages.form(&format!("/client/cart/{}/remove", items[0]), &[]).await.assert_redirect("/client/cart");
    let field = format!("promo-{}", items[1]);
    let sent = pages.form(&format!("/client/cart/{}/promo", items[1]), &[(field.as_str(), "NOPE")]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&sent.html, &field).as_deref(), Some("Такого промокода нет"));
    pages.form(&format!("/client/cart/{}/promo", items[1]), &[(field.as_str(), "spring15")]).await.assert_redirect("/client/cart");
    let html = pages.page("/client/cart").await;
    assert_eq!(ids_after(&html, "data-test=\"cart-item-"), vec![items[1]]);
    assert_eq!(text_at(&html, "data-test=\"cart-total\"").as_deref(), Some("255,00 ₽"));

    // Another client's cart item is not found.
    app.client("NOSY", None).await;
    let nosy = app.pages("NOSY").await;
    assert_eq!(nosy.form(&format!("/client/cart/{}/remove", items[1]), &[]).await.status, StatusCode::NOT_FOUND);

    // Checkout from the balance: the order is paid, the cart empty.
    let item = items[1].to_string();
    let sent = pages.form("/client/cart/checkout", &[("items", item.as_str())]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    let to = sent.location.unwrap();
    assert_eq!(app.balance(client).await, "745.00");
    let html = pages.page(&to).await;
    assert_eq!(text_at(&html, "data-test=\"order-total\"").as_deref(), Some("255,00 ₽"));
    let html = pages.page("/client/orders").await;
    let order_id = to.trim_start_matches("/client/orders/");
    assert_eq!(text_at(&html, &format!("data-test=\"order-status-{order_id}\"")).as_deref(), Some("Оплачен"));
    assert!(pages.page("/client/cart").await.contains("data-test=\"cart-empty\""));
    // Nothing chosen: refused above the cart.
    pages.form("/services/order", &order(&id, "1", "10", "cart")).await.assert_redirect("/client/cart");
    let sent = pages.form("/client/cart/checkout", &[]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(text_at(&sent.html, "data-test=\"form-error\"").as_deref(), Some("Выберите хотя бы одну позицию корзины"));
});
