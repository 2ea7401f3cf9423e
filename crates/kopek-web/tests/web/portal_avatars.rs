//! Avatars in the portal, on both backends (ACC-3): a user is created with
//! its picture, the picture is served back with the type its bytes are, a
//! page named like a picture is refused next to the field and creates
//! nothing, a user changes and removes its own, and another client's
//! user's picture is not found.

use kopek_store::backend_test;
use reqwest::StatusCode;

use crate::common::App;
use crate::common::pages::field_error;

/// The smallest PNG there is: one transparent pixel.
const PIXEL_PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\0\x01\0\0\x05\0\x01\r\n-\xb4\0\0\0\0IEND\xaeB`\x82";
const GIF: &[u8] = b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!\xf9\x04\x01\0\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;";

fn new_user(email: &str) -> Vec<(&str, &str)> {
    vec![
        ("email", email),
        ("full_name", "Мария Иванова"),
        ("password", "user-password"),
        ("repeat_password", "user-password"),
        ("phone", ""),
        ("full_access", "on"),
    ]
}

backend_test!(async fn acc3_a_user_is_created_with_an_avatar_that_is_served_as_the_picture_it_is(db) {
    let app = App::spawn(db).await;
    let client = app.owned_client("FACES", None).await;
    let pages = app.pages("FACES").await;

    // A script named photo.png is no picture: refused, nobody created.
    let script = b"<html><script>alert(1)</script></html>";
    let sent = pages.upload("/client/users", &new_user("maria@faces.test"), &[("avatar", "photo.png", script)]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", sent.html);
    assert_eq!(field_error(&sent.html, "avatar").as_deref(), Some("Это не картинка: подойдёт PNG, JPEG, GIF или WebP"));
    assert!(sent.html.contains("value=\"maria@faces.test\""), "what was typed stays");
    assert_eq!(app.get(&format!("/clients/{client}/users")).await.as_array().unwrap().len(), 1, "nothing created");

    let sent = pages.upload("/client/users", &new_user("maria@faces.test"), &[("avatar", "me.bin", PIXEL_PNG)]).await;
    sent.assert_redirect("/client/users");
    let users = app.get(&format!("/clients/{client}/users")).await;
    let id = users[1]["id"].as_i64().unwrap();
    let list = pages.page("/client/users").await;
    assert!(list.contains(&format!("src=\"/client/users/{id}/avatar\"")), "{list}");
    let r = pages.http.get(app.site(&format!("/client/users/{id}/avatar"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png", "the type of the bytes, not of the name");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.bytes().await.unwrap().as_ref(), PIXEL_PNG);

    // The owner, who has none, has no picture to serve.
    let owner = users[0]["id"].as_i64().unwrap();
    assert_eq!(pages.get(&format!("/client/users/{owner}/avatar")).await.0, StatusCode::NOT_FOUND);

    // Another client's user can't see it.
    app.owned_client("STRANGER", None).await;
    let stranger = app.pages("STRANGER").await;
    assert_eq!(stranger.get(&format!("/client/users/{id}/avatar")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(stranger.upload(&format!("/client/users/{id}/avatar"), &[], &[("avatar", "x.gif", GIF)]).await.status, StatusCode::NOT_FOUND);
});

backend_test!(async fn acc3_an_avatar_is_replaced_refused_when_too_large_and_removed(db) {
    let app = App::spawn(db).await;
    let client = app.owned_client("SELFIE", None).await;
    let pages = app.pages("SELFIE").await;
    let me = app.get(&format!("/clients/{client}/users")).await[0]["id"].as_i64().unwrap();
    let page = format!("/client/users/{me}");
    let avatar = format!("/client/users/{me}/avatar");
    assert!(pages.page(&page).await.contains("Аватар не загружен"));

    pages.upload(&avatar, &[], &[("avatar", "a.gif", GIF)]).await.assert_redirect(&page);
    assert!(pages.page(&page).await.contains("data-test=\"avatar-image\""));
    let r = pages.http.get(app.site(&avatar)).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "image/gif");

    // Over 512 KiB: refused next to the field, the old picture kept.
    let mut big = PIXEL_PNG.to_vec();
    big.resize(512 * 1024 + 1, 0);
    let sent = pages.upload(&avatar, &[], &[("avatar", "big.png", &big)]).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&sent.html, "avatar").as_deref(), Some("Файл больше 512 КиБ"));
    let r = pages.http.get(app.site(&avatar)).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "image/gif", "the old one stays");
    // No file chosen.
    let sent = pages.upload(&avatar, &[], &[]).await;
    assert_eq!(field_error(&sent.html, "avatar").as_deref(), Some("Выберите файл"));

    pages.form(&format!("{avatar}/delete"), &[]).await.assert_redirect(&page);
    assert_eq!(pages.get(&avatar).await.0, StatusCode::NOT_FOUND);
    assert!(pages.page(&page).await.contains("Аватар не загружен"));
});

backend_test!(async fn acc3_the_api_sets_serves_and_removes_an_avatar_and_refuses_what_is_no_picture(db) {
    let app = App::spawn(db).await;
    let client = app.owned_client("APIFACE", None).await;
    let user = app.get(&format!("/clients/{client}/users")).await[0]["id"].as_i64().unwrap();
    let url = app.url(&format!("/clients/{client}/users/{user}/avatar"));
    let staff = |m: reqwest::Method| app.staff(m, &format!("/clients/{client}/users/{user}/avatar"));

    let r = staff(reqwest::Method::PUT).body(b"%PDF-1.7 not a picture".to_vec()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["code"], "not_an_image");
    assert_eq!(staff(reqwest::Method::GET).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    let r = staff(reqwest::Method::PUT).body(GIF.to_vec()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = staff(reqwest::Method::GET).send().await.unwrap();
    assert_eq!((r.status(), r.headers()["content-type"].to_str().unwrap().to_string()), (StatusCode::OK, "image/gif".to_string()));
    assert_eq!(r.bytes().await.unwrap().as_ref(), GIF);
    // The client's own user sees it, another client's does not.
    let portal = app.portal("APIFACE").await;
    assert_eq!(portal.get(&url).send().await.unwrap().status(), StatusCode::OK);
    app.owned_client("APIOTHER", None).await;
    let other = app.portal("APIOTHER").await;
    assert_eq!(other.get(&url).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    assert_eq!(staff(reqwest::Method::DELETE).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(staff(reqwest::Method::GET).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    // Removing it again finds nothing to remove: done, and no second
    // record of a removal.
    assert_eq!(staff(reqwest::Method::DELETE).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    let removals = app.get("/audit?action=client_user.avatar_removed").await;
    assert_eq!(removals["records"].as_array().map(Vec::len), Some(1), "{removals}");
});
