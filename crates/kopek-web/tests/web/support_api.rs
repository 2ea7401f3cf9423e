//! SUP-1, SUP-2, ACC-4: a ticket's whole life through the API, on both
//! backends: the client opens it with a file (multipart), staff answer,
//! the client reads, answers and archives; the file comes back as an
//! attachment; another client gets "not found" for both. With a files
//! directory configured, the bytes live there (SUP-1).

use kopek_store::backend_test;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{App, Gateways, error_of, json_of};

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

backend_test!(
    /// SUP-1: with a files directory configured, a file uploaded through the
    /// API lands there under its SHA-256 and comes back byte for byte as an
    /// attachment; a file over the limit is refused with nothing written.
    async fn sup1_files_in_a_directory_through_the_api(db) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("files");
    let settings = kopek_engine::Settings {
        support_files: kopek_engine::support::files::FileStore::Directory(dir.clone()),
        ..kopek_engine::testing::test_settings()
    };
    let app = App::spawn_configured(db, Gateways::Cards, kopek_web::shield::ShieldConfig::default(), settings).await;
    let (_, dep) = app.post("/support/departments", json!({ "name": "Финансы" })).await;
    let dep = dep["id"].as_i64().unwrap();
    app.owned_client("SUPDIR", None).await;
    let client = app.portal("SUPDIR").await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR screenshot".to_vec();
    let form = |bytes: Vec<u8>, name: &'static str| {
        Form::new()
            .text("department_id", dep.to_string())
            .text("subject", "Счёт")
            .text("text", "Скриншот во вложении")
            .part("files", Part::bytes(bytes).file_name(name))
    };
    let (status, t) = json_of(client.post(app.url("/support/tickets")).multipart(form(png.clone(), "screen.png"))).await;
    assert_eq!(status, StatusCode::CREATED, "{t}");
    let file_id = t["messages"][0]["files"][0]["id"].as_i64().unwrap();
    let name = kopek_engine::support::files::content_name(&png);
    let names: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec![name.clone()]);
    assert_eq!(std::fs::read(dir.join(&name)).unwrap(), png);

    let path = format!("/support/files/{file_id}");
    for request in [client.get(app.url(&path)), app.staff(Method::GET, &path)] {
        let got = request.send().await.unwrap();
        assert_eq!(got.status(), StatusCode::OK);
        assert_eq!(got.headers()["content-type"], "image/png");
        assert_eq!(got.headers()["content-disposition"], "attachment; filename=\"screen.png\"; filename*=UTF-8''screen.png");
        assert_eq!(got.bytes().await.unwrap().to_vec(), png);
    }

    let max = app.t.engine.settings().support.max_file_bytes;
    let mut big = png.clone();
    big.resize(max + 1, 0);
    let refused = error_of(client.post(app.url("/support/tickets")).multipart(form(big, "big.png"))).await;
    assert_eq!(refused, (StatusCode::UNPROCESSABLE_ENTITY, "file_too_large".to_string()));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "nothing more written");
});
