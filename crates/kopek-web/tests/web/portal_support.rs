//! "Поддержка — Запросы" over plain HTTP, on both backends (SUP-1, SUP-2):
//! a ticket opened with a file and its file downloaded; a refused form
//! shows each message next to its field and stores nothing; another
//! client's ticket is "not found"; a user without the "support" right gets
//! the 403 page; the client reads the provider's answer, replies with a
//! file and archives the ticket.

use kopek_store::backend_test;
use reqwest::multipart::Form;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::pages::{Pages, field_error, text_at};
use crate::common::{App, json_of};

/// A department staff made: its id.
async fn department(app: &App, name: &str) -> i64 {
    let (status, d) = app.post("/support/departments", json!({ "name": name })).await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    d["id"].as_i64().unwrap()
}

/// Every ticket, as an admin sees them through the API.
async fn all_tickets(app: &App) -> serde_json::Value {
    app.get("/support/tickets").await
}

/// The id in a ticket page's address.
fn ticket_id(location: &str) -> i64 {
    location.strip_prefix("/support/tickets/").and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("{location}"))
}

/// Opens a ticket through the form: its id.
async fn open(pages: &Pages, dep: i64, subject: &str) -> i64 {
    let dep = dep.to_string();
    let fields = [("subject", subject), ("department_id", dep.as_str()), ("subscription_id", ""), ("text", "Помогите")];
    let sent = pages.upload("/support/tickets", &fields, &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    ticket_id(sent.location.as_deref().unwrap())
}

backend_test!(
    /// SUP-1: the menu's "Запросы" and the dashboard's "Задать вопрос";
    /// a ticket with a text file; its page, the list, and the file as an
    /// attachment.
    async fn sup1_the_client_opens_a_ticket_with_a_file_and_downloads_it(db) {
    let app = App::spawn(db).await;
    let dep = department(&app, "Технический").await;
    app.owned_client("TICK", None).await;
    let pages = app.pages("TICK").await;
    let home = pages.page("/").await;
    assert!(home.contains("data-nav=\"tickets\""), "the menu's item");
    assert_eq!(text_at(&home, "data-test=\"quick-support\"").as_deref(), Some("Задать вопрос"));
    assert!(home.contains("href=\"/support/tickets/new\" data-test=\"quick-support\""));
    let form = pages.page("/support/tickets/new").await;
    assert!(form.contains(&format!("<option value=\"{dep}\">Технический</option>")), "{form}");
    assert!(form.contains("Запрос не связан с услугой"));

    let dep_s = dep.to_string();
    let fields = [("subject", "Сайт не открывается"), ("department_id", dep_s.as_str()), ("subscription_id", ""), ("text", "Ошибка 502\nс утра")];
    let sent = pages.upload("/support/tickets", &fields, &[("files", "log.txt", b"502 Bad Gateway")]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    let id = ticket_id(sent.location.as_deref().unwrap());

    let page = pages.page(&format!("/support/tickets/{id}")).await;
    assert_eq!(text_at(&page, "data-test=\"subject\"").as_deref(), Some("Сайт не открывается"));
    assert_eq!(text_at(&page, "data-test=\"ticket-state\"").as_deref(), Some("Находится на рассмотрении"));
    assert_eq!(text_at(&page, "data-test=\"department\"").as_deref(), Some("Технический"));
    assert_eq!(text_at(&page, "data-test=\"author\"").as_deref(), Some("tick@client.test"));
    assert!(page.contains("<p>Ошибка 502</p>") && page.contains("<p>с утра</p>"), "{page}");
    assert!(!page.contains("data-test=\"archive\""), "under review: nothing to archive");
    let detail = app.get(&format!("/support/tickets/{id}")).await;
    let file = detail["messages"][0]["files"][0]["id"].as_i64().unwrap();
    assert_eq!(text_at(&page, &format!("data-test=\"file-{file}\"")).as_deref(), Some("log.txt"));

    let got = pages.http.get(app.site(&format!("/support/files/{file}"))).send().await.unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    let h = got.headers();
    assert_eq!(h["content-type"], "text/plain; charset=utf-8");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["content-disposition"], "attachment; filename=\"log.txt\"; filename*=UTF-8''log.txt");
    assert_eq!(got.bytes().await.unwrap().as_ref(), b"502 Bad Gateway");

    let list = pages.page("/support/tickets").await;
    let row = format!("data-test=\"ticket-{id}\"");
    assert!(list.contains(&row), "{list}");
    assert_eq!(text_at(&list, "data-test=\"state\"").as_deref(), Some("Находится на рассмотрении"));
    assert_eq!(text_at(&list, "data-test=\"paging\"").as_deref(), Some("Всего: 1, на странице: 100, 1 из 1"));
});

backend_test!(
    /// SUP-1: empty fields, no department, a file too big, a program and
    /// another client's service: each refused next to its field, what was
    /// typed kept, no ticket stored.
    async fn sup1_a_refused_ticket_form_shows_errors_next_to_fields_and_stores_nothing(db) {
    let app = App::spawn(db).await;
    let dep = department(&app, "Финансы").await;
    app.owned_client("TERR", None).await;
    let pages = app.pages("TERR").await;
    let dep_s = dep.to_string();

    let sent = pages.upload("/support/tickets", &[("subject", ""), ("department_id", ""), ("text", " ")], &[]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&sent.html, "subject").as_deref(), Some("Заполните это поле"));
    assert_eq!(field_error(&sent.html, "text").as_deref(), Some("Заполните это поле"));

    let sent = pages.upload("/support/tickets", &[("subject", "Счёт"), ("department_id", ""), ("text", "Где счёт?")], &[]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&sent.html, "department_id").as_deref(), Some("Выберите отдел"));
    assert!(sent.html.contains("value=\"Счёт\""), "what was typed stays");
    assert!(sent.html.contains(">Где счёт?</textarea>"));

    let fields = [("subject", "Счёт"), ("department_id", dep_s.as_str()), ("text", "Где счёт?")];
    let big = vec![b'a'; 5 * 1024 * 1024 + 1];
    let sent = pages.upload("/support/tickets", &fields, &[("files", "big.txt", &big)]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", sent.html);
    assert_eq!(field_error(&sent.html, "files").as_deref(), Some("Файл больше допустимого размера"));

    let sent = pages.upload("/support/tickets", &fields, &[("files", "setup.pdf", b"MZ\x90\0\x03\0\0\0")]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_error(&sent.html, "files").as_deref(),
        Some("Файлы такого типа не принимаются: подойдут PNG, JPEG, GIF, WebP, PDF, ZIP или текст")
    );

    let with_service = [("subject", "Счёт"), ("department_id", dep_s.as_str()), ("subscription_id", "999"), ("text", "Где?")];
    let sent = pages.upload("/support/tickets", &with_service, &[]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&sent.html, "subscription_id").as_deref(), Some("Такой услуги у вас нет; выберите другую"));

    assert_eq!(all_tickets(&app).await, json!([]), "nothing stored");
    let list = pages.page("/support/tickets").await;
    assert!(list.contains("data-test=\"no-tickets\""));
});

backend_test!(
    /// SUP-1, SEC-4: another client's ticket and file are "not found"; a
    /// user without the "support" right gets the 403 page and no menu item.
    async fn sup1_other_clients_tickets_are_not_found_and_the_right_is_enforced(db) {
    let app = App::spawn(db).await;
    let dep = department(&app, "Технический").await;
    let client = app.owned_client("TOWN", None).await;
    let pages = app.pages("TOWN").await;
    let id = open(&pages, dep, "Мой вопрос").await;
    let sent = pages.upload(&format!("/support/tickets/{id}"), &[("text", "Вот файл")], &[("files", "a.txt", b"hello")]).await;
    sent.assert_redirect(&format!("/support/tickets/{id}"));
    let file = app.get(&format!("/support/tickets/{id}")).await["messages"][1]["files"][0]["id"].as_i64().unwrap();

    app.owned_client("TSTR", None).await;
    let stranger = app.pages("TSTR").await;
    let (status, html) = stranger.get(&format!("/support/tickets/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(text_at(&html, "data-test=\"problem\"").as_deref(), Some("Страница не найдена"));
    assert_eq!(stranger.get(&format!("/support/files/{file}")).await.0, StatusCode::NOT_FOUND);
    let sent = stranger.upload(&format!("/support/tickets/{id}"), &[("text", "Чужое")], &[]).await;
    assert_eq!(sent.status, StatusCode::NOT_FOUND);
    assert_eq!(stranger.form(&format!("/support/tickets/{id}/archive"), &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/support/tickets/{id}")).await["messages"].as_array().unwrap().len(), 2, "nothing added");

    let body = json!({ "email": "clerk@town.test", "full_name": "Пётр", "password": "user-password",
                       "full_access": false, "rights": ["finance"] });
    let (status, u) = json_of(app.staff(Method::POST, &format!("/clients/{client}/users")).json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{u}");
    let clerk = app.pages_as("clerk@town.test", "user-password").await;
    let inbox = clerk.page("/support/notifications").await;
    assert!(inbox.contains("data-nav=\"notifications\"") && !inbox.contains("data-nav=\"tickets\""), "no menu item");
    let paths = ["/support/tickets".to_string(), "/support/tickets/new".into(), format!("/support/tickets/{id}"), format!("/support/files/{file}")];
    for path in &paths {
        let (status, html) = clerk.get(path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(text_at(&html, "data-test=\"problem\"").as_deref(), Some("Недостаточно прав"), "{path}");
    }
    let dep_s = dep.to_string();
    let sent = clerk.upload("/support/tickets", &[("subject", "Вопрос"), ("department_id", dep_s.as_str()), ("text", "Да")], &[]).await;
    assert_eq!(sent.status, StatusCode::FORBIDDEN);
    assert_eq!(all_tickets(&app).await.as_array().unwrap().len(), 1);
});

backend_test!(
    /// SUP-2: under review the client can't archive; after the staff's
    /// answer the list shows "Есть новые сообщения", reading it makes it
    /// "Ожидает вашего ответа" with the staff member's name, and
    /// "Поместить в архив" puts it away.
    async fn sup2_the_client_reads_the_answer_and_archives_the_ticket(db) {
    let app = App::spawn(db).await;
    let dep = department(&app, "Технический").await;
    app.owned_client("TARC", None).await;
    let pages = app.pages("TARC").await;
    let id = open(&pages, dep, "Настроить почту").await;

    let sent = pages.form(&format!("/support/tickets/{id}/archive"), &[]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        text_at(&sent.html, "data-test=\"form-error\"").as_deref(),
        Some("В архив можно поместить только запрос, ожидающий вашего ответа")
    );

    let answer = Form::new().text("text", "Готово, проверьте");
    let (status, r) = json_of(app.staff(Method::POST, &format!("/support/tickets/{id}/messages")).multipart(answer)).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let list = pages.page("/support/tickets").await;
    assert_eq!(text_at(&list, "data-test=\"state\"").as_deref(), Some("Есть новые сообщения"));
    assert!(list.contains(&format!("data-test=\"ticket-{id}\" class=\"unread\"")), "{list}");
    assert!(list.contains("<strong>Настроить почту</strong>"));

    let page = pages.page(&format!("/support/tickets/{id}")).await;
    assert_eq!(text_at(&page, "data-test=\"ticket-state\"").as_deref(), Some("Ожидает вашего ответа"));
    assert!(page.contains("Сотрудник: Test Admin"), "the staff member by name: {page}");
    assert!(page.contains("<p>Готово, проверьте</p>"));
    assert!(page.contains("data-test=\"archive\""));
    let list = pages.page("/support/tickets").await;
    assert_eq!(text_at(&list, "data-test=\"state\"").as_deref(), Some("Ожидает вашего ответа"));

    pages.form(&format!("/support/tickets/{id}/archive"), &[]).await.assert_redirect("/support/tickets");
    let list = pages.page("/support/tickets").await;
    assert_eq!(text_at(&list, "data-test=\"state\"").as_deref(), Some("В архиве"));
    assert_eq!(app.get(&format!("/support/tickets/{id}")).await["ticket"]["state"], "archived");
});

backend_test!(
    /// SUP-1: a service's page leads to "Запрос" with the service chosen,
    /// and the ticket is about that service.
    async fn sup1_a_services_page_asks_with_the_service_preselected(db) {
    let app = App::spawn(db).await;
    let dep = department(&app, "Технический").await;
    let (client, _) = app.client("TSVC", None).await;
    app.credit(client, "1000.00").await;
    let vds = crate::portal_services::product(&app).await;
    crate::portal_services::march(&app);
    let pages = app.pages("TSVC").await;
    let sid = crate::portal_services::bought(&pages, vds).await;

    let service = pages.page(&format!("/services/{sid}")).await;
    let link = format!("href=\"/support/tickets/new?service={sid}\"");
    assert!(service.contains(&link), "{service}");
    let form = pages.page(&format!("/support/tickets/new?service={sid}")).await;
    assert!(form.contains(&format!("<option value=\"{sid}\" selected>VDS Fast (№ {sid})</option>")), "{form}");

    let (dep_s, sid_s) = (dep.to_string(), sid.to_string());
    let fields = [("subject", "Сервер"), ("department_id", dep_s.as_str()), ("subscription_id", sid_s.as_str()), ("text", "Не грузится")];
    let sent = pages.upload("/support/tickets", &fields, &[]).await;
    let id = ticket_id(sent.location.as_deref().unwrap());
    assert_eq!(app.get(&format!("/support/tickets/{id}")).await["ticket"]["subscription_id"], sid);
    let page = pages.page(&format!("/support/tickets/{id}")).await;
    assert_eq!(text_at(&page, "data-test=\"service\"").as_deref(), Some(format!("№ {sid}").as_str()));
});
