//! `kopek night` (OPS-1, CHG-1, CHG-8, CRD-2, PMT-7) as a provider runs it,
//! on both backends: the night of a date leaves the ledger the scheduled
//! night of that date leaves; a range of 45 nights leaves that of 45
//! scheduled nights; a dry run changes nothing and prints the totals of the
//! real run that follows; a night still to come is refused.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use kopek_engine::Ctx;
use kopek_engine::accounts::clients::NewClient;
use kopek_engine::billing::paid_period::PaidPeriodOrder;
use kopek_engine::catalog::services::ServiceInput;
use kopek_engine::charging::subscriptions::ConnectInput;
use kopek_engine::core::amount::Amount;
use kopek_engine::ledger::entries::CreditPayment;
use kopek_engine::testing::TestEngine;
use kopek_store::testing::{TestDb, ledger_fingerprint};
use kopek_store::{audit, backend_test};
use serde_json::json;

const KOPEK: &str = env!("CARGO_BIN_EXE_kopek");

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn noon(t: &TestEngine, day: NaiveDate) {
    t.clock.set(Utc.from_utc_datetime(&day.and_hms_opt(9, 0, 0).unwrap()));
}

/// A provider's December 2025: CR1 spends on its credit limit (a server
/// renewed monthly from the balance, one paid to 20 February), NET is
/// charged daily for internet on credit, EXP pays for one month of a server
/// and has nothing to renew it with. The clock stops at 20 December, noon.
async fn december(t: &TestEngine) {
    let admin = t.admin().await;
    let service = |spec: serde_json::Value| {
        serde_json::from_value::<ServiceInput>(json!({ "spec": spec, "valid_from": "2025-01-01" })).unwrap()
    };
    let vds = t
        .engine
        .create_service(
            &admin,
            service(json!({ "main": { "name": "VDS-2", "kind": "periodic" },
        "fee": { "price": "300.00", "write_off": "prepay", "period": "month", "currency": "RUB" } })),
        )
        .await
        .unwrap()
        .id;
    let internet = t
        .engine
        .create_service(
            &admin,
            service(json!({ "main": { "name": "Internet", "kind": "periodic" },
        "fee": { "price": "310.00", "write_off": "daily", "currency": "RUB" } })),
        )
        .await
        .unwrap()
        .id;
    let mut ids = Vec::new();
    for (code, limit) in [("CR1", 5000), ("NET", 1000), ("EXP", 0)] {
        let c = t
            .engine
            .create_client(
                &admin,
                NewClient {
                    code: Some(code.into()),
                    name: code.into(),
                    country: "RU".into(),
                    currency: "RUB".into(),
                    credit_limit: Some(Amount(limit.into())),
                    disconnect_threshold: Some(Amount((-limit).into())),
                    owner: None,
                },
            )
            .await
            .unwrap();
        ids.push(c.id);
    }
    let order = |months| PaidPeriodOrder { service_id: vds, months, auto_renew: true, saved_method_id: None };
    noon(t, d(2025, 12, 5));
    t.engine.order_paid_period(&admin, ids[0], order(1)).await.unwrap();
    noon(t, d(2025, 12, 10));
    let pay = CreditPayment {
        amount: Amount("300.00".parse().unwrap()),
        currency: "RUB".into(),
        method: "manual".into(),
        comment: String::new(),
    };
    t.engine.credit_payment(&admin, ids[2], pay).await.unwrap();
    t.engine.order_paid_period(&admin, ids[2], order(1)).await.unwrap();
    noon(t, d(2025, 12, 20));
    t.engine.order_paid_period(&admin, ids[0], order(2)).await.unwrap();
    t.engine
        .connect(&admin, ids[1], ConnectInput { service_id: internet, tariff_id: None, discount_percent: None })
        .await
        .unwrap();
}

/// The same December in a second database of the same backend.
async fn twin(db: &TestDb) -> TestEngine {
    let t = TestEngine::over(TestDb::new(db.store.backend()).await.expect("a second database where the first is"));
    december(&t).await;
    t
}

/// The schedule's nights `from` through `to`, as `kopek serve` runs them:
/// the clock at each 02:00, the worker firing the round and running it.
async fn scheduled_nights(t: &TestEngine, from: NaiveDate, to: NaiveDate) {
    t.clock.set(t.engine.night_moment(from) - Duration::hours(1));
    t.engine.install_schedules().await.unwrap();
    let worker = t.engine.standard_worker("test");
    let mut day = from;
    while day <= to {
        t.clock.set(t.engine.night_moment(day));
        while worker.run_once().await.unwrap() > 0 {}
        day += Duration::days(1);
    }
}

fn kopek(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(KOPEK).args(args).env_remove("KOPEK_DATABASE_URL").output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The lines a night's totals are printed on.
fn totals(out: &str) -> Vec<String> {
    let steps = ["  charges:", "  credit:", "  autopay:", "  renewals:", "  expiries:"];
    out.lines().filter(|l| steps.iter().any(|s| l.starts_with(s))).map(str::to_string).collect()
}

backend_test!(async fn ops1_kopek_night_for_a_date_leaves_the_ledger_of_that_scheduled_night(db) {
    let scheduled = twin(&db).await;
    let t = TestEngine::over(db);
    december(&t).await;
    let (code, out, err) = kopek(&["night", "--date", "2026-01-04", "--database-url", &t.db.url]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("night of 2026-01-04:\n"), "{out}");
    assert!(out.contains("  renewals: 1 renewed from the balance, 0 payment(s) started, 0 failed, 0 held by a blocked limit"), "{out}");
    assert!(out.contains("  charges: 150.00 in 15 charge(s) for 1 client(s)"), "{out}");
    assert!(out.contains("  credit: 2 invoice(s) issued, 2 reminder(s) sent"), "{out}");

    scheduled_nights(&scheduled, d(2026, 1, 4), d(2026, 1, 4)).await;
    let ledger = ledger_fingerprint(t.engine.store()).await;
    assert!(ledger.iter().any(|l| l.starts_with("credit_invoices:")) && ledger.iter().any(|l| l.starts_with("renewal_attempts:")));
    assert_eq!(ledger, ledger_fingerprint(scheduled.engine.store()).await);
});

backend_test!(async fn ops1_a_range_of_45_nights_leaves_the_ledger_of_45_scheduled_nights(db) {
    let scheduled = twin(&db).await;
    let t = TestEngine::over(db);
    december(&t).await;
    let (code, out, err) = kopek(&["night", "--from", "2025-12-21", "--to", "2026-02-03", "--database-url", &t.db.url]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("45 nights, 2025-12-21 to 2026-02-03, in total:\n"), "{out}");
    // NET's 10.00 a day; invoices for CR1 and NET on 1 January and 1
    // February, both limits blocked on 30 January; CR1's renewal of 4
    // January; EXP's failing twice, then expiring.
    assert!(out.contains("  charges: 410.00 in 41 charge(s) for 1 client(s)"), "{out}");
    assert!(out.contains("  credit: 4 invoice(s) issued, 12 reminder(s) sent, 0 invoice(s) paid, 2 limit(s) blocked"), "{out}");
    assert!(out.contains("  renewals: 1 renewed from the balance, 0 payment(s) started, 2 failed, 0 held by a blocked limit"), "{out}");
    assert!(out.contains("  expiries: 1 paid period(s) expired"), "{out}");

    scheduled_nights(&scheduled, d(2025, 12, 21), d(2026, 2, 3)).await;
    assert_eq!(ledger_fingerprint(t.engine.store()).await, ledger_fingerprint(scheduled.engine.store()).await);
    let (code, out, _) = kopek(&["check-ledger", "--database-url", &t.db.url]);
    assert_eq!(code, 0, "{out}");
});

backend_test!(async fn chg8_kopek_night_dry_run_changes_nothing_and_prints_the_totals_of_the_real_run(db) {
    let t = TestEngine::over(db);
    december(&t).await;
    let audited = |t: &TestEngine| {
        let store = t.engine.store().clone();
        async move { audit::last_id(&mut store.conn().await.unwrap()).await.unwrap() }
    };
    let before = (ledger_fingerprint(t.engine.store()).await, audited(&t).await);

    let (code, dry, err) = kopek(&["night", "--date", "2026-01-04", "--dry-run", "--database-url", &t.db.url]);
    assert_eq!(code, 0, "{err}");
    assert_eq!((ledger_fingerprint(t.engine.store()).await, audited(&t).await), before, "the dry run changed nothing");
    assert!(dry.starts_with("night of 2026-01-04 (dry run: rolled back, nothing changed):\n"), "{dry}");
    assert!(dry.contains("  client 1 CR1: balance -900.00 -> -1200.00\n"), "{dry}");
    assert!(dry.contains("    credit: credit.invoice credit_invoice "), "{dry}");
    assert!(dry.contains("    renewals: "), "{dry}");

    let (code, real, err) = kopek(&["night", "--date", "2026-01-04", "--database-url", &t.db.url]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(totals(&dry).len(), 5);
    assert_eq!(totals(&real), totals(&dry));
    assert_ne!(ledger_fingerprint(t.engine.store()).await, before.0);
    let b = t.engine.balance(&Ctx::system("test"), 1).await.unwrap();
    assert_eq!(b.balance.0.to_string(), "-1200.00");

    // A night still to come is rehearsed, never run.
    let soon = (Utc::now() + Duration::days(2)).date_naive().to_string();
    let (code, _, err) = kopek(&["night", "--date", &soon, "--database-url", &t.db.url]);
    assert_eq!(code, 2);
    assert!(err.contains(&format!("the night of {soon} has not come yet")), "{err}");
    let (code, out, err) = kopek(&["night", "--date", &soon, "--dry-run", "--database-url", &t.db.url]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with(&format!("night of {soon} (dry run")), "{out}");
    let (code, _, err) = kopek(&["night", "--from", "2026-01-05", "--to", "2026-01-04", "--database-url", &t.db.url]);
    assert_eq!(code, 2);
    assert!(err.contains("--to 2026-01-04 is before --from 2026-01-05"), "{err}");
    let (code, _, err) = kopek(&["night", "--date", "2026-01-04", "--from", "2026-01-01", "--to", "2026-01-02"]);
    assert_eq!(code, 2, "{err}");
});
