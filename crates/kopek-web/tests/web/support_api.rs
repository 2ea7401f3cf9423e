//! SUP-1, SUP-2, ACC-4: a ticket's whole life through the API, on both
//! backends: the client opens it with a file (multipart), staff answer,
//! the client reads, answers and archives; the file comes back as an
//! attachment; another client gets "not found" for both.

use kopek_store::backend_test;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{App, error_of, json_of};

backend_test!(
    /// SUP-1, SUP-2: create with a file → staff reply → new messages →
    /// read → client reply → staff reply → archive; the download headers.
    async fn sup1_sup2_a_tickets_life_through_the_api(db) {
    let app = App::spawn(db).await;
    let (status, dep) = app.post("/support/departments", json!({ "name": "Технический" })).await;
    assert_eq!(status, StatusCode::CREATED, "{dep}");
    let dep = dep["id"].as_i64().unwrap();
    app.owned_client("SUPAPI", None).await;
    let client = app.portal("SUPAPI").await;

    let form = Form::new()
        .text("department_id", dep.to_string())
        .text("subject", "Сайт не открывается")
        .text("text", "Ошибка 502")
        .part("files", Part::bytes(b"<html><script>alert(1)</script>".to_vec()).file_name("page.html"));
    let (status, t) = json_of(client.post(app.url("/support/tickets")).multipart(form)).await;
    assert_eq!(status, StatusCode::CREATED, "{t}");
    let id = t["ticket"]["id"].as_i64().unwrap();
    assert_eq!((t["ticket"]["state"].as_str(), t["ticket"]["department"].as_str()), (Some("under_review"), Some("Технический")));
    let file = &t["messages"][0]["files"][0];
    assert_eq!((file["name"].as_str(), file["content_type"].as_str()), (Some("page.html"), Some("text/plain; charset=utf-8")));
    let file_id = file["id"].as_i64().unwrap();

    // A page uploaded is served as text to download, never rendered.
    let got = client.get(app.url(&format!("/support/files/{file_id}"))).send().await.unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    let h = got.headers();
    assert_eq!(h["content-type"], "text/plain; charset=utf-8");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["content-disposition"], "attachment; filename=\"page.html\"; filename*=UTF-8''page.html");

    let answer = Form::new().text("text", "Перезапустили");
    let (status, r) = json_of(app.staff(Method::POST, &format!("/support/tickets/{id}/messages")).multipart(answer)).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let (_, list) = json_of(client.get(app.url("/support/tickets"))).await;
    assert_eq!((list[0]["state"].as_str(), list[0]["unread"].as_bool()), (Some("new_messages"), Some(true)));
    let (_, read) = json_of(client.get(app.url(&format!("/support/tickets/{id}")))).await;
    assert_eq!(read["ticket"]["state"].as_str(), Some("awaiting_reply"));

    let (status, back) = json_of(client.post(app.url(&format!("/support/tickets/{id}/messages"))).multipart(Form::new().text("text", "Работает"))).await;
    assert_eq!((status, back["ticket"]["state"].as_str()), (StatusCode::CREATED, Some("under_review")));
    let refused = error_of(client.post(app.url(&format!("/support/tickets/{id}/archive")))).await;
    assert_eq!(refused, (StatusCode::UNPROCESSABLE_ENTITY, "ticket_action_refused".to_string()));
    json_of(app.staff(Method::POST, &format!("/support/tickets/{id}/messages")).multipart(Form::new().text("text", "Рады помочь"))).await;
    let (status, archived) = json_of(client.post(app.url(&format!("/support/tickets/{id}/archive")))).await;
    assert_eq!((status, archived["state"].as_str()), (StatusCode::OK, Some("archived")));

    // Another client: not found, for the ticket and its file.
    app.owned_client("SUPAPI2", None).await;
    let other = app.portal("SUPAPI2").await;
    assert_eq!(error_of(other.get(app.url(&format!("/support/tickets/{id}")))).await, (StatusCode::NOT_FOUND, "not_found".to_string()));
    assert_eq!(error_of(other.get(app.url(&format!("/support/files/{file_id}")))).await, (StatusCode::NOT_FOUND, "not_found".to_string()));

    // A program is refused, and nothing is stored.
    let exe = Form::new()
        .text("department_id", dep.to_string())
        .text("subject", "Программа")
        .text("text", "Вот")
        .part("files", Part::bytes(b"MZ\x90\0\x03\0\0\0".to_vec()).file_name("setup.pdf"));
    let refused = error_of(client.post(app.url("/support/tickets")).multipart(exe)).await;
    assert_eq!(refused, (StatusCode::UNPROCESSABLE_ENTITY, "file_kind_refused".to_string()));
    let (_, list) = json_of(client.get(app.url("/support/tickets"))).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
});
