//! NTF-3 over HTTP on both backends: staff store their own template of an
//! event and language, the delivery worker renders it instead of the
//! shipped one, a template that does not render is refused with the line
//! it fails on, and removing it brings the shipped one back.

use std::sync::Arc;

use kopek_engine::core::notify::Notification;
use kopek_engine::notifications::delivery::Notifier;
use kopek_integrations::notifications::ShippedTemplates;
use kopek_store::backend_test;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{App, error_of, json_of};

const PATH: &str = "/notification-templates/payment.credited/ru";

/// The subjects in the client owner's inbox after the worker took every
/// notification of the outbox.
async fn inbox_subjects(app: &App, client: i64) -> Vec<String> {
    let engine = &app.t.engine;
    let n = Notifier::new(Arc::new(ShippedTemplates::new()));
    let rows = {
        let mut conn = engine.store().conn().await.unwrap();
        kopek_store::outbox::by_topic(&mut conn, "notification").await.unwrap()
    };
    for row in rows {
        let note: Notification = serde_json::from_str(&row.payload).unwrap();
        n.accept(engine, row.id, &note).await.unwrap();
    }
    let mut conn = engine.store().conn().await.unwrap();
    let user_id = kopek_store::users::client_users_of(&mut conn, client).await.unwrap()[0].id;
    let page = kopek_store::notifications::inbox_page(&mut conn, user_id, 50, 0).await.unwrap();
    page.into_iter().map(|r| r.subject).collect()
}

backend_test!(async fn ntf3_staff_s_template_is_checked_stored_used_and_removed(db) {
    let app = App::spawn(db).await;
    let client = app.owned_client("TPL1", None).await;
    let template = json!({
        "subject": "Пришло {{ amount|money(currency) }}",
        "text": "Платёж {{ number }} зачислен.\nОстаток: {{ balance|money(balance_currency) }}.",
        "sms": "+{{ amount|money(currency) }}",
    });
    let (status, saved) = json_of(app.staff(Method::PUT, PATH).json(&template)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!((saved["event"].as_str(), saved["locale"].as_str(), saved["html"].clone()), (Some("payment.credited"), Some("ru"), json!(null)));
    let (status, read) = json_of(app.staff(Method::GET, PATH)).await;
    assert_eq!((status, read["text"].clone()), (StatusCode::OK, template["text"].clone()));
    // The worker prefers it to the shipped template.
    app.credit(client, "150.00").await;
    assert_eq!(inbox_subjects(&app, client).await, vec!["Пришло 150,00 ₽".to_string()]);
    // A value the event does not carry, a syntax error: refused, naming the line.
    let unknown = json!({ "subject": "Зачислено", "text": "Платёж {{ number }}.\nБонус: {{ bonus }}", "sms": "ok" });
    let (status, body) = json_of(app.staff(Method::PUT, PATH).json(&unknown)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("template_invalid")));
    assert_eq!(body["message"], "ru/payment.credited.text, line 2: \"bonus\" is not a value of the event payment.credited");
    let broken = json!({ "subject": "Зачислено {% if amount %}", "text": "x", "sms": "x" });
    let (status, body) = json_of(app.staff(Method::PUT, PATH).json(&broken)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("template_invalid")));
    assert!(body["message"].as_str().unwrap().starts_with("ru/payment.credited.subject, line 1: "), "{body}");
    let (_, still) = json_of(app.staff(Method::GET, PATH)).await;
    assert_eq!(still["subject"], template["subject"], "a refused template changes nothing");
    // Unknown events and languages.
    let no_event = app.staff(Method::PUT, "/notification-templates/no.such/ru").json(&template);
    assert_eq!(error_of(no_event).await, (StatusCode::UNPROCESSABLE_ENTITY, "unknown_event".into()));
    let no_locale = app.staff(Method::GET, "/notification-templates/payment.credited/de");
    assert_eq!(error_of(no_locale).await, (StatusCode::UNPROCESSABLE_ENTITY, "unknown_locale".into()));
    let empty = json!({ "subject": " ", "text": "x", "sms": "x" });
    assert_eq!(error_of(app.staff(Method::PUT, PATH).json(&empty)).await, (StatusCode::UNPROCESSABLE_ENTITY, "required".into()));
    // Removed: the shipped template again.
    let r = app.staff(Method::DELETE, PATH).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(error_of(app.staff(Method::GET, PATH)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(error_of(app.staff(Method::DELETE, PATH)).await.0, StatusCode::NOT_FOUND);
    app.credit(client, "20.00").await;
    let subjects = inbox_subjects(&app, client).await;
    assert_eq!(subjects.len(), 2);
    assert!(subjects.contains(&"Пришло 150,00 ₽".to_string()), "{subjects:?}");
    assert!(subjects.iter().any(|s| s.starts_with("Платёж № ") && s.ends_with(" зачислен")), "{subjects:?}");
});
