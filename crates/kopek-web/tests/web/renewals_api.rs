//! Saved payment methods, auto-renewal, autopayment and the credit limit
//! over HTTP, on both backends (PMT-5, PMT-6, PMT-7, CRD-5), with the
//! engine's test card gateway standing in for the sandbox.

use crate::common::{App, json_of};
use chrono::{NaiveDate, TimeZone, Utc};
use kopek_engine::Ctx;
use kopek_store::backend_test;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

impl App {
    /// A card method at the test gateway; `limits` are (min, max).
    pub(crate) async fn card_method(&self, prefix: &str, name: &str, limits: Option<(&str, &str)>) -> i64 {
        let mut body =
            json!({ "prefix": prefix, "name": name, "gateway": "sandbox", "currency": "RUB", "payer_kinds": ["individual"] });
        if let Some((min, max)) = limits {
            body["min_amount"] = json!(min);
            body["max_amount"] = json!(max);
        }
        self.method(body).await
    }
    /// A monthly VDS at `price`, sold in the portal from 2026-01-01.
    pub(crate) async fn vds(&self, name: &str, price: &str) -> i64 {
        let spec = json!({ "main": { "name": name, "kind": "periodic" },
            "fee": { "price": price, "write_off": "prepay", "period": "month", "currency": "RUB", "vat_percent": "20" },
            "portal": { "orderable": true } });
        let (status, s) = self.post("/services", json!({ "spec": spec, "valid_from": "2026-01-01" })).await;
        assert_eq!(status, StatusCode::CREATED, "{s}");
        s["id"].as_i64().unwrap()
    }
    /// A saved method set up by the client's owner and paid: its id.
    pub(crate) async fn saved_method(&self, portal: &Client, client: i64, body: Value) -> i64 {
        let (status, setup) = json_of(portal.post(self.url(&format!("/clients/{client}/saved-methods"))).json(&body)).await;
        assert_eq!(status, StatusCode::CREATED, "{setup}");
        assert_eq!(self.pay_on_page(&setup["payment"], true).await["outcome"], "credited");
        let id = setup["saved_method"]["id"].as_i64().unwrap();
        assert_eq!(self.get(&format!("/saved-methods/{id}")).await["status"], "enabled");
        id
    }
}

backend_test!(async fn pmt6_a_saved_method_works_once_its_setup_payment_is_paid(db) {
    let app = App::spawn(db).await;
    let (client, payer) = app.client("SAVE", None).await;
    let method = app.card_method("card", "Card", None).await;
    let portal = app.portal("SAVE").await;
    let list = app.url(&format!("/clients/{client}/saved-methods"));

    // "Создать": configuring, and a set-up payment to pay on the gateway's page.
    let body = json!({ "payer_id": payer, "method_id": method, "name": "Visa *4242", "amount": "150.00", "return_url": "/portal/methods" });
    let (status, setup) = json_of(portal.post(&list).json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{setup}");
    let saved = &setup["saved_method"];
    let id = saved["id"].as_i64().unwrap();
    assert_eq!((saved["status"].as_str(), saved["status_label"].as_str()), (Some("configuring"), Some("Настраивается")));
    let names = (saved["name"].as_str(), saved["method_name"].as_str(), saved["gateway"].as_str());
    assert_eq!(names, (Some("Visa *4242"), Some("Card"), Some("sandbox")));
    assert_eq!((saved["client_id"].as_i64(), saved["payer_id"].as_i64(), saved["method_id"].as_i64()), (Some(client), Some(payer), Some(method)));
    let pay = &setup["payment"];
    assert_eq!((pay["status"].as_str(), pay["amount"].as_str()), (Some("paying"), Some("150.00")), "{pay}");
    let external = pay["flow"]["external_id"].as_str().unwrap();
    assert_eq!(pay["flow"]["confirmation_url"].as_str(), Some(format!("https://cards.test/pay/{external}").as_str()));
    let asked = app.cards().requests();
    assert_eq!(asked.len(), 1);
    assert!(asked[0].save_method && asked[0].saved_method_token.is_none(), "the gateway is asked to keep the card");
    let (status, listed) = json_of(portal.get(&list)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["methods"].as_array().unwrap().len(), 1);
    assert_eq!((listed["methods"][0]["status"].as_str(), listed["balance_linked_services"].as_i64()), (Some("configuring"), Some(0)));
    assert_eq!(app.balance(client).await, "0.00");

    // The payer pays: the method works and the set-up amount is on the balance.
    let outcome = app.pay_on_page(pay, true).await;
    assert_eq!((outcome["outcome"].as_str(), outcome["payment_id"].as_i64()), (Some("credited"), pay["id"].as_i64()));
    let (status, got) = json_of(portal.get(app.url(&format!("/saved-methods/{id}")))).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!((got["status"].as_str(), got["status_label"].as_str(), got["linked_services"].as_i64()), (Some("enabled"), Some("Включено"), Some(0)));
    assert_eq!(app.balance(client).await, "150.00");
    assert_eq!(app.get(&format!("/payments/{}", pay["id"])).await["status"], "credited");

    // Renamed (trimmed); an empty name is refused with the field's code.
    let one = app.url(&format!("/saved-methods/{id}"));
    let (status, renamed) = json_of(portal.put(&one).json(&json!({ "name": "  Моя карта  " }))).await;
    assert_eq!((status, renamed["name"].as_str(), renamed["status"].as_str()), (StatusCode::OK, Some("Моя карта"), Some("enabled")), "{renamed}");
    for bad in ["", "   "] {
        let (status, e) = json_of(portal.put(&one).json(&json!({ "name": bad }))).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")), "{e}");
    }
    let (status, e) = json_of(portal.put(&one).json(&json!({ "title": "x" }))).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_body")), "{e}");
    assert_eq!(app.get(&format!("/saved-methods/{id}")).await["name"], "Моя карта");

    // "Настроить повторно": configuring again with a new set-up payment of
    // the method's minimum (none here: 1.00), enabled once it is paid.
    let (status, again) = json_of(portal.post(app.url(&format!("/saved-methods/{id}/reconfigure"))).json(&json!({}))).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!((again["saved_method"]["status"].as_str(), again["payment"]["amount"].as_str()), (Some("configuring"), Some("1.00")));
    assert_eq!(app.pay_on_page(&again["payment"], true).await["outcome"], "credited");
    assert_eq!(app.get(&format!("/saved-methods/{id}")).await["status"], "enabled");
    assert_eq!(app.balance(client).await, "151.00");

    // Another client's user sees none of it.
    app.client("OTHER", None).await;
    let other = app.portal("OTHER").await;
    for r in [other.get(&one), other.put(&one).json(&json!({ "name": "mine" })), other.delete(&one), other.get(&list)] {
        let (status, e) = json_of(r).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{e}");
    }
    let (status, e) = json_of(other.post(app.url(&format!("/saved-methods/{id}/reconfigure"))).json(&json!({}))).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{e}");
    assert_eq!(app.get(&format!("/saved-methods/{id}")).await["name"], "Моя карта");
    // Nor may anyone who is not logged in.
    let (status, e) = json_of(app.http.get(&one)).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")));
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn pmt6_a_failed_setup_payment_leaves_the_method_not_working_until_set_up_again(db) {
    let app = App::spawn(db).await;
    let (client, payer) = app.client("DECL", None).await;
    let method = app.card_method("card", "Card", Some(("50.00", "15000.00"))).await;
    let portal = app.portal("DECL").await;
    let (status, setup) =
        json_of(portal.post(app.url(&format!("/clients/{client}/saved-methods"))).json(&json!({ "payer_id": payer, "method_id": method }))).await;
    assert_eq!(status, StatusCode::CREATED, "{setup}");
    // No amount: the method's minimum; no name: "<method> #<id>".
    let id = setup["saved_method"]["id"].as_i64().unwrap();
    assert_eq!(setup["saved_method"]["name"].as_str(), Some(format!("Card #{id}").as_str()));
    assert_eq!(setup["payment"]["amount"], "50.00");
    assert_eq!(app.pay_on_page(&setup["payment"], false).await["outcome"], "failed");
    let got = app.get(&format!("/saved-methods/{id}")).await;
    assert_eq!((got["status"].as_str(), got["status_label"].as_str()), (Some("not_working"), Some("Не работает")), "{got}");
    assert_eq!(app.get(&format!("/payments/{}", setup["payment"]["id"])).await["status"], "failed");
    assert_eq!(app.balance(client).await, "0.00");
    // Set up again, and paid this time: it works.
    let (status, again) = json_of(portal.post(app.url(&format!("/saved-methods/{id}/reconfigure"))).json(&json!({ "amount": "60.00" }))).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!((again["saved_method"]["status"].as_str(), again["payment"]["amount"].as_str()), (Some("configuring"), Some("60.00")));
    assert_eq!(app.pay_on_page(&again["payment"], true).await["outcome"], "credited");
    assert_eq!(app.get(&format!("/saved-methods/{id}")).await["status"], "enabled");
    assert_eq!(app.balance(client).await, "60.00");
    // A bank transfer can't be saved.
    let (_, bank) = app.post("/payment-methods", json!({
        "prefix": "bank", "name": "Bank", "gateway": "bank_transfer", "currency": "RUB", "payer_kinds": ["individual"] })).await;
    let (status, e) = app.post(&format!("/clients/{client}/saved-methods"), json!({ "payer_id": payer, "method_id": bank["id"] })).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::CONFLICT, Some("method_not_savable")), "{e}");
});

backend_test!(async fn pmt7_a_service_renews_by_its_saved_method_until_the_method_is_deleted(db) {
    let app = App::spawn(db).await;
    let (client, payer) = app.client("RENEW", None).await;
    let method = app.card_method("card", "Card", None).await;
    let service = app.vds("VDS-2", "300.00").await;
    let portal = app.portal("RENEW").await;
    let saved = app.saved_method(&portal, client, json!({ "payer_id": payer, "method_id": method, "name": "Visa *1111", "amount": "700.00" })).await;
    assert_eq!(app.balance(client).await, "700.00");

    // Ordered paid from the balance, renewing by the saved method.
    let order = json!({ "service_id": service, "months": 1, "saved_method_id": saved });
    let (status, sub) = json_of(portal.post(app.url(&format!("/clients/{client}/paid-subscriptions"))).json(&order)).await;
    assert_eq!(status, StatusCode::CREATED, "{sub}");
    let sub_id = sub["id"].as_i64().unwrap();
    assert_eq!((sub["style"].as_str(), sub["auto_renew"].as_bool()), (Some("paid_period"), Some(true)));
    assert_eq!(app.balance(client).await, "400.00");

    let renewals = app.url(&format!("/clients/{client}/auto-renewals"));
    let (status, list) = json_of(portal.get(&renewals)).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    let r = &list[0];
    let what = (r["subscription_id"].as_i64(), r["service_name"].as_str(), r["product_type"].as_str());
    // PMT-7: "Тип продукта" is the product's type; a catalog service is an ISP service.
    assert_eq!(what, (Some(sub_id), Some("VDS-2"), Some("isp_service")));
    assert_eq!(r["product_type_label"].as_str(), Some("Услуги связи"));
    assert_eq!((r["saved_method_id"].as_i64(), r["method_name"].as_str()), (Some(saved), Some("Visa *1111")));
    assert_eq!((r["cost"].as_str(), r["period_months"].as_i64(), r["state"].as_str()), (Some("300.00"), Some(1), Some("active")));
    // Paid until 2026-04-01 09:00 UTC (12:00 provider time): tried the day before.
    assert_eq!((r["next_renewal_on"].as_str(), r["paid_until"].as_str()), (Some("2026-03-31"), Some("2026-04-01T09:00:00Z")));
    assert!(r["renewal_failed_on"].is_null() && r["renewal_held"].is_null(), "{r}");
    let methods = app.get(&format!("/clients/{client}/saved-methods")).await;
    assert_eq!((methods["methods"][0]["linked_services"].as_i64(), methods["balance_linked_services"].as_i64()), (Some(1), Some(0)));

    // Switched to the balance ("Лицевой счет") and back.
    let choose = app.url(&format!("/subscriptions/{sub_id}/renewal-method"));
    let (status, r) = json_of(portal.put(&choose).json(&json!({}))).await;
    assert_eq!((status, r["saved_method_id"].is_null(), r["method_name"].as_str()), (StatusCode::OK, true, Some("Лицевой счет")), "{r}");
    let methods = app.get(&format!("/clients/{client}/saved-methods")).await;
    assert_eq!((methods["methods"][0]["linked_services"].as_i64(), methods["balance_linked_services"].as_i64()), (Some(0), Some(1)));
    let (status, r) = json_of(portal.put(&choose).json(&json!({ "saved_method_id": saved }))).await;
    assert_eq!((status, r["saved_method_id"].as_i64(), r["method_name"].as_str()), (StatusCode::OK, Some(saved), Some("Visa *1111")), "{r}");
    // Another client's method, or another client's user: not found.
    let (other, other_payer) = app.client("RENEW2", None).await;
    let other_portal = app.portal("RENEW2").await;
    let theirs = app.saved_method(&other_portal, other, json!({ "payer_id": other_payer, "method_id": method })).await;
    let (status, e) = json_of(portal.put(&choose).json(&json!({ "saved_method_id": theirs }))).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{e}");
    let (status, e) = json_of(other_portal.put(&choose).json(&json!({ "saved_method_id": theirs }))).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{e}");
    let (status, e) = json_of(other_portal.get(&renewals)).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{e}");

    // The night before the paid time ends, the service renews by the card:
    // the payment is credited and pays the next month at once.
    app.t.clock.set(Utc.with_ymd_and_hms(2026, 3, 31, 0, 30, 0).unwrap());
    let night = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
    let report = app.t.engine.run_auto_renewals(&Ctx::system("test"), night).await.unwrap();
    assert_eq!((report.renewed, report.payments_started, report.failed, report.held), (0, 1, 0, 0), "{report:?}");
    let renewal = app.cards().requests().pop().unwrap();
    assert_eq!((renewal.amount.to_string(), renewal.save_method, renewal.saved_method_token.is_some()), ("300.00".into(), false, true));
    let sub = app.get(&format!("/subscriptions/{sub_id}")).await;
    assert_eq!((sub["paid_until"].as_str(), sub["auto_renew"].as_bool()), (Some("2026-05-01T09:00:00Z"), Some(true)), "{sub}");
    let r = &app.get(&format!("/clients/{client}/auto-renewals")).await[0];
    assert_eq!((r["next_renewal_on"].as_str(), r["method_name"].as_str()), (Some("2026-04-30"), Some("Visa *1111")), "{r}");
    assert_eq!(app.balance(client).await, "400.00");
    // Run again, the night charges nothing twice.
    let again = app.t.engine.run_auto_renewals(&Ctx::system("test"), night).await.unwrap();
    assert_eq!((again.renewed, again.payments_started, again.failed), (0, 0, 0), "{again:?}");
    assert_eq!(app.get(&format!("/subscriptions/{sub_id}")).await["paid_until"], "2026-05-01T09:00:00Z");
    // A month on, the portal session has run out: the owner logs in again.
    let portal = app.portal("RENEW").await;

    // Deleting the method switches the service's auto-renewal off, and says so.
    let (status, deleted) = json_of(portal.delete(app.url(&format!("/saved-methods/{saved}")))).await;
    assert_eq!(status, StatusCode::OK, "{deleted}");
    assert_eq!(deleted, json!({ "id": saved, "auto_renew_switched_off": [sub_id], "autopay_switched_off": false }));
    let (status, list) = json_of(portal.get(&renewals)).await;
    assert_eq!((status, list), (StatusCode::OK, json!([])));
    let sub = app.get(&format!("/subscriptions/{sub_id}")).await;
    assert_eq!((sub["auto_renew"].as_bool(), sub["state"].as_str()), (Some(false), Some("active")), "{sub}");
    let (status, e) = json_of(portal.get(app.url(&format!("/saved-methods/{saved}")))).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{e}");
    let methods = app.get(&format!("/clients/{client}/saved-methods")).await;
    assert_eq!(methods, json!({ "methods": [], "balance_linked_services": 0 }));
    // The balance keeps what the set-up paid; the method's payment stays.
    assert_eq!(app.balance(client).await, "400.00");
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn pmt5_the_autopay_form_forecasts_the_month_and_an_unlimited_max_needs_an_unlimited_method(db) {
    let app = App::spawn(db).await;
    let (client, payer) = app.client("AUTO", None).await;
    let free = app.card_method("card", "Card", None).await;
    let limited = app.card_method("lim", "Limited card", Some(("10.00", "15000.00"))).await;
    let service = app.vds("VDS-4", "620.00").await;
    app.credit(client, "1000.00").await;
    let portal = app.portal("AUTO").await;

    // One service of 620.00 a month, renewing from the balance on 2026-03-31.
    let (status, sub) = app.post(&format!("/clients/{client}/paid-subscriptions"), json!({ "service_id": service, "months": 1 })).await;
    assert_eq!(status, StatusCode::CREATED, "{sub}");
    let form_url = app.url(&format!("/clients/{client}/autopay"));
    let (status, form) = json_of(portal.get(&form_url)).await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert_eq!(form, json!({
        "client_id": client, "currency": "RUB", "forecast_min": "620.00", "forecast_max": "620.00", "recommended_max": "682.00",
        "methods": [], "current": null,
    }));

    let free_saved = app.saved_method(&portal, client, json!({ "payer_id": payer, "method_id": free, "name": "Visa", "amount": "100.00" })).await;
    let lim_saved = app.saved_method(&portal, client, json!({ "payer_id": payer, "method_id": limited, "name": "Mir" })).await;
    let form = app.get(&format!("/clients/{client}/autopay")).await;
    assert_eq!((form["forecast_max"].as_str(), form["recommended_max"].as_str()), (Some("620.00"), Some("682.00")));
    assert_eq!(form["methods"], json!([
        { "saved_method_id": free_saved, "name": "Visa", "status": "enabled", "min_amount": null, "max_amount": null,
          "selectable_when_unlimited": true },
        { "saved_method_id": lim_saved, "name": "Mir", "status": "enabled", "min_amount": "10.00", "max_amount": "15000.00",
          "selectable_when_unlimited": false },
    ]));

    // The recommended maximum with the limited method: stored.
    let (status, set) = json_of(portal.put(&form_url).json(&json!({ "saved_method_id": lim_saved, "monthly_max": "682.00" }))).await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(set["current"], json!({ "saved_method_id": lim_saved, "monthly_max": "682.00", "enabled": true, "paid_this_month": "0.00" }));
    // ∞ with a method that has amount limits: refused, nothing changes.
    let (status, e) = json_of(portal.put(&form_url).json(&json!({ "saved_method_id": lim_saved, "monthly_max": null }))).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("method_limited")), "{e}");
    let (status, e) = json_of(portal.put(&form_url).json(&json!({ "saved_method_id": lim_saved }))).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("method_limited")), "{e}");
    assert_eq!(app.get(&format!("/clients/{client}/autopay")).await["current"]["monthly_max"], "682.00");
    // ∞ with the method without limits: allowed.
    let (status, set) = json_of(portal.put(&form_url).json(&json!({ "saved_method_id": free_saved, "monthly_max": null }))).await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(set["current"], json!({ "saved_method_id": free_saved, "monthly_max": null, "enabled": true, "paid_this_month": "0.00" }));
    // Another client's method, or another client's user: not found.
    let (other, other_payer) = app.client("AUTO2", None).await;
    let other_portal = app.portal("AUTO2").await;
    let theirs = app.saved_method(&other_portal, other, json!({ "payer_id": other_payer, "method_id": free })).await;
    let (status, e) = json_of(portal.put(&form_url).json(&json!({ "saved_method_id": theirs, "monthly_max": "100.00" }))).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{e}");
    let (status, e) = json_of(other_portal.get(&form_url)).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{e}");

    // Deleting the autopayment's method switches the autopayment off.
    let (status, deleted) = json_of(portal.delete(app.url(&format!("/saved-methods/{free_saved}")))).await;
    assert_eq!(status, StatusCode::OK, "{deleted}");
    assert_eq!(deleted, json!({ "id": free_saved, "auto_renew_switched_off": [], "autopay_switched_off": true }));
    let form = app.get(&format!("/clients/{client}/autopay")).await;
    assert_eq!(form["current"]["enabled"], false, "{form}");
    assert_eq!(form["methods"].as_array().unwrap().len(), 1, "{form}");
});

backend_test!(async fn crd5_the_credit_dashboard_shows_the_limit_what_is_left_and_the_invoice(db) {
    let app = App::spawn(db).await;
    let (client, _) = app.client("CRED", Some("1000.00")).await;
    let service = app.vds("VDS-4", "620.00").await;
    let portal = app.portal("CRED").await;
    let credit = app.url(&format!("/clients/{client}/credit"));
    let invoices = app.url(&format!("/clients/{client}/credit-invoices"));

    let (status, d) = json_of(portal.get(&credit)).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d, json!({
        "client_id": client, "currency": "RUB", "status": "normal", "limit": "1000.00", "available": "1000.00", "to_pay": "0.00",
        "overdue": "0.00", "unpaid_since_invoice": "0.00", "open_invoices": [], "expenses_by_day": [],
    }));

    // A month of 620.00 paid on credit (on 2026-03-01, provider time).
    let order = json!({ "service_id": service, "months": 1, "auto_renew": false });
    let (status, sub) = json_of(portal.post(app.url(&format!("/clients/{client}/paid-subscriptions"))).json(&order)).await;
    assert_eq!(status, StatusCode::CREATED, "{sub}");
    assert_eq!(app.balance(client).await, "-620.00");
    let (status, d) = json_of(portal.get(&credit)).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!((d["status"].as_str(), d["limit"].as_str(), d["available"].as_str()), (Some("normal"), Some("1000.00"), Some("380.00")));
    assert_eq!((d["to_pay"].as_str(), d["overdue"].as_str(), d["unpaid_since_invoice"].as_str()), (Some("0.00"), Some("0.00"), Some("620.00")));
    assert_eq!(d["expenses_by_day"], json!([{ "day": "2026-03-01", "amount": "620.00" }]));
    let (status, list) = json_of(portal.get(&invoices)).await;
    assert_eq!((status, list), (StatusCode::OK, json!([])));

    // On April 1st the night invoices March: due by the 15th, blocked on the 30th.
    app.t.clock.set(Utc.with_ymd_and_hms(2026, 4, 1, 0, 30, 0).unwrap());
    let april_1 = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
    let report = app.t.engine.run_credit_cycle(&Ctx::system("test"), april_1).await.unwrap();
    assert_eq!(report.invoices_issued, 1, "{report:?}");
    // A month on, the portal session has run out: the owner logs in again.
    let (status, e) = json_of(portal.get(&invoices)).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")), "{e}");
    let portal = app.portal("CRED").await;
    let (status, list) = json_of(portal.get(&invoices)).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let inv = &list[0];
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!((inv["cycle"].as_str(), inv["issued_on"].as_str(), inv["due_on"].as_str()), (Some("2026-04"), Some("2026-04-01"), Some("2026-04-15")));
    assert_eq!((inv["overdue_from"].as_str(), inv["block_on"].as_str()), (Some("2026-04-16"), Some("2026-04-30")));
    assert_eq!((inv["amount"].as_str(), inv["paid"].as_str(), inv["remaining"].as_str()), (Some("620.00"), Some("0.00"), Some("620.00")));
    assert_eq!((inv["state"].as_str(), inv["state_label"].as_str()), (Some("to_pay"), Some("к оплате")));
    let (status, d) = json_of(portal.get(&credit)).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!((d["status"].as_str(), d["available"].as_str(), d["to_pay"].as_str()), (Some("due"), Some("380.00"), Some("620.00")));
    assert_eq!((d["overdue"].as_str(), d["unpaid_since_invoice"].as_str()), (Some("0.00"), Some("0.00")));
    assert_eq!(d["open_invoices"], json!([inv.clone()]));

    // Another client's user, or nobody logged in: refused.
    app.client("CRED2", None).await;
    let other = app.portal("CRED2").await;
    for url in [&credit, &invoices] {
        let (status, e) = json_of(other.get(url)).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{e}");
        let (status, e) = json_of(app.http.get(url)).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")), "{e}");
    }
});

backend_test!(async fn renewals_endpoints_are_in_the_openapi(db) {
    let app = App::spawn(db).await;
    let spec: Value = app.http.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    for (path, method) in [
        ("/api/v1/clients/{id}/saved-methods", "get"), ("/api/v1/clients/{id}/saved-methods", "post"),
        ("/api/v1/saved-methods/{id}", "get"), ("/api/v1/saved-methods/{id}", "put"), ("/api/v1/saved-methods/{id}", "delete"),
        ("/api/v1/saved-methods/{id}/reconfigure", "post"), ("/api/v1/clients/{id}/auto-renewals", "get"),
        ("/api/v1/subscriptions/{id}/renewal-method", "put"), ("/api/v1/clients/{id}/autopay", "get"),
        ("/api/v1/clients/{id}/autopay", "put"), ("/api/v1/clients/{id}/credit", "get"), ("/api/v1/clients/{id}/credit-invoices", "get"),
    ] {
        assert_eq!(spec["paths"][path][method]["tags"], json!(["renewals"]), "{method} {path} in the OpenAPI");
    }
    // Every schema a path refers to is in the document.
    let text = spec.to_string();
    let schemas = &spec["components"]["schemas"];
    for name in text.split("\"#/components/schemas/").skip(1).map(|s| &s[..s.find('"').unwrap()]) {
        assert!(schemas[name].is_object(), "schema {name} is referred to but missing");
    }
    for name in ["SavedMethods", "SavedMethodSetup", "AutoRenewal", "AutopayForm", "AutopayMethod", "CreditDashboard", "CreditInvoice"] {
        assert!(schemas[name].is_object(), "{name}");
    }
});
