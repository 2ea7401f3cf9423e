//! Products, promo codes, the order form, the cart, orders and the life of
//! a client's service over HTTP, on both backends (CAT-13, ORD-1 … ORD-5,
//! SVC-1, SVC-2), with exact amounts. The engine's test card gateway stands
//! in for the sandbox when an order is paid by a method.

use crate::common::{App, json_of};
use chrono::{TimeZone, Utc};
use kopek_store::backend_test;
use reqwest::StatusCode;
use serde_json::{Value, json};

impl App {
    /// A product created by staff: its id.
    async fn product(&self, spec: Value) -> i64 {
        let (status, p) = self.post("/products", json!({ "spec": spec })).await;
        assert_eq!(status, StatusCode::CREATED, "{p}");
        p["id"].as_i64().unwrap()
    }
    /// A promo code created by staff: its id.
    async fn promo(&self, code: &str, value: Value, valid_to: &str) -> i64 {
        let promo = json!({ "code": code, "value": value, "valid_from": "2026-01-01", "valid_to": valid_to });
        let (status, p) = self.post("/promo-codes", json!({ "promo": promo })).await;
        assert_eq!(status, StatusCode::CREATED, "{p}");
        p["id"].as_i64().unwrap()
    }
    /// 11 March 2026, 00:00 provider time (UTC+3): 21 of March's 31 days
    /// are left.
    fn mid_march(&self) {
        self.t.clock.set(Utc.with_ymd_and_hms(2026, 3, 10, 21, 0, 0).unwrap());
    }
}

/// 300.00 a month, one IPv4 included and each more 150.00 a month, 20% VAT
/// included, the first period to the 1st of the next month, deletion
/// refunding the unused time.
fn vds() -> Value {
    json!({
        "name": "VDS Fast", "product_type": "virtual_server", "currency": "RUB",
        "prices": [{ "months": 1, "price": "300.00" }],
        "addons": [{ "code": "ipv4", "name": "IPv4", "unit": "Шт.", "unit_price": "150.00", "included": 1, "min": 1, "max": 8, "default": 1 }],
        "tax_percent": "20", "tax_included": true, "needs_domain": true, "align_to_month_start": true,
        "deletion": { "allowed": true, "refund_unused": true }
    })
}

/// A cart item (or the order form's item) of `product` with `ipv4` addresses.
fn item(product: i64, ipv4: u32) -> Value {
    json!({ "product_id": product, "config": { "months": 1, "addons": { "ipv4": ipv4 }, "domain": "myserver123" } })
}

fn code_of(status: StatusCode, e: &Value) -> (StatusCode, Option<&str>) {
    (status, e["code"].as_str())
}

backend_test!(async fn cat13_ord1_staff_sell_products_and_promo_codes_and_the_order_form_prices_them(db) {
    let app = App::spawn(db).await;
    let (client, _) = app.client("SHOP", None).await;
    let portal = app.portal("SHOP").await;

    // Staff create the product; the answer carries its type's label.
    let (status, p) = app.post("/products", json!({ "spec": vds() })).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let product = p["id"].as_i64().unwrap();
    assert_eq!((p["product_type_label"].as_str(), p["archived"].as_bool(), p["service_id"].is_i64()), (Some("Виртуальный сервер"), Some(false), true));
    let sent = vds();
    for field in ["name", "product_type", "currency", "prices", "addons", "tax_percent", "tax_included", "needs_domain", "deletion"] {
        assert_eq!(p["spec"][field], sent[field], "{field}: {p}");
    }
    assert_eq!((p["spec"]["description"].as_str(), p["spec"]["trial_days"].clone()), (Some(""), Value::Null), "defaults: {p}");
    // A product with a provisioning hook: staff see the hook, clients don't.
    let hook = json!({ "kind": "webhook", "url": "https://dc.example/hook", "secret": "0123456789abcdef", "timeout_secs": 20 });
    let mut ssl = vds();
    ssl["name"] = json!("SSL");
    ssl["product_type"] = json!("ssl_certificate");
    ssl["needs_domain"] = json!(false);
    let (status, s) = app.post("/products", json!({ "spec": ssl.clone(), "hook": hook.clone() })).await;
    assert_eq!((status, s["hook"].clone(), s["product_type_label"].as_str()), (StatusCode::CREATED, hook.clone(), Some("SSL сертификат")), "{s}");
    let ssl_id = s["id"].as_i64().unwrap();
    let (status, mut list) = json_of(portal.get(app.url("/products"))).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let list = list.as_array_mut().unwrap();
    assert_eq!(list.iter().map(|p| p["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![product, ssl_id]);
    assert!(list.iter().all(|p| p.get("hook").is_none()), "no hook for clients: {list:?}");
    assert_eq!(app.get(&format!("/products/{ssl_id}")).await["hook"], hook);
    // A bad product is refused with its field; a body of the wrong shape too.
    let mut bad = vds();
    bad["prices"] = json!([]);
    let (status, e) = app.post("/products", json!({ "spec": bad })).await;
    assert_eq!(code_of(status, &e), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")), "{e}");
    let (status, e) = app.post("/products", json!({ "spec": vds(), "colour": "red" })).await;
    assert_eq!(code_of(status, &e), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_body")), "{e}");

    // Promo codes: 15% to the end of March; one that ran out in February.
    let spring = app.promo("SPRING15", json!({ "kind": "percent", "value": "15" }), "2026-03-31").await;
    app.promo("WINTER", json!({ "kind": "percent", "value": "50" }), "2026-02-28").await;
    let (status, e) = app.post("/promo-codes", json!({ "promo": {
        "code": "spring15", "value": { "kind": "fixed", "value": "10.00" }, "valid_from": "2026-01-01" } })).await;
    assert_eq!(code_of(status, &e), (StatusCode::CONFLICT, Some("promo_exists")), "{e}");
    let promos = app.get("/promo-codes").await;
    assert_eq!(promos[0], json!({ "id": spring, "archived": false, "uses": 0, "promo": {
        "code": "SPRING15", "value": { "kind": "percent", "value": "15" }, "valid_from": "2026-01-01", "valid_to": "2026-03-31",
        "max_uses": null, "max_uses_per_client": null, "products": [] } }));

    // A client's user may do none of the staff's part.
    let forbidden = [
        portal.post(app.url("/products")).json(&json!({ "spec": vds() })),
        portal.put(app.url(&format!("/products/{product}"))).json(&json!({ "spec": vds(), "archived": true })),
        portal.post(app.url("/promo-codes")).json(&json!({ "promo": { "code": "MINE", "value": { "kind": "percent", "value": "100" },
            "valid_from": "2026-01-01" } })),
        portal.get(app.url("/promo-codes")),
        portal.delete(app.url(&format!("/promo-codes/{spring}"))),
    ];
    for r in forbidden {
        let (status, e) = json_of(r).await;
        assert_eq!(code_of(status, &e), (StatusCode::FORBIDDEN, Some("forbidden")), "{e}");
    }
    assert_eq!(app.get(&format!("/products/{product}")).await["archived"], false);
    assert_eq!(app.get("/promo-codes").await.as_array().unwrap().len(), 2);

    // The order form on 11 March (provider time): 21 of 31 days to the 1st
    // of April. Base 300.00 → 203.23, one more IPv4 150.00 → 101.61; 20%
    // VAT inside 304.84 is 50.81 (50.8067).
    app.mid_march();
    let quote_url = app.url(&format!("/clients/{client}/order-quote"));
    let ask = item(product, 2);
    let (status, q) = json_of(portal.post(&quote_url).json(&ask)).await;
    assert_eq!(status, StatusCode::OK, "{q}");
    assert_eq!((q["product_id"].as_i64(), q["currency"].as_str()), (Some(product), Some("RUB")));
    let q = &q["quote"];
    assert_eq!(q["lines"], json!([
        { "code": null, "name": "VDS Fast", "value": "Базовая", "limit": null, "until_end": "203.23", "per_period": "300.00" },
        { "code": "ipv4", "name": "IPv4", "value": "2 Шт.", "limit": "1–8 Шт.", "until_end": "101.61", "per_period": "150.00" },
    ]));
    assert_eq!((q["starts_at"].as_str(), q["first_period_ends"].as_str(), q["trial"].as_bool()),
        (Some("2026-03-11T00:00:00"), Some("2026-04-01T00:00:00"), Some(false)));
    assert_eq!((q["base"].as_str(), q["configuration"].as_str(), q["per_period"].as_str()), (Some("300.00"), Some("150.00"), Some("450.00")));
    assert_eq!((q["first_period"].as_str(), q["discount"].as_str(), q["tax"].as_str()), (Some("304.84"), Some("0"), Some("50.81")));
    assert_eq!((q["to_pay"].as_str(), q["then_per_period"].as_str(), q["tax_included"].as_bool()), (Some("304.84"), Some("450.00"), Some(true)));
    // With the promo code, typed in any case: 15% of 304.84 is 45.73
    // (45.726); 259.11 to pay, 43.19 VAT inside (43.185).
    let mut with_code = ask.clone();
    with_code["promo_code"] = json!(" spring15 ");
    let (status, q) = json_of(portal.post(&quote_url).json(&with_code)).await;
    assert_eq!(status, StatusCode::OK, "{q}");
    let q = &q["quote"];
    assert_eq!((q["discount"].as_str(), q["tax"].as_str(), q["to_pay"].as_str()), (Some("45.73"), Some("43.19"), Some("259.11")));
    assert_eq!(q["then_per_period"], "450.00", "the code is off the first payment only");

    // Configurations outside the product, with the field.
    for bad in [item(product, 9), item(product, 0), json!({ "product_id": product, "config": { "months": 3, "domain": "x1" } }),
                json!({ "product_id": product, "config": { "months": 1 } }), json!({ "product_id": product, "config": { "months": 1,
                "addons": { "gpu": 1 }, "domain": "x1" } })] {
        let (status, e) = json_of(portal.post(&quote_url).json(&bad)).await;
        assert_eq!(code_of(status, &e), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")), "{bad}: {e}");
    }
    let (status, e) = json_of(portal.post(&quote_url).json(&json!({ "product_id": product, "config": { "months": 1 }, "extra": 1 }))).await;
    assert_eq!(code_of(status, &e), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_body")), "{e}");
    // A promo code that does not apply says why.
    let mut expired = ask.clone();
    expired["promo_code"] = json!("WINTER");
    let (status, e) = json_of(portal.post(&quote_url).json(&expired)).await;
    assert_eq!(code_of(status, &e), (StatusCode::UNPROCESSABLE_ENTITY, Some("promo_expired")), "{e}");
    assert_eq!(e["message"], "the promo code expired on 2026-02-28");
    expired["promo_code"] = json!("NOPE");
    let (status, e) = json_of(portal.post(&quote_url).json(&expired)).await;
    assert_eq!(code_of(status, &e), (StatusCode::UNPROCESSABLE_ENTITY, Some("promo_unknown")), "{e}");
    // Archived, the code no longer applies; its record stays for staff.
    let r = app.staff(reqwest::Method::DELETE, &format!("/promo-codes/{spring}")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (status, e) = json_of(portal.post(&quote_url).json(&with_code)).await;
    assert_eq!(code_of(status, &e), (StatusCode::UNPROCESSABLE_ENTITY, Some("promo_unknown")), "{e}");
    assert_eq!(app.get("/promo-codes").await[0]["archived"], true);
    let (status, e) = json_of(app.staff(reqwest::Method::DELETE, "/promo-codes/999999")).await;
    assert_eq!(code_of(status, &e), (StatusCode::NOT_FOUND, Some("not_found")), "{e}");

    // Withdrawn from sale: clients neither see nor price it; staff still do.
    let (status, s) = json_of(app.staff(reqwest::Method::PUT, &format!("/products/{ssl_id}"))
        .json(&json!({ "spec": ssl, "hook": hook, "archived": true }))).await;
    assert_eq!((status, s["archived"].as_bool()), (StatusCode::OK, Some(true)), "{s}");
    let (status, list) = json_of(portal.get(app.url("/products"))).await;
    assert_eq!((status, list.as_array().unwrap().len(), list[0]["id"].as_i64()), (StatusCode::OK, 1, Some(product)));
    let (status, e) = json_of(portal.get(app.url(&format!("/products/{ssl_id}")))).await;
    assert_eq!(code_of(status, &e), (StatusCode::NOT_FOUND, Some("not_found")), "{e}");
    let (status, e) = json_of(portal.post(&quote_url).json(&json!({ "product_id": ssl_id, "config": { "months": 1 } }))).await;
    assert_eq!(code_of(status, &e), (StatusCode::NOT_FOUND, Some("not_found")), "{e}");
    assert_eq!(app.get("/products").await.as_array().unwrap().len(), 2);

    // Another client's user can't price for this client; nobody logged in
    // sees nothing.
    app.client("SHOP2", None).await;
    let other = app.portal("SHOP2").await;
    let (status, e) = json_of(other.post(&quote_url).json(&ask)).await;
    assert_eq!(code_of(status, &e), (StatusCode::NOT_FOUND, Some("not_found")), "{e}");
    for r in [app.http.get(app.url("/products")), app.http.post(&quote_url).json(&ask)] {
        let (status, e) = json_of(r).await;
        assert_eq!(code_of(status, &e), (StatusCode::UNAUTHORIZED, Some("unauthenticated")), "{e}");
    }
});

backend_test!(async fn ord2_the_cart_is_edited_and_checked_out_from_the_balance(db) {
    let app = App::spawn(db).await;
    let product = app.product(vds()).await;
    let (client, _) = app.client("CART", None).await;
    app.mid_march();
    let portal = app.portal("CART").await;
    let cart_url = app.url(&format!("/clients/{client}/cart"));

    // Three items: 1, 3 and 1 IPv4 addresses (203.23, 406.46, 203.23).
    let (status, cart) = json_of(portal.post(&cart_url).json(&item(product, 1))).await;
    assert_eq!(status, StatusCode::CREATED, "{cart}");
    let first = cart["items"][0]["id"].as_i64().unwrap();
    let i = &cart["items"][0];
    assert_eq!((i["product_id"].as_i64(), i["product_name"].as_str(), i["auto_renew"].as_bool()), (Some(product), Some("VDS Fast"), Some(true)));
    assert_eq!((i["quote"]["to_pay"].as_str(), i["problem"].clone(), cart["to_pay"].as_str()), (Some("203.23"), Value::Null, Some("203.23")));
    let (status, cart) = json_of(portal.post(&cart_url).json(&item(product, 3))).await;
    assert_eq!(status, StatusCode::CREATED, "{cart}");
    let second = cart["items"][1]["id"].as_i64().unwrap();
    let mut third = item(product, 1);
    third["auto_renew"] = json!(false);
    let (status, cart) = json_of(portal.post(&cart_url).json(&third)).await;
    assert_eq!(status, StatusCode::CREATED, "{cart}");
    let third = cart["items"][2]["id"].as_i64().unwrap();
    let to_pay: Vec<_> = cart["items"].as_array().unwrap().iter().map(|i| i["quote"]["to_pay"].as_str().unwrap()).collect();
    assert_eq!((to_pay, cart["to_pay"].as_str(), cart["items"][2]["auto_renew"].as_bool()), (vec!["203.23", "406.46", "203.23"], Some("812.92"), Some(false)));
    // A configuration outside the product is refused at once.
    let (status, e) = json_of(portal.post(&cart_url).json(&item(product, 9))).await;
    assert_eq!(code_of(status, &e), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")), "{e}");

    // "Изменить" the first to 2 addresses: 304.84; out of range: refused.
    let first_url = app.url(&format!("/cart-items/{first}"));
    let (status, cart) = json_of(portal.put(&first_url).json(&item(product, 2))).await;
    assert_eq!(status, StatusCode::OK, "{cart}");
    assert_eq!((cart["items"][0]["quote"]["to_pay"].as_str(), cart["items"][0]["config"]["addons"]["ipv4"].as_u64()), (Some("304.84"), Some(2)));
    assert_eq!(cart["to_pay"], "914.53");
    let (status, e) = json_of(portal.put(&first_url).json(&item(product, 0))).await;
    assert_eq!(code_of(status, &e), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")), "{e}");
    // "Удалить" the third.
    let (status, cart) = json_of(portal.delete(app.url(&format!("/cart-items/{third}")))).await;
    assert_eq!(status, StatusCode::OK, "{cart}");
    let ids: Vec<_> = cart["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
    assert_eq!((ids, cart["to_pay"].as_str()), (vec![first, second], Some("711.30")));
    let (status, e) = json_of(portal.delete(app.url(&format!("/cart-items/{third}")))).await;
    assert_eq!(code_of(status, &e), (StatusCode::NOT_FOUND, Some("not_found")), "{e}");

    // No money: refused, the cart as it was.
    let checkout_url = app.url(&format!("/clients/{client}/checkout"));
    let (status, e) = json_of(portal.post(&checkout_url).json(&json!({ "items": [first] }))).await;
    assert_eq!(code_of(status, &e), (StatusCode::CONFLICT, Some("insufficient_funds")), "{e}");
    let (status, after) = json_of(portal.get(&cart_url)).await;
    assert_eq!((status, after), (StatusCode::OK, cart.clone()));
    // 500.00 credited: both (711.30) are still too much; the first alone is fine.
    app.credit(client, "500.00").await;
    let (status, e) = json_of(portal.post(&checkout_url).json(&json!({ "items": [first, second] }))).await;
    assert_eq!(code_of(status, &e), (StatusCode::CONFLICT, Some("insufficient_funds")), "{e}");
    assert_eq!(json_of(portal.get(&cart_url)).await.1, cart);
    assert_eq!(app.balance(client).await, "500.00");
    let (status, order) = json_of(portal.post(&checkout_url).json(&json!({ "items": [first] }))).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    let order_id = order["id"].as_i64().unwrap();
    assert_eq!((order["status"].as_str(), order["pay_by"].as_str(), order["client_id"].as_i64()), (Some("paid"), Some("balance"), Some(client)));
    assert_eq!((order["total"].as_str(), order["tax"].as_str(), order["currency"].as_str()), (Some("304.84"), Some("50.81"), Some("RUB")));
    assert_eq!((order["paid_at"].as_str(), order["payment"].clone()), (Some("2026-03-10T21:00:00Z"), Value::Null));
    let line = &order["items"][0];
    assert_eq!(order["items"].as_array().unwrap().len(), 1);
    assert_eq!((line["product_id"].as_i64(), line["amount"].as_str(), line["service_state"].as_str()), (Some(product), Some("304.84"), Some("active")));
    let sub = line["subscription_id"].as_i64().unwrap();
    assert_eq!(app.balance(client).await, "195.16");
    let expenses = app.get(&format!("/clients/{client}/expenses")).await;
    assert_eq!((expenses[0]["amount"].as_str(), expenses[0]["tax"].as_str()), (Some("304.84"), Some("50.81")), "{expenses}");
    // What was not chosen stays in the cart.
    let (_, cart) = json_of(portal.get(&cart_url)).await;
    let ids: Vec<_> = cart["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
    assert_eq!((ids, cart["to_pay"].as_str()), (vec![second], Some("406.46")));
    // The service: paid to 1 April 00:00 provider time, auto-renewing.
    let (status, service) = json_of(portal.get(app.url(&format!("/client-services/{sub}")))).await;
    assert_eq!(status, StatusCode::OK, "{service}");
    assert_eq!((service["state"].as_str(), service["paid_until"].as_str(), service["auto_renew"].as_bool()),
        (Some("active"), Some("2026-03-31T21:00:00Z"), Some(true)));

    // ORD-4: the order under "paid"; the same by its id.
    let orders_url = app.url(&format!("/clients/{client}/orders"));
    let (status, orders) = json_of(portal.get(&orders_url)).await;
    assert_eq!(status, StatusCode::OK, "{orders}");
    assert_eq!(orders, json!({ "awaiting_payment": [], "paid": [order.clone()] }));
    let (status, got) = json_of(portal.get(app.url(&format!("/orders/{order_id}")))).await;
    assert_eq!((status, got), (StatusCode::OK, order.clone()));
    // Paid from the balance: there is no payment to make.
    let (status, e) = json_of(portal.post(app.url(&format!("/orders/{order_id}/pay"))).json(&json!({}))).await;
    assert_eq!(code_of(status, &e), (StatusCode::CONFLICT, Some("order_not_by_method")), "{e}");

    // "Оплатить" on the order form, without the cart: too little money,
    // then enough; the same Idempotency-Key answers the same order.
    let mut now = item(product, 1);
    now["auto_renew"] = json!(false);
    let (status, e) = json_of(portal.post(&orders_url).json(&json!({ "item": now }))).await;
    assert_eq!(code_of(status, &e), (StatusCode::CONFLICT, Some("insufficient_funds")), "{e}");
    app.credit(client, "100.00").await;
    let (status, bought) = json_of(portal.post(&orders_url).header("Idempotency-Key", "order-1").json(&json!({ "item": now }))).await;
    assert_eq!(status, StatusCode::CREATED, "{bought}");
    assert_eq!((bought["status"].as_str(), bought["total"].as_str(), bought["tax"].as_str()), (Some("paid"), Some("203.23"), Some("33.87")));
    let (status, replay) = json_of(portal.post(&orders_url).header("Idempotency-Key", "order-1").json(&json!({ "item": now }))).await;
    assert_eq!((status, replay), (StatusCode::CREATED, bought.clone()));
    assert_eq!(app.balance(client).await, "91.93");
    let bought_sub = bought["items"][0]["subscription_id"].as_i64().unwrap();
    assert_eq!(app.get(&format!("/client-services/{bought_sub}")).await["auto_renew"], false);
    let (_, orders) = json_of(portal.get(&orders_url)).await;
    assert_eq!(orders["paid"].as_array().unwrap().iter().map(|o| o["id"].as_i64().unwrap()).collect::<Vec<_>>().len(), 2, "{orders}");
    let (status, e) = json_of(portal.post(&orders_url).json(&json!({ "item": now, "pay_by": "card" }))).await;
    assert_eq!(code_of(status, &e), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_body")), "{e}");

    // Another client's user sees and touches none of it.
    app.client("CART2", None).await;
    let other = app.portal("CART2").await;
    let second_url = app.url(&format!("/cart-items/{second}"));
    for r in [
        other.get(&cart_url), other.post(&cart_url).json(&item(product, 1)), other.put(&second_url).json(&item(product, 2)),
        other.delete(&second_url), other.post(&checkout_url).json(&json!({ "items": [second] })), other.get(&orders_url),
        other.post(&orders_url).json(&json!({ "item": item(product, 1) })), other.get(app.url(&format!("/orders/{order_id}"))),
        other.post(app.url(&format!("/orders/{order_id}/pay"))).json(&json!({})),
    ] {
        let (status, e) = json_of(r).await;
        assert_eq!(code_of(status, &e), (StatusCode::NOT_FOUND, Some("not_found")), "{e}");
    }
    assert_eq!(json_of(portal.get(&cart_url)).await.1, cart);
    // Nor anyone not logged in.
    for r in [app.http.get(&cart_url), app.http.post(&checkout_url).json(&json!({ "items": [second] })), app.http.get(&orders_url)] {
        let (status, e) = json_of(r).await;
        assert_eq!(code_of(status, &e), (StatusCode::UNAUTHORIZED, Some("unauthenticated")), "{e}");
    }
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn ord5_an_order_paid_by_a_method_awaits_its_payment_and_is_paid_again_by_the_same_method(db) {
    let app = App::spawn(db).await;
    let product = app.product(vds()).await;
    let (client, payer) = app.client("CARD", None).await;
    let method = app.method(json!({
        "prefix": "card", "name": "Card", "gateway": "sandbox", "currency": "RUB", "payer_kinds": ["individual"] })).await;
    app.mid_march();
    let portal = app.portal("CARD").await;

    let body = json!({ "item": item(product, 2), "method": { "method_id": method, "payer_id": payer, "return_url": "/portal/orders" } });
    let (status, order) = json_of(portal.post(app.url(&format!("/clients/{client}/orders"))).json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    let id = order["id"].as_i64().unwrap();
    assert_eq!((order["status"].as_str(), order["pay_by"].as_str(), order["method_id"].as_i64()), (Some("awaiting_payment"), Some("method"), Some(method)));
    assert_eq!((order["total"].as_str(), order["items"][0]["subscription_id"].clone()), (Some("304.84"), Value::Null));
    let payment = order["payment"].clone();
    assert_eq!((payment["status"].as_str(), payment["amount"].as_str()), (Some("paying"), Some("304.84")), "{payment}");
    let (_, orders) = json_of(portal.get(app.url(&format!("/clients/{client}/orders")))).await;
    assert_eq!((orders["awaiting_payment"][0]["id"].as_i64(), orders["paid"].clone()), (Some(id), json!([])));

    // The payer gives up on the page: still awaiting; "Платеж" starts a new
    // payment by the same method.
    assert_eq!(app.pay_on_page(&payment, false).await["outcome"], "failed");
    let (status, again) = json_of(portal.post(app.url(&format!("/orders/{id}/pay"))).json(&json!({ "return_url": "/portal/orders" }))).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["status"], "awaiting_payment");
    assert_ne!(again["payment"]["id"], payment["id"]);
    assert_eq!((again["payment"]["amount"].as_str(), again["payment"]["flow"]["method_id"].as_i64()), (Some("304.84"), Some(method)));
    let (status, e) = json_of(portal.post(app.url(&format!("/orders/{id}/pay"))).json(&json!({ "method_id": method }))).await;
    assert_eq!(code_of(status, &e), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_body")), "the method can't change: {e}");

    // Paid: the service opens; nothing more is left on the balance.
    assert_eq!(app.pay_on_page(&again["payment"], true).await["outcome"], "credited");
    let (status, paid) = json_of(portal.get(app.url(&format!("/orders/{id}")))).await;
    assert_eq!(status, StatusCode::OK, "{paid}");
    assert_eq!((paid["status"].as_str(), paid["items"][0]["service_state"].as_str(), paid["payment"].clone()), (Some("paid"), Some("active"), Value::Null));
    assert_eq!(app.balance(client).await, "0.00");
    let (status, e) = json_of(portal.post(app.url(&format!("/orders/{id}/pay"))).json(&json!({}))).await;
    assert_eq!(code_of(status, &e), (StatusCode::CONFLICT, Some("order_not_awaiting")), "{e}");
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn svc2_a_service_is_stopped_changed_mid_period_and_deleted_with_the_unused_time_back(db) {
    let app = App::spawn(db).await;
    let product = app.product(vds()).await;
    let (client, _) = app.client("LIFE", None).await;
    app.credit(client, "1000.00").await;
    app.mid_march();
    let portal = app.portal("LIFE").await;
    let mut subs = Vec::new();
    for _ in 0..2 {
        let (status, order) = json_of(portal.post(app.url(&format!("/clients/{client}/orders"))).json(&json!({ "item": item(product, 1) }))).await;
        assert_eq!((status, order["total"].as_str()), (StatusCode::CREATED, Some("203.23")), "{order}");
        subs.push(order["items"][0]["subscription_id"].as_i64().unwrap());
    }
    assert_eq!(app.balance(client).await, "593.54");

    // Active at once: the product has no hook.
    let one = app.url(&format!("/client-services/{}", subs[0]));
    let (status, service) = json_of(portal.get(&one)).await;
    assert_eq!(status, StatusCode::OK, "{service}");
    assert_eq!(service, json!({
        "subscription_id": subs[0], "product_id": product, "product_name": "VDS Fast", "state": "active", "state_label": "Активен",
        "paid_until": "2026-03-31T21:00:00Z", "auto_renew": true,
        "config": { "months": 1, "addons": { "ipv4": 1 }, "domain": "myserver123" }, "operations": [],
    }));
    // Stop, start, reboot; one that does not fit the state is refused.
    let actions = app.url(&format!("/client-services/{}/actions", subs[0]));
    let (status, s) = json_of(portal.post(&actions).json(&json!({ "action": "stop" }))).await;
    assert_eq!((status, s["state"].as_str(), s["state_label"].as_str()), (StatusCode::OK, Some("stopped"), Some("Остановлен")), "{s}");
    let (status, e) = json_of(portal.post(&actions).json(&json!({ "action": "reboot" }))).await;
    assert_eq!(code_of(status, &e), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")), "{e}");
    let (status, s) = json_of(portal.post(&actions).json(&json!({ "action": "start" }))).await;
    assert_eq!((status, s["state"].as_str()), (StatusCode::OK, Some("active")), "{s}");
    let (status, s) = json_of(portal.post(&actions).json(&json!({ "action": "reboot" }))).await;
    assert_eq!((status, s["state"].as_str()), (StatusCode::OK, Some("active")), "{s}");
    for other in ["open", "delete", "renew", "fly"] {
        let (status, e) = json_of(portal.post(&actions).json(&json!({ "action": other }))).await;
        assert_eq!(code_of(status, &e), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_body")), "{other}: {e}");
    }

    // 21 March 00:00: 11 of the period's 31 days are left. Two more IPv4
    // addresses cost 300.00 a month more: 106.45 (106.4516) now.
    app.t.clock.set(Utc.with_ymd_and_hms(2026, 3, 20, 21, 0, 0).unwrap());
    let (status, up) = json_of(portal.put(&one).json(&json!({ "addons": { "ipv4": 3 } }))).await;
    assert_eq!(status, StatusCode::OK, "{up}");
    assert_eq!((up["difference"].as_str(), up["service"]["config"]["addons"]["ipv4"].as_u64(), up["service"]["state"].as_str()),
        (Some("106.45"), Some(3), Some("active")));
    assert_eq!(app.balance(client).await, "487.09");
    let expenses = app.get(&format!("/clients/{client}/expenses")).await;
    let last = expenses.as_array().unwrap().iter().max_by_key(|e| e["id"].as_i64().unwrap()).unwrap();
    assert_eq!((last["amount"].as_str(), last["tax"].as_str()), (Some("106.45"), Some("17.74")), "{expenses}");
    // One down: 150.00 a month less, 53.23 (53.2258) back, as the product
    // refunds unused time.
    let (status, down) = json_of(portal.put(&one).json(&json!({ "addons": { "ipv4": 2 } }))).await;
    assert_eq!((status, down["difference"].as_str(), down["service"]["config"]["addons"]["ipv4"].as_u64()), (StatusCode::OK, Some("-53.23"), Some(2)), "{down}");
    assert_eq!(app.balance(client).await, "540.32");
    for bad in [json!({ "addons": { "ipv4": 9 } }), json!({ "addons": { "gpu": 1 } })] {
        let (status, e) = json_of(portal.put(&one).json(&bad)).await;
        assert_eq!(code_of(status, &e), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")), "{bad}: {e}");
    }
    assert_eq!(app.balance(client).await, "540.32");

    // Another client's user: not found, whatever they try; nobody logged
    // in: unauthenticated. Nothing changes.
    app.client("LIFE2", None).await;
    let other = app.portal("LIFE2").await;
    for r in [other.get(&one), other.post(&actions).json(&json!({ "action": "stop" })), other.put(&one).json(&json!({ "addons": { "ipv4": 1 } })),
              other.delete(&one)] {
        let (status, e) = json_of(r).await;
        assert_eq!(code_of(status, &e), (StatusCode::NOT_FOUND, Some("not_found")), "{e}");
    }
    for r in [app.http.get(&one), app.http.post(&actions).json(&json!({ "action": "stop" })), app.http.put(&one).json(&json!({ "addons": {} })),
              app.http.delete(&one)] {
        let (status, e) = json_of(r).await;
        assert_eq!(code_of(status, &e), (StatusCode::UNAUTHORIZED, Some("unauthenticated")), "{e}");
    }
    let (_, service) = json_of(portal.get(&one)).await;
    assert_eq!((service["state"].as_str(), service["config"]["addons"]["ipv4"].as_u64()), (Some("active"), Some(2)));
    assert_eq!(app.balance(client).await, "540.32");

    // "Удалить" the second: 203.23 paid for 21 days from 11 March, 11 left:
    // 106.45 (106.4538) back; no more renewals.
    let two = app.url(&format!("/client-services/{}", subs[1]));
    let (status, gone) = json_of(portal.delete(&two)).await;
    assert_eq!(status, StatusCode::OK, "{gone}");
    assert_eq!((gone["difference"].as_str(), gone["service"]["state"].as_str(), gone["service"]["state_label"].as_str()),
        (Some("-106.45"), Some("deleted"), Some("Удалён")));
    assert_eq!(gone["service"]["auto_renew"], false);
    assert_eq!(app.balance(client).await, "646.77");
    let (status, s) = json_of(portal.get(&two)).await;
    assert_eq!((status, s["state"].as_str()), (StatusCode::OK, Some("deleted")), "{s}");
    for r in [portal.delete(&two), portal.put(&two).json(&json!({ "addons": { "ipv4": 2 } }))] {
        let (status, e) = json_of(r).await;
        assert_eq!(code_of(status, &e), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")), "{e}");
    }
    assert_eq!(app.balance(client).await, "646.77");
    // A subscription that is not a product's service is no client service.
    let (status, e) = json_of(portal.get(app.url("/client-services/999999"))).await;
    assert_eq!(code_of(status, &e), (StatusCode::NOT_FOUND, Some("not_found")), "{e}");
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn orders_endpoints_are_in_the_openapi(db) {
    let app = App::spawn(db).await;
    let spec: Value = app.http.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    for (path, method) in [
        ("/api/v1/products", "get"), ("/api/v1/products", "post"), ("/api/v1/products/{id}", "get"), ("/api/v1/products/{id}", "put"),
        ("/api/v1/promo-codes", "get"), ("/api/v1/promo-codes", "post"), ("/api/v1/promo-codes/{id}", "delete"),
        ("/api/v1/clients/{id}/order-quote", "post"), ("/api/v1/clients/{id}/cart", "get"), ("/api/v1/clients/{id}/cart", "post"),
        ("/api/v1/cart-items/{id}", "put"), ("/api/v1/cart-items/{id}", "delete"), ("/api/v1/clients/{id}/checkout", "post"),
        ("/api/v1/clients/{id}/orders", "get"), ("/api/v1/clients/{id}/orders", "post"), ("/api/v1/orders/{id}", "get"),
        ("/api/v1/orders/{id}/pay", "post"), ("/api/v1/client-services/{id}", "get"), ("/api/v1/client-services/{id}", "put"),
        ("/api/v1/client-services/{id}", "delete"), ("/api/v1/client-services/{id}/actions", "post"),
    ] {
        assert_eq!(spec["paths"][path][method]["tags"], json!(["orders"]), "{method} {path} in the OpenAPI");
    }
    // The catalog keeps /services.
    assert_eq!(spec["paths"]["/api/v1/services/{id}"]["get"]["tags"], json!(["catalog"]));
    assert!(spec["tags"].as_array().unwrap().iter().any(|t| t["name"] == "orders"));
    // Every schema a path refers to is in the document.
    let text = spec.to_string();
    let schemas = &spec["components"]["schemas"];
    for name in text.split("\"#/components/schemas/").skip(1).map(|s| &s[..s.find('"').unwrap()]) {
        assert!(schemas[name].is_object(), "schema {name} is referred to but missing");
    }
    for name in [
        "Product", "ProductInput", "HookSpec", "Promo", "PromoInput", "QuoteRequest", "OrderQuote", "CartInput", "Cart", "CartItem",
        "Checkout", "PayByMethod", "Order", "OrderItem", "Orders", "OrderNow", "PayOrder", "ClientService", "ServiceOperation",
        "ServiceAction", "ServiceActionKind", "ServiceChange", "ServiceChangeResult",
    ] {
        assert!(schemas[name].is_object(), "{name}");
    }
    assert_eq!(schemas["ServiceActionKind"]["enum"], json!(["stop", "start", "reboot"]));
});
