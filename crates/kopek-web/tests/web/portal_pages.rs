//! The portal over plain HTTP, on both backends (OPS-5, ACC-7, SEC-1): the
//! dashboard shows the balance, a form without its token changes nothing.

use kopek_store::backend_test;
use reqwest::StatusCode;

use crate::common::App;
use crate::common::pages::text_at;

backend_test!(async fn acc7_the_dashboard_shows_the_account_and_its_balance(db) {
    let app = App::spawn(db).await;
    let (client, _) = app.client("DASH", None).await;
    app.credit(client, "1234.56").await;
    let pages = app.pages("DASH").await;
    let html = pages.page("/").await;
    assert_eq!(text_at(&html, "data-test=\"balance-amount\"").as_deref(), Some("1 234,56 ₽"));
    assert_eq!(text_at(&html, "data-test=\"who\"").as_deref(), Some("DASH · dash@client.test"));
});

backend_test!(async fn sec1_a_portal_form_without_its_token_is_refused(db) {
    let app = App::spawn(db).await;
    app.client("NOTOKEN", None).await;
    let pages = app.pages("NOTOKEN").await;
    let r = pages.http.post(app.site("/logout")).form(&[("_csrf", "0".repeat(64))]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(pages.get("/").await.0, StatusCode::OK, "still logged in");
});

backend_test!(async fn acc7_ntf1_news_published_through_the_api_shows_on_the_dashboards_it_is_for(db) {
    let app = App::spawn(db).await;
    let (mine, _) = app.client("NEWSME", None).await;
    let (other, _) = app.client("NEWSOTHER", None).await;
    let pages = app.pages("NEWSME").await;
    let html = pages.page("/").await;
    assert!(html.contains("Новостей пока нет."), "{html}");

    let (status, all) = app.post("/news", serde_json::json!({ "title": "Плановые работы", "body": "1 марта с 02:00 до 04:00." })).await;
    assert_eq!(status, StatusCode::CREATED, "{all}");
    let body = serde_json::json!({ "title": "Только для соседа", "body": "Скидка", "client_ids": [other] });
    let (status, theirs) = app.post("/news", body).await;
    assert_eq!(status, StatusCode::CREATED, "{theirs}");
    let (status, bad) = app.post("/news", serde_json::json!({ "title": "", "body": "x" })).await;
    assert_eq!((status, bad["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field")), "{bad}");

    let html = pages.page("/").await;
    let id = all["id"].as_i64().unwrap();
    let shown = text_at(&html, &format!("data-test=\"news-{id}\"")).unwrap();
    assert!(shown.starts_with("Плановые работы") && shown.ends_with("1 марта с 02:00 до 04:00."), "{shown}");
    assert!(!html.contains("Только для соседа"), "another client's news is not shown");
    let listed = app.get(&format!("/clients/{mine}/news")).await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(app.get(&format!("/clients/{other}/news")).await.as_array().unwrap().len(), 2);
});
