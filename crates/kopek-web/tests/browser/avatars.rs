//! Users' avatars in Chromium (ACC-3): a user created with a picture shows
//! it in "Пользователи"; on the user's page in English a file that is not
//! a picture is refused next to its field, a picture replaces the old one,
//! and "remove" takes it away.

use std::path::Path;

use thirtyfour::prelude::*;

use crate::harness::Portal;

/// The smallest PNG there is: one transparent pixel.
const PIXEL_PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\0\x01\0\0\x05\0\x01\r\n-\xb4\0\0\0\0IEND\xaeB`\x82";

/// Picks `file` in the file input named `name`.
async fn attach(p: &Portal, name: &str, file: &Path) {
    let input = p.driver.find(By::Css(format!("input[type='file'][name='{name}']"))).await.unwrap();
    input.send_keys(file.display().to_string()).await.unwrap();
}

/// Whether the picture at `src` loaded in the page as a real image.
async fn loaded(p: &Portal, test_id: &str) -> bool {
    let img = p.driver.find(By::Css(format!("img[data-test='{test_id}']"))).await.unwrap();
    let width = img.prop("naturalWidth").await.unwrap();
    width.as_deref() == Some("1")
}

#[tokio::test]
async fn acc3_a_user_gets_an_avatar_in_russian_and_changes_it_in_english() {
    let Some(p) = Portal::start(true).await else { return };
    p.t.client("FACES", 0).await;
    let files = tempfile::tempdir().unwrap();
    let picture = files.path().join("me.png");
    std::fs::write(&picture, PIXEL_PNG).unwrap();
    let text = files.path().join("notes.png");
    std::fs::write(&text, "not a picture at all").unwrap();

    p.log_in("faces@client.test", "client-password").await;
    p.go("/client/users/new").await;
    p.fill("email", "maria@faces.test").await;
    p.fill("full_name", "Мария Иванова").await;
    p.fill("password", "maria-password").await;
    p.fill("repeat_password", "maria-password").await;
    attach(&p, "avatar", &picture).await;
    p.click("user-save").await;
    assert_eq!(p.path().await, "/client/users");
    let row = p.driver.find(By::Css("[data-test='user-maria@faces.test']")).await.unwrap();
    let img = row.find(By::Css("img[data-test='avatar']")).await.unwrap();
    assert_eq!(img.prop("naturalWidth").await.unwrap().as_deref(), Some("1"), "the avatar is a picture the browser shows");

    let edit = row.find(By::Css("[data-test='user-edit']")).await.unwrap();
    p.click_and_wait(edit).await;
    assert!(loaded(&p, "avatar-image").await);
    p.switch_to("en").await;
    attach(&p, "avatar", &text).await;
    p.click("avatar-upload").await;
    assert_eq!(p.field_error("avatar").await, "This is not a picture: PNG, JPEG, GIF or WebP will do");
    assert!(loaded(&p, "avatar-image").await, "the old avatar stays");

    p.click("avatar-remove").await;
    assert!(p.text("avatar").await.contains("No avatar yet"));
    attach(&p, "avatar", &picture).await;
    p.click("avatar-upload").await;
    assert!(loaded(&p, "avatar-image").await);
    p.close().await;
}
