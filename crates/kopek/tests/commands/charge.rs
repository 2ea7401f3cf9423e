//! CHG-1 from the command line: `kopek charge` killed in the middle of a
//! run and started again ends with the ledger of one uninterrupted run, on
//! both backends; `kopek check-ledger` passes after it.

use std::process::Stdio;

use chrono::{TimeZone, Utc};
use kopek_engine::accounts::clients::NewClient;
use kopek_engine::catalog::services::ServiceInput;
use kopek_engine::charging::subscriptions::ConnectInput;
use kopek_engine::core::amount::Amount;
use kopek_engine::testing::TestEngine;
use kopek_store::{backend_test, on_db};

const KOPEK: &str = env!("CARGO_BIN_EXE_kopek");
const CLIENTS: i64 = 120;

async fn charges(t: &TestEngine) -> i64 {
    let mut conn = t.db.store.conn().await.unwrap();
    on_db!(conn, db => kopek_store::sqlx::query_scalar("SELECT COUNT(*) FROM charges").fetch_one(db).await).unwrap()
}

backend_test!(async fn chg1_a_run_killed_midway_and_started_again_charges_each_period_once(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    // 2026-03-01 12:00 provider time.
    t.clock.set(Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap());
    let spec = serde_json::json!({ "spec": {
        "main": { "name": "Internet", "kind": "periodic" },
        "fee": { "price": "310.00", "write_off": "daily", "currency": "RUB" }
    }, "valid_from": "2026-01-01" });
    let service = t.engine.create_service(&admin, serde_json::from_value::<ServiceInput>(spec).unwrap()).await.unwrap().id;
    for i in 0..CLIENTS {
        let c = t.engine.create_client(&admin, NewClient {
            code: Some(format!("K{i}")), name: format!("K{i}"), country: "RU".into(), currency: "RUB".into(),
            credit_limit: Some(Amount(1000.into())), disconnect_threshold: Some(Amount((-1000).into())), owner: None,
        }).await.unwrap();
        t.engine.connect(&admin, c.id, ConnectInput { service_id: service, tariff_id: None, discount_percent: None }).await.unwrap();
    }
    assert_eq!(charges(&t).await, CLIENTS);

    let args = ["charge", "--date", "2026-03-02", "--batch", "3", "--pause-ms", "25", "--database-url", &t.db.url];
    let mut run = tokio::process::Command::new(KOPEK).args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let mut partial = charges(&t).await;
    while partial < CLIENTS + 10 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        partial = charges(&t).await;
    }
    run.start_kill().unwrap();
    run.wait().await.unwrap();
    let after_kill = charges(&t).await;
    assert!(after_kill < 2 * CLIENTS, "the run was killed midway ({after_kill} charges)");

    let resumed = tokio::process::Command::new(KOPEK).args(["charge", "--date", "2026-03-02", "--database-url", &t.db.url]).output().await.unwrap();
    assert!(resumed.status.success(), "{}", String::from_utf8_lossy(&resumed.stderr));
    let again = tokio::process::Command::new(KOPEK).args(["charge", "--date", "2026-03-02", "--database-url", &t.db.url]).output().await.unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("charged 0 in 0 charge(s)"), "{}", String::from_utf8_lossy(&again.stdout));

    assert_eq!(charges(&t).await, 2 * CLIENTS, "each client's 2nd of March charged once");
    for c in t.engine.clients(&admin, 0, 500).await.unwrap() {
        assert_eq!(c.balance.0.to_string(), "-15.00", "client {}", c.code);
    }
    let check = tokio::process::Command::new(KOPEK).args(["check-ledger", "--database-url", &t.db.url]).output().await.unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
});
