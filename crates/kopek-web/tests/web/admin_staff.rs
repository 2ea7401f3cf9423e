//! Staff and API tokens in the panel and the API, on both backends (ACC-4,
//! SEC-1): an admin adds a staff member, changes roles and switches logins
//! off, never the last admin; a token is shown once, works as its login
//! and stops working when revoked; anyone else reads the list and keeps
//! only its own tokens.

use kopek_store::backend_test;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::pages::{field_error, text_at};
use crate::common::{App, json_of};

/// The id of the staff member `email` from the staff list.
async fn member(app: &App, email: &str) -> i64 {
    let staff = app.get("/staff").await;
    staff.as_array().unwrap().iter().find(|m| m["email"] == email).unwrap()["id"].as_i64().unwrap()
}

backend_test!(async fn acc4_sec1_an_admin_manages_staff_and_tokens_and_never_loses_the_last_admin(db) {
    let app = App::spawn(db).await;
    let admin = app.staff_user("admin").await;
    let pages = app.admin_pages(&admin, "staff-password").await;
    let html = pages.page("/admin/staff").await;
    assert!(html.contains("data-test=\"staff-admin@staff.test\""), "{html}");

    // A new member: a bad e-mail and a taken one stand next to the field, nothing added.
    let bad = pages.form("/admin/staff", &[("email", "not-an-email"), ("full_name", "Мария"), ("password", "a-long-password-1"), ("role", "accountant")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
    assert!(field_error(&bad.html, "email").is_some(), "{}", bad.html);
    let taken = pages.form("/admin/staff", &[("email", "admin@staff.test"), ("full_name", "Мария"), ("password", "a-long-password-1"), ("role", "accountant")]).await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert_eq!(field_error(&taken.html, "email").as_deref(), Some("Пользователь с таким email уже есть"));
    let before = app.get("/staff").await.as_array().unwrap().len();
    pages.form("/admin/staff", &[("email", "maria@staff.test"), ("full_name", "Мария Бухова"), ("password", "a-long-password-1"), ("role", "accountant")]).await.assert_redirect("/admin/staff");
    assert_eq!(app.get("/staff").await.as_array().unwrap().len(), before + 1);
    let maria = member(&app, "maria@staff.test").await;
    assert_eq!(app.get("/staff").await.as_array().unwrap().iter().find(|m| m["id"] == maria).unwrap()["role"], "accountant");

    // A token for Maria: shown once, acting as her; revoked, it stops.
    let made = pages.form("/admin/tokens", &[("label", "Выгрузка в 1С"), ("email", "maria@staff.test")]).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.html);
    let token = text_at(&made.html, "data-test=\"new-token\"").expect("the token is shown");
    assert!(token.starts_with("kpk_"), "{token}");
    let me = |token: String| app.http.request(Method::GET, app.url("/me")).bearer_auth(token);
    let (status, who) = json_of(me(token.clone())).await;
    assert_eq!((status, who["email"].as_str()), (StatusCode::OK, Some("maria@staff.test")), "{who}");
    assert!(!pages.page("/admin/staff").await.contains(&token), "shown once");
    let listed = app.get("/tokens").await;
    let id = listed.as_array().unwrap().iter().find(|t| t["label"] == "Выгрузка в 1С").unwrap()["id"].as_i64().unwrap();
    pages.form(&format!("/admin/tokens/{id}/revoke"), &[]).await.assert_redirect("/admin/staff");
    assert_eq!(json_of(me(token)).await.0, StatusCode::UNAUTHORIZED);

    // Maria becomes support, then her login is switched off.
    pages.form(&format!("/admin/staff/{maria}"), &[("role", "support"), ("enabled", "1")]).await.assert_redirect("/admin/staff");
    pages.form(&format!("/admin/staff/{maria}"), &[("role", "support")]).await.assert_redirect("/admin/staff");
    let m = app.get("/staff").await.as_array().unwrap().iter().find(|m| m["id"] == maria).unwrap().clone();
    assert_eq!((m["role"].as_str(), m["enabled"].as_bool()), (Some("support"), Some(false)));
    let audit = app.get("/audit?action=staff_user.change").await;
    assert_eq!(audit["records"].as_array().unwrap().len(), 2);

    // The last admin who can log in stays one: the test's API admin off first.
    let (status, e) = json_of(app.staff(Method::PUT, &format!("/staff/{}", member(&app, &admin).await)).json(&json!({ "role": "admin", "enabled": true }))).await;
    assert_eq!(status, StatusCode::OK, "{e}");
    let api_admin = app.get("/staff").await.as_array().unwrap().iter().find(|m| m["email"] != admin && m["role"] == "admin").unwrap()["id"].as_i64().unwrap();
    pages.form(&format!("/admin/staff/{api_admin}"), &[("role", "admin")]).await.assert_redirect("/admin/staff");
    let me_id = {
        let html = pages.page("/admin/staff").await;
        let at = html.find("data-test=\"staff-form-admin@staff.test\"").unwrap();
        let action = &html[..at];
        let from = action.rfind("action=\"/admin/staff/").unwrap() + 21;
        action[from..from + action[from..].find('"').unwrap()].parse::<i64>().unwrap()
    };
    let refused = pages.form(&format!("/admin/staff/{me_id}"), &[("role", "accountant"), ("enabled", "1")]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(field_error(&refused.html, &format!("role-{me_id}")).as_deref(), Some("Последний администратор, который может войти, остаётся администратором"));
    let html = pages.page("/admin/staff").await;
    assert!(html.contains("data-test=\"staff-form-admin@staff.test\""), "still an admin: {html}");
});

backend_test!(async fn acc4_sec1_other_staff_read_the_list_and_keep_only_their_own_tokens(db) {
    let app = App::spawn(db).await;
    let accountant = app.staff_user("accountant").await;
    let mine = app.t.engine.create_token(&kopek_engine::Ctx::system("test"), &accountant, "мой").await.unwrap();
    let pages = app.admin_pages(&accountant, "staff-password").await;
    let html = pages.page("/admin/staff").await;
    assert!(!html.contains("data-test=\"new-staff-form\"") && !html.contains("data-test=\"staff-form-"), "{html}");
    assert_eq!(text_at(&html[html.find("data-test=\"staff-accountant@staff.test\"").unwrap()..], "data-test=\"role\"").as_deref(), Some("бухгалтер"));
    // Only its own token is listed; the admin's token is "not found" to it.
    assert!(html.contains("data-test=\"token-мой\"") && !html.contains("data-test=\"token-tests\""), "{html}");
    let admins = app.get("/tokens").await;
    let theirs = admins.as_array().unwrap().iter().find(|t| t["label"] == "tests").unwrap()["id"].as_i64().unwrap();
    assert_eq!(pages.form(&format!("/admin/tokens/{theirs}/revoke"), &[]).await.status, StatusCode::NOT_FOUND);
    let as_accountant = |m: Method, path: &str| app.http.request(m, app.url(path)).bearer_auth(&mine);
    let (status, e) = json_of(as_accountant(Method::PUT, &format!("/staff/{}", member(&app, &accountant).await)).json(&json!({ "role": "admin", "enabled": true }))).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{e}");
    let (status, e) = json_of(as_accountant(Method::POST, "/staff").json(&json!({ "email": "x@staff.test", "full_name": "X", "password": "a-long-password-1", "role": "admin" }))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{e}");
    // It makes and revokes its own.
    let made = pages.form("/admin/tokens", &[("label", "второй")]).await;
    assert_eq!(made.status, StatusCode::OK);
    let (status, list) = json_of(as_accountant(Method::GET, "/tokens")).await;
    assert_eq!(status, StatusCode::OK);
    let labels: Vec<&str> = list.as_array().unwrap().iter().map(|t| t["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["второй", "мой"]);
    let second = list[0]["id"].as_i64().unwrap();
    pages.form(&format!("/admin/tokens/{second}/revoke"), &[]).await.assert_redirect("/admin/staff");
    assert_eq!(json_of(as_accountant(Method::GET, "/tokens")).await.1.as_array().unwrap().len(), 1);
});

backend_test!(async fn ops5_the_dashboard_counts_money_by_provider_day_and_clients_by_state(db) {
    let app = App::spawn(db).await;
    let spec = json!({ "spec": {
        "main": { "name": "Internet 100", "kind": "periodic" },
        "fee": { "price": "310.00", "write_off": "daily", "currency": "RUB" }
    }, "valid_from": "2026-01-01" });
    let (_, svc) = app.post("/services", spec).await;
    let client = app.owned_client("DASH", Some("100")).await;
    app.post(&format!("/clients/{client}/subscriptions"), json!({ "service_id": svc["id"] })).await;
    app.credit(client, "1000.00").await;
    let blocked = app.owned_client("IDLE", None).await;
    let (status, _) = json_of(app.staff(Method::PATCH, &format!("/clients/{blocked}")).json(&json!({ "state": "blocked_by_admin" }))).await;
    assert_eq!(status, StatusCode::OK);

    // The night of the 2nd charges at 02:00 provider time — 23:00 UTC on
    // the 1st — and counts on the 2nd.
    app.t.clock.set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 3, 2, 0, 0, 0).unwrap());
    let (status, night) = app.post("/nights", json!({ "date": "2026-03-02" })).await;
    assert_eq!((status, night["summary"]["charged"].as_str()), (StatusCode::OK, Some("10.00")), "{night}");
    let board = app.get("/dashboard").await;
    assert_eq!(board["today"], "2026-03-02");
    let rub = &board["money"][0];
    let figures = [&rub["currency"], &rub["money_in_today"], &rub["money_in_month"], &rub["charged_today"], &rub["charged_month"]];
    assert_eq!(figures.map(|v| v.as_str().unwrap()), ["RUB", "0.00", "1000.00", "10.00", "15.00"]);
    let days: Vec<(&str, &str, &str)> = rub["days"].as_array().unwrap().iter()
        .map(|d| (d["date"].as_str().unwrap(), d["money_in"].as_str().unwrap(), d["charged"].as_str().unwrap()))
        .collect();
    assert_eq!(days, [("2026-03-01", "1000.00", "5.00"), ("2026-03-02", "0.00", "10.00")]);
    let states: Vec<(&str, i64)> = board["clients"].as_array().unwrap().iter()
        .map(|s| (s["state"].as_str().unwrap(), s["clients"].as_i64().unwrap())).collect();
    assert_eq!(states, [("active", 1), ("blocked_by_admin", 1), ("blocked_by_client", 0), ("blocked_for_debt", 0)]);

    // The page draws the same figures, for any staff role.
    let email = app.staff_user("support").await;
    let pages = app.admin_pages(&email, "staff-password").await;
    let html = pages.page("/admin").await;
    assert_eq!(text_at(&html, "data-test=\"charged-month\"").as_deref(), Some("15,00 ₽"));
    assert_eq!(text_at(&html, "data-test=\"in-month\"").as_deref(), Some("1 000,00 ₽"));
    assert_eq!(text_at(&html, "data-test=\"clients-blocked_by_admin\"").as_deref(), Some("1"));
    assert_eq!(html.matches("class=\"bar money-in\"").count(), 2, "a bar a day for money in");
    assert!(html.contains("<title>2026-03-02 charged: 10.00</title>"), "{html}");
    assert_eq!(text_at(&html, "data-test=\"failed-deliveries\"").as_deref(), Some("0"));
    // The failed deliveries lead to their log.
    assert!(pages.page("/admin/notifications?status=failed").await.contains("data-nav=\"notifications\""));
});

backend_test!(async fn ops5_acc4_support_logs_in_as_a_client_s_user_and_the_client_reads_it_in_its_log(db) {
    let app = App::spawn(db).await;
    let client = app.owned_client("HELP", None).await;
    let other = app.owned_client("ELSE", None).await;
    let users = app.get(&format!("/clients/{client}/users")).await;
    let owner = users[0]["id"].as_i64().unwrap();
    let strangers = app.get(&format!("/clients/{other}/users")).await[0]["id"].as_i64().unwrap();

    // An accountant may not; a user of another client is "not found".
    let accountant = app.staff_user("accountant").await;
    let counting = app.admin_pages(&accountant, "staff-password").await;
    assert!(!counting.page(&format!("/admin/clients/{client}")).await.contains("data-test=\"log-in-as-"));
    assert_eq!(counting.form(&format!("/admin/clients/{client}/users/{owner}/log-in-as"), &[]).await.status, StatusCode::FORBIDDEN);
    let support = app.staff_user("support").await;
    let pages = app.admin_pages(&support, "staff-password").await;
    assert_eq!(pages.form(&format!("/admin/clients/{client}/users/{strangers}/log-in-as"), &[]).await.status, StatusCode::NOT_FOUND);

    // Support opens the portal as the owner, with the banner saying so.
    assert!(pages.page(&format!("/admin/clients/{client}")).await.contains(&format!("data-test=\"log-in-as-{owner}\"")));
    pages.form(&format!("/admin/clients/{client}/users/{owner}/log-in-as"), &[]).await.assert_redirect("/");
    let html = pages.page("/").await;
    assert_eq!(
        text_at(&html, "data-test=\"acting-banner\"").as_deref(),
        Some("Вы работаете в личном кабинете клиента как сотрудник support@staff.test. Всё, что вы делаете, записывается в журнал клиента.")
    );

    // The owner reads it in its own action log; staff in the client's trail.
    let own = app.pages("HELP").await;
    let log = own.page("/client/activity").await;
    let row = &log[log.find("data-test=\"activity-client_user.log_in_as\"").expect("the log-in is in the user's log")..];
    assert_eq!(text_at(row, "data-test=\"activity-label\"").as_deref(), Some("Сотрудник провайдера вошёл в личный кабинет от вашего имени (сотрудник support@staff.test)"));
    let trail = app.get(&format!("/audit?client_id={client}&action=client_user.log_in_as")).await;
    assert_eq!(trail["records"][0]["actor"], "support@staff.test → help@client.test", "{trail}");
    assert!(!own.page("/").await.contains("data-test=\"acting-banner\""), "the owner's own session is not acting");

    // Support's login switched off: the session it opened is dead.
    let (status, _) = json_of(app.staff(Method::PUT, &format!("/staff/{}", member(&app, &support).await)).json(&json!({ "role": "support", "enabled": false }))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = pages.get("/").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
});

backend_test!(async fn ops5_chg4_support_gives_a_promised_payment_within_the_service_s_terms(db) {
    let app = App::spawn(db).await;
    let spec = json!({ "spec": {
        "main": { "name": "Обещанный платёж", "kind": "promised_payment" },
        "fee": { "price": "300.00", "write_off": "prepay", "currency": "RUB" },
        "lifetime": { "days": 3 }, "portal": { "orderable": true }
    } });
    let (status, svc) = app.post("/services", spec).await;
    assert_eq!(status, StatusCode::CREATED, "{svc}");
    let client = app.owned_client("OWE", None).await;
    let support = app.staff_user("support").await;
    let pages = app.admin_pages(&support, "staff-password").await;
    let card = format!("/admin/clients/{client}");
    assert!(pages.page(&card).await.contains("data-test=\"promised-form\""));

    let over = pages.form(&format!("{card}/promised"), &[("amount", "300,01")]).await;
    assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&over.html, "amount").is_some(), "{}", over.html);
    assert_eq!(app.balance(client).await, "0.00");
    pages.form(&format!("{card}/promised"), &[("amount", "150")]).await.assert_redirect(&card);
    assert_eq!(app.balance(client).await, "150.00");
    let html = pages.page(&card).await;
    assert_eq!(text_at(&html, "data-test=\"promised-status\"").as_deref(), Some("действует"));
    // One open at a time.
    let twice = pages.form(&format!("{card}/promised"), &[("amount", "10")]).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(field_error(&twice.html, "amount").is_some());
    assert_eq!(app.balance(client).await, "150.00");
    // Read-only sees it and has no form.
    let viewer = app.staff_user("read_only").await;
    let looking = app.admin_pages(&viewer, "staff-password").await;
    assert!(!looking.page(&card).await.contains("data-test=\"promised-form\""));
});
