//! The staff panel's documents, notifications and support screens on both
//! backends (DOC-1 … DOC-5, NTF-3, NTF-4, SUP-1, SUP-2, ACC-4): each lists
//! what it should with its exact values, a bad input is shown next to its
//! field and changes nothing, and a role that may not is refused (403)
//! with nothing changed.

use kopek_store::backend_test;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::pages::{field_error, text_at};
use crate::common::{App, json_of};
use crate::deliveries::notify_by_mail;
use crate::documents_api::invoiced;

/// The text of `attr` inside the row carrying `row`.
fn cell(html: &str, row: &str, attr: &str) -> Option<String> {
    let at = html.find(row)?;
    let end = at + html[at..].find("</tr>")?;
    text_at(&html[at..end], attr)
}

backend_test!(async fn doc1_doc2_the_panel_lists_documents_by_kind_and_reissues_an_act(db) {
    let app = App::spawn(db).await;
    let (client, _payer, _pay) = invoiced(&app, "DESKDOC").await;
    let admin = app.staff_user("admin").await;
    let pages = app.admin_pages(&admin, "staff-password").await;

    // Invoices first: the client, number, date, amount and its PDF.
    let html = pages.page("/admin/documents").await;
    assert!(html.contains("aria-current=\"page\" data-nav=\"documents\""), "{html}");
    let row = "data-test=\"document-2026-000001\"";
    assert_eq!(cell(&html, row, "data-test=\"client\"").as_deref(), Some("DESKDOC · Client DESKDOC"));
    assert_eq!(cell(&html, row, "data-test=\"amount\"").as_deref(), Some("1 250,00 ₽"));
    assert_eq!(cell(&html, row, "data-test=\"date\"").as_deref(), Some("01.03.2026"));
    assert!(!html.contains("data-test=\"reissue-"), "an invoice is not reissued: {html}");
    let invoice = app.get(&format!("/clients/{client}/documents?kind=invoice")).await[0]["id"].as_i64().unwrap();
    let pdf = pages.http.get(app.site(&format!("/admin/documents/{invoice}/file"))).send().await.unwrap();
    assert_eq!((pdf.status(), pdf.headers()["content-type"].to_str().unwrap()), (StatusCode::OK, "application/pdf"));
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));

    // A kind Kopek does not issue: next to the select.
    let (status, bad) = pages.get("/admin/documents?kind=letter").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&bad, "kind").as_deref(), Some("Выберите значение"));

    // February's act, and its «Перевыпустить».
    let charged = chrono::DateTime::parse_from_rfc3339("2026-02-10T09:00:00Z").unwrap();
    app.post(&format!("/clients/{client}/expenses"), json!({
        "name": "VDS Fast", "amount": "250.00", "currency": "RUB", "vat_percent": "20", "charged_at": charged
    })).await;
    app.post("/documents/acts", json!({ "from": "2026-02-01", "to": "2026-02-28" })).await;
    let acts = pages.page("/admin/documents?kind=act").await;
    let act = app.get(&format!("/clients/{client}/documents?kind=act")).await[0]["id"].as_i64().unwrap();
    assert_eq!(cell(&acts, "data-test=\"document-2026-000001\"", "data-test=\"date\"").as_deref(), Some("28.02.2026"));
    assert_eq!(cell(&acts, "data-test=\"document-2026-000001\"", "data-test=\"amount\"").as_deref(), Some("250,00 ₽"));
    assert!(acts.contains("data-test=\"reissue-2026-000001\""), "{acts}");

    // Support may not: no button, and a post is refused with nothing changed.
    let support = app.staff_user("support").await;
    let helpdesk = app.admin_pages(&support, "staff-password").await;
    assert!(!helpdesk.page("/admin/documents?kind=act").await.contains("data-test=\"reissue-"));
    assert_eq!(helpdesk.form(&format!("/admin/documents/{act}/reissue"), &[]).await.status, StatusCode::FORBIDDEN);
    let listed = app.get("/documents?kind=act").await;
    assert_eq!(listed.as_array().unwrap().iter().map(|d| d["number"].as_str().unwrap()).collect::<Vec<_>>(), ["2026-000001"]);

    pages.form(&format!("/admin/documents/{act}/reissue"), &[]).await.assert_redirect("/admin/documents?kind=act");
    let acts = pages.page("/admin/documents?kind=act").await;
    assert!(acts.contains("data-test=\"document-2026-000002\"") && !acts.contains("data-test=\"document-2026-000001\""), "{acts}");
    assert_eq!(text_at(&acts, "data-test=\"notice\"").as_deref(), Some("Акт перевыпущен"));
    let again = pages.form(&format!("/admin/documents/{act}/reissue"), &[]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(text_at(&again.html, "data-test=\"refused\"").as_deref(), Some("Этот акт уже перевыпущен"));
    assert_eq!(app.get("/documents?kind=act").await.as_array().unwrap().len(), 1);
});

backend_test!(async fn ntf4_the_panel_s_delivery_log_filters_and_sends_a_failed_one_again(db) {
    let app = App::spawn(db).await;
    let good = app.owned_client("OKMAIL", None).await;
    let bad = app.owned_client("LOST", None).await;
    notify_by_mail(&app.t, good, "okmail@client.test", "2026-1").await;
    notify_by_mail(&app.t, bad, "lost@client.test", "2026-2").await;
    let log = app.get("/notification-deliveries").await;
    let id_of = |client: i64| log.as_array().unwrap().iter().find(|d| d["client_id"] == client).unwrap()["id"].as_i64().unwrap();
    let (sent, dead) = (id_of(good), id_of(bad));
    let admin = app.staff_user("admin").await;
    let pages = app.admin_pages(&admin, "staff-password").await;

    let html = pages.page("/admin/notifications").await;
    let row = format!("data-test=\"delivery-{dead}\"");
    assert_eq!(cell(&html, &row, "data-test=\"client\"").as_deref(), Some("LOST"));
    assert_eq!(cell(&html, &row, "data-test=\"event\"").as_deref(), Some("payment.credited"));
    assert_eq!(cell(&html, &row, "data-test=\"channel\"").as_deref(), Some("Email"));
    assert_eq!(cell(&html, &row, "data-test=\"address\"").as_deref(), Some("lost@client.test"));
    assert_eq!(cell(&html, &row, "data-test=\"last-error\"").as_deref(), Some("550 5.1.1 mailbox unavailable"));
    assert_eq!(cell(&html, &format!("data-test=\"delivery-{sent}\""), "data-test=\"status\"").as_deref(), Some("отправлено"));
    assert!(html.contains(&format!("data-test=\"resend-{dead}\"")) && !html.contains(&format!("data-test=\"resend-{sent}\"")), "{html}");

    // Filters: by status, by client; a bad one next to its field.
    let only_dead = pages.page("/admin/notifications?status=dead").await;
    assert!(only_dead.contains(&row) && !only_dead.contains(&format!("data-test=\"delivery-{sent}\"")));
    let of_good = pages.page(&format!("/admin/notifications?client={good}&channel=email")).await;
    assert!(!of_good.contains(&row) && of_good.contains(&format!("data-test=\"delivery-{sent}\"")));
    let (status, wrong) = pages.get("/admin/notifications?channel=fax&client=LOST").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&wrong, "channel").as_deref(), Some("Выберите значение"));
    assert_eq!(field_error(&wrong, "client").as_deref(), Some("Введите номер клиента, например 42"));

    // Read-only staff read the log and may not send again.
    let reader = app.staff_user("read_only").await;
    let watcher = app.admin_pages(&reader, "staff-password").await;
    assert!(!watcher.page("/admin/notifications").await.contains("data-test=\"resend-"));
    assert_eq!(watcher.form(&format!("/admin/notifications/{dead}/resend"), &[]).await.status, StatusCode::FORBIDDEN);
    let status_of = |v: &serde_json::Value| v.as_array().unwrap().iter().find(|d| d["id"] == dead).unwrap()["status"].clone();
    assert_eq!(status_of(&app.get("/notification-deliveries").await), "dead");

    pages.form(&format!("/admin/notifications/{dead}/resend"), &[]).await.assert_redirect("/admin/notifications");
    assert_eq!(status_of(&app.get("/notification-deliveries").await), "queued");
    let again = pages.form(&format!("/admin/notifications/{sent}/resend"), &[]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(text_at(&again.html, "data-test=\"refused\"").as_deref(), Some("Снова отправить можно только недоставленное уведомление"));
});

backend_test!(async fn ntf3_the_panel_edits_a_template_and_resets_it_to_the_shipped_one(db) {
    let app = App::spawn(db).await;
    let admin = app.staff_user("admin").await;
    let pages = app.admin_pages(&admin, "staff-password").await;
    let list = pages.page("/admin/notifications/templates").await;
    assert_eq!(cell(&list, "data-test=\"slot-payment.credited-ru\"", "data-test=\"which\"").as_deref(), Some("стандартный"));
    assert!(list.contains("data-test=\"slot-support.ticket_created-en\""), "{list}");
    let path = "/admin/notifications/templates/payment.credited/ru";
    let api = "/notification-templates/payment.credited/ru";

    // An empty subject and a value the event does not carry: next to their parts, nothing stored.
    let empty = pages.form(path, &[("subject", " "), ("text", "Зачислено"), ("sms", "Зачислено")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&empty.html, "subject").as_deref(), Some("Заполните это поле"));
    let unknown = pages.form(path, &[("subject", "Платёж {{ number }}"), ("text", "Спасибо, {{ nickname }}"), ("sms", "Зачислено")]).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&unknown.html, "text").unwrap().starts_with("Шаблон не собирается: ru/payment.credited.text, line 1"), "{}", unknown.html);
    assert!(unknown.html.contains("Спасибо, {{ nickname }}"), "shown as typed");
    assert_eq!(json_of(app.staff(Method::GET, api)).await.0, StatusCode::NOT_FOUND);

    // Support may not.
    let support = app.staff_user("support").await;
    let helpdesk = app.admin_pages(&support, "staff-password").await;
    assert_eq!(helpdesk.get("/admin/notifications/templates").await.0, StatusCode::FORBIDDEN);
    let refused = helpdesk.form(path, &[("subject", "Платёж {{ number }}"), ("text", "Зачислено"), ("sms", "Зачислено")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(json_of(app.staff(Method::GET, api)).await.0, StatusCode::NOT_FOUND);

    pages.form(path, &[("subject", "Платёж {{ number }} получен"), ("text", "Зачислено {{ amount }}"), ("sms", "Зачислено")]).await.assert_redirect(path);
    assert_eq!(app.get(api).await["subject"], "Платёж {{ number }} получен");
    let list = pages.page("/admin/notifications/templates").await;
    assert!(cell(&list, "data-test=\"slot-payment.credited-ru\"", "data-test=\"which\"").unwrap().starts_with("свой: admin@staff.test"), "{list}");
    pages.form(&format!("{path}/reset"), &[]).await.assert_redirect(path);
    assert_eq!(json_of(app.staff(Method::GET, api)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(text_at(&pages.page(path).await, "data-test=\"which\"").as_deref(), Some("стандартный"));

    // In English, every screen speaks English.
    pages.form("/lang", &[("lang", "en"), ("next", "/admin/tickets")]).await;
    let (_, dep) = app.post("/support/departments", json!({ "name": "Tech" })).await;
    app.owned_client("ENGLISH", None).await;
    let id = ticket(&app, "ENGLISH", dep["id"].as_i64().unwrap(), "Down").await;
    for (page, says) in [
        ("/admin/documents".to_string(), "Issued documents"),
        ("/admin/notifications".to_string(), "Notification log"),
        (path.to_string(), "the template is checked before it is saved"),
        ("/admin/tickets".to_string(), "awaiting an answer"),
        (format!("/admin/tickets/{id}"), "Save as an internal note"),
        ("/admin/departments".to_string(), "Add a staff member"),
    ] {
        let html = pages.page(&page).await;
        assert!(html.contains(says) && !html.contains("desk-"), "{page}: {html}");
    }
});

/// A support staff member in the department `dep`: (email, id).
async fn agent(app: &App, dep: i64) -> (String, i64) {
    let email = app.staff_user("support").await;
    let staff = app.get("/staff").await;
    let id = staff.as_array().unwrap().iter().find(|m| m["email"] == email.as_str()).unwrap()["id"].as_i64().unwrap();
    let (status, d) = json_of(app.staff(Method::PUT, &format!("/support/departments/{dep}/staff/{id}"))).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    (email, id)
}

/// A ticket the client `code` opens in `dep`: its id.
async fn ticket(app: &App, code: &str, dep: i64, subject: &str) -> i64 {
    let client = app.portal(code).await;
    let form = reqwest::multipart::Form::new()
        .text("department_id", dep.to_string())
        .text("subject", subject.to_string())
        .text("text", "Ошибка 502");
    let (status, t) = json_of(client.post(app.url("/support/tickets")).multipart(form)).await;
    assert_eq!(status, StatusCode::CREATED, "{t}");
    t["ticket"]["id"].as_i64().unwrap()
}

backend_test!(async fn sup1_acc4_support_answers_notes_assigns_moves_and_closes_a_ticket_in_the_panel(db) {
    let app = App::spawn(db).await;
    let (_, tech) = app.post("/support/departments", json!({ "name": "Технический" })).await;
    let (_, sales) = app.post("/support/departments", json!({ "name": "Продажи" })).await;
    let (tech, sales) = (tech["id"].as_i64().unwrap(), sales["id"].as_i64().unwrap());
    let (email, agent_id) = agent(&app, tech).await;
    app.owned_client("HELPME", None).await;
    let id = ticket(&app, "HELPME", tech, "Сайт не открывается").await;
    let other = ticket(&app, "HELPME", sales, "Хочу скидку").await;
    let pages = app.admin_pages(&email, "staff-password").await;

    // The queue: its department's tickets only, by state.
    let queue = pages.page("/admin/tickets").await;
    let row = format!("data-test=\"ticket-{id}\"");
    assert_eq!(cell(&queue, &row, "data-test=\"subject\"").as_deref(), Some("Сайт не открывается"));
    assert_eq!(cell(&queue, &row, "data-test=\"client\"").as_deref(), Some("HELPME · Client HELPME"));
    assert_eq!(cell(&queue, &row, "data-test=\"department\"").as_deref(), Some("Технический"));
    assert_eq!(cell(&queue, &row, "data-test=\"state\"").as_deref(), Some("ждёт ответа"));
    assert!(!queue.contains(&format!("data-test=\"ticket-{other}\"")), "another department's ticket: {queue}");
    assert!(!pages.page("/admin/tickets?state=closed").await.contains(&row));
    assert!(pages.page(&format!("/admin/tickets?department={tech}&state=under_review")).await.contains(&row));
    let (status, bad) = pages.get("/admin/tickets?state=lost").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&bad, "state").as_deref(), Some("Выберите значение"));
    assert_eq!(pages.get(&format!("/admin/tickets/{other}")).await.0, StatusCode::NOT_FOUND);

    // An empty reply: next to the field, nothing written.
    let path = format!("/admin/tickets/{id}");
    let empty = pages.form(&format!("{path}/reply"), &[("text", "  "), ("internal", "0")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&empty.html, "text").as_deref(), Some("Напишите сообщение (не длиннее 5000 знаков)"));
    assert_eq!(app.get(&format!("/support/tickets/{id}")).await["messages"].as_array().unwrap().len(), 1);

    pages.form(&format!("{path}/reply"), &[("text", "Перезапустили сервер"), ("internal", "0")]).await.assert_redirect(&path);
    pages.form(&format!("{path}/reply"), &[("text", "Клиент на старом тарифе"), ("internal", "1")]).await.assert_redirect(&path);
    let html = pages.page(&path).await;
    assert_eq!(html.matches("data-test=\"internal\"").count(), 1, "{html}");
    assert_eq!(text_at(&html, "data-test=\"state\"").as_deref(), Some("ответ не прочитан клиентом"));
    let client = app.portal("HELPME").await;
    let (_, seen) = json_of(client.get(app.url(&format!("/support/tickets/{id}")))).await;
    let texts: Vec<&str> = seen["messages"].as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Ошибка 502", "Перезапустили сервер"], "the note is staff's only");

    // Assign: an accountant is refused next to the field; the agent is given it.
    let accountant = app.staff_user("accountant").await;
    let acc_id = app.get("/staff").await.as_array().unwrap().iter().find(|m| m["email"] == accountant.as_str()).unwrap()["id"].as_i64().unwrap();
    let wrong = pages.form(&format!("{path}/assign"), &[("assignee_id", &acc_id.to_string())]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&wrong.html, "assignee_id").as_deref(), Some("Выберите администратора или сотрудника поддержки с действующим входом"));
    pages.form(&format!("{path}/assign"), &[("assignee_id", &agent_id.to_string())]).await.assert_redirect(&path);
    assert_eq!(text_at(&pages.page(&path).await, "data-test=\"assignee\"").as_deref(), Some(format!("Staff support ({email})").as_str()));

    // An accountant handles no tickets: refused, nothing written.
    let books = app.admin_pages(&accountant, "staff-password").await;
    assert!(!books.page("/admin/clients").await.contains("data-nav=\"tickets\""));
    assert_eq!(books.get("/admin/tickets").await.0, StatusCode::FORBIDDEN);
    assert_eq!(books.form(&format!("{path}/reply"), &[("text", "Я бухгалтер"), ("internal", "0")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(books.form(&format!("{path}/close"), &[]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/support/tickets/{id}")).await["messages"].as_array().unwrap().len(), 3);

    // Closed, then moved to sales: out of the agent's queue.
    pages.form(&format!("{path}/close"), &[]).await.assert_redirect(&path);
    assert_eq!(text_at(&pages.page(&path).await, "data-test=\"state\"").as_deref(), Some("закрыт"));
    let lost = pages.form(&format!("{path}/move"), &[("department_id", "999999")]).await;
    assert_eq!(lost.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&lost.html, "department_id").as_deref(), Some("Такого отдела нет; выберите другой"));
    pages.form(&format!("{path}/move"), &[("department_id", &sales.to_string())]).await.assert_redirect(&path);
    assert_eq!(app.get(&format!("/support/tickets/{id}")).await["ticket"]["department"], "Продажи");
    assert!(!pages.page("/admin/tickets").await.contains(&row));
});

backend_test!(async fn acc4_an_admin_keeps_departments_and_their_staff_in_the_panel(db) {
    let app = App::spawn(db).await;
    let admin = app.staff_user("admin").await;
    let pages = app.admin_pages(&admin, "staff-password").await;
    assert!(pages.page("/admin/departments").await.contains("data-test=\"no-departments\""));

    let empty = pages.form("/admin/departments", &[("name", "  ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&empty.html, "name").as_deref(), Some("Введите название отдела (не длиннее 100 знаков)"));
    pages.form("/admin/departments", &[("name", "Технический")]).await.assert_redirect("/admin/departments");
    let taken = pages.form("/admin/departments", &[("name", "Технический")]).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&taken.html, "name").as_deref(), Some("Отдел с таким названием уже есть"));
    let deps = app.get("/support/departments").await;
    assert_eq!(deps.as_array().unwrap().len(), 1);
    let dep = deps[0]["id"].as_i64().unwrap();

    // Renamed, switched off; a bad name on the row, nothing changed.
    let bad = pages.form(&format!("/admin/departments/{dep}"), &[("name", ""), ("enabled", "1")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&bad.html, &format!("name-{dep}")).as_deref(), Some("Введите название отдела (не длиннее 100 знаков)"));
    pages.form(&format!("/admin/departments/{dep}"), &[("name", "Техподдержка")]).await.assert_redirect("/admin/departments");
    let d = &app.get("/support/departments").await[0];
    assert_eq!((d["name"].as_str(), d["enabled"].as_bool()), (Some("Техподдержка"), Some(false)));

    // Members: an accountant is refused next to the select; support joins and leaves.
    let accountant = app.staff_user("accountant").await;
    let support = app.staff_user("support").await;
    let staff = app.get("/staff").await;
    let id_of = |email: &str| staff.as_array().unwrap().iter().find(|m| m["email"] == email).unwrap()["id"].as_i64().unwrap();
    let wrong = pages.form(&format!("/admin/departments/{dep}/staff"), &[("staff_id", &id_of(&accountant).to_string()), ("member", "1")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&wrong.html, &format!("staff-{dep}")).as_deref(), Some("Выберите администратора или сотрудника поддержки"));
    pages.form(&format!("/admin/departments/{dep}/staff"), &[("staff_id", &id_of(&support).to_string()), ("member", "1")]).await.assert_redirect("/admin/departments");
    let html = pages.page("/admin/departments").await;
    assert_eq!(text_at(&html, &format!("data-test=\"member-{support}\"")).as_deref().map(|t| t.starts_with("Staff support (support@staff.test)")), Some(true), "{html}");
    assert_eq!(app.get("/support/departments").await[0]["staff"], json!([id_of(&support)]));

    // Support reads the list and changes nothing.
    let helpdesk = app.admin_pages(&support, "staff-password").await;
    let html = helpdesk.page("/admin/departments").await;
    assert!(!html.contains("data-test=\"new-department-form\"") && html.contains("Техподдержка"), "{html}");
    assert_eq!(helpdesk.form("/admin/departments", &[("name", "Продажи")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(helpdesk.form(&format!("/admin/departments/{dep}"), &[("name", "Моё"), ("enabled", "1")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(helpdesk.form(&format!("/admin/departments/{dep}/staff"), &[("staff_id", &id_of(&support).to_string())]).await.status, StatusCode::FORBIDDEN);
    let d = app.get("/support/departments").await;
    assert_eq!((d.as_array().unwrap().len(), d[0]["name"].as_str(), d[0]["staff"].clone()), (1, Some("Техподдержка"), json!([id_of(&support)])));
});
