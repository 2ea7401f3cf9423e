//! The staff panel's audit log on both backends (SEC-3, ACC-4, OPS-5):
//! read-only staff filter it by client and action group and see the
//! records newest first; a wrong date, a last day before the first and a
//! client number that is not one are shown next to their fields.

use kopek_store::backend_test;
use reqwest::StatusCode;

use crate::common::App;
use crate::common::pages::field_error;

backend_test!(async fn sec3_staff_filter_the_audit_log_in_the_panel_and_bad_filters_stand_by_their_fields(db) {
    let app = App::spawn(db).await;
    let client = app.owned_client("JRN", None).await;
    app.credit(client, "100.00").await;
    app.credit(client, "50.00").await;
    let email = app.staff_user("read_only").await;
    let pages = app.admin_pages(&email, "staff-password").await;

    let html = pages.page(&format!("/admin/audit?client_id={client}&action=payment")).await;
    let actions: Vec<&str> = html.match_indices("data-test=\"action\">").map(|(i, m)| &html[i + m.len()..]).map(|rest| &rest[..rest.find('<').unwrap()]).collect();
    assert_eq!(actions, ["payment.credit", "payment.credit"]);
    let (fifty, hundred) = (html.find("50.00").expect("the second credit"), html.find("100.00").expect("the first credit"));
    assert!(fifty < hundred, "newest first");
    assert!(!html.contains("client.create"), "only the group asked for");

    for (query, field, message) in [
        ("from=2026-02-30", "from", "Введите дату, например 2026-01-31"),
        ("from=2026-03-02&to=2026-03-01", "to", "Последний день раньше первого"),
        ("client_id=abc", "client_id", "Введите номер клиента, например 42"),
    ] {
        let (status, html) = pages.get(&format!("/admin/audit?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(field_error(&html, field).as_deref(), Some(message), "{query}");
        assert!(!html.contains("data-test=\"audit\""), "{query}: no records under a refused filter");
    }
});
