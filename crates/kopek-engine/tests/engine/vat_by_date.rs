//! LED-5: an expense carries the VAT rate in force on its charge day — a
//! "standard" service takes 20% for December 2025 and 22% from 2026-01-01,
//! a fixed rate stays what it is — and keeps the rate it was charged at.
//! The provider is at UTC+3.

use chrono::{NaiveDate, NaiveDateTime};
use kopek_domain::charging::whole_night;
use kopek_engine::billing::paid_period::PaidPeriodOrder;
use kopek_engine::catalog::services::ServiceInput;
use kopek_engine::testing::TestEngine;
use kopek_engine::{Ctx, Engine};
use kopek_store::backend_test;
use serde_json::{Value, json};

use crate::common::{amt, at, connect, pay};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn moment(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
    date(y, m, d).and_hms_opt(h, 0, 0).unwrap()
}

/// A daily service whose month costs 31 days of `per_day`, valid from
/// December 2025, with `vat` merged into its fee.
async fn daily(e: &Engine, admin: &Ctx, name: &str, per_day: i64, vat: Value) -> i64 {
    let mut fee = json!({ "price": format!("{}.00", per_day * 31), "write_off": "daily", "currency": "RUB" });
    fee.as_object_mut().unwrap().extend(vat.as_object().unwrap().clone());
    let spec = json!({ "main": { "name": name, "kind": "periodic" }, "fee": fee });
    let input: ServiceInput = serde_json::from_value(json!({ "spec": spec, "valid_from": "2025-12-01" })).unwrap();
    e.create_service(admin, input).await.unwrap().id
}

/// A client's expenses as (service, amount, tax, rate, charge day).
async fn expenses(t: &TestEngine, admin: &Ctx, client: i64) -> Vec<(String, String, String, Option<String>, NaiveDate)> {
    let mut rows: Vec<_> = t
        .engine
        .expenses(admin, client)
        .await
        .unwrap()
        .into_iter()
        .map(|x| {
            let service = x.name.split(':').next().unwrap().to_string();
            let day = t.engine.to_local(x.charged_at).date();
            (service, x.amount.0.to_string(), x.tax.0.to_string(), x.vat_percent.map(|v| v.0.to_string()), day)
        })
        .collect();
    rows.sort_by(|a, b| (a.4, &a.0).cmp(&(b.4, &b.0)));
    rows
}

// LED-5: across the night the law changes, standard-rate services are
// taxed at 20% on 2025-12-30 and 2025-12-31 — the guide's 41.67, 16.67,
// 3.33 — and at 22% on 2026-01-01, a fixed 20% stays 20%, a service
// without VAT stays at 0; each expense keeps its rate. The run's fast
// path and the per-client path write the same.
backend_test!(async fn led5_a_standard_rate_service_is_taxed_20_percent_in_december_and_22_from_january(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    at(&t, moment(2025, 12, 30, 12));
    let standard = json!({ "vat_rate": "standard" });
    let services = [
        daily(e, &admin, "Hosting", 250, standard.clone()).await,
        daily(e, &admin, "Backup", 100, standard.clone()).await,
        daily(e, &admin, "DNS", 20, standard).await,
        daily(e, &admin, "SSL", 250, json!({ "vat_percent": "20" })).await,
        daily(e, &admin, "Export", 250, json!({})).await,
    ];
    let (fast, _) = t.client("VAT-F", 0).await;
    let (slow, _) = t.client("VAT-S", 0).await;
    for c in [fast.id, slow.id] {
        pay(e, &admin, c, "10000.00").await;
        for s in services {
            connect(e, &admin, c, s).await;
        }
    }
    for night in [date(2025, 12, 31), date(2026, 1, 1)] {
        let cutoff = whole_night(night);
        at(&t, cutoff);
        let (_, took) = e.charge_clients_by_path(&admin, &[fast.id], night, cutoff, false).await.unwrap();
        assert_eq!(took, vec![fast.id], "the fast path takes the client");
        let (_, took) = e.charge_clients_by_path(&admin, &[slow.id], night, cutoff, true).await.unwrap();
        assert!(took.is_empty(), "the per-client path takes no client fast");
    }
    let row = |s: &str, amount: &str, tax: &str, rate: &str, day: NaiveDate| {
        (s.to_string(), amount.to_string(), tax.to_string(), Some(rate.to_string()), day)
    };
    let (d30, d31, j1) = (date(2025, 12, 30), date(2025, 12, 31), date(2026, 1, 1));
    let expected = vec![
        // Connected at noon: half of December 30th at once.
        row("Backup", "50.00", "8.33", "20", d30),
        row("DNS", "10.00", "1.67", "20", d30),
        row("Export", "125.00", "0.00", "0", d30),
        row("Hosting", "125.00", "20.83", "20", d30),
        row("SSL", "125.00", "20.83", "20", d30),
        row("Backup", "100.00", "16.67", "20", d31),
        row("DNS", "20.00", "3.33", "20", d31),
        row("Export", "250.00", "0.00", "0", d31),
        row("Hosting", "250.00", "41.67", "20", d31),
        row("SSL", "250.00", "41.67", "20", d31),
        row("Backup", "100.00", "18.03", "22", j1),
        row("DNS", "20.00", "3.61", "22", j1),
        row("Export", "250.00", "0.00", "0", j1),
        row("Hosting", "250.00", "45.08", "22", j1),
        row("SSL", "250.00", "41.67", "20", j1),
    ];
    assert_eq!(expenses(&t, &admin, fast.id).await, expected, "the run's fast path");
    assert_eq!(expenses(&t, &admin, slow.id).await, expected, "the per-client path");
    assert!(e.check_ledger().await.unwrap().is_empty());
});

// LED-5: an expense staff post keeps the percent given, or 0 without one,
// whatever the day.
backend_test!(async fn led5_a_staff_expense_keeps_its_own_rate_across_the_new_year(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let (client, _) = t.client("VAT-M", 0).await;
    at(&t, moment(2026, 1, 1, 12));
    let post = |vat: Option<&str>| kopek_engine::ledger::entries::PostExpense {
        name: "Работы".into(),
        amount: amt("250.00"),
        currency: "RUB".into(),
        vat_percent: vat.map(amt),
        charged_at: None,
    };
    let taxed = t.engine.post_expense(&admin, client.id, post(Some("20"))).await.unwrap();
    let untaxed = t.engine.post_expense(&admin, client.id, post(None)).await.unwrap();
    let shown = |x: &kopek_engine::core::views::Expense| (x.tax.0.to_string(), x.vat_percent.map(|v| v.0.to_string()));
    assert_eq!(shown(&taxed), ("41.67".into(), Some("20".into())));
    assert_eq!(shown(&untaxed), ("0.00".into(), Some("0".into())));
});

// LED-5: months paid ahead are taxed at the rate of the day they are
// paid: 900.00 paid on 2025-12-31 holds 150.00 at 20%, paid on 2026-01-01
// 162.30 at 22%.
backend_test!(async fn led5_a_paid_period_is_taxed_at_the_rate_of_the_day_it_is_paid(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    at(&t, moment(2025, 12, 1, 12));
    let spec = json!({ "main": { "name": "VDS-2", "kind": "periodic" },
        "fee": { "price": "300.00", "write_off": "prepay", "period": "month", "currency": "RUB", "vat_rate": "standard" },
        "portal": { "orderable": true } });
    let input: ServiceInput = serde_json::from_value(json!({ "spec": spec, "valid_from": "2025-12-01" })).unwrap();
    let vds = e.create_service(&admin, input).await.unwrap().id;
    let mut taxes = Vec::new();
    for (code, day) in [("PP-2025", moment(2025, 12, 31, 12)), ("PP-2026", moment(2026, 1, 1, 12))] {
        at(&t, day);
        let (c, user) = t.client(code, 0).await;
        pay(e, &admin, c.id, "1000.00").await;
        let order = PaidPeriodOrder { service_id: vds, months: 3, auto_renew: false, saved_method_id: None };
        e.order_paid_period(&user, c.id, order).await.unwrap();
        let x = e.expenses(&user, c.id).await.unwrap().remove(0);
        taxes.push((x.amount.0.to_string(), x.tax.0.to_string(), x.vat_percent.map(|v| v.0.to_string())));
    }
    assert_eq!(
        taxes,
        vec![
            ("900.00".to_string(), "150.00".to_string(), Some("20".to_string())),
            ("900.00".to_string(), "162.30".to_string(), Some("22".to_string())),
        ]
    );
});
