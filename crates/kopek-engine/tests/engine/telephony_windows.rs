//! Telephony (CAT-1, CAT-5: minutes by direction, roaming, "disable after N
//! minutes") and activity windows (CAT-11: a window's fee, its usage rates
//! and the speed told to the equipment as it opens and closes), with
//! exact amounts and times, on both backends. The provider is at UTC+3.

use chrono::{TimeZone, Utc};
use kopek_engine::charging::usage::UsageRecord;
use kopek_engine::core::amount::Amount;
use kopek_engine::testing::TestEngine;
use kopek_engine::{Ctx, Engine};
use kopek_store::backend_test;
use serde_json::{Value, json};

use crate::common::{at_local, balance, connect, day, fee, service};

fn phone(extra: Value) -> Value {
    let mut spec = json!({
        "main": { "name": "Phone", "kind": "telephony" },
        "fee": { "price": "0", "write_off": "daily", "currency": "RUB" },
        "additional": { "usage_rates": { "minutes:local": "0.50", "minutes:international": "9.90" } }
    });
    for (k, v) in extra.as_object().unwrap() {
        match (spec.get_mut(k).and_then(Value::as_object_mut), v.as_object()) {
            (Some(tab), Some(more)) => tab.extend(more.clone()),
            _ => spec[k] = v.clone(),
        }
    }
    spec
}

/// `minutes` used on `sub` at a provider-local time of March 2026.
fn call(sub: i64, id: &str, class: &str, minutes: &str, d: u32, h: u32, m: u32) -> UsageRecord {
    UsageRecord {
        subscription_id: sub,
        record_id: id.into(),
        kind: "minutes".into(),
        class: class.into(),
        quantity: Amount(minutes.parse().unwrap()),
        recorded_at: Utc.with_ymd_and_hms(2026, 3, d, h, m, 0).unwrap() - chrono::Duration::hours(3),
        roaming: false,
    }
}

async fn minutes_used(t: &TestEngine, sub: i64) -> i64 {
    let mut conn = t.db.store.conn().await.unwrap();
    kopek_store::subscriptions::get(&mut conn, sub).await.unwrap().unwrap().minutes_used
}

/// The speeds told to the equipment so far.
async fn told(t: &TestEngine) -> Vec<Value> {
    let mut conn = t.db.store.conn().await.unwrap();
    kopek_store::outbox::by_topic(&mut conn, "subscription.speed_changed")
        .await
        .unwrap()
        .into_iter()
        .map(|m| serde_json::from_str::<Value>(&m.payload).unwrap())
        .collect()
}

async fn state(e: &Engine, admin: &Ctx, sub: i64) -> String {
    e.subscription(admin, sub).await.unwrap().state
}

backend_test!(async fn cat5_roaming_minutes_are_priced_at_their_own_rate(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    // Only a telephony service with "roaming" set carries roaming rates.
    let mut refused = fee("Internet", "0", "daily");
    refused["additional"] = json!({ "roaming_rates": { "minutes:": "29.00" } });
    let input = serde_json::from_value(json!({ "spec": refused, "valid_from": "2026-01-01" })).unwrap();
    let err = e.create_service(&admin, input).await.unwrap_err();
    assert!(err.to_string().contains("additional.roaming_rates"), "{err}");
    let s = service(e, &admin, phone(json!({ "additional": { "roaming": true, "roaming_rates": { "minutes:": "29.00" } } }))).await;
    let (c, _) = t.client("ROAM", 1000).await;
    at_local(&t, 3, 1, 0, 0);
    let sub = connect(e, &admin, c.id, s).await;
    // The CSV's seventh column marks roaming.
    let csv = format!("subscription_id,record_id,kind,class,quantity,recorded_at,roaming\n\
        {sub},c1,minutes,local,12,2026-03-01T07:00:00Z,false\n\
        {sub},c2,minutes,international,3.5,2026-03-01T08:00:00Z,\n\
        {sub},c3,minutes,local,2.25,2026-03-01T09:00:00Z,true\n");
    let receipt = e.import_usage_csv(&admin, &csv).await.unwrap();
    assert_eq!((receipt.accepted, receipt.duplicates), (3, 0));
    // And the API's flag: a roaming international call, 1.5 minutes.
    let mut roaming = call(sub, "c4", "international", "1.5", 1, 13, 0);
    roaming.roaming = true;
    e.record_usage(&admin, vec![roaming]).await.unwrap();
    e.run_charges(&admin, day(3, 2), false).await.unwrap();
    // 12 × 0.50 + 3.5 × 9.90 at home, (2.25 + 1.5) × 29.00 in roaming:
    // 6.00 + 34.65 + 108.75.
    assert_eq!(balance(e, &admin, c.id).await, "-149.40");
    assert_eq!(minutes_used(&t, sub).await, 192_500, "19.25 minutes, in ten-thousandths");
    assert!(e.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn cat5_a_minutes_lifetime_of_100_disconnects_once_100_minutes_are_charged(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let s = service(e, &admin, phone(json!({ "lifetime": { "minutes": 100 } }))).await;
    let (c, _) = t.client("MIN100", 1000).await;
    at_local(&t, 3, 1, 0, 0);
    let sub = connect(e, &admin, c.id, s).await;
    e.record_usage(&admin, vec![call(sub, "a", "local", "60", 1, 10, 0), call(sub, "b", "local", "39.5", 1, 11, 0)]).await.unwrap();
    e.run_charges(&admin, day(3, 2), false).await.unwrap();
    assert_eq!(minutes_used(&t, sub).await, 995_000);
    assert_eq!(state(e, &admin, sub).await, "active", "99.5 minutes are not 100");
    // Minutes recorded after the night's horizon wait for the next run.
    e.record_usage(&admin, vec![call(sub, "c", "local", "0.5", 2, 10, 0)]).await.unwrap();
    e.run_charges(&admin, day(3, 2), false).await.unwrap();
    assert_eq!(minutes_used(&t, sub).await, 995_000, "a run again counts nothing twice");
    e.run_charges(&admin, day(3, 3), false).await.unwrap();
    assert_eq!(minutes_used(&t, sub).await, 1_000_000);
    assert_eq!(state(e, &admin, sub).await, "disconnected");
    // 100 minutes × 0.50.
    assert_eq!(balance(e, &admin, c.id).await, "-50.00");
    assert!(e.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn cat11_chg6_a_night_window_prices_only_the_traffic_recorded_inside_it(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let mut internet = fee("Internet", "0", "daily");
    internet["additional"] = json!({ "usage_rates": { "traffic_in:": "1.50" } });
    let internet = service(e, &admin, internet).await;
    let mut night = fee("Night unlimited", "0", "daily");
    night["additional"] = json!({ "usage_rates": { "traffic_in:": "0" } });
    night["conditions"] = json!({ "window": { "hours": { "from": "01:00", "to": "07:00" } } });
    let night = service(e, &admin, night).await;
    let (c, _) = t.client("NIGHT", 1000).await;
    at_local(&t, 3, 1, 0, 0);
    let sub = connect(e, &admin, c.id, internet).await;
    connect(e, &admin, c.id, night).await;
    let gb = |id: &str, quantity: &str, h: u32, m: u32| UsageRecord {
        kind: "traffic_in".into(),
        quantity: Amount(quantity.parse().unwrap()),
        ..call(sub, id, "", "0", 1, h, m)
    };
    e.record_usage(&admin, vec![
        gb("t1", "4", 0, 59),  // before the window: 6.00
        gb("t2", "5", 1, 0),   // its first minute: free
        gb("t3", "5", 6, 59),  // its last minute: free
        gb("t4", "2", 7, 0),   // closed again: 3.00
        gb("t5", "1", 12, 0),  // 1.50
    ]).await.unwrap();
    e.run_charges(&admin, day(3, 2), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-10.50");
    let expenses = e.expenses(&admin, c.id).await.unwrap();
    let usage: Vec<(String, String)> =
        expenses.iter().filter(|x| x.name.contains("usage")).map(|x| (x.name.clone(), x.amount.0.to_string())).collect();
    assert_eq!(usage, vec![("Internet: usage to 2026-03-02 02:00".to_string(), "10.50".to_string())]);
    assert!(e.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn cat11_a_weekday_services_daily_fee_is_charged_only_on_weekdays(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    // 310.00 a month, written off daily: 10.00 a day of March.
    let mut office = fee("Office line", "310.00", "daily");
    office["conditions"] = json!({ "window": { "weekdays": [1, 2, 3, 4, 5] } });
    let office = service(e, &admin, office).await;
    let (c, _) = t.client("WEEK", 1000).await;
    // Monday the 2nd of March, 00:00; the nights of Monday to Sunday.
    at_local(&t, 3, 2, 0, 0);
    connect(e, &admin, c.id, office).await;
    for d in 2..=8 {
        e.run_charges(&admin, day(3, d), false).await.unwrap();
    }
    // Monday to Friday at 10.00; Saturday the 7th and Sunday the 8th free.
    assert_eq!(balance(e, &admin, c.id).await, "-50.00");
    let paid: Vec<String> = e.expenses(&admin, c.id).await.unwrap().into_iter().filter(|x| !x.amount.0.is_zero()).map(|x| x.name).collect();
    assert_eq!(paid.len(), 5, "{paid:?}");
    assert_eq!(paid[0], "Office line: 2026-03-02 00:00 – 2026-03-03 00:00");
    assert_eq!(paid[4], "Office line: 2026-03-06 00:00 – 2026-03-07 00:00");
    e.run_charges(&admin, day(3, 9), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-60.00", "Monday again");
    assert!(e.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn cat11_the_speed_is_told_once_as_the_window_opens_at_0100_and_once_as_it_closes_at_0700(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let mut night = fee("Night turbo", "0", "daily");
    night["conditions"] = json!({
        "window": { "hours": { "from": "01:00", "to": "07:00" } },
        "speed": { "in_kbps": 200000, "out_kbps": 100000 }
    });
    let night = service(e, &admin, night).await;
    let (c, _) = t.client("TURBO", 1000).await;
    at_local(&t, 3, 1, 23, 0);
    let sub = connect(e, &admin, c.id, night).await;
    e.install_schedules().await.unwrap();
    let worker = e.standard_worker("w");
    for (h, m) in [(0, 0), (0, 59)] {
        at_local(&t, 3, 2, h, m);
        while worker.run_once().await.unwrap() > 0 {}
    }
    assert!(told(&t).await.is_empty(), "closed until 01:00");
    at_local(&t, 3, 2, 1, 0);
    while worker.run_once().await.unwrap() > 0 {}
    let opened = told(&t).await;
    assert_eq!(opened.len(), 1);
    assert_eq!(
        (&opened[0]["subscription_id"], &opened[0]["client_id"], &opened[0]["reason"]),
        (&json!(sub), &json!(c.id), &json!("window opened"))
    );
    assert_eq!((&opened[0]["speed"], &opened[0]["applies"]), (&json!({ "in_kbps": 200000, "out_kbps": 100000 }), &json!(true)));
    // Later ticks inside the window, and a tick run again, tell nothing.
    for (h, m) in [(1, 1), (3, 0), (6, 59)] {
        at_local(&t, 3, 2, h, m);
        while worker.run_once().await.unwrap() > 0 {}
    }
    assert_eq!(e.announce_windows(&admin).await.unwrap().opened.len(), 0);
    assert_eq!(told(&t).await.len(), 1);
    at_local(&t, 3, 2, 7, 0);
    while worker.run_once().await.unwrap() > 0 {}
    let all = told(&t).await;
    assert_eq!(all.len(), 2);
    assert_eq!((&all[1]["reason"], &all[1]["applies"]), (&json!("window closed"), &json!(false)));
    let again = e.announce_windows(&admin).await.unwrap();
    assert!(again.opened.is_empty() && again.closed.is_empty(), "told once");
    at_local(&t, 3, 2, 12, 0);
    while worker.run_once().await.unwrap() > 0 {}
    assert_eq!(told(&t).await.len(), 2);
    let mut conn = t.db.store.conn().await.unwrap();
    let ticks = kopek_store::outbox::by_topic(&mut conn, "charging.windows").await.unwrap();
    assert_eq!(ticks.len(), 8, "a tick at each of the eight times");
    assert!(ticks.iter().all(|m| m.status == "done"), "{:?}", ticks.iter().map(|m| &m.status).collect::<Vec<_>>());
});
