//! The "Клиент" section over plain HTTP, on both backends (ACC-2, ACC-3,
//! ACC-5): the profile, the password, users and their rights, the user's
//! settings — each form's success shown back, each bad input refused next
//! to its field with nothing changed, and the "users" right enforced.

use kopek_store::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::pages::{field_error, text_at};
use crate::common::{App, json_of};

/// Whether the checkbox marked `data-test="<id>"` is ticked.
fn ticked(html: &str, id: &str) -> bool {
    let at = html.find(&format!("data-test=\"{id}\"")).unwrap_or_else(|| panic!("no {id}"));
    let end = at + html[at..].find('>').unwrap();
    html[at..end].contains(" checked")
}

/// A user of `client` made by staff through the API: its id.
async fn api_user(app: &App, client: i64, email: &str, full_access: bool, rights: &[&str]) -> i64 {
    let body = json!({ "email": email, "full_name": "Иван Петров", "password": "user-password",
                       "full_access": full_access, "rights": rights });
    let (status, u) = app.post(&format!("/clients/{client}/users"), body).await;
    assert_eq!(status, StatusCode::CREATED, "{u}");
    u["id"].as_i64().unwrap()
}

async fn users_of(app: &App, client: i64) -> serde_json::Value {
    app.get(&format!("/clients/{client}/users")).await
}

backend_test!(async fn acc2_the_profile_shows_the_owner_read_only_and_saves_the_phone(db) {
    let app = App::spawn(db).await;
    let client = app.owned_client("PROF", None).await;
    let pages = app.pages("PROF").await;
    let html = pages.page("/client/profile").await;
    assert_eq!(text_at(&html, "data-test=\"profile-email\"").as_deref(), Some("prof@client.test"));
    assert_eq!(text_at(&html, "data-test=\"profile-name\"").as_deref(), Some("Owner"));
    assert!(!html.contains("name=\"full_name\""), "the owner's name is not an input");

    let sent = pages.form("/client/profile", &[("phone", "call me")]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&sent.html, "phone").as_deref(), Some("Введите номер телефона, например +7 912 345-67-89"));
    assert!(sent.html.contains("value=\"call me\""), "what was typed is kept");
    assert_eq!(users_of(&app, client).await[0]["phone"], json!(null));

    let sent = pages.form("/client/profile", &[("full_name", "Другое Имя"), ("phone", "+7 912 345-67-89")]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&sent.html, "full_name").as_deref(), Some("ФИО первого пользователя меняет только поддержка провайдера"));
    assert_eq!(users_of(&app, client).await[0]["phone"], json!(null));

    pages.form("/client/profile", &[("phone", "+7 912 345-67-89")]).await.assert_redirect("/client/profile");
    let html = pages.page("/client/profile").await;
    assert_eq!(text_at(&html, "data-test=\"notice\"").as_deref(), Some("Сохранено"));
    assert!(html.contains("value=\"+79123456789\""), "{html}");
    assert_eq!(text_at(&html, "data-test=\"phone-state\"").as_deref(), Some("Не подтверждён"));
});

backend_test!(async fn acc2_a_user_changes_its_password_on_the_profile(db) {
    let app = App::spawn(db).await;
    app.owned_client("PASS", None).await;
    let pages = app.pages("PASS").await;
    let form = |current: &'static str, new: &'static str, repeat: &'static str| {
        [("current_password", current), ("new_password", new), ("repeat_password", repeat)]
    };
    let sent = pages.form("/client/profile/password", &form("wrong-password", "brand-new-pass", "brand-new-pass")).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&sent.html, "current_password").as_deref(), Some("Текущий пароль введён неверно"));
    let sent = pages.form("/client/profile/password", &form("client-password", "brand-new-pass", "brand-new-pas")).await;
    assert_eq!(field_error(&sent.html, "repeat_password").as_deref(), Some("Пароли не совпадают"));
    let sent = pages.form("/client/profile/password", &form("client-password", "short", "short")).await;
    assert_eq!(field_error(&sent.html, "new_password").as_deref(), Some("Пароль должен быть не короче 8 символов"));
    let sent = pages.form("/client/profile/password", &form("", "", "")).await;
    assert_eq!(field_error(&sent.html, "current_password").as_deref(), Some("Заполните это поле"));
    assert!(!sent.html.contains("client-password"), "a password is never shown back");
    app.pages_as("pass@client.test", "client-password").await;

    let sent = pages.form("/client/profile/password", &form("client-password", "brand-new-pass", "brand-new-pass")).await;
    sent.assert_redirect("/client/profile");
    assert_eq!(text_at(&pages.page("/client/profile").await, "data-test=\"notice\"").as_deref(), Some("Пароль изменён"));
    app.pages_as("pass@client.test", "brand-new-pass").await;
});

backend_test!(async fn acc3_the_owner_creates_a_user_with_rights_edits_disables_and_deletes_it(db) {
    let app = App::spawn(db).await;
    let client = app.owned_client("TEAM", None).await;
    let pages = app.pages("TEAM").await;
    let html = pages.page("/client/users/new").await;
    assert!(ticked(&html, "full-access"), "full access is on by default, as the guide's form");

    let user = |email: &'static str, password: &'static str, repeat: &'static str| {
        vec![("email", email), ("full_name", "Мария Иванова"), ("password", password), ("repeat_password", repeat),
             ("phone", "+7 912 000-11-22"), ("rights", "finance"), ("rights", "orders")]
    };
    for (fields, field, message) in [
        (user("not-an-email", "user-password", "user-password"), "email", "Введите email, например ivan@example.ru"),
        (user("team@client.test", "user-password", "user-password"), "email", "Пользователь с таким email уже есть"),
        (user("buh@team.test", "user-password", "user-passwor"), "repeat_password", "Пароли не совпадают"),
        (user("buh@team.test", "short", "short"), "password", "Пароль должен быть не короче 8 символов"),
    ] {
        let sent = pages.form("/client/users", &fields).await;
        assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(field_error(&sent.html, field).as_deref(), Some(message));
        assert!(ticked(&sent.html, "right-finance") && ticked(&sent.html, "right-orders") && !ticked(&sent.html, "right-users"));
        assert_eq!(users_of(&app, client).await.as_array().unwrap().len(), 1, "nothing created");
    }
    let sent = pages.form("/client/users", &user("buh@team.test", "user-password", "user-password")).await;
    sent.assert_redirect("/client/users");
    let html = pages.page("/client/users").await;
    assert_eq!(text_at(&html, "data-test=\"notice\"").as_deref(), Some("Пользователь создан"));
    assert_eq!(text_at(&html, "data-test=\"users-total\"").as_deref(), Some("Всего: 2"));
    let row = |html: &str, what: &str| {
        let at = html.find("data-test=\"user-buh@team.test\"").expect("the new user's row");
        text_at(&html[at..], &format!("data-test=\"{what}\""))
    };
    assert_eq!(row(&html, "user-name").as_deref(), Some("Мария Иванова"));
    assert_eq!(row(&html, "user-phone").as_deref(), Some("+79120001122 Не подтверждён"));
    assert_eq!(row(&html, "user-rights").as_deref(), Some("Финансы, Заказы"));
    assert_eq!(row(&html, "user-state").as_deref(), Some("Включён"));
    let id = users_of(&app, client).await[1]["id"].as_i64().unwrap();

    // Edit: a bad phone is refused next to it and changes nothing.
    let sent = pages.form(&format!("/client/users/{id}"), &[("full_name", "Мария Петрова"), ("phone", "12")]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&sent.html, "phone").as_deref(), Some("Введите номер телефона, например +7 912 345-67-89"));
    assert_eq!(users_of(&app, client).await[1]["full_name"], "Мария Иванова");
    let sent = pages.form(&format!("/client/users/{id}"), &[("full_name", ""), ("phone", "")]).await;
    assert_eq!(field_error(&sent.html, "full_name").as_deref(), Some("Заполните ФИО (не длиннее 200 символов)"));
    pages.form(&format!("/client/users/{id}"), &[("full_name", "Мария Петрова"), ("phone", "")]).await.assert_redirect("/client/users");
    let html = pages.page("/client/users").await;
    assert_eq!(row(&html, "user-name").as_deref(), Some("Мария Петрова"));
    assert_eq!(row(&html, "user-phone").as_deref(), Some(""));

    // Rights: the boxes as saved, then new ones.
    let html = pages.page(&format!("/client/users/{id}/rights")).await;
    assert!(!ticked(&html, "full-access") && ticked(&html, "right-finance") && !ticked(&html, "right-support"));
    let rights = [("rights", "support"), ("rights", "documents")];
    pages.form(&format!("/client/users/{id}/rights"), &rights).await.assert_redirect("/client/users");
    assert_eq!(row(&pages.page("/client/users").await, "user-rights").as_deref(), Some("Документы, Поддержка"));
    assert_eq!(users_of(&app, client).await[1]["rights"], json!(["documents", "support"]));

    // Off, on, and away.
    pages.form(&format!("/client/users/{id}/disable"), &[]).await.assert_redirect("/client/users");
    let html = pages.page("/client/users").await;
    assert_eq!((row(&html, "user-state").as_deref(), text_at(&html, "data-test=\"notice\"").as_deref()), (Some("Выключен"), Some("Пользователь выключен")));
    pages.form(&format!("/client/users/{id}/enable"), &[]).await.assert_redirect("/client/users");
    assert_eq!(row(&pages.page("/client/users").await, "user-state").as_deref(), Some("Включён"));
    let html = pages.page(&format!("/client/users/{id}/delete")).await;
    assert_eq!(text_at(&html, "data-test=\"delete-question\"").as_deref(), Some("Удалить пользователя buh@team.test? Восстановить его будет нельзя."));
    pages.form(&format!("/client/users/{id}/delete"), &[]).await.assert_redirect("/client/users");
    let html = pages.page("/client/users").await;
    assert_eq!(text_at(&html, "data-test=\"users-total\"").as_deref(), Some("Всего: 1"));
    assert!(!html.contains("buh@team.test"));
});

backend_test!(async fn acc3_the_owner_is_not_disabled_deleted_or_limited_and_another_clients_user_is_not_found(db) {
    let app = App::spawn(db).await;
    let client = app.owned_client("KEEP", None).await;
    let other = app.owned_client("KEEPB", None).await;
    let owner = users_of(&app, client).await[0]["id"].as_i64().unwrap();
    let stranger = users_of(&app, other).await[0]["id"].as_i64().unwrap();
    let pages = app.pages("KEEP").await;
    let html = pages.page("/client/users").await;
    assert!(!html.contains("data-test=\"user-disable\"") && !html.contains("data-test=\"user-delete\""), "no buttons for the owner");
    let sent = pages.form(&format!("/client/users/{owner}/disable"), &[]).await;
    assert_eq!(sent.status, StatusCode::CONFLICT);
    assert!(sent.html.contains("Первого пользователя нельзя удалить, выключить или лишить полного доступа"), "{}", sent.html);
    let sent = pages.form(&format!("/client/users/{owner}/rights"), &[("rights", "finance")]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(text_at(&sent.html, "data-test=\"form-error\"").as_deref(), Some("Первого пользователя нельзя удалить, выключить или лишить полного доступа: обратитесь к провайдеру"));
    assert_eq!(pages.form(&format!("/client/users/{owner}/delete"), &[]).await.status, StatusCode::CONFLICT);
    let after = &users_of(&app, client).await[0];
    assert_eq!((after["enabled"].clone(), after["full_access"].clone()), (json!(true), json!(true)));
    assert_eq!(pages.get(&format!("/client/users/{stranger}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(pages.form(&format!("/client/users/{stranger}/delete"), &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(users_of(&app, other).await.as_array().unwrap().len(), 1);
});

backend_test!(async fn acc3_a_user_without_the_users_right_gets_the_forbidden_page_and_the_api_403(db) {
    let app = App::spawn(db).await;
    let client = app.owned_client("LIMIT", None).await;
    let owner = users_of(&app, client).await[0]["id"].as_i64().unwrap();
    // Services too: the dashboard lists the services.
    api_user(&app, client, "buh@limit.test", false, &["finance", "services"]).await;
    let pages = app.pages_as("buh@limit.test", "user-password").await;
    let home = pages.page("/").await;
    assert!(!home.contains("data-nav=\"users\"") && home.contains("data-nav=\"profile\"") && home.contains("data-nav=\"settings\""));
    for path in ["/client/users", "/client/users/new", &format!("/client/users/{owner}"), &format!("/client/users/{owner}/rights")] {
        let (status, html) = pages.get(path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(text_at(&html, "data-test=\"problem\"").as_deref(), Some("Недостаточно прав"), "{path}");
    }
    let sent = pages.form("/client/users", &[("email", "x@limit.test"), ("full_name", "X"), ("password", "user-password"), ("repeat_password", "user-password")]).await;
    assert_eq!(sent.status, StatusCode::FORBIDDEN);
    assert_eq!(pages.form(&format!("/client/users/{owner}/disable"), &[]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(users_of(&app, client).await.as_array().unwrap().len(), 2, "nothing created");
    // The API says the same to the same user.
    let (status, body) = json_of(pages.http.get(app.url(&format!("/clients/{client}/users")))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("no_right")));
    let (status, body) = json_of(pages.http.delete(app.url(&format!("/clients/{client}/users/{owner}")))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("no_right")));
    // Its own profile and settings stay its own to change.
    assert_eq!(pages.get("/client/profile").await.0, StatusCode::OK);
    assert_eq!(pages.get("/client/settings").await.0, StatusCode::OK);
});

backend_test!(async fn acc5_the_user_saves_language_time_zone_telegram_and_notifications_and_the_portal_speaks_it(db) {
    let app = App::spawn(db).await;
    app.owned_client("PREFS", None).await;
    let pages = app.pages("PREFS").await;
    let html = pages.page("/client/settings").await;
    assert!(ticked(&html, "notify-finance-email") && ticked(&html, "notify-news-email") && !ticked(&html, "notify-finance-sms"));

    let form = |telegram: &'static str, timezone: &'static str| {
        vec![("locale", "en"), ("timezone", timezone), ("telegram", telegram),
             ("notify-finance-email", "on"), ("notify-finance-sms", "on"), ("notify-support-messenger", "on"), ("notify-services-portal", "on")]
    };
    let sent = pages.form("/client/settings", &form("ivan", "Europe/Moscow")).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&sent.html, "telegram").as_deref(), Some("Имя пользователя Telegram: от 5 до 32 латинских букв, цифр или знаков _"));
    assert!(ticked(&sent.html, "notify-finance-sms") && !ticked(&sent.html, "notify-news-email"), "the table as typed");
    let sent = pages.form("/client/settings", &form("ivan_petrov", "Mars/Olympus")).await;
    assert_eq!(field_error(&sent.html, "timezone").as_deref(), Some("Выберите часовой пояс из списка"));
    let html = pages.page("/client/settings").await;
    assert!(html.contains("<html lang=\"ru\">") && ticked(&html, "notify-news-email") && !ticked(&html, "notify-finance-sms"), "nothing changed");

    pages.form("/client/settings", &form("@ivan_petrov", "Asia/Novosibirsk")).await.assert_redirect("/client/settings");
    let html = pages.page("/client/settings").await;
    assert!(html.contains("<html lang=\"en\">"), "the portal speaks the saved language");
    assert_eq!(text_at(&html, "data-test=\"notice\"").as_deref(), Some("Saved"));
    let select = &html[html.find("id=\"f-locale\"").unwrap()..html.find("settings-telegram").unwrap_or(html.len())];
    assert!(select.contains("<option value=\"en\" selected>") && select.contains("<option value=\"Asia&#x2f;Novosibirsk\" selected>"), "{select}");
    assert!(html.contains("value=\"ivan_petrov\""));
    let on: Vec<String> = ["finance", "news", "services", "support"]
        .iter()
        .flat_map(|c| ["email", "messenger", "sms", "portal"].map(move |ch| format!("{c}:{ch}")))
        .filter(|cell| ticked(&html, &format!("notify-{}", cell.replace(':', "-"))))
        .collect();
    assert_eq!(on, ["finance:email", "finance:sms", "services:portal", "support:messenger"]);
    // The saved language wins over the browser's.
    let (_, dash) = pages.get("/").await;
    assert!(dash.contains("<html lang=\"en\">"));
    let me = json_of(pages.http.get(app.url("/me/settings"))).await.1;
    assert_eq!((me["locale"].as_str(), me["timezone"].as_str(), me["telegram"].as_str()), (Some("en"), Some("Asia/Novosibirsk"), Some("ivan_petrov")));
});
