//! OPS-3: schemathesis against a live server on each backend, as a
//! provider's developer would run it: every operation of the document, its
//! examples, boundary values and generated requests, then stateful
//! sequences that follow the document's links, with a staff token. It
//! fails on a server error, a status the document does not declare, an
//! answer of the wrong content type or one that breaks its schema.

use kopek_store::backend_test;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::App;
use crate::tools::{output_text, tool};

/// Operations left out of the run, because they end the run's own login
/// or powers: logging out, revoking a token, changing a staff member (it
/// could take the admin's role away).
const LEFT_OUT: [&str; 3] = ["logout", "revoke_token", "change_staff"];

/// What the generated requests find there besides what they make: a client
/// with an owner, a payer and money, a payment method and a product.
async fn seed(app: &App) {
    let (client, _) = app.client("SEED", None).await;
    app.credit(client, "1000.00").await;
    app.sandbox_method().await;
    vds(app).await;
}

/// A VDS at 300.00 a month, 20% VAT included, created by staff: its id.
pub async fn vds(app: &App) -> i64 {
    let spec = json!({
        "name": "VDS", "product_type": "virtual_server", "currency": "RUB",
        "prices": [{ "months": 1, "price": "300.00" }],
        "tax_percent": "20", "tax_included": true,
        "deletion": { "allowed": true, "refund_unused": true }
    });
    let (status, p) = app.post("/products", json!({ "spec": spec })).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    p["id"].as_i64().unwrap()
}

backend_test!(async fn schemathesis_finds_no_server_error_undeclared_status_or_broken_schema(db) {
    let Some(st) = tool("st") else { return };
    // A server error's cause, as the server logs it, shows beside the
    // failure.
    let _ = tracing_subscriber::fmt().with_max_level(tracing::Level::ERROR).with_test_writer().try_init();
    let app = App::spawn(db).await;
    seed(&app).await;
    let reports = tempfile::tempdir().unwrap();
    let mut run = tokio::process::Command::new(st);
    run.arg("run")
        .arg(app.url("/openapi.json"))
        .args(["--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"])
        .args(["--phases", "examples,coverage,fuzzing,stateful"])
        .args(["--max-examples", "8", "--seed", "20261130", "--workers", "2", "--no-shrink"])
        .args(["--suppress-health-check", "all", "--warnings", "off", "--request-timeout", "30"])
        .args(["--header", &format!("Authorization: Bearer {}", app.token)])
        .arg("--report-dir")
        .arg(reports.path())
        // Its cache of crashes stays out of the source tree.
        .current_dir(reports.path())
        .env("SCHEMATHESIS_HOOKS", "")
        .env("NO_COLOR", "1");
    for op in LEFT_OUT {
        run.args(["--exclude-operation-id", op]);
    }
    let out = run.output().await.unwrap();
    assert!(out.status.success(), "schemathesis found failures:\n{}", output_text(&out));
});
