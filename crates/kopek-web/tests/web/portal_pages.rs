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
