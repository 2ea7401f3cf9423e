//! SEC-3 over HTTP on both backends: staff read the audit log filtered by
//! client, action group, actor (any case) and days, a page at a time; bad
//! filters are refused with their codes and a client's user is refused.

use kopek_store::backend_test;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::common::{App, error_of, json_of};

async fn page(app: &App, query: &str) -> Value {
    app.get(&format!("/audit?{query}")).await
}

fn actions(page: &Value) -> Vec<String> {
    page["records"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap().to_string()).collect()
}

backend_test!(async fn sec3_staff_filter_and_page_the_audit_log(db) {
    let app = App::spawn(db).await;
    let (a, b) = (app.owned_client("AUD1", None).await, app.owned_client("AUD2", None).await);
    app.credit(a, "100.00").await;
    app.credit(a, "50.00").await;
    app.credit(b, "10.00").await;

    let paid = page(&app, &format!("client_id={a}&action=payment")).await;
    assert_eq!(actions(&paid), ["payment.credit", "payment.credit"]);
    let amounts: Vec<&str> = paid["records"].as_array().unwrap().iter().map(|r| r["details"]["amount"].as_str().unwrap()).collect();
    assert_eq!(amounts, ["50.00", "100.00"], "newest first, with what the change was");
    assert_eq!(paid["records"][0]["client_id"], a);
    assert_eq!(paid["next_before"], Value::Null);

    let first = page(&app, &format!("client_id={a}&action=payment&limit=1")).await;
    assert_eq!(first["records"][0]["details"]["amount"], "50.00");
    let before = first["next_before"].as_i64().expect("another page follows");
    let second = page(&app, &format!("client_id={a}&action=payment&limit=1&before={before}")).await;
    assert_eq!(second["records"][0]["details"]["amount"], "100.00");
    assert_eq!(second["next_before"], Value::Null, "the last page says so");

    let client_made = page(&app, &format!("client_id={b}&action=client.create")).await;
    assert_eq!(actions(&client_made), ["client.create"], "an exact action");
    assert_eq!(actions(&page(&app, "action=payment.cred").await), Vec::<String>::new(), "a group is a whole word");

    let admin = paid["records"][0]["actor"].as_str().unwrap().to_string();
    assert_eq!(paid["records"][0]["actor_kind"], "staff");
    let by_admin = page(&app, &format!("actor={}&action=payment", admin.to_uppercase())).await;
    assert_eq!(by_admin["records"].as_array().unwrap().len(), 3, "any case of the e-mail");
    assert!(page(&app, "actor=nobody@kopek.test").await["records"].as_array().unwrap().is_empty());

    let at: chrono::DateTime<chrono::Utc> = paid["records"][0]["at"].as_str().unwrap().parse().unwrap();
    let today = app.t.engine.to_local(at).date();
    let yesterday = today.pred_opt().unwrap();
    assert_eq!(page(&app, &format!("action=payment&from={today}&to={today}")).await["records"].as_array().unwrap().len(), 3);
    assert!(page(&app, &format!("action=payment&to={yesterday}")).await["records"].as_array().unwrap().is_empty());
    assert_eq!(page(&app, &format!("action=payment&from={}", today.succ_opt().unwrap())).await["records"].as_array().unwrap().len(), 0);
});

backend_test!(async fn sec3_bad_filters_and_clients_users_are_refused(db) {
    let app = App::spawn(db).await;
    app.owned_client("AUD3", None).await;
    for (query, status, code) in [
        ("limit=0", StatusCode::UNPROCESSABLE_ENTITY, "out_of_range"),
        ("limit=501", StatusCode::UNPROCESSABLE_ENTITY, "out_of_range"),
        ("from=2026-03-02&to=2026-03-01", StatusCode::UNPROCESSABLE_ENTITY, "before_from"),
        ("limit=ten", StatusCode::BAD_REQUEST, "bad_query"),
        ("from=2026-02-30", StatusCode::BAD_REQUEST, "bad_query"),
        ("colour=red", StatusCode::BAD_REQUEST, "bad_query"),
    ] {
        assert_eq!(error_of(app.staff(Method::GET, &format!("/audit?{query}"))).await, (status, code.to_string()), "{query}");
    }
    let long = "a".repeat(201);
    assert_eq!(
        error_of(app.staff(Method::GET, &format!("/audit?action={long}"))).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "too_long".to_string())
    );
    let portal = app.portal("AUD3").await;
    let (status, body) = json_of(portal.get(app.url("/audit"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
});
