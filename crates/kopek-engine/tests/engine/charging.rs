//! The charging engine on both backends, with exact amounts and dates
//! (CHG-1 … CHG-8, CAT-2 … CAT-7, CAT-11, CAT-12). The provider is at
//! UTC+3; the clock starts at 2026-03-01 12:00 provider time.

use kopek_engine::catalog::services::{HolidayInput, TariffInput};
use kopek_engine::charging::subscriptions::ConnectInput;
use kopek_engine::core::amount::Amount;
use kopek_engine::testing::TestEngine;
use kopek_engine::{Ctx, Engine};
use kopek_store::backend_test;
use rust_decimal::Decimal;
use serde_json::json;

use crate::common::{at_local, balance, connect, day, fee, pay, service};

async fn state(e: &Engine, admin: &Ctx, sub: i64) -> String {
    e.subscription(admin, sub).await.unwrap().state
}

backend_test!(async fn chg1_daily_fee_is_charged_once_a_night_and_a_second_run_charges_nothing(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let internet = service(e, &admin, fee("Internet 100", "310.00", "daily")).await;
    let (c, _) = t.client("D1", 0).await;
    pay(e, &admin, c.id, "100.00").await;
    // Connected at noon: half of March 1st's 10.00 at once (CHG-2).
    let sub = connect(e, &admin, c.id, internet).await;
    assert_eq!(balance(e, &admin, c.id).await, "95.00");
    let r = e.run_charges(&admin, day(3, 2), false).await.unwrap();
    assert_eq!((r.charges, r.total.0.to_string()), (1, "10.00".into()));
    let again = e.run_charges(&admin, day(3, 2), false).await.unwrap();
    assert_eq!((again.charges, again.total.0), (0, Decimal::ZERO));
    e.run_charges(&admin, day(3, 3), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "75.00");
    let s = e.subscription(&admin, sub).await.unwrap();
    assert_eq!((s.charged_total.0.to_string(), s.next_charge_on), ("25.00".into(), Some(day(3, 4))));
    let v = e.check_ledger().await.unwrap();
    assert!(v.is_empty(), "{v:?}");
});

backend_test!(async fn chg2_prepay_mid_month_is_prorated_to_the_second_then_whole_months(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let vds = service(e, &admin, fee("VDS-2", "300.00", "prepay")).await;
    let (c, _) = t.client("P1", 1000).await;
    at_local(&t, 3, 10, 12, 0);
    connect(e, &admin, c.id, vds).await;
    // 21.5 of 31 days.
    assert_eq!(balance(e, &admin, c.id).await, "-208.0645");
    assert_eq!(e.run_charges(&admin, day(3, 31), false).await.unwrap().charges, 0);
    let r = e.run_charges(&admin, day(4, 1), false).await.unwrap();
    assert_eq!(r.total.0.to_string(), "300.00");
    assert_eq!(balance(e, &admin, c.id).await, "-508.0645");
});

backend_test!(async fn cat6_the_15th_rule_both_ways(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let mut spec = fee("Tariff line", "300.00", "prepay");
    spec["calendar"] = json!("from_first_of_month");
    let line = service(e, &admin, spec).await;
    let (early, _) = t.client("E15", 1000).await;
    let (late, _) = t.client("L15", 1000).await;
    at_local(&t, 3, 14, 23, 0);
    connect(e, &admin, early.id, line).await;
    at_local(&t, 3, 15, 0, 0);
    connect(e, &admin, late.id, line).await;
    assert_eq!(balance(e, &admin, early.id).await, "-300.00", "before the 15th: the whole of March");
    assert_eq!(balance(e, &admin, late.id).await, "0.00", "from the 15th: nothing for March");
    e.run_charges(&admin, day(4, 1), false).await.unwrap();
    assert_eq!(balance(e, &admin, early.id).await, "-600.00");
    assert_eq!(balance(e, &admin, late.id).await, "-300.00");
});

// CAT-6: a whole month charged from the 1st is named by that month, not
// by the moment the service was connected.
backend_test!(async fn cat6_a_month_charged_from_the_1st_is_named_by_the_month_it_pays(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let mut spec = fee("Internet", "300.00", "prepay");
    spec["calendar"] = json!("from_first_of_month");
    let internet = service(e, &admin, spec).await;
    let vds = service(e, &admin, fee("VDS", "310.00", "prepay")).await;
    let (c, _) = t.client("N15", 5000).await;
    at_local(&t, 3, 10, 12, 0);
    connect(e, &admin, c.id, internet).await;
    connect(e, &admin, c.id, vds).await;
    at_local(&t, 4, 1, 3, 0);
    e.run_charges(&admin, day(4, 1), false).await.unwrap();
    let mut names: Vec<(String, String)> =
        e.expenses(&admin, c.id).await.unwrap().iter().map(|x| (x.name.clone(), x.amount.0.to_string())).collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            ("Internet: 2026-03-01 00:00 – 2026-04-01 00:00".to_string(), "300.00".to_string()),
            ("Internet: 2026-04-01 00:00 – 2026-05-01 00:00".to_string(), "300.00".to_string()),
            // A standard month started mid-month pays from the connection.
            ("VDS: 2026-03-10 12:00 – 2026-04-01 00:00".to_string(), "215.00".to_string()),
            ("VDS: 2026-04-01 00:00 – 2026-05-01 00:00".to_string(), "310.00".to_string()),
        ]
    );
});

backend_test!(async fn cat6_tariff_change_before_the_15th_reverses_and_after_it_waits_for_next_month(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let mut old_spec = fee("Home 50", "300.00", "prepay");
    old_spec["calendar"] = json!("from_first_of_month");
    let mut new_spec = fee("Home 100", "500.00", "prepay");
    new_spec["calendar"] = json!("from_first_of_month");
    let (old_s, new_s) = (service(e, &admin, old_spec).await, service(e, &admin, new_spec).await);
    let old_t = e.create_tariff(&admin, TariffInput { name: "Home 50".into(), description: String::new(), services: vec![old_s] }).await.unwrap().id;
    let new_t = e.create_tariff(&admin, TariffInput { name: "Home 100".into(), description: String::new(), services: vec![new_s] }).await.unwrap().id;
    let (a, _) = t.client("TA", 5000).await;
    let (b, _) = t.client("TB", 5000).await;
    for c in [a.id, b.id] {
        e.connect(&admin, c, ConnectInput { service_id: old_s, tariff_id: Some(old_t), discount_percent: None }).await.unwrap();
    }
    assert_eq!(balance(e, &admin, a.id).await, "-300.00");
    let change = || kopek_engine::catalog::tariff_change::TariffChange { from_tariff: old_t, to_tariff: new_t };
    at_local(&t, 3, 10, 12, 0);
    e.change_tariff(&admin, a.id, change()).await.unwrap();
    assert_eq!(balance(e, &admin, a.id).await, "-500.00", "old March reversed, new March whole");
    at_local(&t, 3, 20, 12, 0);
    e.change_tariff(&admin, b.id, change()).await.unwrap();
    assert_eq!(balance(e, &admin, b.id).await, "-300.00", "old March stays, new waits");
    at_local(&t, 4, 1, 3, 0);
    e.run_charges(&admin, day(4, 1), false).await.unwrap();
    assert_eq!(balance(e, &admin, a.id).await, "-1000.00");
    assert_eq!(balance(e, &admin, b.id).await, "-800.00");
    let subs = e.subscriptions(&admin, b.id).await.unwrap();
    let states: Vec<_> = subs.iter().map(|s| (s.service_id, s.state.clone())).collect();
    assert_eq!(states, vec![(old_s, "disconnected".to_string()), (new_s, "active".to_string())]);
    let v = e.check_ledger().await.unwrap();
    assert!(v.is_empty(), "{v:?}");
});

backend_test!(async fn cat7_a_balance_covering_only_some_services_charges_none_until_money_comes(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let a = service(e, &admin, fee("Internet", "60.00", "prepay")).await;
    let mut stop = fee("IPTV", "90.00", "prepay");
    stop["additional"] = json!({ "no_charge_if_insufficient_and_deactivate": true });
    let b = service(e, &admin, stop).await;
    let (c, _) = t.client("COV", 0).await;
    pay(e, &admin, c.id, "210.00").await;
    at_local(&t, 3, 1, 0, 0);
    let (sa, sb) = (connect(e, &admin, c.id, a).await, connect(e, &admin, c.id, b).await);
    e.run_charges(&admin, day(3, 1), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "60.00");
    // April: 60 + 90 due against 60: none is charged.
    at_local(&t, 4, 1, 2, 0);
    let r = e.run_charges(&admin, day(4, 1), false).await.unwrap();
    assert_eq!((r.charges, r.clients[0].uncovered.len()), (0, 2));
    assert_eq!(balance(e, &admin, c.id).await, "60.00");
    assert_eq!((state(e, &admin, sa).await, state(e, &admin, sb).await), ("blocked_for_debt".into(), "deactivated_by_threshold".into()));
    // Money at noon: both start again from now, 29.5 of 30 days of April:
    // 59.00 and 88.50; nothing for the hours they were off.
    at_local(&t, 4, 1, 12, 0);
    pay(e, &admin, c.id, "100.00").await;
    assert_eq!((state(e, &admin, sa).await, state(e, &admin, sb).await), ("active".into(), "active".into()));
    assert_eq!(balance(e, &admin, c.id).await, "12.50");
    assert_eq!(e.run_charges(&admin, day(4, 2), false).await.unwrap().charges, 0);
    let history = e.subscription_history(&admin, sa).await.unwrap();
    let path: Vec<_> = history.iter().map(|h| h.to.as_str()).collect();
    assert_eq!(path, vec!["active", "blocked_for_debt", "active"]);
    let v = e.check_ledger().await.unwrap();
    assert!(v.is_empty(), "{v:?}");
});

backend_test!(async fn chg5_threshold_deactivates_and_money_reactivates(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let mut spec = fee("Line fee", "310.00", "daily");
    spec["additional"] = json!({ "deactivate_past_limit_keep_charging": true });
    let s = service(e, &admin, spec).await;
    let (c, _) = t.client("THR", 0).await;
    pay(e, &admin, c.id, "15.00").await;
    at_local(&t, 3, 1, 0, 0);
    let sub = connect(e, &admin, c.id, s).await;
    e.run_charges(&admin, day(3, 1), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "5.00");
    e.run_charges(&admin, day(3, 2), false).await.unwrap();
    assert_eq!((balance(e, &admin, c.id).await, state(e, &admin, sub).await), ("-5.00".into(), "deactivated_by_threshold".into()));
    e.run_charges(&admin, day(3, 3), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-15.00", "still charging while off");
    pay(e, &admin, c.id, "50.00").await;
    assert_eq!((balance(e, &admin, c.id).await, state(e, &admin, sub).await), ("35.00".into(), "active".into()));
});

backend_test!(async fn chg4_promised_payment_lifts_the_block_and_is_repaid_or_expires(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    service(e, &admin, json!({
        "main": { "name": "Promised payment", "kind": "promised_payment" },
        "fee": { "price": "300.00", "write_off": "prepay", "currency": "RUB" },
        "lifetime": { "days": 3 }, "portal": { "orderable": true }
    })).await;
    let net = service(e, &admin, fee("Internet", "100.00", "prepay")).await;
    let (c, user) = t.client("PROM", 0).await;
    pay(e, &admin, c.id, "100.00").await;
    at_local(&t, 3, 1, 0, 0);
    let sub = connect(e, &admin, c.id, net).await;
    e.run_charges(&admin, day(3, 1), false).await.unwrap();
    at_local(&t, 4, 1, 2, 0);
    e.run_charges(&admin, day(4, 1), false).await.unwrap();
    assert_eq!(state(e, &admin, sub).await, "blocked_for_debt");
    let too_much = e.take_promised_payment(&user, c.id, kopek_engine::charging::promised::PromiseInput { amount: Amount("300.01".parse().unwrap()) }).await.unwrap_err();
    assert_eq!(too_much.code(), "over_promised_limit");
    let p = e.take_promised_payment(&user, c.id, kopek_engine::charging::promised::PromiseInput { amount: Amount("150".parse().unwrap()) }).await.unwrap();
    assert_eq!(p.status, "open");
    // 150 in, and April from 02:00: 100 × (30 days − 2 h) / 30 days = 99.7222.
    assert_eq!((balance(e, &admin, c.id).await, state(e, &admin, sub).await), ("50.2778".into(), "active".into()));
    let twice = e.take_promised_payment(&user, c.id, kopek_engine::charging::promised::PromiseInput { amount: Amount("1".parse().unwrap()) }).await.unwrap_err();
    assert_eq!(twice.code(), "promised_payment_open");
    // A real payment repays it.
    pay(e, &admin, c.id, "200.00").await;
    assert_eq!(balance(e, &admin, c.id).await, "100.2778");
    assert_eq!(e.promised_payments(&admin, c.id).await.unwrap()[0].status, "repaid");
    // Another, not repaid in 3 days, expires.
    e.take_promised_payment(&user, c.id, kopek_engine::charging::promised::PromiseInput { amount: Amount("50".parse().unwrap()) }).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "150.2778");
    t.clock.advance(chrono::Duration::days(3));
    assert_eq!(e.expire_promised_payments(&Ctx::system("test")).await.unwrap(), 1);
    assert_eq!(balance(e, &admin, c.id).await, "100.2778");
    assert_eq!(e.promised_payments(&admin, c.id).await.unwrap()[1].status, "expired");
    let v = e.check_ledger().await.unwrap();
    assert!(v.is_empty(), "{v:?}");
});

backend_test!(async fn cat11_no_charge_on_the_providers_holidays(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let mut spec = fee("Internet", "310.00", "daily");
    spec["conditions"] = json!({ "holiday_calendar": "ru" });
    let s = service(e, &admin, spec).await;
    e.add_holidays(&admin, HolidayInput { calendar: "ru".into(), days: vec![day(3, 8)] }).await.unwrap();
    let (c, _) = t.client("HOL", 0).await;
    pay(e, &admin, c.id, "15.00").await;
    at_local(&t, 3, 7, 0, 0);
    let sub = connect(e, &admin, c.id, s).await;
    e.run_charges(&admin, day(3, 7), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "5.00");
    e.run_charges(&admin, day(3, 8), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "5.00", "the 8th is free");
    assert_eq!(state(e, &admin, sub).await, "active", "and nothing is blocked on it");
    e.run_charges(&admin, day(3, 9), false).await.unwrap();
    assert_eq!((balance(e, &admin, c.id).await, state(e, &admin, sub).await), ("5.00".into(), "blocked_for_debt".into()));
});

backend_test!(async fn cat12_versions_price_each_day_and_history_says_who_changed_what(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let s = service(e, &admin, fee("Internet", "310.00", "daily")).await;
    let (c, _) = t.client("VER", 1000).await;
    at_local(&t, 3, 3, 0, 0);
    connect(e, &admin, c.id, s).await;
    let mut spec = fee("Internet", "620.00", "daily");
    spec["portal"] = json!({ "orderable": true });
    let updated = e.update_service(&admin, s, serde_json::from_value(json!({ "spec": spec, "valid_from": "2026-03-05" })).unwrap()).await.unwrap();
    assert_eq!(updated.versions.len(), 2);
    assert_eq!((updated.versions[0].valid_to, updated.versions[1].valid_from), (Some(day(3, 5)), day(3, 5)));
    e.run_charges(&admin, day(3, 5), false).await.unwrap();
    // 3rd and 4th at 10.00, the 5th at 20.00.
    assert_eq!(balance(e, &admin, c.id).await, "-40.00");
    let history = e.service_history(&admin, s).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].action, "service.update");
    assert_eq!(history[1].details["changes"]["fee.price"], json!(["310.00", "620.00"]));
    assert_eq!(history[1].details["changes"]["portal.orderable"], json!([false, true]));
    assert!(history[1].actor.starts_with("admin"));
});

backend_test!(async fn chg6_usage_is_priced_charged_once_and_duplicates_are_ignored(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let s = service(e, &admin, json!({
        "main": { "name": "Traffic", "kind": "traffic" },
        "fee": { "price": "0", "write_off": "daily", "currency": "RUB" },
        "additional": { "usage_rates": { "traffic_in:": "1.50", "traffic_in:local": "0", "traffic_out:": "0.75" } }
    })).await;
    let (c, _) = t.client("USE", 1000).await;
    at_local(&t, 3, 1, 0, 0);
    let sub = connect(e, &admin, c.id, s).await;
    let csv = format!("subscription_id,record_id,kind,class,quantity,recorded_at\n\
        {sub},r1,traffic_in,world,12.5,2026-03-01T10:00:00Z\n\
        {sub},r2,traffic_in,local,300,2026-03-01T11:00:00Z\n\
        {sub},r3,traffic_out,world,2.333,2026-03-01T12:00:00Z\n\
        {sub},r1,traffic_in,world,12.5,2026-03-01T10:00:00Z\n");
    let receipt = e.import_usage_csv(&admin, &csv).await.unwrap();
    assert_eq!((receipt.accepted, receipt.duplicates), (3, 1));
    let bad = e.import_usage_csv(&admin, "subscription_id,record_id,kind,class,quantity,recorded_at\n1,x,gigabytes,,1,2026-03-01T10:00:00Z").await.unwrap_err();
    assert_eq!(bad.code(), "invalid_field");
    e.run_charges(&admin, day(3, 2), false).await.unwrap();
    // 12.5 × 1.50 + 300 × 0 + 2.333 × 0.75 = 20.49975
    assert_eq!(balance(e, &admin, c.id).await, "-20.4998");
    e.run_charges(&admin, day(3, 3), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-20.4998", "usage is charged once");
});

backend_test!(async fn chg8_a_dry_run_shows_the_real_run_and_changes_nothing(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let s = service(e, &admin, fee("Internet", "310.00", "daily")).await;
    for code in ["DRY1", "DRY2", "DRY3"] {
        let (c, _) = t.client(code, 1000).await;
        at_local(&t, 3, 1, 0, 0);
        connect(e, &admin, c.id, s).await;
    }
    let dry = e.run_charges(&admin, day(3, 3), true).await.unwrap();
    assert_eq!((dry.charges, dry.total.0.to_string(), dry.clients.len()), (9, "90.00".into(), 3));
    let real = e.run_charges(&admin, day(3, 3), false).await.unwrap();
    assert_eq!(real.total, dry.total);
    assert_eq!(real.clients.iter().map(|c| &c.lines).collect::<Vec<_>>(), dry.clients.iter().map(|c| &c.lines).collect::<Vec<_>>());
    assert_eq!(e.run_charges(&admin, day(3, 3), true).await.unwrap().charges, 0);
});

backend_test!(async fn cat5_a_lifetime_disconnects_and_lifetime_services_stay_out_of_tariffs(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let mut spec = fee("Turbo day", "310.00", "daily");
    spec["lifetime"] = json!({ "days": 2 });
    let s = service(e, &admin, spec).await;
    let err = e.create_tariff(&admin, TariffInput { name: "T".into(), description: String::new(), services: vec![s] }).await.unwrap_err();
    assert!(err.to_string().contains("has a lifetime"), "{err}");
    let (c, _) = t.client("LIFE", 1000).await;
    at_local(&t, 3, 1, 0, 0);
    let sub = connect(e, &admin, c.id, s).await;
    at_local(&t, 3, 2, 2, 0);
    e.run_charges(&admin, day(3, 2), false).await.unwrap();
    assert_eq!(state(e, &admin, sub).await, "active");
    at_local(&t, 3, 3, 2, 0);
    e.run_charges(&admin, day(3, 3), false).await.unwrap();
    assert_eq!(state(e, &admin, sub).await, "disconnected");
    assert_eq!(balance(e, &admin, c.id).await, "-20.00");
});

backend_test!(async fn cat3_charging_starts_with_the_first_session_only_once(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let mut spec = fee("Internet", "310.00", "daily");
    spec["fee"]["activate_after_first_session"] = json!(true);
    spec["fee"]["start_charging_after_first_session"] = json!(true);
    let s = service(e, &admin, spec).await;
    let (c, _) = t.client("SES", 1000).await;
    at_local(&t, 3, 1, 0, 0);
    let sub = connect(e, &admin, c.id, s).await;
    assert_eq!(state(e, &admin, sub).await, "awaiting_session");
    e.run_charges(&admin, day(3, 5), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "0.00");
    at_local(&t, 3, 5, 18, 0);
    e.report_session(&admin, sub, None).await.unwrap();
    assert_eq!(state(e, &admin, sub).await, "active");
    // 6 of 24 hours of the 5th.
    assert_eq!(balance(e, &admin, c.id).await, "-2.50");
    e.report_session(&admin, sub, None).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-2.50");
});

backend_test!(async fn chg3_loyalty_discount_and_no_discounts(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let plain = service(e, &admin, fee("Internet", "310.00", "daily")).await;
    let mut spec = fee("Line fee", "310.00", "daily");
    spec["additional"] = json!({ "no_discounts": true });
    let undiscounted = service(e, &admin, spec).await;
    let (c, _) = t.client("DISC", 1000).await;
    e.update_client(&admin, c.id, kopek_engine::accounts::clients::ClientChanges { loyalty_percent: Some(Amount("10".parse().unwrap())), ..Default::default() }).await.unwrap();
    at_local(&t, 3, 1, 0, 0);
    connect(e, &admin, c.id, plain).await;
    connect(e, &admin, c.id, undiscounted).await;
    e.run_charges(&admin, day(3, 1), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-19.00");
});

backend_test!(async fn disconnecting_a_prepaid_month_refunds_the_unused_part(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let s = service(e, &admin, fee("VDS", "310.00", "prepay")).await;
    let (c, _) = t.client("REF", 1000).await;
    at_local(&t, 3, 1, 0, 0);
    let sub = connect(e, &admin, c.id, s).await;
    e.run_charges(&admin, day(3, 1), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-310.00");
    at_local(&t, 3, 11, 0, 0);
    e.disconnect(&admin, sub, "client left").await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-100.00");
    e.run_charges(&admin, day(4, 1), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-100.00");
    let v = e.check_ledger().await.unwrap();
    assert!(v.is_empty(), "{v:?}");
});

backend_test!(async fn chg1_the_nightly_schedule_runs_the_charge_at_two_provider_time(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let s = service(e, &admin, fee("Internet", "310.00", "daily")).await;
    let (c, _) = t.client("NIGHT", 1000).await;
    at_local(&t, 3, 1, 12, 0);
    e.install_schedules().await.unwrap();
    connect(e, &admin, c.id, s).await;
    assert_eq!(balance(e, &admin, c.id).await, "-5.00");
    let worker = e.standard_worker("w");
    at_local(&t, 3, 2, 1, 0);
    worker.run_once().await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-5.00", "not before 02:00");
    at_local(&t, 3, 2, 2, 0);
    worker.run_once().await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-15.00");
    at_local(&t, 3, 2, 5, 0);
    worker.run_once().await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-15.00", "once a night");
});

backend_test!(async fn cat1_a_package_connects_and_disconnects_its_services(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let tv = service(e, &admin, fee("TV", "155.00", "daily")).await;
    let net = service(e, &admin, fee("Internet", "310.00", "daily")).await;
    let package = service(e, &admin, json!({ "main": { "name": "Home", "kind": "package" },
        "fee": { "price": "0", "write_off": "daily", "currency": "RUB" }, "package_services": [tv, net] })).await;
    let (c, _) = t.client("PKG", 1000).await;
    at_local(&t, 3, 1, 0, 0);
    let home = connect(e, &admin, c.id, package).await;
    let subs = e.subscriptions(&admin, c.id).await.unwrap();
    assert_eq!(subs.iter().map(|s| s.service_id).collect::<Vec<_>>(), vec![package, tv, net]);
    e.run_charges(&admin, day(3, 1), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-15.00");
    at_local(&t, 3, 2, 12, 0);
    e.disconnect(&admin, home, "moved out").await.unwrap();
    let states: Vec<String> = e.subscriptions(&admin, c.id).await.unwrap().into_iter().map(|s| s.state).collect();
    assert_eq!(states, vec!["disconnected"; 3]);
    e.run_charges(&admin, day(3, 3), false).await.unwrap();
    // The 1st (15.00), and the next run charges the half of the 2nd they
    // were connected (7.50); nothing after.
    assert_eq!(balance(e, &admin, c.id).await, "-22.50");
    let v = e.check_ledger().await.unwrap();
    assert!(v.is_empty(), "{v:?}");
});

backend_test!(async fn cat4_activate_only_above_the_threshold(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let mut spec = fee("Internet", "310.00", "daily");
    spec["additional"] = json!({ "activate_only_above_threshold": true });
    let s = service(e, &admin, spec).await;
    let (c, _) = t.client("HOLD", 0).await;
    e.post_expense(&admin, c.id, kopek_engine::ledger::entries::PostExpense {
        name: "old debt".into(), amount: Amount("20".parse().unwrap()), currency: "RUB".into(), vat_percent: None, charged_at: None,
    }).await.unwrap();
    let sub = connect(e, &admin, c.id, s).await;
    assert_eq!((state(e, &admin, sub).await, balance(e, &admin, c.id).await), ("deactivated_by_threshold".into(), "-20.00".into()));
    e.run_charges(&admin, day(3, 2), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-20.00", "nothing while held");
    at_local(&t, 3, 2, 12, 0);
    pay(e, &admin, c.id, "50.00").await;
    // 50 − 20 debt, then half of the 2nd.
    assert_eq!((state(e, &admin, sub).await, balance(e, &admin, c.id).await), ("active".into(), "25.00".into()));
});

backend_test!(async fn cat2_hourly_cloud_resources_are_charged_for_the_hours_used_in_one_charge_a_night(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    // 744.00 a month of 31 days is 1.00 an hour.
    let vm = service(e, &admin, fee("Cloud VM", "744.00", "hourly")).await;
    let (c, _) = t.client("HOUR", 1000).await;
    at_local(&t, 3, 1, 9, 0);
    let sub = connect(e, &admin, c.id, vm).await;
    at_local(&t, 3, 1, 21, 0);
    e.stop(&admin, sub, "paused").await.unwrap();
    let r = e.run_charges(&admin, day(3, 2), false).await.unwrap();
    assert_eq!((r.charges, r.total.0.to_string()), (1, "12.00".into()));
    assert_eq!(balance(e, &admin, c.id).await, "-12.00");
    assert_eq!(e.run_charges(&admin, day(3, 3), false).await.unwrap().charges, 0);
});

backend_test!(async fn cat4_a_line_fee_is_charged_even_while_stopped_or_blocked(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let mut spec = fee("Line fee", "310.00", "daily");
    spec["additional"] = json!({ "charge_even_if_blocked": true });
    let line = service(e, &admin, spec).await;
    let net = service(e, &admin, fee("Internet", "310.00", "daily")).await;
    let (c, _) = t.client("LINE", 1000).await;
    at_local(&t, 3, 1, 0, 0);
    let (l, n) = (connect(e, &admin, c.id, line).await, connect(e, &admin, c.id, net).await);
    e.run_charges(&admin, day(3, 1), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-20.00");
    at_local(&t, 3, 2, 0, 0);
    e.stop(&admin, l, "line paused").await.unwrap();
    e.stop(&admin, n, "internet paused").await.unwrap();
    e.update_client(&admin, c.id, kopek_engine::accounts::clients::ClientChanges { state: Some("blocked_by_admin".into()), ..Default::default() }).await.unwrap();
    e.run_charges(&admin, day(3, 2), false).await.unwrap();
    e.run_charges(&admin, day(3, 3), false).await.unwrap();
    // The line fee goes on (2 × 10.00); the internet stopped at midnight.
    assert_eq!(balance(e, &admin, c.id).await, "-40.00");
});

backend_test!(async fn cat2_the_connection_cost_is_the_balance_needed_to_connect(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let mut spec = fee("VDS", "300.00", "prepay");
    spec["fee"]["connection_cost"] = json!("500.00");
    let s = service(e, &admin, spec).await;
    let (c, _) = t.client("COST", 0).await;
    pay(e, &admin, c.id, "499.99").await;
    let err = e.connect(&admin, c.id, ConnectInput { service_id: s, tariff_id: None, discount_percent: None }).await.unwrap_err();
    assert_eq!(err.code(), "connection_cost_not_met");
    assert!(err.to_string().contains("at least 500.00"), "{err}");
    assert!(e.subscriptions(&admin, c.id).await.unwrap().is_empty());
    pay(e, &admin, c.id, "0.01").await;
    connect(e, &admin, c.id, s).await;
    assert_eq!(e.subscriptions(&admin, c.id).await.unwrap().len(), 1);
});

backend_test!(async fn cat8_one_base_package_per_kind_replaces_the_old_unless_it_is_in_a_tariff(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let iptv = |name: &str| {
        let mut s = fee(name, "155.00", "daily");
        s["integration"] = json!({ "base_package_kind": "iptv", "nas": "iptv-1" });
        s
    };
    let basic = service(e, &admin, iptv("IPTV Basic")).await;
    let premium = service(e, &admin, iptv("IPTV Premium")).await;
    let tariff = e.create_tariff(&admin, TariffInput { name: "TV".into(), description: String::new(), services: vec![basic] }).await.unwrap().id;
    let two = e.create_tariff(&admin, TariffInput { name: "Two".into(), description: String::new(), services: vec![basic, premium] }).await.unwrap_err();
    assert_eq!(two.code(), "two_base_packages");
    let (free, _) = t.client("BASE1", 1000).await;
    let old = connect(e, &admin, free.id, basic).await;
    connect(e, &admin, free.id, premium).await;
    assert_eq!(state(e, &admin, old).await, "disconnected");
    let (bound, _) = t.client("BASE2", 1000).await;
    e.connect(&admin, bound.id, ConnectInput { service_id: basic, tariff_id: Some(tariff), discount_percent: None }).await.unwrap();
    let err = e.connect(&admin, bound.id, ConnectInput { service_id: premium, tariff_id: None, discount_percent: None }).await.unwrap_err();
    assert_eq!(err.code(), "base_package_in_tariff");
});
