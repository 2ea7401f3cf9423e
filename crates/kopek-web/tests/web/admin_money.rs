//! The staff panel's money screens over plain HTTP, on both backends
//! (OPS-5, PMT-4, CHG-1, CHG-8, ACC-4): a 1C statement previewed then
//! credited, the night dry-run per client then run, and the roles that may
//! not — support reaches no money page nor its API, read-only sees and
//! changes nothing.

use chrono::{TimeZone, Utc};
use kopek_engine::Ctx;
use kopek_store::backend_test;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::pages::{field_error, text_at};
use crate::common::{App, json_of};
use crate::statement::{cp1251, statement};

/// Two bank transfers of `client` awaiting their money: their numbers.
async fn two_transfers(app: &App, client: i64, payer: i64) -> (String, String) {
    let method = app
        .method(json!({ "prefix": "bank", "name": "Bank transfer", "gateway": "bank_transfer", "currency": "RUB",
                        "payer_kinds": ["individual", "legal_entity", "sole_proprietor"] }))
        .await;
    let mut numbers = Vec::new();
    for amount in ["1000.00", "250.00"] {
        let body = json!({ "payer_id": payer, "method_id": method, "amount": amount });
        let (status, pay) = app.post(&format!("/clients/{client}/payments/start"), body).await;
        assert_eq!(status, StatusCode::CREATED, "{pay}");
        numbers.push(pay["number"].as_str().unwrap().to_string());
    }
    (numbers[0].clone(), numbers[1].clone())
}

/// The outcome column of each line of the report: (document, outcome).
fn outcomes(html: &str) -> Vec<(String, String)> {
    html.split("data-test=\"statement-line-")
        .skip(1)
        .map(|row| {
            let number = row[..row.find('"').unwrap()].to_string();
            let outcome = &row[row.find("data-outcome=\"").unwrap() + 14..];
            (number, outcome[..outcome.find('"').unwrap()].to_string())
        })
        .collect()
}

/// The hex-encoded file the preview carries on to the credit step.
fn carried_file(html: &str) -> String {
    let at = html.find("name=\"file\" value=\"").expect("the preview carries the file") + 19;
    html[at..at + html[at..].find('"').unwrap()].to_string()
}

backend_test!(async fn ops5_pmt4_an_accountant_previews_a_1c_statement_then_credits_the_matched_transfers(db) {
    let app = App::spawn(db).await;
    let (client, payer) = app.client("BANK", None).await;
    let (first, second) = two_transfers(&app, client, payer).await;
    let file = cp1251(&statement(&[
        ("311", "1000.00", format!("Оплата по счёту № {} за хостинг. Без НДС", first.to_uppercase())),
        ("58", "200.00", format!("Оплата счета {second}, в т.ч. НДС 20%")),
        ("1024", "77.00", "Возврат излишне перечисленных средств по договору 15/2024".to_string()),
    ]));
    let email = app.staff_user("accountant").await;
    let pages = app.admin_pages(&email, "staff-password").await;
    assert!(pages.page("/admin/payments").await.contains("href=\"/admin/payments/statement\""));

    // No file, then a file that is no statement: the reason next to the field.
    let none = pages.upload("/admin/payments/statement", &[], &[]).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&none.html, "statement").as_deref(), Some("Выберите файл выписки"));
    let junk = pages.upload("/admin/payments/statement", &[], &[("statement", "photo.txt", b"not a statement")]).await;
    assert_eq!(junk.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&junk.html, "statement").unwrap().starts_with("Это не выписка 1С: "), "{}", junk.html);

    // Before: what would be credited, nothing credited.
    let before = pages.upload("/admin/payments/statement", &[], &[("statement", "kl_to_1c.txt", &file)]).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.html);
    assert_eq!(text_at(&before.html, "data-test=\"statement-stage\"").as_deref(), Some("Что будет зачислено"));
    assert_eq!(
        outcomes(&before.html),
        [("311".into(), "matched".into()), ("58".into(), "wrong_amount".into()), ("1024".into(), "unknown".into())]
    );
    assert!(before.html.contains("сумма не совпадает: платёж ждёт 250,00"), "{}", before.html);
    assert_eq!(app.balance(client).await, "0.00", "a preview credits nothing");

    // After: the matched transfer credited, once, whatever is sent again.
    let hex = carried_file(&before.html);
    let after = pages.upload("/admin/payments/statement/credit", &[("file", &hex)], &[]).await;
    assert_eq!(after.status, StatusCode::OK, "{}", after.html);
    assert_eq!(text_at(&after.html, "data-test=\"statement-stage\"").as_deref(), Some("Что зачислено"));
    assert_eq!(outcomes(&after.html)[0], ("311".into(), "credited".into()));
    assert_eq!(app.balance(client).await, "1000.00");
    let again = pages.upload("/admin/payments/statement/credit", &[("file", &hex)], &[]).await;
    assert_ne!(outcomes(&again.html)[0].1, "credited");
    assert_eq!(app.balance(client).await, "1000.00");
    let audit = app.get(&format!("/audit?client_id={client}&action=payment.statement_credit")).await;
    assert_eq!(audit["records"].as_array().unwrap().len(), 1, "{audit}");
    assert_eq!(audit["records"][0]["actor"], "accountant@staff.test");
});

/// A daily 10.00 internet service and a client on it since 1 March 12:00
/// provider time (5.00 charged at connection): the client's id.
async fn client_on_internet(app: &App) -> i64 {
    let spec = json!({ "spec": {
        "main": { "name": "Internet 100", "kind": "periodic" },
        "fee": { "price": "310.00", "write_off": "daily", "currency": "RUB" }
    }, "valid_from": "2026-01-01" });
    let (status, svc) = app.post("/services", spec).await;
    assert_eq!(status, StatusCode::CREATED, "{svc}");
    let client = app.owned_client("NIGHT", Some("100")).await;
    let (status, sub) = app.post(&format!("/clients/{client}/subscriptions"), json!({ "service_id": svc["id"] })).await;
    assert_eq!(status, StatusCode::CREATED, "{sub}");
    assert_eq!(app.balance(client).await, "-5.00");
    client
}

backend_test!(async fn ops5_chg8_an_admin_dry_runs_a_night_per_client_then_runs_it_once_it_has_come(db) {
    let app = App::spawn(db).await;
    let client = client_on_internet(&app).await;
    let email = app.staff_user("admin").await;
    let pages = app.admin_pages(&email, "staff-password").await;
    let html = pages.page("/admin/night").await;
    assert!(html.contains("data-test=\"no-runs\""), "{html}");

    // A wrong date stays next to its field.
    let bad = pages.form("/admin/night/rehearsal", &[("date", "2026-02-30")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&bad.html, "date").as_deref(), Some("Введите дату, например 2026-01-31"));

    // The dry run of a night still to come: per client and in total.
    let dry = pages.form("/admin/night/rehearsal", &[("date", "2026-03-02")]).await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.html);
    let row = &dry.html[dry.html.find(&format!("data-test=\"rehearsal-client-{client}\"")).expect("the client is in the dry run")..];
    assert_eq!(text_at(row, "data-test=\"before\"").as_deref(), Some("-5,00"));
    assert_eq!(text_at(row, "data-test=\"after\"").as_deref(), Some("-15,00"));
    assert_eq!(text_at(&dry.html, "data-test=\"sum-charged\"").as_deref(), Some("10,00"));
    assert_eq!(text_at(&dry.html, "data-test=\"sum-charges\"").as_deref(), Some("1"));
    assert_eq!(app.balance(client).await, "-5.00", "a dry run changes nothing");
    assert!(dry.html.contains("data-test=\"no-runs\""), "a dry run is no run");

    // Its 02:00 has not come: refused next to the date, nothing run.
    let early = pages.form("/admin/night/run", &[("date", "2026-03-02")]).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(field_error(&early.html, "date").as_deref(), Some("Эта ночь ещё не наступила: её можно только пробно прогнать."));
    assert_eq!(app.balance(client).await, "-5.00");

    // At 03:00 on the 2nd (provider time) it runs; a second run charges nothing more.
    app.t.clock.set(Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap());
    pages.form("/admin/night/run", &[("date", "2026-03-02")]).await.assert_redirect("/admin/night");
    assert_eq!(app.balance(client).await, "-15.00");
    pages.form("/admin/night/run", &[("date", "2026-03-02")]).await.assert_redirect("/admin/night");
    assert_eq!(app.balance(client).await, "-15.00");
    let html = pages.page("/admin/night").await;
    assert_eq!(text_at(&html, "data-test=\"notice\"").as_deref(), Some("Ночной прогон выполнен"));
    let runs: Vec<(Option<String>, Option<String>)> = html
        .split("data-test=\"night-run-2026-03-02\"")
        .skip(1)
        .map(|row| (text_at(row, "data-test=\"charges\""), text_at(row, "data-test=\"charged\"")))
        .collect();
    // Newest first: the second run found nothing left to charge.
    assert_eq!(runs, [(Some("0".into()), Some("0,00".into())), (Some("1".into()), Some("10,00".into()))]);
    let api = app.get("/night-runs").await;
    assert_eq!(api["runs"].as_array().unwrap().len(), 2);
    assert_eq!((api["runs"][1]["summary"]["charged"].as_str(), api["runs"][1]["started_by"].as_str()), (Some("10.00"), Some("admin@staff.test")));
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn acc4_support_reaches_no_money_page_nor_its_api_and_read_only_changes_nothing(db) {
    let app = App::spawn(db).await;
    let client = client_on_internet(&app).await;
    let support = app.staff_user("support").await;
    let pages = app.admin_pages(&support, "staff-password").await;
    let html = pages.page("/admin/clients").await;
    assert!(!html.contains("data-nav=\"payments\"") && !html.contains("data-nav=\"night\""), "{html}");
    for path in ["/admin/payments", "/admin/payments/statement", "/admin/night"] {
        assert_eq!(pages.get(path).await.0, StatusCode::FORBIDDEN, "{path}");
    }
    let token = app.t.engine.create_token(&Ctx::system("test"), &support, "support").await.unwrap();
    let as_support = |method: Method, path: &str| app.http.request(method, app.url(path)).bearer_auth(&token);
    let refused: Vec<(StatusCode, Value)> = vec![
        json_of(as_support(Method::GET, "/night-runs")).await,
        json_of(as_support(Method::POST, "/nights/rehearsal").json(&json!({ "date": "2026-03-01" }))).await,
        json_of(as_support(Method::POST, "/nights").json(&json!({ "date": "2026-03-01" }))).await,
        json_of(as_support(Method::POST, "/bank-statements/preview").header("content-type", "text/plain").body(cp1251(&statement(&[("7", "5.00", "Оплата".to_string())])))).await,
    ];
    for (status, body) in refused {
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{body}");
    }

    // Read-only sees the night and the transfers, and can run nothing.
    let viewer = app.staff_user("read_only").await;
    let pages = app.admin_pages(&viewer, "staff-password").await;
    let html = pages.page("/admin/night").await;
    assert!(html.contains("data-test=\"night-no-right\"") && !html.contains("data-test=\"night-run\""), "{html}");
    pages.page("/admin/payments").await;
    let refused = pages.form("/admin/night/run", &[("date", "2026-03-01")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(field_error(&refused.html, "date").is_some(), "{}", refused.html);
    assert_eq!(app.balance(client).await, "-5.00");
    assert!(app.get("/night-runs").await["runs"].as_array().unwrap().is_empty());
});

backend_test!(async fn ops5_led4_an_accountant_reverses_an_expense_and_a_payment_with_their_reasons(db) {
    let app = App::spawn(db).await;
    let client = app.owned_client("FIX", None).await;
    app.credit(client, "1000.00").await;
    let (status, expense) = app.post(&format!("/clients/{client}/expenses"), json!({ "name": "Настройка сервера", "amount": "400.00", "currency": "RUB" })).await;
    assert_eq!(status, StatusCode::CREATED, "{expense}");
    let payment = app.get(&format!("/clients/{client}/payments")).await[0]["id"].as_i64().unwrap();
    let expense = expense["id"].as_i64().unwrap();
    assert_eq!(app.balance(client).await, "600.00");

    let accountant = app.staff_user("accountant").await;
    let pages = app.admin_pages(&accountant, "staff-password").await;
    let card = pages.page(&format!("/admin/clients/{client}")).await;
    assert!(card.contains(&format!("href=\"/admin/expenses/{expense}\"")) && card.contains(&format!("href=\"/admin/payments/{payment}\"")));
    let html = pages.page(&format!("/admin/expenses/{expense}")).await;
    assert_eq!(text_at(&html, "data-test=\"entry-status\"").as_deref(), Some("Проведён"));
    assert!(html.contains(&format!("href=\"/admin/payments/{payment}\"")), "what paid it: {html}");

    // No reason: next to the field, nothing reversed.
    let bare = pages.form(&format!("/admin/expenses/{expense}/reverse"), &[("reason", "  ")]).await;
    assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&bare.html, "reason").is_some(), "{}", bare.html);
    assert_eq!(app.balance(client).await, "600.00");

    pages.form(&format!("/admin/expenses/{expense}/reverse"), &[("reason", "Настройка не понадобилась")]).await.assert_redirect(&format!("/admin/expenses/{expense}"));
    let html = pages.page(&format!("/admin/expenses/{expense}")).await;
    assert_eq!(text_at(&html, "data-test=\"entry-status\"").as_deref(), Some("Сторнирован"));
    assert!(!html.contains("data-test=\"correct-form\""), "a reversed expense has nothing left to correct");
    assert_eq!(app.balance(client).await, "1000.00");

    // A manual payment is reversed; no gateway, so no refund button.
    let html = pages.page(&format!("/admin/payments/{payment}")).await;
    assert!(html.contains("data-test=\"reverse\"") && !html.contains("data-test=\"refund\""), "{html}");
    pages.form(&format!("/admin/payments/{payment}/reverse"), &[("reason", "Зачислен ошибочно")]).await.assert_redirect(&format!("/admin/payments/{payment}"));
    assert_eq!(app.balance(client).await, "0.00");
    let trail = app.get(&format!("/audit?client_id={client}&action=payment")).await;
    let reasons: Vec<String> = trail["records"].as_array().unwrap().iter().filter_map(|r| r["details"]["reason"].as_str().map(str::to_string)).collect();
    assert!(reasons.contains(&"Зачислен ошибочно".to_string()), "{trail}");

    // Read-only sees the entry and no form; a posted one is refused.
    let viewer = app.staff_user("read_only").await;
    let looking = app.admin_pages(&viewer, "staff-password").await;
    let (status, _) = app.post(&format!("/clients/{client}/expenses"), json!({ "name": "Диск", "amount": "50.00", "currency": "RUB" })).await;
    assert_eq!(status, StatusCode::CREATED);
    let second = app.get(&format!("/clients/{client}/expenses")).await.as_array().unwrap().iter().find(|x| x["name"] == "Диск").unwrap()["id"].as_i64().unwrap();
    assert!(!looking.page(&format!("/admin/expenses/{second}")).await.contains("data-test=\"correct-form\""));
    assert_eq!(looking.form(&format!("/admin/expenses/{second}/reverse"), &[("reason", "просто так")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.balance(client).await, "-50.00");
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn ops5_pmt1_pmt2_an_admin_configures_a_method_and_an_accountant_sets_a_rate(db) {
    let app = App::spawn(db).await;
    let admin = app.staff_user("admin").await;
    let pages = app.admin_pages(&admin, "staff-password").await;
    pages.page("/admin/methods/new").await;
    let fields = |commission: &'static str, prefix: &'static str| {
        vec![("prefix", prefix), ("name", "Карта"), ("gateway", "sandbox"), ("currency", "rub"), ("commission_percent", commission),
             ("commission_fixed", "10"), ("min_amount", "100"), ("max_amount", ""), ("cashback_percent", "1"),
             ("payer_kinds", "individual"), ("payer_kinds", "sole_proprietor"), ("enabled", "1"), ("instructions", "")]
    };
    let bad = pages.form("/admin/methods", &fields("пять", "card")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&bad.html, "commission_percent").as_deref(), Some("Введите сумму, например 250,00"));
    assert!(bad.html.contains("value=\"sole_proprietor\" checked"), "the ticks stay: {}", bad.html);
    pages.form("/admin/methods", &fields("2,5", "card")).await.assert_redirect("/admin/methods");
    let methods = app.get("/payment-methods").await;
    let m = &methods.as_array().unwrap()[0];
    assert_eq!((m["commission_label"].as_str(), m["limits_label"].as_str()), (Some("2.50% + 10.00"), Some("from 100.00")), "{m}");
    assert_eq!(m["payer_kinds"], json!(["individual", "sole_proprietor"]));
    let id = m["id"].as_i64().unwrap();
    let html = pages.page("/admin/methods").await;
    assert!(html.contains("data-test=\"method-card\""), "{html}");
    // The prefix stays what payment numbers carry.
    let moved = pages.form(&format!("/admin/methods/{id}"), &fields("2,5", "kart")).await;
    assert_eq!(moved.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&moved.html, "prefix").is_some(), "{}", moved.html);
    assert_eq!(app.get("/payment-methods").await[0]["prefix"], "card");

    // An accountant sets a rate; a wrong code stands next to its field.
    let accountant = app.staff_user("accountant").await;
    let counting = app.admin_pages(&accountant, "staff-password").await;
    assert!(!counting.page("/admin/methods").await.contains("data-test=\"method-new\""));
    assert_eq!(counting.form("/admin/methods", &fields("1", "other")).await.status, StatusCode::FORBIDDEN);
    let wrong = counting.form("/admin/rates", &[("base", "ZZZ"), ("quote", "RUB"), ("day", "2026-03-01"), ("rate", "92,5")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&wrong.html, "base").is_some(), "{}", wrong.html);
    counting.form("/admin/rates", &[("base", "usd"), ("quote", "RUB"), ("day", "2026-03-01"), ("rate", "92,5")]).await.assert_redirect("/admin/methods");
    let rates = app.get("/exchange-rates").await;
    assert_eq!(rates, json!([{ "base": "USD", "quote": "RUB", "day": "2026-03-01", "rate": "92.5" }]));
    let support = app.staff_user("support").await;
    assert_eq!(app.admin_pages(&support, "staff-password").await.get("/admin/methods").await.0, StatusCode::FORBIDDEN);
});

backend_test!(async fn ops5_crd2_the_night_screen_lists_the_credit_limit_invoices_it_issued(db) {
    let app = App::spawn(db).await;
    let client = app.owned_client("LIMIT", Some("1000"));
    let client = client.await;
    let (status, e) = app.post(&format!("/clients/{client}/expenses"), json!({ "name": "Сервер", "amount": "400.00", "currency": "RUB" })).await;
    assert_eq!(status, StatusCode::CREATED, "{e}");
    let admin = app.staff_user("admin").await;
    let pages = app.admin_pages(&admin, "staff-password").await;
    assert!(pages.page("/admin/night").await.contains("data-test=\"no-credit-invoices\""));

    // The night of 1 April invoices March's unpaid 400.00 (a month on, the
    // staff member logs in again).
    app.t.clock.set(Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap());
    let pages = app.admin_pages(&admin, "staff-password").await;
    pages.form("/admin/night/run", &[("date", "2026-04-01")]).await.assert_redirect("/admin/night");
    let html = pages.page("/admin/night").await;
    let invoices = app.get("/credit-invoices").await;
    let id = invoices["invoices"][0]["invoice"]["id"].as_i64().expect("an invoice");
    assert_eq!((invoices["invoices"][0]["client_id"].as_i64(), invoices["invoices"][0]["invoice"]["cycle"].as_str()), (Some(client), Some("2026-04")), "issued in April");
    let row = &html[html.find(&format!("data-test=\"credit-invoice-{id}\"")).unwrap()..];
    assert_eq!(text_at(row, "data-test=\"remaining\"").as_deref(), Some("400,00 ₽"));
    assert_eq!(text_at(row, "data-test=\"invoice-state\"").as_deref(), Some("к оплате"));
    assert!(row[..row.find("</tr>").unwrap()].contains("LIMIT · Client LIMIT"), "the client by code and name: {row}");
    let support = app.staff_user("support").await;
    let token = app.t.engine.create_token(&Ctx::system("test"), &support, "s").await.unwrap();
    let (status, _) = json_of(app.http.get(app.url("/credit-invoices")).bearer_auth(token)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
});

backend_test!(async fn ops5_ord3_an_admin_creates_and_archives_promo_codes_and_sees_products_and_uses(db) {
    let app = App::spawn(db).await;
    let spec = json!({ "spec": {
        "name": "VDS Fast", "product_type": "virtual_server", "currency": "RUB",
        "prices": [{ "months": 1, "price": "300.00" }, { "months": 3, "price": "850.00" }],
        "trial_days": 7
    } });
    let (status, product) = app.post("/products", spec).await;
    assert_eq!(status, StatusCode::CREATED, "{product}");
    let product = product["id"].as_i64().unwrap();
    let admin = app.staff_user("admin").await;
    let pages = app.admin_pages(&admin, "staff-password").await;
    let html = pages.page("/admin/products").await;
    let row = &html[html.find(&format!("data-test=\"product-{product}\"")).unwrap()..];
    assert_eq!(text_at(row, "data-test=\"prices\"").as_deref(), Some("1 мес. — 300,00 ₽; 3 мес. — 850,00 ₽"));

    // Bad input stays next to its field; nothing is created.
    let promo = |code: &'static str, value: &'static str, max: &'static str| {
        vec![("code", code), ("kind", "percent"), ("value", value), ("valid_from", "2026-03-01"), ("valid_to", ""),
             ("max_uses", max), ("max_uses_per_client", "1")]
    };
    let bad = pages.form("/admin/promos", &promo("SPRING", "150", "10")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&bad.html, "value").is_some(), "{}", bad.html);
    let bad = pages.form("/admin/promos", &promo("SPRING", "15", "десять")).await;
    assert_eq!(field_error(&bad.html, "max_uses").as_deref(), Some("Введите целое число, например 10"));
    assert!(app.get("/promo-codes").await.as_array().unwrap().is_empty());

    let mut only_vds = promo("SPRING", "15", "10");
    let id = product.to_string();
    only_vds.push(("products", id.as_str()));
    pages.form("/admin/promos", &only_vds).await.assert_redirect("/admin/products");
    let listed = app.get("/promo-codes").await;
    assert_eq!(listed[0]["promo"]["value"], json!({ "kind": "percent", "value": "15" }));
    assert_eq!((listed[0]["promo"]["products"].clone(), listed[0]["uses"].as_i64()), (json!([product]), Some(0)));
    let taken = pages.form("/admin/promos", &promo("spring", "5", "")).await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert!(field_error(&taken.html, "code").is_some());
    let html = pages.page("/admin/products").await;
    let row = &html[html.find("data-test=\"promo-SPRING\"").unwrap()..];
    assert_eq!(text_at(row, "data-test=\"uses\"").as_deref(), Some("0"));
    let promo_id = listed[0]["id"].as_i64().unwrap();
    pages.form(&format!("/admin/promos/{promo_id}/archive"), &[]).await.assert_redirect("/admin/products");
    assert_eq!(app.get("/promo-codes").await[0]["archived"], true);

    // Others read the lists; only admins create.
    let accountant = app.staff_user("accountant").await;
    let counting = app.admin_pages(&accountant, "staff-password").await;
    assert!(!counting.page("/admin/products").await.contains("data-test=\"promo-form\""));
    assert_eq!(counting.form("/admin/promos", &promo("AUTUMN", "10", "")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/promo-codes").await.as_array().unwrap().len(), 1);
});

backend_test!(async fn ops5_ord1_an_admin_adds_a_product_with_prices_add_ons_and_a_trial_through_the_form(db) {
    let app = App::spawn(db).await;
    let admin = app.staff_user("admin").await;
    let pages = app.admin_pages(&admin, "staff-password").await;
    let html = pages.page("/admin/products/new").await;
    assert!(html.contains("name=\"price_months_1\"") && html.contains("name=\"addon_code_1\""), "spare rows to fill: {html}");
    let mut fields = vec![
        ("name", "VDS Start"), ("product_type", "virtual_server"), ("description", "Для сайтов"), ("currency", "rub"),
        ("price_months_0", "1"), ("price_price_0", "300"), ("price_months_1", "12"), ("price_price_1", "3000,00"),
        ("addon_code_0", "ipv4"), ("addon_name_0", "Публичные IPv4-адреса"), ("addon_unit_0", "Шт."), ("addon_unit_price_0", "150"),
        ("addon_included_0", "1"), ("addon_min_0", "1"), ("addon_max_0", "8"), ("addon_default_0", "1"),
        ("param_name_0", "Оперативная память"), ("param_value_0", "2 ГиБ"),
        ("tax_percent", "20"), ("tax_included", "1"), ("trial_days", "7"), ("deletion_allowed", "1"),
    ];
    // A half-filled add-on row: each missing cell says so; nothing is made.
    let mut half = fields.clone();
    half.push(("addon_code_1", "disk"));
    let bad = pages.form("/admin/products", &half).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&bad.html, "addon_name_1").as_deref(), Some("Заполните это поле"));
    assert!(bad.html.contains("value=\"VDS Start\""), "what was typed stays");
    // A period priced twice is the domain's refusal, next to the prices.
    let mut twice = fields.clone();
    twice[6] = ("price_months_1", "1");
    let refused = pages.form("/admin/products", &twice).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&refused.html, "prices").is_some(), "{}", refused.html);
    assert!(app.get("/products").await.as_array().unwrap().is_empty());

    let sent = pages.form("/admin/products", &fields).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    let product = &app.get("/products").await[0];
    let id = product["id"].as_i64().unwrap();
    let spec = &product["spec"];
    assert_eq!(spec["prices"], json!([{ "months": 1, "price": "300" }, { "months": 12, "price": "3000.00" }]));
    assert_eq!((spec["addons"][0]["code"].as_str(), spec["addons"][0]["max"].as_u64()), (Some("ipv4"), Some(8)));
    assert_eq!((spec["trial_days"].as_u64(), spec["currency"].as_str()), (Some(7), Some("RUB")));
    assert_eq!(spec["parameters"], json!([{ "name": "Оперативная память", "value": "2 ГиБ" }]));

    // Edited: a new price, the trial dropped; the rest stays.
    let html = pages.page(&format!("/admin/products/{id}")).await;
    assert!(html.contains("value=\"Публичные IPv4-адреса\""), "{html}");
    fields[5] = ("price_price_0", "350");
    fields[20] = ("trial_days", "");
    pages.form(&format!("/admin/products/{id}"), &fields).await.assert_redirect(&format!("/admin/products/{id}"));
    let spec = &app.get(&format!("/products/{id}")).await["spec"];
    assert_eq!((spec["prices"][0]["price"].as_str(), spec["trial_days"].is_null()), (Some("350"), true));
    assert_eq!(spec["addons"].as_array().unwrap().len(), 1);
    let accountant = app.staff_user("accountant").await;
    let counting = app.admin_pages(&accountant, "staff-password").await;
    assert_eq!(counting.form(&format!("/admin/products/{id}"), &fields).await.status, StatusCode::FORBIDDEN);
});
