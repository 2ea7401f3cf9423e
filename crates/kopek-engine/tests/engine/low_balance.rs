//! NTF-1 "low balance", on both backends, over several nights of the test
//! clock: a fall below the client's threshold is told once with the
//! balance and the days it lasts, staying low tells nothing more, a top-up
//! back above re-arms it and the next fall is told again; a night run
//! twice tells no one twice. The threshold is refused below zero or finer
//! than a kopeck, changing nothing.

use kopek_engine::Ctx;
use kopek_engine::billing::low_balance::{LowBalanceInput, LowBalanceReport};
use kopek_engine::testing::TestEngine;
use kopek_store::backend_test;
use serde_json::json;

use crate::common::{amt, at_local, connect, day, fee, pay, service};
use crate::notification_events::notes;

backend_test!(async fn ntf1_low_balance_is_told_once_per_crossing_with_the_days_it_lasts(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    // 310.00 a month in March is 10.00 a day.
    let internet = service(e, &admin, fee("Internet", "310.00", "daily")).await;
    let (c, user) = t.client("LB1", 0).await;
    pay(e, &admin, c.id, "130.00").await;
    // The clock reads 2026-03-01 12:00: half of the 1st is 5.00.
    connect(e, &admin, c.id, internet).await;
    let set = e.set_low_balance(&user, c.id, LowBalanceInput { threshold: Some(amt("100")) }).await.unwrap();
    assert_eq!(set.threshold, Some(amt("100.00")));
    let system = Ctx::system("test night");
    let night = |m: u32, d: u32| {
        at_local(&t, m, d, 2, 0);
        e.run_night(&system, day(m, d))
    };
    // 115.00 and 105.00: above.
    for d in [2, 3] {
        assert_eq!(night(3, d).await.unwrap().low_balance, LowBalanceReport::default());
    }
    // 95.00 on the 4th: below. Three days old (2 days 14 hours, rounded
    // up), it spent 5.00 + 3 × 10.00 = 35.00, 11.6667 a day: 8 whole days.
    let told = night(3, 4).await.unwrap().low_balance;
    assert_eq!(told, LowBalanceReport { notified: 1, rearmed: 0 });
    let first = json!({
        "balance": "95.00", "currency": "RUB", "threshold": "100.00", "daily_expense": "11.6667", "days_left": 8,
        "to": ["lb1@client.test"],
    });
    assert_eq!(notes(e, c.id, "balance.low").await, vec![first.clone()]);
    // The same night again, and a night still low: nothing more.
    assert_eq!(night(3, 4).await.unwrap().low_balance, LowBalanceReport::default());
    assert_eq!(night(3, 5).await.unwrap().low_balance, LowBalanceReport::default());
    assert_eq!(notes(e, c.id, "balance.low").await.len(), 1);
    // Topped up to 135.00: the night of the 6th (125.00) re-arms it.
    at_local(&t, 3, 5, 12, 0);
    pay(e, &admin, c.id, "50.00").await;
    assert_eq!(night(3, 6).await.unwrap().low_balance, LowBalanceReport { notified: 0, rearmed: 1 });
    for d in [7, 8] {
        assert_eq!(night(3, d).await.unwrap().low_balance, LowBalanceReport::default());
    }
    // 95.00 again on the 9th: told again. Eight days old, it spent
    // 5.00 + 8 × 10.00 = 85.00, 10.625 a day: 8 whole days.
    assert_eq!(night(3, 9).await.unwrap().low_balance, LowBalanceReport { notified: 1, rearmed: 0 });
    let second = json!({
        "balance": "95.00", "currency": "RUB", "threshold": "100.00", "daily_expense": "10.625", "days_left": 8,
        "to": ["lb1@client.test"],
    });
    assert_eq!(notes(e, c.id, "balance.low").await, vec![first, second]);
    assert!(e.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn ntf1_the_available_balance_counts_the_credit_limit_and_no_expense_means_no_forecast(db) {
    let t = TestEngine::over(db);
    let e = &t.engine;
    // A zero balance with 100.00 of credit: 100.00 to spend, as the
    // dashboard shows it.
    let (c, user) = t.client("LB2", 100).await;
    let system = Ctx::system("test night");
    let night = || {
        at_local(&t, 3, 2, 2, 0);
        e.run_night(&system, day(3, 2))
    };
    e.set_low_balance(&user, c.id, LowBalanceInput { threshold: Some(amt("90.00")) }).await.unwrap();
    assert_eq!(night().await.unwrap().low_balance.notified, 0);
    // A new threshold is a new watch: above the balance, it is told.
    e.set_low_balance(&user, c.id, LowBalanceInput { threshold: Some(amt("150.00")) }).await.unwrap();
    assert_eq!(night().await.unwrap().low_balance.notified, 1);
    assert_eq!(notes(e, c.id, "balance.low").await, vec![json!({
        "balance": "100.00", "currency": "RUB", "threshold": "150.00", "daily_expense": "0.00", "days_left": null,
        "to": ["lb2@client.test"],
    })]);
});

backend_test!(async fn ntf1_a_bad_threshold_is_refused_on_its_field_and_changes_nothing(db) {
    let t = TestEngine::over(db);
    let e = &t.engine;
    let (c, user) = t.client("LB3", 0).await;
    e.set_low_balance(&user, c.id, LowBalanceInput { threshold: Some(amt("50")) }).await.unwrap();
    for (bad, code) in [("-1", "invalid_field"), ("10.005", "amount_too_precise"), ("10000000000000", "amount_too_large")] {
        let err = e.set_low_balance(&user, c.id, LowBalanceInput { threshold: Some(amt(bad)) }).await.unwrap_err();
        assert_eq!((err.code(), err.field()), (code, Some("threshold")), "{bad}");
    }
    assert_eq!(e.low_balance(&user, c.id).await.unwrap().threshold, Some(amt("50.00")));
    // None switches it off.
    let off = e.set_low_balance(&user, c.id, LowBalanceInput { threshold: None }).await.unwrap();
    assert_eq!(off.threshold, None);
});
