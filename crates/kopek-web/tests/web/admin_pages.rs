//! The staff panel over plain HTTP, on both backends (OPS-5 staff half,
//! ACC-4): staff log in with their own cookie, a client's session never
//! opens `/admin`, every role sees what it may do, and the engine refuses
//! what a role may not do when the form is posted anyway.

use kopek_store::backend_test;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::App;
use crate::common::pages::{field_error, text_at};

/// A bank transfer the client started and whose money has not come:
/// the payment as the API shows it.
async fn awaiting_transfer(app: &App, client: i64, payer: i64, amount: &str) -> Value {
    let method = app
        .method(json!({ "prefix": "bank", "name": "Bank transfer", "gateway": "bank_transfer", "currency": "RUB",
                        "payer_kinds": ["individual", "legal_entity", "sole_proprietor"] }))
        .await;
    let (status, pay) = app
        .post(&format!("/clients/{client}/payments/start"), json!({ "payer_id": payer, "method_id": method, "amount": amount }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{pay}");
    assert_eq!(pay["status"], "new");
    pay
}

/// The value of the cookie `name` a response sets.
fn set_cookie(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}=")).map(|rest| rest.split(';').next().unwrap_or("").to_string()))
}

backend_test!(async fn ops5_acc4_staff_log_in_to_the_panel_and_a_client_session_never_opens_it(db) {
    let app = App::spawn(db).await;
    app.owned_client("GATE", None).await;
    let email = app.staff_user("accountant").await;
    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();

    let r = plain.get(app.site("/admin/clients?q=GATE")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/admin/login?next=/admin/clients%3Fq%3DGATE");

    // The client's own login, through the API and as a staff cookie: no way in.
    let client = app.portal("GATE").await;
    let r = client.get(app.site("/admin/clients")).send().await.unwrap();
    assert_eq!((r.status(), r.headers()["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/admin/login?next=/admin/clients"));
    let login = plain
        .post(app.url("/auth/login"))
        .json(&json!({ "email": "gate@client.test", "password": "client-password" }))
        .send()
        .await
        .unwrap();
    let client_token = set_cookie(&login, "kopek_session").expect("a session cookie");
    let r = plain.get(app.site("/admin/clients")).header("cookie", format!("kopek_staff_session={client_token}")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "a client's session is not staff");

    // A wrong password stays on the form, with the reason, in Russian.
    let pages = app.admin_pages(&email, "staff-password").await;
    let html = pages.page("/admin/clients").await;
    assert_eq!(text_at(&html, "data-test=\"who\"").as_deref(), Some("accountant@staff.test · бухгалтер"));
    assert!(html.contains("data-nav=\"payments\""), "{html}");
    let stranger = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = stranger.get(app.site("/admin/login")).send().await.unwrap().text().await.unwrap();
    let csrf = &form[form.find("name=\"_csrf\" value=\"").unwrap() + 20..][..64];
    let r = stranger
        .post(app.site("/admin/login"))
        .form(&[("_csrf", csrf), ("email", email.as_str()), ("password", "wrong-password")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(text_at(&r.text().await.unwrap(), "data-test=\"form-error\"").as_deref(), Some("Неверный email или пароль"));
    // A client's user can't log in here with its own password.
    let r = stranger
        .post(app.site("/admin/login"))
        .form(&[("_csrf", csrf), ("email", "gate@client.test"), ("password", "client-password")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The staff session is not a portal login: its cookie opens no portal page.
    let staff_login = plain
        .post(app.site("/admin/login"))
        .header("cookie", format!("kopek_csrf={csrf}"))
        .form(&[("_csrf", csrf), ("email", email.as_str()), ("password", "staff-password")])
        .send()
        .await
        .unwrap();
    assert_eq!(staff_login.status(), StatusCode::SEE_OTHER);
    let staff_cookie = staff_login.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).find(|v| v.starts_with("kopek_staff_session=")).unwrap();
    assert!(staff_cookie.contains("Path=/admin") && staff_cookie.contains("HttpOnly"), "{staff_cookie}");
    let staff_token = set_cookie(&staff_login, "kopek_staff_session").unwrap();
    let r = plain.get(app.site("/")).header("cookie", format!("kopek_session={staff_token}")).send().await.unwrap();
    assert_eq!((r.status(), r.headers()["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/login?next=/"));

    // The language switch, then logging out.
    let sent = pages.form("/lang", &[("lang", "en"), ("next", "/admin/clients")]).await;
    sent.assert_redirect("/admin/clients");
    let html = pages.page("/admin/clients").await;
    assert_eq!(text_at(&html, "data-test=\"role\"").as_deref(), Some("accountant"));
    pages.form("/admin/logout", &[]).await.assert_redirect("/admin/login");
    assert_eq!(pages.get("/admin/clients").await.0, StatusCode::SEE_OTHER);
});

backend_test!(async fn sec1_five_wrong_staff_passwords_lock_the_panel_login(db) {
    let app = App::spawn(db).await;
    let email = app.staff_user("support").await;
    let http = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = http.get(app.site("/admin/login")).send().await.unwrap().text().await.unwrap();
    let csrf = form[form.find("name=\"_csrf\" value=\"").unwrap() + 20..][..64].to_string();
    let attempt = |password: &'static str| {
        let http = http.clone();
        let (csrf, email, url) = (csrf.clone(), email.clone(), app.site("/admin/login"));
        async move {
            let r = http.post(url).form(&[("_csrf", csrf.as_str()), ("email", email.as_str()), ("password", password)]).send().await.unwrap();
            (r.status(), text_at(&r.text().await.unwrap(), "data-test=\"form-error\""))
        }
    };
    for _ in 0..5 {
        assert_eq!(attempt("wrong-password").await.0, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (status, error) = attempt("staff-password").await;
    assert_eq!((status, error.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("Слишком много неудачных попыток входа; попробуйте позже")));
});

backend_test!(async fn ops5_staff_find_a_client_by_code_name_email_inn_and_phone(db) {
    let app = App::spawn(db).await;
    let (status, romashka) = app
        .post("/clients", json!({ "code": "ROM-1", "name": "ООО Ромашка", "owner": {
            "email": "Buh@Romashka.example", "full_name": "Анна", "password": "client-password", "phone": "+7 (912) 345-67-89" } }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{romashka}");
    let romashka = romashka["id"].as_i64().unwrap();
    let company = json!({ "kind": "legal_entity", "details": {
        "country": "RU", "name": "ООО Ромашка", "contact_person": "Анна", "inn": "7707083893", "kpp": "773601001",
        "ogrn": "1027700132195", "director_name": "Иванов И. И.", "director_position": "Директор" } });
    let (status, payer) = app.post(&format!("/clients/{romashka}/payers"), company).await;
    assert_eq!(status, StatusCode::CREATED, "{payer}");
    for i in 0..26 {
        let (status, c) = app.post("/clients", json!({ "code": format!("PAGE-{i:02}"), "name": format!("Lily Hosting {i}") })).await;
        assert_eq!(status, StatusCode::CREATED, "{c}");
    }
    let email = app.staff_user("read_only").await;
    let pages = app.admin_pages(&email, "staff-password").await;
    let found = |html: &str| -> Vec<String> {
        html.match_indices("data-test=\"open-").map(|(at, _)| html[at + 16..].split('"').next().unwrap().to_string()).collect()
    };
    for q in ["rom-1", "Ромашка", "buh@romashka", "7707083893", "770708", "+7 912 345", "9123456789"] {
        let html = pages.page(&format!("/admin/clients?q={}", urlencoding(q))).await;
        assert_eq!(found(&html), ["ROM-1"], "searching {q:?}");
    }
    let html = pages.page("/admin/clients?q=nobody-at-all").await;
    assert_eq!(text_at(&html, "data-test=\"no-clients\"").as_deref(), Some("Клиенты не найдены."));
    // A wildcard typed is a character searched for, not every client.
    assert!(found(&pages.page("/admin/clients?q=%25").await).is_empty());

    // Paged on the server: 25 a page, the rest behind "Дальше".
    let first = pages.page("/admin/clients?q=lily").await;
    assert_eq!(found(&first).len(), 25);
    let next = text_at(&first, "data-test=\"next-page\"").unwrap();
    assert_eq!(next, "Дальше");
    let link = &first[..first.find("data-test=\"next-page\"").unwrap()];
    let href = link[link.rfind("href=\"").unwrap() + 6..].split('"').next().unwrap().replace("&#x2f;", "/").replace("&amp;", "&");
    assert!(href.starts_with("/admin/clients?q=lily&after="), "{href}");
    let second = pages.page(&href).await;
    assert_eq!(found(&second), ["PAGE-25"]);
    assert!(!second.contains("data-test=\"next-page\""));

    let long = "x".repeat(201);
    let (status, html) = pages.get(&format!("/admin/clients?q={long}")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&html, "q").is_some(), "{html}");
});

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

backend_test!(async fn acc4_read_only_staff_see_the_card_and_a_posted_credit_is_refused_changing_nothing(db) {
    let app = App::spawn(db).await;
    let (client, payer) = app.client("RO", Some("1000.00")).await;
    let pay = awaiting_transfer(&app, client, payer, "750.00").await;
    let id = pay["id"].as_i64().unwrap();
    let email = app.staff_user("read_only").await;
    let pages = app.admin_pages(&email, "staff-password").await;

    let card = pages.page(&format!("/admin/clients/{client}")).await;
    assert_eq!(text_at(&card, "data-test=\"balance\"").as_deref(), Some("0,00 ₽"));
    assert_eq!(text_at(&card, "data-test=\"credit-limit\"").as_deref(), Some("1 000,00 ₽ · действует"));
    assert!(card.contains(&format!("data-test=\"awaiting-{id}\"")), "the waiting transfer is listed");
    assert!(!card.contains("data-test=\"credit-payment-"), "no «Зачислить» for read-only");
    assert!(!card.contains("limits-form") && !card.contains("state-form"), "no forms for read-only");
    assert!(!pages.page("/admin/payments").await.contains("data-test=\"credit-payment-"));

    let sent = pages.form(&format!("/admin/payments/{id}/credit"), &[("next", "/admin/payments")]).await;
    assert_eq!(sent.status, StatusCode::FORBIDDEN, "{}", sent.html);
    assert_eq!(text_at(&sent.html, "data-test=\"credit-error\"").as_deref(), Some("Недостаточно прав для этого действия"));
    let sent = pages.form(&format!("/admin/clients/{client}/limits"), &[("credit_limit", "99999"), ("disconnect_threshold", "0"), ("loyalty_percent", "50")]).await;
    assert_eq!(sent.status, StatusCode::FORBIDDEN, "{}", sent.html);
    let sent = pages.form(&format!("/admin/clients/{client}/state"), &[("state", "blocked_by_admin")]).await;
    assert_eq!(sent.status, StatusCode::FORBIDDEN, "{}", sent.html);

    assert_eq!(app.balance(client).await, "0.00");
    assert_eq!(app.get(&format!("/payments/{id}")).await["status"], "new");
    let c = app.get(&format!("/clients/{client}")).await;
    assert_eq!((c["credit_limit"].as_str(), c["state"].as_str()), (Some("1000.00"), Some("active")));
});

backend_test!(async fn acc4_an_accountant_credits_a_transfer_and_changes_limits_and_support_blocks_but_moves_no_money(db) {
    let app = App::spawn(db).await;
    let (client, payer) = app.client("ACC", None).await;
    let pay = awaiting_transfer(&app, client, payer, "1234.56").await;
    let id = pay["id"].as_i64().unwrap();

    let support = app.admin_pages(&app.staff_user("support").await, "staff-password").await;
    let card = support.page(&format!("/admin/clients/{client}")).await;
    assert!(!card.contains("data-test=\"credit-payment-") && !card.contains("limits-form") && card.contains("state-form"));
    let sent = support.form(&format!("/admin/payments/{id}/credit"), &[]).await;
    assert_eq!(sent.status, StatusCode::FORBIDDEN);
    let sent = support.form(&format!("/admin/clients/{client}/limits"), &[("credit_limit", "500"), ("disconnect_threshold", "-500"), ("loyalty_percent", "0")]).await;
    assert_eq!(sent.status, StatusCode::FORBIDDEN);
    support.form(&format!("/admin/clients/{client}/state"), &[("state", "blocked_by_admin")]).await.assert_redirect(&format!("/admin/clients/{client}"));
    assert_eq!(app.get(&format!("/clients/{client}")).await["state"], "blocked_by_admin");
    assert_eq!(app.balance(client).await, "0.00");

    let accountant = app.admin_pages(&app.staff_user("accountant").await, "staff-password").await;
    let card = accountant.page(&format!("/admin/clients/{client}")).await;
    assert!(card.contains(&format!("data-test=\"credit-payment-{id}\"")) && card.contains("limits-form") && !card.contains("state-form"));
    let sent = accountant.form(&format!("/admin/clients/{client}/state"), &[("state", "active")]).await;
    assert_eq!(sent.status, StatusCode::FORBIDDEN, "no state form for an accountant, and no state change either");
    assert_eq!(text_at(&sent.html, "data-test=\"refused\"").as_deref(), Some("Недостаточно прав для этого действия"));
    assert_eq!(app.get(&format!("/clients/{client}")).await["state"], "blocked_by_admin");

    // Bad input stays next to its field and changes nothing.
    let sent = accountant.form(&format!("/admin/clients/{client}/limits"), &[("credit_limit", "-5"), ("disconnect_threshold", "abc"), ("loyalty_percent", "0")]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&sent.html, "disconnect_threshold").as_deref(), Some("Введите сумму, например 250,00"));
    let sent = accountant.form(&format!("/admin/clients/{client}/limits"), &[("credit_limit", "-5"), ("disconnect_threshold", "0"), ("loyalty_percent", "0")]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&sent.html, "credit_limit").as_deref(), Some("Кредитный лимит не может быть меньше нуля"));
    assert_eq!(app.get(&format!("/clients/{client}")).await["credit_limit"], "0.00");
    accountant
        .form(&format!("/admin/clients/{client}/limits"), &[("credit_limit", "1 500,00"), ("disconnect_threshold", "-1500"), ("loyalty_percent", "5")])
        .await
        .assert_redirect(&format!("/admin/clients/{client}"));
    let c = app.get(&format!("/clients/{client}")).await;
    assert_eq!((c["credit_limit"].as_str(), c["disconnect_threshold"].as_str()), (Some("1500.00"), Some("-1500.00")));

    accountant.form(&format!("/admin/payments/{id}/credit"), &[("next", &format!("/admin/clients/{client}"))]).await.assert_redirect(&format!("/admin/clients/{client}"));
    let card = accountant.page(&format!("/admin/clients/{client}")).await;
    assert_eq!(text_at(&card, "data-test=\"notice\"").as_deref(), Some("Платёж зачислен"));
    assert_eq!(text_at(&card, "data-test=\"balance\"").as_deref(), Some("1 234,56 ₽"));
    let row = &card[card.find(&format!("data-test=\"payment-{id}\"")).expect("the payment on the card")..];
    assert_eq!(text_at(row, "data-test=\"status\"").as_deref(), Some("Зачислен"), "the status in the staff member's words");
    assert_eq!(app.balance(client).await, "1234.56");
    // Crediting it again is refused with the reason and changes nothing.
    let sent = accountant.form(&format!("/admin/payments/{id}/credit"), &[]).await;
    assert_eq!(sent.status, StatusCode::CONFLICT);
    assert_eq!(text_at(&sent.html, "data-test=\"credit-error\"").as_deref(), Some("Платёж уже зачислен или закрыт: он не ожидает перевода"));
    assert_eq!(app.balance(client).await, "1234.56");
    let audit = text_at(&card, "data-test=\"audit\"").unwrap();
    assert!(audit.contains("payment.credit_awaiting") && audit.contains("accountant@staff.test"), "{audit}");
});
