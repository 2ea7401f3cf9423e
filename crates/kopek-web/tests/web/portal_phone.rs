//! ACC-2 over HTTP, on both backends: the profile's number confirmed by
//! the SMS code (a wrong code refused next to its field, the number shown
//! "Успешно подтверждён"), a confirmed number changed only by a code sent
//! to it, and the same through the API with its error codes.

use kopek_engine::accounts::phone::{PHONE_CODE_TOPIC, PhoneCodeMessage};
use kopek_store::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::pages::{field_error, text_at};
use crate::common::{App, error_of, json_of};

/// The last code sent by SMS: (number, code).
async fn last_code(app: &App) -> (String, String) {
    let mut conn = app.t.engine.store().conn().await.unwrap();
    let sent = kopek_store::outbox::by_topic(&mut conn, PHONE_CODE_TOPIC).await.unwrap();
    let m: PhoneCodeMessage = serde_json::from_str(&sent.last().expect("a code was sent").payload).unwrap();
    (m.to, m.code)
}

fn wrong(right: &str) -> &'static str {
    if right == "000000" { "111111" } else { "000000" }
}

backend_test!(async fn acc2_the_profile_confirms_the_number_by_its_sms_code(db) {
    let app = App::spawn(db).await;
    app.owned_client("CALLME", None).await;
    let pages = app.pages("CALLME").await;
    pages.form("/client/profile", &[("phone", "+7 912 345-67-89")]).await.assert_redirect("/client/profile");
    let html = pages.page("/client/profile").await;
    assert!(html.contains("data-test=\"phone-send-form\""), "the number can be confirmed");

    pages.form("/client/profile/phone/code", &[]).await.assert_redirect("/client/profile");
    let html = pages.page("/client/profile").await;
    assert_eq!(text_at(&html, "data-test=\"notice\"").as_deref(), Some("Код отправлен"));
    let sent = text_at(&html, "data-test=\"phone-code-sent\"").unwrap();
    assert!(sent.starts_with("Код отправлен на +7 *** ***-**-89. Он действует до "), "{sent}");
    let (to, code) = last_code(&app).await;
    assert_eq!(to, "+79123456789");
    assert!(!html.contains(&code), "the page never shows the code");

    let again = pages.form("/client/profile/phone/code", &[]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(text_at(&again.html, "data-test=\"phone-error\"").as_deref(), Some("Код уже отправлен. Новый можно запросить через минуту"));

    let refused = pages.form("/client/profile/phone/confirm", &[("code", wrong(&code))]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&refused.html, "code").as_deref(), Some("Неверный код"));
    assert!(refused.html.contains("Осталось попыток: 4"), "the tries left are shown");

    pages.form("/client/profile/phone/confirm", &[("code", &code)]).await.assert_redirect("/client/profile");
    let html = pages.page("/client/profile").await;
    assert_eq!(text_at(&html, "data-test=\"notice\"").as_deref(), Some("Номер подтверждён"));
    assert_eq!(text_at(&html, "data-test=\"phone-state\"").as_deref(), Some("Успешно подтверждён"));
    assert_eq!(text_at(&html, "data-test=\"profile-phone\"").as_deref(), Some("+79123456789"));
    assert!(html.contains("data-test=\"phone-change-form\""));

    let moved = pages.form("/client/profile", &[("phone", "+79990001122")]).await;
    assert_eq!(moved.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_error(&moved.html, "phone").as_deref(),
        Some("Подтверждённый номер меняется по коду из СМС: воспользуйтесь «Сменить номер»")
    );
});

backend_test!(async fn acc2_a_confirmed_number_is_changed_by_a_code_to_the_old_one(db) {
    let app = App::spawn(db).await;
    app.owned_client("MOVE", None).await;
    let pages = app.pages("MOVE").await;
    pages.form("/client/profile", &[("phone", "+79120000010")]).await.assert_redirect("/client/profile");
    pages.form("/client/profile/phone/code", &[]).await.assert_redirect("/client/profile");
    let (_, code) = last_code(&app).await;
    pages.form("/client/profile/phone/confirm", &[("code", &code)]).await.assert_redirect("/client/profile");

    app.t.clock.advance(chrono::Duration::minutes(1));
    let bad = pages.form("/client/profile/phone/code", &[("new_phone", "позвоните мне")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&bad.html, "new_phone").as_deref(), Some("Введите номер телефона, например +7 912 345-67-89"));
    assert!(bad.html.contains("value=\"позвоните мне\""), "what was typed is kept");

    pages.form("/client/profile/phone/code", &[("new_phone", "+7 912 000-00-20")]).await.assert_redirect("/client/profile");
    let (to, code) = last_code(&app).await;
    assert_eq!(to, "+79120000010", "the code goes to the confirmed number");
    let html = pages.page("/client/profile").await;
    assert!(html.contains("Новый номер после подтверждения: +79120000020"), "{html}");
    pages.form("/client/profile/phone/confirm", &[("code", &code)]).await.assert_redirect("/client/profile");
    let html = pages.page("/client/profile").await;
    assert_eq!(text_at(&html, "data-test=\"notice\"").as_deref(), Some("Номер изменён. Подтвердите новый номер"));
    assert_eq!(text_at(&html, "data-test=\"phone-state\"").as_deref(), Some("Не подтверждён"));
    assert!(html.contains("value=\"+79120000020\""));
});

backend_test!(async fn acc2_the_api_sends_and_checks_phone_codes(db) {
    let app = App::spawn(db).await;
    app.owned_client("APIPHONE", None).await;
    let me = app.portal("APIPHONE").await;
    let send = |body: serde_json::Value| me.post(app.url("/me/phone/code")).json(&body);
    assert_eq!(error_of(send(json!({}))).await, (StatusCode::UNPROCESSABLE_ENTITY, "no_phone".into()));
    assert_eq!(error_of(send(json!({ "new_phone": "x" }))).await, (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field".into()));
    assert_eq!(error_of(send(json!({ "phone": "+79120000030" }))).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, sent) = json_of(send(json!({ "new_phone": "+79120000030" }))).await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert_eq!((sent["purpose"].as_str(), sent["sent_to"].as_str(), sent["tries_left"].as_i64()),
        (Some("confirm"), Some("+7 *** ***-**-30"), Some(5)));
    let again = send(json!({ "new_phone": "+79120000030" }));
    assert_eq!(error_of(again).await, (StatusCode::CONFLICT, "phone_code_too_soon".into()));
    let (_, pending) = json_of(me.get(app.url("/me/phone/code"))).await;
    assert_eq!(pending, sent);

    let (_, code) = last_code(&app).await;
    let confirm = |code: &str| me.post(app.url("/me/phone/confirm")).json(&json!({ "code": code }));
    assert_eq!(error_of(confirm(wrong(&code))).await, (StatusCode::UNPROCESSABLE_ENTITY, "wrong_code".into()));
    let (status, user) = json_of(confirm(&code)).await;
    assert_eq!((status, user["phone"].as_str(), user["phone_verified"].as_bool()),
        (StatusCode::OK, Some("+79120000030"), Some(true)), "{user}");
    assert_eq!(error_of(confirm(&code)).await, (StatusCode::UNPROCESSABLE_ENTITY, "no_code".into()));
    let (_, pending) = json_of(me.get(app.url("/me/phone/code"))).await;
    assert_eq!(pending, json!(null));
    let profile = me.patch(app.url("/me/profile")).json(&json!({ "phone": "+79120000031" }));
    assert_eq!(error_of(profile).await, (StatusCode::CONFLICT, "phone_confirmed".into()));
});
