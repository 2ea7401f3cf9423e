//! Payments by a method over HTTP, on both backends: commission and cashback
//! through the sandbox's hosted page (PMT-3, PMT-4), bank transfers credited
//! by a 1C statement (PMT-4), the ledger checked after each (LED-1).

use crate::common::{App, Gateways, json_of};
use crate::statement::{cp1251, statement};
use kopek_integrations::SandboxOutcome;
use kopek_store::backend_test;
use reqwest::{Method, StatusCode};
use serde_json::json;

backend_test!(async fn pmt3_commission_and_cashback_through_the_sandbox(db) {
    let app = App::spawn_with(db, Gateways::Sandbox).await;
    let (client, payer) = app.client("SBX", None).await;
    let method = app.method(json!({
        "prefix": "sbx", "name": "Card (sandbox)", "gateway": "sandbox", "currency": "RUB",
        "commission_percent": "5", "commission_fixed": "10.00", "min_amount": "10.00", "max_amount": "15000.00",
        "cashback_percent": "10", "payer_kinds": ["individual", "legal_entity"], "enabled": true, "instructions": "Pay by card",
    })).await;
    let portal = app.portal("SBX").await;

    // The checkout's numbers for 20.00: 5 % of 20.00 + 10.00 = 11.00 on top.
    let q = app.get(&format!("/clients/{client}/payment-quote?payer_id={payer}&method_id={method}&amount=20.00")).await;
    assert_eq!((q["amount"].as_str(), q["commission"].as_str(), q["to_pay"].as_str()), (Some("20.00"), Some("11.00"), Some("31.00")));
    assert_eq!((q["cashback"].as_str(), q["credited"].as_str(), q["currency"].as_str()), (Some("3.10"), Some("20.00"), Some("RUB")));

    // Outside the limits: refused with the limits, and no payment is made.
    let start = app.url(&format!("/clients/{client}/payments/start"));
    for (amount, code) in [("9.99", "amount_below_minimum"), ("15000.01", "amount_above_maximum")] {
        let (status, e) = json_of(portal.post(&start).json(&json!({ "payer_id": payer, "method_id": method, "amount": amount }))).await;
        assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(code)), "{e}");
        assert!(e["message"].as_str().unwrap().contains("10.00 … 15000.00"), "{e}");
    }
    assert!(app.get(&format!("/clients/{client}/payments")).await.as_array().unwrap().is_empty());

    // The client's owner tops up 100.00 and is asked for 115.00.
    let (status, pay) = json_of(portal.post(&start).json(&json!({ "payer_id": payer, "method_id": method, "amount": "100.00" }))).await;
    assert_eq!(status, StatusCode::CREATED, "{pay}");
    assert!(pay["number"].as_str().unwrap().starts_with("sbx/"), "{pay}");
    assert_eq!((pay["status"].as_str(), pay["amount"].as_str()), (Some("paying"), Some("100.00")));
    let flow = &pay["flow"];
    assert_eq!((flow["to_pay"].as_str(), flow["commission"].as_str(), flow["gateway"].as_str()), (Some("115.00"), Some("15.00"), Some("sandbox")));
    let external = flow["external_id"].as_str().unwrap().to_string();
    assert_eq!(flow["confirmation_url"].as_str(), Some(format!("/sandbox/pay/{external}").as_str()));

    // The hosted page shows what the payer pays; paying settles it.
    let page = app.http.get(app.site(&format!("/sandbox/pay/{external}"))).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains(pay["number"].as_str().unwrap()) && html.contains("115.00 RUB"), "{html}");
    let paid = app.http.post(app.site(&format!("/sandbox/pay/{external}"))).form(&[("outcome", "succeed")]).send().await.unwrap();
    assert_eq!(paid.status(), StatusCode::OK);
    assert!(paid.text().await.unwrap().contains("credited"));
    let again = app.http.post(app.site(&format!("/sandbox/pay/{external}"))).form(&[("outcome", "succeed")]).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT, "a settled payment can't be paid twice");

    let got = app.get(&format!("/payments/{}", pay["id"])).await;
    assert_eq!((got["status"].as_str(), got["amount"].as_str()), (Some("credited"), Some("100.00")));
    let all = app.get(&format!("/clients/{client}/payments")).await;
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 2, "{all:?}");
    let cashback = all.iter().find(|p| p["number"].as_str().unwrap().starts_with("cashback/")).expect("a cashback payment");
    assert_eq!((cashback["amount"].as_str(), cashback["status"].as_str()), (Some("11.50"), Some("credited")));
    // The list carries no flow; the payment itself tells what earned it.
    let cb = app.get(&format!("/payments/{}", cashback["id"])).await;
    assert_eq!((cb["flow"]["cashback_of"].as_i64(), cb["flow"]["payer_id"].as_i64()), (pay["id"].as_i64(), Some(payer)));
    assert_eq!(app.balance(client).await, "111.50");
    let events = app.get(&format!("/gateway-events?payment_id={}", pay["id"])).await;
    assert_eq!((events[0]["gateway"].as_str(), events[0]["outcome"].as_str()), (Some("sandbox"), Some("credited")));
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());

    // A refund takes back the payment and the cashback it earned.
    let (status, refunded) = app.post(&format!("/payments/{}/refund", pay["id"]), json!({ "reason": "changed mind" })).await;
    assert_eq!((status, refunded["status"].as_str()), (StatusCode::OK, Some("refunded")), "{refunded}");
    assert_eq!(app.get(&format!("/payments/{}", cashback["id"])).await["status"], "refunded");
    assert_eq!(app.balance(client).await, "0.00");
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());
});

// Issue 12: a declined card on the sandbox's page is one attempt; the
// payment waits, the payer pays on the same page, and the success is
// credited once however often its callback comes.
backend_test!(async fn pmt4_a_sandbox_payment_declined_then_paid_is_credited_once(db) {
    let app = App::spawn_with(db, Gateways::Sandbox).await;
    let (client, payer) = app.client("RETRY", None).await;
    let method = app.method(json!({ "prefix": "sbx", "name": "Card", "gateway": "sandbox", "currency": "RUB", "payer_kinds": ["individual"] })).await;
    let (_, pay) = app.post(&format!("/clients/{client}/payments/start"), json!({
        "payer_id": payer, "method_id": method, "amount": "250.00", "return_url": "/portal/payments",
    })).await;
    let external = pay["flow"]["external_id"].as_str().unwrap().to_string();
    let r = app.http.post(app.site(&format!("/sandbox/pay/{external}"))).form(&[("outcome", "decline")]).send().await.unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(r.headers()["location"], "/portal/payments");
    let got = app.get(&format!("/payments/{}", pay["id"])).await;
    assert_eq!((got["status"].as_str(), got["flow"]["failure_reason"].as_str()), (Some("paying"), Some("declined in the sandbox")));
    assert_eq!(got["flow"]["confirmation_url"], pay["flow"]["confirmation_url"], "the same page takes the next attempt");
    assert_eq!(app.balance(client).await, "0.00");
    let (status, e) = app.post(&format!("/payments/{}/refund", pay["id"]), json!({ "reason": "x" })).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::CONFLICT, Some("not_reversible")));

    // The payer pays; the sandbox's callback is delivered, then again.
    let callback = app.sandbox().settle(&external, SandboxOutcome::Succeed, app.t.engine.now()).unwrap();
    let headers: Vec<(&str, String)> = callback.headers.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let mut outcomes = Vec::new();
    for _ in 0..2 {
        let (status, out) = app.webhook("sandbox", &headers, &callback.body).await;
        assert_eq!((status, &out["payment_id"]), (StatusCode::OK, &pay["id"]), "{out}");
        outcomes.push(out["outcome"].as_str().unwrap().to_string());
    }
    assert_eq!(outcomes, ["credited", "duplicate"]);
    assert_eq!(app.balance(client).await, "250.00", "credited exactly once");
    let got = app.get(&format!("/payments/{}", pay["id"])).await;
    assert_eq!((got["status"].as_str(), got["amount"].as_str()), (Some("credited"), Some("250.00")));
    let events = app.get(&format!("/gateway-events?payment_id={}", pay["id"])).await;
    let mut logged: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["outcome"].as_str().unwrap()).collect();
    logged.reverse(); // newest first
    assert_eq!(logged, ["declined", "credited", "duplicate"]);
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn pmt4_bank_statement_with_three_payments_credits_one_and_reports_two(db) {
    let app = App::spawn(db).await;
    let (client, payer) = app.client("BANK", None).await;
    let method = app.method(json!({
        "prefix": "bank", "name": "Bank transfer", "gateway": "bank_transfer", "currency": "RUB",
        "payer_kinds": ["individual", "legal_entity", "sole_proprietor"], "instructions": "Р/с 40702810938000012345",
    })).await;
    let mut awaiting = Vec::new();
    for amount in ["1000.00", "250.00"] {
        let body = json!({ "payer_id": payer, "method_id": method, "amount": amount });
        let (status, pay) = app.post(&format!("/clients/{client}/payments/start"), body).await;
        assert_eq!(status, StatusCode::CREATED, "{pay}");
        assert_eq!((pay["status"].as_str(), pay["flow"]["gateway"].as_str()), (Some("new"), Some("bank_transfer")));
        assert!(pay["number"].as_str().unwrap().starts_with("bank/"));
        awaiting.push(pay);
    }
    let (first, second) = (awaiting[0]["number"].as_str().unwrap(), awaiting[1]["number"].as_str().unwrap());
    let text = statement(&[
        ("311", "1000.00", format!("Оплата по счёту № {} за хостинг. Без НДС", first.to_uppercase())),
        ("58", "200.00", format!("Оплата счета {second}, в т.ч. НДС 20%")),
        ("1024", "77.00", "Возврат излишне перечисленных средств по договору 15/2024".to_string()),
    ]);
    let file = cp1251(&text);
    assert!(std::str::from_utf8(&file).is_err(), "the file must really be Windows-1251");
    let import = || app.staff(Method::POST, "/bank-statements").header("content-type", "text/plain").body(file.clone());

    let (status, report) = json_of(import()).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["credited"], 1);
    let rows = report["results"].as_array().unwrap();
    let outcomes: Vec<_> = rows.iter().map(|r| (r["number"].as_str().unwrap(), r["amount"].as_str().unwrap(), r["outcome"].as_str().unwrap())).collect();
    assert_eq!(outcomes, [("311", "1000.00", "credited"), ("58", "200.00", "wrong_amount"), ("1024", "77.00", "unknown")]);
    assert_eq!((rows[0]["payment"].as_str(), rows[1]["payment"].as_str(), rows[2]["payment"].as_str()), (Some(first), Some(second), None));
    assert!(rows[1]["message"].as_str().unwrap().contains("250"), "{}", rows[1]);
    // Each result points at its document's line in the file.
    let lines: Vec<usize> = text.lines().enumerate().filter(|(_, l)| l.starts_with("СекцияДокумент")).map(|(i, _)| i + 1).collect();
    assert_eq!(rows.iter().map(|r| r["line"].as_u64().unwrap() as usize).collect::<Vec<_>>(), lines);

    let one = app.get(&format!("/payments/{}", awaiting[0]["id"])).await;
    assert_eq!((one["status"].as_str(), one["amount"].as_str()), (Some("credited"), Some("1000.00")));
    assert_eq!(app.get(&format!("/payments/{}", awaiting[1]["id"])).await["status"], "new");
    assert_eq!(app.balance(client).await, "1000.00");
    let events = app.get(&format!("/gateway-events?payment_id={}", awaiting[0]["id"])).await;
    assert_eq!(events.as_array().unwrap().len(), 1);
    let e = &events[0];
    assert_eq!((e["gateway"].as_str(), e["external_id"].as_str(), e["outcome"].as_str()), (Some("bank_transfer"), Some("311"), Some("credited")));

    // The same file again credits nothing more.
    let (status, again) = json_of(import()).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["credited"], 0);
    let outcomes: Vec<_> = again["results"].as_array().unwrap().iter().map(|r| r["outcome"].as_str().unwrap()).collect();
    assert!(["unknown", "already_credited"].contains(&outcomes[0]), "{outcomes:?}");
    assert_eq!(outcomes[1..], ["wrong_amount", "unknown"]);
    assert_eq!(app.balance(client).await, "1000.00");
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());

    // Not a 1C file: refused, nothing credited. A client's user may not import.
    let (status, e) = json_of(app.staff(Method::POST, "/bank-statements").body("Сумма=250.00")).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_statement")), "{e}");
    let fixed = cp1251(&statement(&[("59", "250.00", format!("Доплата {second}"))]));
    let (status, e) = json_of(app.portal("BANK").await.post(app.url("/bank-statements")).body(fixed)).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{e}");
    assert_eq!(app.get(&format!("/payments/{}", awaiting[1]["id"])).await["status"], "new");
    assert_eq!(app.balance(client).await, "1000.00");
});

// A top-up retried with its Idempotency-Key answers the first payment
// again and starts no second one.
backend_test!(async fn pmt1_start_retried_with_the_same_idempotency_key_replays_the_payment(db) {
    let app = App::spawn(db).await;
    let (client, payer) = app.client("RETRY", None).await;
    let method = app
        .method(json!({ "prefix": "bank", "name": "Bank", "gateway": "bank_transfer", "currency": "RUB", "payer_kinds": ["individual"] }))
        .await;
    let send = || {
        app.staff(Method::POST, &format!("/clients/{client}/payments/start"))
            .header("Idempotency-Key", "topup-1")
            .json(&json!({ "payer_id": payer, "method_id": method, "amount": "300.00" }))
    };
    let (status, first) = json_of(send()).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, again) = json_of(send()).await;
    assert_eq!((status, &again), (StatusCode::CREATED, &first));
    assert_eq!(app.get(&format!("/clients/{client}/payments")).await.as_array().unwrap().len(), 1);
});

backend_test!(async fn ord5_an_order_paid_through_the_sandbox_page_opens_its_service(db) {
    let app = App::spawn_with(db, Gateways::Sandbox).await;
    let (client, payer) = app.client("ORDSBX", None).await;
    let method = app.method(json!({ "prefix": "sbx", "name": "Card", "gateway": "sandbox", "currency": "RUB", "payer_kinds": ["individual"] })).await;
    let spec = json!({ "name": "DNS", "product_type": "dns_hosting", "currency": "RUB", "prices": [{ "months": 1, "price": "250.00" }],
        "tax_percent": "20", "tax_included": true });
    let (status, product) = app.post("/products", json!({ "spec": spec })).await;
    assert_eq!(status, StatusCode::CREATED, "{product}");
    let portal = app.portal("ORDSBX").await;
    let order = json!({ "item": { "product_id": product["id"], "config": { "months": 1 } }, "method": { "method_id": method, "payer_id": payer } });
    let (status, order) = json_of(portal.post(app.url(&format!("/clients/{client}/orders"))).json(&order)).await;
    assert_eq!((status, order["status"].as_str(), order["total"].as_str()), (StatusCode::CREATED, Some("awaiting_payment"), Some("250.00")), "{order}");
    let page = order["payment"]["flow"]["confirmation_url"].as_str().unwrap().to_string();
    let paid = app.http.post(app.site(&page)).form(&[("outcome", "succeed")]).send().await.unwrap();
    assert_eq!(paid.status(), StatusCode::OK);
    let (_, done) = json_of(portal.get(app.url(&format!("/orders/{}", order["id"])))).await;
    assert_eq!((done["status"].as_str(), done["items"][0]["service_state"].as_str()), (Some("paid"), Some("active")), "{done}");
    assert_eq!(app.balance(client).await, "0.00", "the payment paid the order");
    assert!(app.t.engine.check_ledger().await.unwrap().is_empty());
});
