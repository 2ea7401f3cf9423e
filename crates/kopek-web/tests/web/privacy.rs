//! ACC-5, ACC-6 over HTTP on both backends: the activity page shows a
//! portal login with its address; a published privacy policy is asked for
//! before any page and asked again for a new version; the personal-data
//! export is the user's only and downloads once; a deletion carried out by
//! staff ends the login and leaves the client's payers and payments.

use kopek_store::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::pages::text_at;
use crate::common::{App, error_of, json_of};

/// A user of `client` made by staff: logs in with "user-password".
async fn add_user(app: &App, client: i64, email: &str, rights: &[&str]) {
    let body = json!({ "email": email, "full_name": "Пётр Сидоров", "password": "user-password",
                       "full_access": false, "rights": rights });
    let (status, u) = app.post(&format!("/clients/{client}/users"), body).await;
    assert_eq!(status, StatusCode::CREATED, "{u}");
}

backend_test!(async fn acc5_http_the_activity_page_shows_a_portal_login_with_its_address(db) {
    let app = App::spawn(db).await;
    app.owned_client("ACT", None).await;
    let pages = app.pages("ACT").await;
    let profile = pages.page("/client/profile").await;
    assert!(profile.contains("href=\"/client/activity\""), "the profile links to the log");
    let html = pages.page("/client/activity").await;
    assert_eq!(text_at(&html, "data-test=\"activity-label\"").as_deref(), Some("Вход в личный кабинет"));
    assert_eq!(text_at(&html, "data-test=\"activity-address\"").as_deref(), Some("127.0.0.1"));
    assert_eq!(text_at(&html, "data-test=\"paging\"").as_deref(), Some("Всего: 1, страница 1 из 1"));

    // An API login is recorded too, with its device.
    let api = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let login = api.post(app.url("/auth/login")).header("user-agent", "kopek-tests/1")
        .json(&json!({ "email": "act@client.test", "password": "client-password" })).send().await.unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let (status, log) = json_of(api.get(app.url("/me/activity?per_page=20"))).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    assert_eq!((log["total"].as_i64(), log["items"][0]["action"].as_str()), (Some(2), Some("client_user.login")));
    assert_eq!((log["items"][0]["source_ip"].as_str(), log["items"][0]["device"].as_str()), (Some("127.0.0.1"), Some("kopek-tests/1")));
});

backend_test!(async fn acc5_http_every_page_asks_for_the_policy_until_it_is_accepted_and_again_for_a_new_version(db) {
    let app = App::spawn(db).await;
    app.owned_client("GATE", None).await;
    let pages = app.pages("GATE").await;
    pages.page("/client/profile").await;
    let client_api = app.portal("GATE").await;
    let (status, code) = error_of(client_api.post(app.url("/privacy-policies")).json(&json!({ "version": "v1", "body": "x" }))).await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "forbidden"));

    let (status, p) = app.post("/privacy-policies", json!({ "version": "2026-11", "body": "Мы бережём ваши данные." })).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let (status, _) = pages.get("/client/profile").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let r = pages.http.get(app.site("/finance/payments")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/privacy/accept?next=/finance/payments");
    let sent = pages.form("/client/settings", &[("locale", "en")]).await;
    assert_eq!(sent.location.as_deref(), Some("/privacy/accept?next=/client/settings"), "a form changes nothing before it");
    let (_, settings) = json_of(client_api.get(app.url("/me/settings"))).await;
    assert_eq!(settings["locale"], json!(null));
    assert_eq!(pages.get("/assets/portal.css").await.0, StatusCode::OK);

    let html = pages.page("/privacy/accept?next=/client/profile").await;
    assert_eq!(text_at(&html, "data-test=\"policy-body\"").as_deref(), Some("Мы бережём ваши данные."));
    pages.form("/privacy/accept", &[("version", "2026-11"), ("next", "/client/profile")]).await.assert_redirect("/client/profile");
    pages.page("/client/profile").await;
    let log = pages.page("/client/activity").await;
    assert!(log.contains("Принята политика конфиденциальности"), "{log}");
    let privacy = pages.page("/client/privacy").await;
    assert!(privacy.contains("<td>2026-11</td>"), "{privacy}");

    let (status, _) = app.post("/privacy-policies", json!({ "version": "2026-12", "url": "https://provider.example/privacy" })).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(pages.get("/").await.0, StatusCode::SEE_OTHER, "a new version asks again");
    let html = pages.page("/privacy/accept").await;
    assert!(html.contains("href=\"https:&#x2f;&#x2f;provider.example&#x2f;privacy\""), "{html}");
    let stale = pages.form("/privacy/accept", &[("version", "2026-11"), ("next", "/")]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(text_at(&stale.html, "data-test=\"form-error\"").as_deref(),
        Some("Политика конфиденциальности изменилась: ознакомьтесь с новой редакцией"));
    pages.form("/privacy/accept", &[("version", "2026-12"), ("next", "/")]).await.assert_redirect("/");
    pages.page("/").await;
});

backend_test!(async fn acc6_http_the_export_is_the_users_own_data_and_downloads_once(db) {
    let app = App::spawn(db).await;
    let (client, _) = app.client("EXPO", None).await;
    add_user(&app, client, "colleague@expo.test", &["payers"]).await;
    let pages = app.pages("EXPO").await;
    pages.form("/client/privacy/export", &[]).await.assert_redirect("/client/privacy");
    let html = pages.page("/client/privacy").await;
    assert_eq!(text_at(&html, "data-test=\"notice\"").as_deref(), Some("Экспорт готов: скачайте его ниже"));
    let at = html.find("href=\"/client/privacy/exports/").expect("a download link") + "href=\"".len();
    let link = &html[at..at + html[at..].find('"').unwrap()];

    let r = pages.http.get(app.site(link)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = r.text().await.unwrap();
    assert!(csv.contains("profile,1,email,expo@client.test\r\n"), "{csv}");
    assert!(csv.contains("payer,1,name,Анна Сергеевна Котова\r\n"), "{csv}");
    assert!(csv.contains("login,1,address,127.0.0.1\r\n"), "{csv}");
    assert!(!csv.contains("colleague@expo.test") && !csv.contains("Пётр Сидоров"), "another user's data: {csv}");
    assert_eq!(pages.get(link).await.0, StatusCode::GONE, "a second download is refused");

    // The API does the same for the colleague, whose file is its own.
    let colleague = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let login = colleague.post(app.url("/auth/login"))
        .json(&json!({ "email": "colleague@expo.test", "password": "user-password" })).send().await.unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let (status, export) = json_of(colleague.post(app.url("/me/personal-data/exports"))).await;
    assert_eq!(status, StatusCode::CREATED, "{export}");
    let path = format!("/me/personal-data/exports/{}", export["id"]);
    let (status, code) = error_of(pages.http.get(app.url(&path))).await;
    assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "not_found"), "nobody else downloads it");
    let csv = colleague.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(csv.contains("profile,1,email,colleague@expo.test\r\n") && !csv.contains("expo@client.test"), "{csv}");
    let (status, code) = error_of(colleague.get(app.url(&path))).await;
    assert_eq!((status, code.as_str()), (StatusCode::GONE, "export_gone"));
});

backend_test!(async fn acc6_http_a_deletion_carried_out_ends_the_login_and_keeps_payers_and_payments(db) {
    let app = App::spawn(db).await;
    let (client, payer) = app.client("FORGET", None).await;
    app.credit(client, "750").await;
    add_user(&app, client, "leaving@forget.test", &["finance", "services"]).await;
    let leaving = app.pages_as("leaving@forget.test", "user-password").await;
    leaving.form("/client/privacy/requests", &[("kind", "delete"), ("comment", "Удалите меня")]).await
        .assert_redirect("/client/privacy");
    let html = leaving.page("/client/privacy").await;
    assert_eq!(text_at(&html, "data-test=\"request-status\"").as_deref(), Some("На рассмотрении"));
    let owner = app.pages("FORGET").await;
    owner.form("/client/privacy/requests", &[("kind", "restrict"), ("comment", "")]).await.assert_redirect("/client/privacy");

    let open = app.get("/privacy-requests?status=open").await;
    assert_eq!(open.as_array().unwrap().len(), 2, "{open}");
    let deletion = open.as_array().unwrap().iter().find(|r| r["kind"] == "delete").unwrap().clone();
    let restriction = open.as_array().unwrap().iter().find(|r| r["kind"] == "restrict").unwrap().clone();
    assert_eq!(deletion["comment"], "Удалите меня");
    assert!(deletion["due_on"].as_str().is_some_and(|d| d.len() == 10), "{deletion}");
    let client_api = app.portal("FORGET").await;
    let (status, _) = error_of(client_api.get(app.url("/privacy-requests"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, done) = app.post(&format!("/privacy-requests/{}/carry-out", deletion["id"]), json!({})).await;
    assert_eq!((status, done["status"].as_str()), (StatusCode::OK, Some("done")), "{done}");
    let (status, again) = app.post(&format!("/privacy-requests/{}/carry-out", deletion["id"]), json!({})).await;
    assert_eq!((status, again["code"].as_str()), (StatusCode::CONFLICT, Some("request_decided")));
    assert_eq!(leaving.get("/client/profile").await.0, StatusCode::SEE_OTHER, "its session ended");
    let (status, code) = error_of(app.http.post(app.url("/auth/login"))
        .json(&json!({ "email": "leaving@forget.test", "password": "user-password" }))).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNAUTHORIZED, "bad_credentials"));
    let users = app.get(&format!("/clients/{client}/users")).await;
    assert!(!users.to_string().contains("leaving@forget.test") && !users.to_string().contains("Пётр Сидоров"), "{users}");
    assert_eq!(app.get(&format!("/payers/{payer}")).await["details"]["name"], "Анна Сергеевна Котова");
    assert_eq!(app.balance(client).await, "750.00");
    let payments = app.get(&format!("/clients/{client}/payments")).await;
    assert_eq!(payments.as_array().map(Vec::len), Some(1), "{payments}");

    let (status, refused) = app.post(&format!("/privacy-requests/{}/refuse", restriction["id"]), json!({ "reason": "Нужно по договору" })).await;
    assert_eq!((status, refused["status"].as_str()), (StatusCode::OK, Some("refused")), "{refused}");
    let html = owner.page("/client/privacy").await;
    assert_eq!(text_at(&html, "data-test=\"request-status\"").as_deref(), Some("Отказано: Нужно по договору"));
});
