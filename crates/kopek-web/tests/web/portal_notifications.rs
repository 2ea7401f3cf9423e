//! "Поддержка — Уведомления" over plain HTTP, on both backends (NTF-4):
//! every notification the user got, paged, unread ones marked, opening
//! one marks it read, another user's is "not found"; the staff API's
//! delivery log refuses a bad filter with a clear 4xx.

use std::sync::Arc;

use kopek_engine::core::notify::Notification;
use kopek_engine::notifications::delivery::Notifier;
use kopek_integrations::notifications::ShippedTemplates;
use kopek_store::backend_test;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::pages::{field_error, text_at};
use crate::common::{App, error_of, json_of};

/// `count` failed-autopayment notifications for the client's `emails`,
/// taken by a worker with no channel: the inbox alone.
async fn notify(app: &App, client: i64, emails: &[&str], count: i64) {
    let engine = &app.t.engine;
    let n = Notifier::new(Arc::new(ShippedTemplates::new()));
    for i in 1..=count {
        let note = Notification {
            event: "autopay.payment_failed".into(),
            client_id: client,
            recipients: emails.iter().map(|e| e.to_string()).collect(),
            data: json!({ "payment_id": i, "reason": "карта отклонена" }),
        };
        let id = app.t.queue_notification(&note).await;
        n.accept(engine, id, &note).await.unwrap();
    }
}

backend_test!(
    /// NTF-4: 25 notifications: 20 on the first page, unread marked, the
    /// menu's link; opening one shows its text and marks it read; another
    /// user's notification is "not found".
    async fn ntf4_the_inbox_lists_pages_and_marks_what_was_opened(db) {
    let app = App::spawn(db).await;
    let client = app.owned_client("INBX", None).await;
    let other = app.owned_client("OTHR", None).await;
    notify(&app, client, &["inbx@client.test"], 25).await;
    notify(&app, other, &["othr@client.test"], 1).await;
    let pages = app.pages("INBX").await;

    let html = pages.page("/support/notifications").await;
    assert!(html.contains("aria-current=\"page\" data-nav=\"notifications\""), "the menu's link");
    assert_eq!(text_at(&html, "data-test=\"paging\"").as_deref().map(|t| t.split_whitespace().take(7).collect::<Vec<_>>().join(" ")),
        Some("Всего: 25, непрочитанных: 25, 1 из 2".into()));
    assert_eq!(html.matches("<tr data-test=\"notification-").count(), 20);
    assert_eq!(html.matches("class=\"unread\"").count(), 20);
    let log = app.get("/notification-deliveries").await;
    assert_eq!(log, json!([]), "no channel is on: no deliveries, only the inbox");
    let page2 = pages.page("/support/notifications?page=2").await;
    assert_eq!(page2.matches("<tr data-test=\"notification-").count(), 5);

    let first = html.find("href=\"/support/notifications/").unwrap() + "href=\"/support/notifications/".len();
    let id: i64 = html[first..].split('"').next().unwrap().parse().unwrap();
    let one = pages.page(&format!("/support/notifications/{id}")).await;
    assert_eq!(text_at(&one, "data-test=\"subject\"").as_deref(), Some("Автоплатёж не прошёл"));
    assert_eq!(text_at(&one, "data-test=\"body\"").as_deref().map(str::trim),
        Some("Автоплатёж № 25 не прошёл: карта отклонена. Проверьте сохранённый способ оплаты."));
    let html = pages.page("/support/notifications").await;
    assert_eq!(html.matches("class=\"unread\"").count(), 19);
    assert!(html.contains("непрочитанных: 24"), "{html}");

    let (status, _) = pages.get(&format!("/support/notifications/{}", id + 1)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the other client's notification");
});

backend_test!(
    /// NTF-4: the staff API's delivery log refuses an unknown status or
    /// event and a client's user; "send again" of no delivery is 404.
    async fn ntf4_the_delivery_log_refuses_bad_filters_and_clients(db) {
    let app = App::spawn(db).await;
    app.owned_client("LOGS", None).await;
    let (status, code) = error_of(app.staff(Method::GET, "/notification-deliveries?status=lost")).await;
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "bad_query"));
    let (status, code) = error_of(app.staff(Method::GET, "/notification-deliveries?event=no.such")).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "unknown_event"));
    let (status, code) = error_of(app.staff(Method::POST, "/notification-deliveries/999/resend")).await;
    assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "not_found"));
    let (status, v) = json_of(app.staff(Method::GET, "/notification-deliveries?channel=email&status=dead&page=2")).await;
    assert_eq!((status, v), (StatusCode::OK, json!([])));
    // A page far past the end is empty, not a failure.
    let (status, v) = json_of(app.staff(Method::GET, "/notification-deliveries?page=9223372036854775806")).await;
    assert_eq!((status, v), (StatusCode::OK, json!([])));
    let client = app.portal("LOGS").await;
    let r = client.get(app.url("/notification-deliveries")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = client.get(app.url("/me/notifications")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["total"], json!(0));
});

backend_test!(
    /// NTF-1: the low-balance threshold in "Настройки пользователя" and
    /// through the API: an amount below zero, unreadable, finer than a
    /// kopeck or too large is refused next to its field in Russian and in
    /// English, or with 422 and its code, and changes nothing; empty or
    /// null switches the notice off.
    async fn ntf1_the_low_balance_threshold_is_set_in_settings_and_the_api_and_a_bad_one_changes_nothing(db) {
        let app = App::spawn(db).await;
        let client = app.owned_client("LOW", None).await;
        let path = format!("/clients/{client}/low-balance");
        let pages = app.pages("LOW").await;
        let html = pages.page("/client/settings").await;
        assert!(html.contains("Уведомлять, когда на счёте меньше, RUB") && html.contains("data-test=\"low-balance-form\""), "{html}");
        for (typed, said) in [
            ("-5", "Сумма не может быть меньше нуля"),
            ("сто", "Введите сумму, например 250,00"),
            ("10,005", "Не больше двух знаков после запятой"),
            ("10000000000000", "Слишком большая сумма"),
        ] {
            let sent = pages.form("/client/settings/low-balance", &[("threshold", typed)]).await;
            assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
            assert_eq!(field_error(&sent.html, "threshold").as_deref(), Some(said), "{typed}");
            assert!(sent.html.contains(&format!("value=\"{typed}\"")), "{typed}: shown as typed");
        }
        assert_eq!(app.get(&path).await["threshold"], json!(null), "nothing changed");

        pages.form("/client/settings/low-balance", &[("threshold", "1 500,50")]).await.assert_redirect("/client/settings");
        let html = pages.page("/client/settings").await;
        assert_eq!(text_at(&html, "data-test=\"notice\"").as_deref(), Some("Сохранено"));
        assert!(html.contains("name=\"threshold\" type=\"text\" value=\"1500.50\""), "{html}");
        assert_eq!(app.get(&path).await, json!({ "client_id": client, "currency": "RUB", "threshold": "1500.50" }));

        // In English, once the user chose it.
        pages.form("/client/settings", &[("locale", "en"), ("timezone", ""), ("telegram", "")]).await.assert_redirect("/client/settings");
        let sent = pages.form("/client/settings/low-balance", &[("threshold", "-1")]).await;
        assert_eq!(field_error(&sent.html, "threshold").as_deref(), Some("The amount cannot be below zero"));
        assert!(sent.html.contains("Notify me when the account has less than, RUB"));

        for (body, code) in [
            (json!({ "threshold": "-1" }), "invalid_field"),
            (json!({ "threshold": 12.345 }), "amount_too_precise"),
            (json!({ "threshold": "10000000000000" }), "amount_too_large"),
        ] {
            assert_eq!(error_of(app.staff(Method::PUT, &path).json(&body)).await, (StatusCode::UNPROCESSABLE_ENTITY, code.into()), "{body}");
        }
        let (status, _) = error_of(app.staff(Method::PUT, &path).json(&json!({ "threshold": "abc" }))).await;
        assert!(status.is_client_error(), "{status}");
        assert_eq!(app.get(&path).await["threshold"], json!("1500.50"), "nothing changed");
        let (status, off) = json_of(app.staff(Method::PUT, &path).json(&json!({ "threshold": null }))).await;
        assert_eq!((status, off["threshold"].clone()), (StatusCode::OK, json!(null)));
        pages.form("/client/settings/low-balance", &[("threshold", "")]).await.assert_redirect("/client/settings");
        assert_eq!(app.get(&path).await["threshold"], json!(null));
    }
);
