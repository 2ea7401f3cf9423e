//! A night's charges where they once went wrong, on both backends, with
//! exact amounts: a service that switched itself off for want of money
//! and the services the balance covers (CAT-4, CAT-7, CHG-5), the credit
//! limit and the threshold (CRD-1, CHG-5), shifted services charged at
//! their own moment (CAT-7), usage dated before its subscription (CHG-6)
//! and a discounted month (CHG-3). The provider is at UTC+3.

use chrono::{TimeZone, Utc};
use kopek_engine::accounts::clients::ClientChanges;
use kopek_engine::billing::paid_period::PaidPeriodOrder;
use kopek_engine::charging::usage::UsageRecord;
use kopek_engine::core::amount::Amount;
use kopek_engine::testing::TestEngine;
use kopek_engine::{Ctx, Engine};
use kopek_store::backend_test;
use serde_json::json;

use crate::common::{at_local, balance, connect, day, fee, local, pay, service};

async fn state(e: &Engine, admin: &Ctx, sub: i64) -> String {
    e.subscription(admin, sub).await.unwrap().state
}

async fn path(e: &Engine, admin: &Ctx, sub: i64) -> Vec<String> {
    e.subscription_history(admin, sub).await.unwrap().into_iter().map(|h| h.to).collect()
}

backend_test!(async fn cat4_cat7_chg5_a_service_the_balance_covers_is_charged_and_the_uncovered_one_stays_off_until_money_covers_it(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let internet = service(e, &admin, fee("Internet", "60.00", "prepay")).await;
    let mut tv = fee("IPTV", "70.00", "prepay");
    tv["additional"] = json!({ "no_charge_if_insufficient_and_deactivate": true });
    let tv = service(e, &admin, tv).await;
    let (c, _) = t.client("FIX", 0).await;
    pay(e, &admin, c.id, "230.00").await;
    at_local(&t, 3, 1, 0, 0);
    let (net, iptv) = (connect(e, &admin, c.id, internet).await, connect(e, &admin, c.id, tv).await);
    e.run_charges(&admin, day(3, 1), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "100.00");
    // Night 1: 60 + 70 against 100: nothing is charged (CAT-7); the IPTV
    // switches itself off, the internet waits blocked for debt.
    at_local(&t, 4, 1, 2, 0);
    let r = e.run_charges(&admin, day(4, 1), false).await.unwrap();
    assert_eq!((r.charges, balance(e, &admin, c.id).await), (0, "100.00".into()));
    assert_eq!((state(e, &admin, net).await, state(e, &admin, iptv).await), ("blocked_for_debt".into(), "deactivated_by_threshold".into()));
    // Night 2: the IPTV is off and out of the weighing; the internet, which
    // 100 covers, is charged from the 2nd: 29 of 30 days, 58.00. The IPTV
    // from 02:00 would be 67.4722, more than the 42.00 left: it stays off.
    at_local(&t, 4, 2, 2, 0);
    let r = e.run_charges(&admin, day(4, 2), false).await.unwrap();
    assert_eq!((r.charges, r.total.0.to_string()), (1, "58.00".into()));
    assert_eq!(r.clients[0].uncovered, vec![(iptv, "deactivated".to_string())]);
    assert_eq!((state(e, &admin, net).await, state(e, &admin, iptv).await), ("active".into(), "deactivated_by_threshold".into()));
    assert_eq!(balance(e, &admin, c.id).await, "42.00");
    // Night 3 and on: a fixed point, nothing changes.
    for d in 3..=5 {
        at_local(&t, 4, d, 2, 0);
        assert_eq!(e.run_charges(&admin, day(4, d), false).await.unwrap().charges, 0);
    }
    assert_eq!(balance(e, &admin, c.id).await, "42.00");
    assert_eq!((path(e, &admin, net).await, path(e, &admin, iptv).await.len()), (vec!["active".to_string(), "blocked_for_debt".into(), "active".into()], 2));
    // 30.00 at noon on the 5th makes 72.00, and the IPTV from now, 25.5 of
    // 30 days of 70.00, is 59.50: it is covered, comes back and is charged.
    at_local(&t, 4, 5, 12, 0);
    pay(e, &admin, c.id, "30.00").await;
    assert_eq!((state(e, &admin, iptv).await, balance(e, &admin, c.id).await), ("active".into(), "12.50".into()));
    assert_eq!(path(e, &admin, iptv).await, vec!["active", "deactivated_by_threshold", "active"]);
    at_local(&t, 4, 6, 2, 0);
    assert_eq!(e.run_charges(&admin, day(4, 6), false).await.unwrap().charges, 0);
    assert!(e.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn crd1_chg5_spending_within_the_credit_limit_switches_nothing_off_and_a_paid_period_never_goes_off(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let mut vds = fee("VDS-2", "300.00", "prepay");
    vds["fee"]["period"] = json!("month");
    vds["portal"] = json!({ "orderable": true });
    let vds = service(e, &admin, vds).await;
    let internet = service(e, &admin, fee("Internet", "310.00", "daily")).await;
    let (c, user) = t.client("CRD", 1000).await;
    e.update_client(&admin, c.id, ClientChanges { disconnect_threshold: Some(Amount(0.into())), ..Default::default() }).await.unwrap();
    // The clock reads 2026-03-01 12:00 provider time.
    let paid = e.order_paid_period(&user, c.id, PaidPeriodOrder { service_id: vds, months: 1, auto_renew: false, saved_method_id: None }).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-300.00");
    let daily = connect(e, &admin, c.id, internet).await;
    // Half of March 1st: 5.00. −305.00 with 1000.00 of credit is 695.00 to
    // spend: above the threshold of 0.
    assert_eq!(balance(e, &admin, c.id).await, "-305.00");
    assert_eq!((state(e, &admin, paid.id).await, state(e, &admin, daily).await), ("active".into(), "active".into()));
    e.run_charges(&admin, day(3, 2), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-315.00");
    assert_eq!((state(e, &admin, paid.id).await, state(e, &admin, daily).await), ("active".into(), "active".into()));
    // A threshold of 800.00 is above the 675.00 left after the 3rd: the
    // daily service goes off; the month paid ahead runs on.
    e.update_client(&admin, c.id, ClientChanges { disconnect_threshold: Some(Amount(800.into())), ..Default::default() }).await.unwrap();
    e.run_charges(&admin, day(3, 3), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-325.00");
    assert_eq!((state(e, &admin, paid.id).await, state(e, &admin, daily).await), ("active".into(), "deactivated_by_threshold".into()));
    assert!(e.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn cat7_a_service_shifted_by_minus_150_is_charged_at_2330_the_day_before_and_recorded_at_0200(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let mut tv = fee("IPTV", "310.00", "daily");
    tv["additional"] = json!({ "charge_shift_minutes": -150 });
    let tv = service(e, &admin, tv).await;
    let internet = service(e, &admin, fee("Internet", "310.00", "daily")).await;
    let (c, _) = t.client("SHIFT", 1000).await;
    // Connected at noon on the 1st: half a day of each, 10.00.
    connect(e, &admin, c.id, tv).await;
    connect(e, &admin, c.id, internet).await;
    assert_eq!(balance(e, &admin, c.id).await, "-10.00");
    e.install_schedules().await.unwrap();
    let worker = e.standard_worker("w");
    at_local(&t, 3, 1, 23, 29);
    worker.run_once().await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-10.00", "not before 23:30");
    // 23:45: the IPTV's 2nd of March is charged, the internet's is not.
    at_local(&t, 3, 1, 23, 45);
    worker.run_once().await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-20.00");
    let expenses = e.expenses(&admin, c.id).await.unwrap();
    let last = expenses.last().unwrap();
    assert_eq!(last.name, "IPTV: 2026-03-02 00:00 – 2026-03-03 00:00");
    assert_eq!(last.charged_at, Utc.with_ymd_and_hms(2026, 3, 1, 23, 0, 0).unwrap(), "recorded at the nominal 02:00");
    at_local(&t, 3, 2, 1, 0);
    worker.run_once().await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-20.00", "the internet waits for 02:00");
    at_local(&t, 3, 2, 2, 0);
    worker.run_once().await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-30.00");
    assert_eq!(e.run_charges(&admin, day(3, 2), false).await.unwrap().charges, 0, "each charged once");
    // A run at 23:40 of the 2nd for the night of the 3rd charges the IPTV
    // alone; the whole night then adds the internet.
    let early = e.run_charges_until(&admin, day(3, 3), local(3, 2, 23, 40), false).await.unwrap();
    assert_eq!((early.charges, early.clients[0].lines[0].service.as_str()), (1, "IPTV"));
    assert_eq!(e.run_charges_until(&admin, day(3, 3), local(3, 2, 23, 40), false).await.unwrap().charges, 0);
    let rest = e.run_charges(&admin, day(3, 3), false).await.unwrap();
    assert_eq!((rest.charges, rest.clients[0].lines[0].service.as_str()), (1, "Internet"));
    assert_eq!(balance(e, &admin, c.id).await, "-50.00");
    assert!(e.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn cat7_the_night_weighs_every_charge_of_the_night_even_those_still_to_come(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let mut tv = fee("IPTV", "310.00", "daily");
    tv["additional"] = json!({ "charge_shift_minutes": -150 });
    let tv = service(e, &admin, tv).await;
    let internet = service(e, &admin, fee("Internet", "310.00", "daily")).await;
    let (c, _) = t.client("WEIGH", 0).await;
    pay(e, &admin, c.id, "25.00").await;
    at_local(&t, 3, 1, 0, 0);
    let (sub_tv, sub_net) = (connect(e, &admin, c.id, tv).await, connect(e, &admin, c.id, internet).await);
    // At midnight the IPTV's 1st (due at 23:30) is charged at once, the
    // internet's (due at 02:00) by the run of the 1st.
    assert_eq!(balance(e, &admin, c.id).await, "15.00");
    e.run_charges(&admin, day(3, 1), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "5.00");
    // At 23:30 the IPTV's 10.00 and the internet's 10.00 of 02:00 are both
    // weighed against 5.00: none is charged, the IPTV is blocked; the
    // internet is decided at its own moment.
    let r = e.run_charges_until(&admin, day(3, 2), local(3, 1, 23, 30), false).await.unwrap();
    assert_eq!(r.charges, 0);
    assert_eq!((state(e, &admin, sub_tv).await, state(e, &admin, sub_net).await), ("blocked_for_debt".into(), "active".into()));
    e.run_charges_until(&admin, day(3, 2), local(3, 2, 2, 0), false).await.unwrap();
    assert_eq!((state(e, &admin, sub_tv).await, state(e, &admin, sub_net).await), ("blocked_for_debt".into(), "blocked_for_debt".into()));
    assert_eq!(balance(e, &admin, c.id).await, "5.00");
});

backend_test!(async fn chg6_usage_dated_before_its_subscription_is_refused_naming_the_record(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let s = service(e, &admin, json!({
        "main": { "name": "Traffic", "kind": "traffic" },
        "fee": { "price": "0", "write_off": "daily", "currency": "RUB" },
        "additional": { "usage_rates": { "traffic_in:": "1.10" } }
    })).await;
    let (c, _) = t.client("EARLY", 1000).await;
    // Connected 2026-03-01 12:00 provider time (09:00 UTC).
    let sub = connect(e, &admin, c.id, s).await;
    let record = |id: &str, at: chrono::DateTime<Utc>| UsageRecord {
        subscription_id: sub, record_id: id.into(), kind: "traffic_in".into(), class: String::new(),
        quantity: Amount(10.into()), recorded_at: at, roaming: false,
    };
    let early = Utc.with_ymd_and_hms(2026, 2, 24, 9, 0, 0).unwrap();
    let later = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
    let err = e.record_usage(&admin, vec![record("ok-1", later), record("feb-24", early)]).await.unwrap_err();
    assert_eq!(err.code(), "usage_before_subscription");
    assert!(err.to_string().contains("record 1 (\"feb-24\")") && err.to_string().contains(&format!("subscription {sub}")), "{err}");
    let receipt = e.record_usage(&admin, vec![record("ok-1", later)]).await.unwrap();
    assert_eq!(receipt.accepted, 1, "the refused batch stored nothing");
    e.run_charges(&admin, day(3, 2), false).await.unwrap();
    // 10 × 1.10 once: the record of February is not billed.
    assert_eq!(balance(e, &admin, c.id).await, "-11.00");
});

backend_test!(async fn chg3_a_discounted_month_of_daily_parts_totals_the_discounted_fee(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let internet = service(e, &admin, fee("Internet", "300.00", "daily")).await;
    let (c, _) = t.client("DISC10", 1000).await;
    e.update_client(&admin, c.id, ClientChanges { loyalty_percent: Some(Amount(10.into())), ..Default::default() }).await.unwrap();
    at_local(&t, 3, 1, 0, 0);
    connect(e, &admin, c.id, internet).await;
    e.run_charges(&admin, day(3, 31), false).await.unwrap();
    // 270.00 over March's 31 nights: parts of 8.7096 and 8.7097, where
    // discounting 9.6774 and 9.6775 and rounding again made 270.0013.
    assert_eq!(balance(e, &admin, c.id).await, "-270.00");
    assert_eq!(e.expenses(&admin, c.id).await.unwrap().len(), 31);
});

// CHG-6, OPS-2: a batch is stored in statements of a thousand: 2,500
// records cross two of them, a record id repeated inside the batch or in a
// later batch is a duplicate, and the run charges each record once.
backend_test!(async fn chg6_a_large_batch_is_stored_once_with_its_duplicates_counted(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let s = service(e, &admin, json!({
        "main": { "name": "Traffic", "kind": "traffic" },
        "fee": { "price": "0", "write_off": "daily", "currency": "RUB" },
        "additional": { "usage_rates": { "traffic_in:": "0.01" } }
    })).await;
    let (c, _) = t.client("BULK", 1000).await;
    let sub = connect(e, &admin, c.id, s).await;
    let at = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
    let record = |id: String| UsageRecord {
        subscription_id: sub, record_id: id, kind: "traffic_in".into(), class: String::new(),
        quantity: Amount(1.into()), recorded_at: at, roaming: false,
    };
    let mut batch: Vec<UsageRecord> = (0..2500).map(|n| record(format!("r-{n}"))).collect();
    batch.push(record("r-7".into()));
    let receipt = e.record_usage(&admin, batch).await.unwrap();
    assert_eq!((receipt.accepted, receipt.duplicates), (2500, 1));
    let again = e.record_usage(&admin, (2000..2600).map(|n| record(format!("r-{n}"))).collect()).await.unwrap();
    assert_eq!((again.accepted, again.duplicates), (100, 500));
    e.run_charges(&admin, day(3, 2), false).await.unwrap();
    // 2,600 records of 1 GB at 0.01.
    assert_eq!(balance(e, &admin, c.id).await, "-26.00");
});
