//! The portal's "Финансы" over plain HTTP, on both backends (PMT-1, LED-2,
//! LED-3, CRD-5, ACC-3): a top-up shows its commission before paying, goes
//! to the sandbox's page and credits the balance; expenses are totalled
//! and paged; a user without the "finance" right and another client's
//! payment are refused.

use kopek_store::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::pages::{field_error, text_at};
use crate::common::{App, Gateways};

/// How many times `needle` occurs in `html`.
fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

backend_test!(async fn pmt1_a_top_up_shows_its_commission_pays_on_the_sandbox_page_and_credits_the_balance(db) {
    let app = App::spawn_with(db, Gateways::Sandbox).await;
    let (client, payer) = app.client("TOPUP", None).await;
    let method = app.sandbox_method().await;
    let pages = app.pages("TOPUP").await;
    let (m, p) = (method.to_string(), payer.to_string());

    let form = pages.page("/finance/top-up").await;
    assert!(form.contains("Card (sandbox) — комиссия 5.00% + 10.00, 10.00 … 15000.00"), "{form}");

    // "Рассчитать": the commission before paying, nothing started.
    let calc = pages.form("/finance/top-up", &[("amount", "100,00"), ("method_id", &m), ("payer_id", &p), ("action", "calculate")]).await;
    assert_eq!(calc.status, StatusCode::OK, "{}", calc.html);
    assert_eq!(text_at(&calc.html, "data-test=\"quote-commission\"").as_deref(), Some("15,00 ₽"));
    assert_eq!(text_at(&calc.html, "data-test=\"quote-to-pay\"").as_deref(), Some("115,00 ₽"));
    assert_eq!(text_at(&calc.html, "data-test=\"quote-credited\"").as_deref(), Some("100,00 ₽"));
    assert!(calc.html.contains("value=\"100,00\""), "what was typed stays");
    assert!(app.get(&format!("/clients/{client}/payments")).await.as_array().unwrap().is_empty());

    // "Оплатить": to the sandbox's page, which asks for 115.00.
    let pay = pages.form("/finance/top-up", &[("amount", "100,00"), ("method_id", &m), ("payer_id", &p), ("action", "pay")]).await;
    assert_eq!(pay.status, StatusCode::SEE_OTHER, "{}", pay.html);
    let gateway_page = pay.location.clone().unwrap();
    assert!(gateway_page.starts_with("/sandbox/pay/"), "{gateway_page}");
    let sandbox = pages.page(&gateway_page).await;
    assert!(sandbox.contains("Amount: <b>115.00 RUB</b>"), "{sandbox}");
    let started = app.get(&format!("/clients/{client}/payments")).await;
    let id = started[0]["id"].as_i64().unwrap();
    let number = started[0]["number"].as_str().unwrap().to_string();
    let pending = pages.page(&format!("/finance/payments/{id}/result")).await;
    assert_eq!(text_at(&pending, "data-test=\"status\"").as_deref(), Some("Оплачивается"));

    // The payer pays; the sandbox sends them back, and on to the result.
    let r = pages.http.post(app.site(&gateway_page)).form(&[("outcome", "succeed")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/finance/top-up/return");
    let r = pages.http.get(app.site("/finance/top-up/return")).send().await.unwrap();
    assert_eq!(r.headers()["location"].to_str().unwrap(), format!("/finance/payments/{id}/result"));
    let result = pages.page(&format!("/finance/payments/{id}/result")).await;
    assert_eq!(text_at(&result, "data-test=\"status\"").as_deref(), Some("Зачислен"));
    assert_eq!(text_at(&result, "data-test=\"amount\"").as_deref(), Some("100,00 ₽"));
    assert_eq!(text_at(&result, "data-test=\"commission\"").as_deref(), Some("15,00 ₽"));
    assert_eq!(text_at(&result, "data-test=\"to-pay\"").as_deref(), Some("115,00 ₽"));
    assert_eq!(text_at(&result, "data-test=\"balance\"").as_deref(), Some("100,00 ₽"));
    assert_eq!(app.balance(client).await, "100.00", "credited exactly, without the commission");

    // LED-3: the list shows it with its payer, method and status.
    let list = pages.page("/finance/payments").await;
    assert_eq!(text_at(&list, "data-test=\"number\"").as_deref(), Some(number.as_str()));
    assert_eq!(text_at(&list, "data-test=\"payer\"").as_deref(), Some("Анна Сергеевна Котова"));
    assert_eq!(text_at(&list, "data-test=\"method\"").as_deref(), Some("Card (sandbox)"));
    assert_eq!(text_at(&list, "data-test=\"paid\"").as_deref(), Some("115,00 ₽"));
    assert_eq!(text_at(&list, "data-test=\"amount\"").as_deref(), Some("100,00 ₽"));
    assert_eq!(text_at(&list, "data-test=\"status\"").as_deref(), Some("Зачислен"));
    assert!(number.starts_with("sbx/"), "{number}");
});

backend_test!(async fn pmt1_a_bad_amount_is_refused_next_to_its_field_and_starts_nothing(db) {
    let app = App::spawn_with(db, Gateways::Sandbox).await;
    let (client, payer) = app.client("BADSUM", None).await;
    let method = app.sandbox_method().await;
    let pages = app.pages("BADSUM").await;
    let (m, p) = (method.to_string(), payer.to_string());
    for (amount, action, message) in [
        ("сто", "calculate", "Введите сумму, например 250,00"),
        ("", "pay", "Заполните это поле"),
        ("9,99", "pay", "Сумма меньше минимальной для этого метода оплаты"),
        ("15000,01", "calculate", "Сумма больше максимальной для этого метода оплаты"),
        ("-5", "pay", "Сумма должна быть больше нуля"),
    ] {
        let sent = pages.form("/finance/top-up", &[("amount", amount), ("method_id", &m), ("payer_id", &p), ("action", action)]).await;
        assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY, "{amount}: {}", sent.html);
        assert_eq!(field_error(&sent.html, "amount").as_deref(), Some(message), "{amount}");
        assert!(sent.html.contains(&format!("value=\"{amount}\"")), "{amount} stays typed");
        assert!(!sent.html.contains("data-test=\"quote\""), "{amount}: no quote");
    }
    assert!(app.get(&format!("/clients/{client}/payments")).await.as_array().unwrap().is_empty());
});

backend_test!(async fn led2_expenses_show_four_places_totals_and_the_guide_s_paging_line(db) {
    let app = App::spawn(db).await;
    let (client, _) = app.client("EXPENSES", None).await;
    app.credit(client, "250.00").await;
    // The guide's expenses, twelve of them over twelve days.
    for i in 0..12u32 {
        let amount = ["22.4137", "34.4827", "21.3464"][i as usize % 3];
        let body = json!({ "name": format!("BACKUP-1000 #{}", i + 1), "amount": amount, "currency": "RUB", "vat_percent": "20",
            "charged_at": format!("2026-02-{:02}T10:00:00Z", i + 1) });
        let (status, e) = app.post(&format!("/clients/{client}/expenses"), body).await;
        assert_eq!(status, StatusCode::CREATED, "{e}");
    }
    let pages = app.pages("EXPENSES").await;

    let first = pages.page("/finance/expenses?per=10").await;
    assert_eq!(text_at(&first, "data-test=\"paging\"").as_deref(), Some("Всего: 12, на странице: 10, 1 из 2"));
    assert_eq!(count(&first, "data-test=\"expense-"), 10);
    assert_eq!(text_at(&first, "data-test=\"total-amount\"").as_deref(), Some("312,9712 ₽"));
    assert_eq!(text_at(&first, "data-test=\"total-unpaid\"").as_deref(), Some("62,9712 ₽"));
    assert_eq!(text_at(&first, "data-test=\"total-tax\"").as_deref(), Some("52,20 ₽"));
    // Newest first: the 12th is unpaid, the 10th partly, older ones paid
    // by the advance payment, oldest first.
    let newest = text_at(&first, "data-test=\"expenses\"").unwrap();
    assert!(newest.contains("BACKUP-1000 #12 12.02.2026 21,3464 ₽ 21,3464 ₽ 3,56 ₽"), "{newest}");
    assert!(newest.contains("BACKUP-1000 #10 10.02.2026 22,4137 ₽ 7,1421 ₽ manual/1 3,74 ₽"), "{newest}");
    assert!(newest.contains("BACKUP-1000 #9 09.02.2026 21,3464 ₽ 0,00 ₽ manual/1 3,56 ₽"), "{newest}");

    let second = pages.page("/finance/expenses?per=10&page=2").await;
    assert_eq!(text_at(&second, "data-test=\"paging\"").as_deref(), Some("Всего: 12, на странице: 10, 2 из 2"));
    assert_eq!(count(&second, "data-test=\"expense-"), 2);
    assert!(second.contains("BACKUP-1000 #1<"), "{second}");

    // The filter by charge dates, and its totals.
    let three = pages.page("/finance/expenses?from=2026-02-01&to=2026-02-03").await;
    assert_eq!(text_at(&three, "data-test=\"paging\"").as_deref(), Some("Всего: 3, на странице: 100, 1 из 1"));
    assert_eq!(text_at(&three, "data-test=\"total-amount\"").as_deref(), Some("78,2428 ₽"));
    assert_eq!(text_at(&three, "data-test=\"total-unpaid\"").as_deref(), Some("0,00 ₽"));
    let (status, bad) = pages.get("/finance/expenses?from=2026-02-31").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&bad, "from").as_deref(), Some("Введите дату, например 2024-02-21"));
    let (status, bad) = pages.get("/finance/expenses?from=2026-02-05&to=2026-02-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&bad, "to").as_deref(), Some("Дата «по» раньше даты «с»"));
});

backend_test!(async fn acc3_a_user_without_the_finance_right_is_refused_every_finance_page(db) {
    let app = App::spawn(db).await;
    let client = app.owned_client("NOFIN", None).await;
    let user = json!({ "email": "clerk@nofin.test", "full_name": "Clerk", "password": "clerk-password", "phone": null,
        "full_access": false, "rights": ["services"] });
    let (status, u) = app.post(&format!("/clients/{client}/users"), user).await;
    assert_eq!(status, StatusCode::CREATED, "{u}");
    let pages = app.pages_as("clerk@nofin.test", "clerk-password").await;
    let home = pages.page("/").await;
    assert!(!home.contains("data-nav=\"top-up\""), "the menu hides what the user may not use");
    for path in ["/finance/payments", "/finance/top-up", "/finance/expenses", "/finance/auto-renewals", "/finance/autopay", "/finance/credit"] {
        let (status, html) = pages.get(path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(html.contains("Недостаточно прав"), "{path}: {html}");
    }
    let sent = pages.form("/finance/top-up", &[("amount", "100"), ("method_id", "1"), ("payer_id", "1"), ("action", "pay")]).await;
    assert_eq!(sent.status, StatusCode::FORBIDDEN, "{}", sent.html);
});

backend_test!(async fn led3_another_client_s_payment_is_not_found(db) {
    let app = App::spawn(db).await;
    let (theirs, _) = app.client("THEIRS", None).await;
    app.client("MINE", None).await;
    app.credit(theirs, "10.00").await;
    let id = app.get(&format!("/clients/{theirs}/payments")).await[0]["id"].as_i64().unwrap();
    let pages = app.pages("MINE").await;
    let (status, html) = pages.get(&format!("/finance/payments/{id}/result")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Страница не найдена"), "{html}");
    let sent = pages.form(&format!("/finance/payments/{id}/cancel"), &[]).await;
    assert_eq!(sent.status, StatusCode::NOT_FOUND);
    let (status, _) = pages.get("/finance/payments/999999/result").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

backend_test!(async fn crd5_the_credit_page_shows_the_limit_and_draws_its_chart_without_inline_styles(db) {
    let app = App::spawn(db).await;
    let (client, _) = app.client("CREDIT", Some("1000.00")).await;
    let now = app.t.engine.now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let body = json!({ "name": "VPS", "amount": "300.00", "currency": "RUB", "charged_at": now });
    let (status, e) = app.post(&format!("/clients/{client}/expenses"), body).await;
    assert_eq!(status, StatusCode::CREATED, "{e}");
    let pages = app.pages("CREDIT").await;
    let html = pages.page("/finance/credit").await;
    assert_eq!(text_at(&html, "data-test=\"limit\"").as_deref(), Some("1 000,00 ₽"));
    assert_eq!(text_at(&html, "data-test=\"available\"").as_deref(), Some("700,00 ₽"));
    assert_eq!(text_at(&html, "data-test=\"overdue\"").as_deref(), Some("0,00 ₽"));
    assert_eq!(count(&html, "<rect class=\"bar\""), 1);
    assert!(html.contains("height=\"160\""), "the only day is the tallest: {html}");
    assert!(!html.contains("style="), "the CSP forbids inline styles");
    assert!(html.contains("Счетов по кредитному лимиту нет."));
});

backend_test!(async fn pmt5_pmt7_autopay_and_auto_renewals_show_their_empty_states(db) {
    let app = App::spawn(db).await;
    app.client("EMPTYFIN", None).await;
    let pages = app.pages("EMPTYFIN").await;
    let autopay = pages.page("/finance/autopay").await;
    assert_eq!(
        text_at(&autopay, "data-test=\"recommended\"").as_deref(),
        Some("Рекомендованная максимальная сумма платежей составляет 0,00 ₽. Она рассчитана на основе прогнозируемых расходов с небольшим запасом в 10%.")
    );
    assert!(autopay.contains("data-test=\"no-saved-methods\""));
    let renewals = pages.page("/finance/auto-renewals").await;
    assert_eq!(text_at(&renewals, "data-test=\"no-renewals\"").as_deref(), Some("Услуг с автопродлением нет."));
});
