//! `kopek serve --demo --test-clock` (OPS-1) as a newcomer runs it: the
//! server warns that its clock can be moved, `/healthz` says where it
//! stands, and one request moves it a month ahead through every night — the
//! demo's daily internet written off, its rented server renewed, its credit
//! client invoiced on the 1st.

use std::process::Stdio;

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

const KOPEK: &str = env!("CARGO_BIN_EXE_kopek");

async fn login(http: &reqwest::Client, address: &str) {
    let body = json!({ "email": "admin@demo.kopek", "password": "demo-admin-password", "staff": true });
    let r = http.post(format!("{address}api/v1/auth/login")).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

async fn get(http: &reqwest::Client, url: String) -> Value {
    let r = http.get(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{url}");
    r.json().await.unwrap()
}

#[tokio::test]
async fn ops1_the_demo_with_the_test_clock_lives_a_month_in_one_request() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(KOPEK)
        .args(["serve", "--demo", "--test-clock", "--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env_remove("KOPEK_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let address = loop {
        let line = lines.next_line().await.unwrap().expect("kopek printed its address");
        printed.push(line.clone());
        if let Some(rest) = line.strip_prefix("Kopek is listening on ") {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    let mut logged = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut warned = false;
    while let Ok(Some(line)) = logged.next_line().await {
        if line.contains("WARN") && line.contains("the test clock is on") {
            warned = true;
            break;
        }
    }
    assert!(warned, "kopek warned at start that the test clock is on");
    let health: Value = reqwest::get(format!("{address}healthz")).await.unwrap().json().await.unwrap();
    assert_eq!((health["status"].as_str(), health["test_clock"]["real_time"].as_bool()), (Some("ok"), Some(true)), "{health}");

    let http = reqwest::Client::builder().cookie_store(true).build().unwrap();
    login(&http, &address).await;
    let clients = get(&http, format!("{address}api/v1/clients")).await;
    let first = clients[0]["id"].as_i64().unwrap();
    // The second demo client's balance covers its monthly server's renewal;
    // the first's may stand blocked by its unpaid credit invoice.
    let second = clients[1]["id"].as_i64().unwrap();
    let last = clients[2]["id"].as_i64().unwrap();
    let renewing = get(&http, format!("{address}api/v1/clients/{second}/auto-renewals")).await;
    let paid_until = renewing[0]["paid_until"].as_str().unwrap().to_string();
    let internet_before = get(&http, format!("{address}api/v1/clients/{last}/expenses")).await.as_array().unwrap().len();

    let to = (Utc::now() + Duration::days(32)).to_rfc3339();
    let r = http.post(format!("{address}api/v1/test-clock")).json(&json!({ "advance_to": to })).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let moved: Value = r.json().await.unwrap();
    let nights = moved["nights"].as_array().unwrap().len();
    assert!((32..=33).contains(&nights), "{moved}");
    assert_eq!(moved["clock"]["real_time"], json!(false));

    // A month later the portal session has expired like any other: log in again.
    login(&http, &address).await;
    let internet_after = get(&http, format!("{address}api/v1/clients/{last}/expenses")).await.as_array().unwrap().len();
    assert!(internet_after >= internet_before + 31, "a write-off a night: {internet_before} -> {internet_after}");
    let renewed = get(&http, format!("{address}api/v1/clients/{second}/auto-renewals")).await;
    assert!(renewed[0]["paid_until"].as_str().unwrap() > paid_until.as_str(), "{renewed}");
    let invoices = get(&http, format!("{address}api/v1/clients/{first}/credit-invoices")).await;
    assert!(!invoices.as_array().unwrap().is_empty(), "the 1st's invoice for the month on credit");
    child.kill().await.unwrap();
}
