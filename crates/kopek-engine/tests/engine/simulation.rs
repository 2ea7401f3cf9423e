//! Sixty nights of charging (CHG-1 … CHG-5, CAT-12): three clients with a
//! daily service, a prepaid and a postpaid month, payments in between, a
//! loyalty discount, a price version, a block for debt and its release, a
//! promised payment that expires, a threshold deactivation and its
//! reactivation. The balances at the end are worked out by hand below.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use kopek_engine::accounts::clients::ClientChanges;
use kopek_engine::charging::promised::PromiseInput;
use kopek_engine::charging::subscriptions::ConnectInput;
use kopek_engine::core::amount::Amount;
use kopek_engine::ledger::entries::CreditPayment;
use kopek_engine::testing::TestEngine;
use kopek_engine::{Ctx, Engine};
use kopek_store::backend_test;
use serde_json::json;

use crate::common::service;

fn amount(s: &str) -> Amount {
    Amount(s.parse().unwrap())
}

async fn pay(e: &Engine, admin: &Ctx, client: i64, a: &str) {
    let req = CreditPayment { amount: amount(a), currency: "RUB".into(), method: "manual".into(), comment: String::new() };
    e.credit_payment(admin, client, req).await.unwrap();
}

/// Sets the clock to a provider-local (UTC+3) date and hour.
fn at(t: &TestEngine, d: NaiveDate, hour: u32) {
    let local = d.and_hms_opt(hour, 0, 0).unwrap();
    t.clock.set(Utc.from_utc_datetime(&(local - Duration::hours(3))));
}

backend_test!(async fn sixty_nights_end_with_the_balances_worked_out_by_hand(db) {
    let t = TestEngine::over(db);
    let e = &t.engine;
    let admin = t.admin().await;
    let start = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    at(&t, start, 0);

    let daily = service(e, &admin, json!({ "main": { "name": "Internet", "kind": "periodic" },
        "fee": { "price": "310.00", "write_off": "daily", "currency": "RUB" } })).await;
    // From April the month costs 300.00: still 10.00 a day in a 30-day month.
    e.update_service(&admin, daily, serde_json::from_value(json!({ "spec": { "main": { "name": "Internet", "kind": "periodic" },
        "fee": { "price": "300.00", "write_off": "daily", "currency": "RUB" } }, "valid_from": "2026-04-01" })).unwrap()).await.unwrap();
    let hosting = service(e, &admin, json!({ "main": { "name": "Hosting", "kind": "periodic" },
        "fee": { "price": "500.00", "write_off": "prepay", "currency": "RUB" } })).await;
    let backup = service(e, &admin, json!({ "main": { "name": "Backup", "kind": "periodic" },
        "fee": { "price": "300.00", "write_off": "postpay", "currency": "RUB" } })).await;
    service(e, &admin, json!({ "main": { "name": "Promised payment", "kind": "promised_payment" },
        "fee": { "price": "500.00", "write_off": "prepay", "currency": "RUB" }, "lifetime": { "days": 3 },
        "portal": { "orderable": true } })).await;

    let (a, _) = t.client("SIM-A", 0).await;
    let (b, b_user) = t.client("SIM-B", 0).await;
    let (c, _) = t.client("SIM-C", 0).await;
    e.update_client(&admin, c.id, ClientChanges { loyalty_percent: Some(amount("10")), ..Default::default() }).await.unwrap();
    pay(e, &admin, a.id, "1000.00").await;
    pay(e, &admin, b.id, "100.00").await;
    pay(e, &admin, c.id, "1000.00").await;
    let connect = |client: i64, service_id: i64| e.connect(&admin, client, ConnectInput { service_id, tariff_id: None, discount_percent: None });
    connect(a.id, daily).await.unwrap();
    connect(a.id, hosting).await.unwrap();
    let b_sub = connect(b.id, daily).await.unwrap().id;
    connect(c.id, backup).await.unwrap();

    for n in 0..60 {
        let d = start + Duration::days(n);
        at(&t, d, 2);
        e.run_charges(&admin, d, false).await.unwrap();
        at(&t, d, 12);
        match (d.format("%m-%d").to_string()).as_str() {
            "03-15" => pay(e, &admin, b.id, "200.00").await,
            "03-31" => pay(e, &admin, a.id, "600.00").await,
            "04-05" => {
                e.take_promised_payment(&b_user, b.id, PromiseInput { amount: amount("100") }).await.unwrap();
            }
            "04-20" => pay(e, &admin, b.id, "50.00").await,
            _ => {}
        }
        e.expire_promised_payments(&Ctx::system("hourly")).await.unwrap();
    }

    // A: 1000 + 600 paid; Internet 60 days × 10.00 = 600; Hosting March
    // and April 500 each. 1600 − 1600 = 0.
    // B: 100 paid: 1–10 March charged (100), blocked 11–15 March (nothing
    // charged while off); 200 at noon on the 15th: half of the 15th (5),
    // 16–31 March (160), 1–3 April (30), blocked from the 4th; promised 100
    // at noon on 5 April: half of the 5th (5), the 6th–8th (30); the promise
    // expires at noon on the 8th: −100, balance −30, deactivated by the
    // threshold until 50 comes at noon on 20 April: half of the 20th (5),
    // the 21st (10), blocked from the 22nd. 100 + 200 + 50 − 345 = 5.
    // C: Backup March postpaid on 1 April with 10 % off: 270. 1000 − 270.
    let balances: Vec<String> = balances_of(e, &admin, &[a.id, b.id, c.id]).await;
    assert_eq!(balances, vec!["0.00", "5.00", "730.00"]);
    assert_eq!(e.subscription(&admin, b_sub).await.unwrap().state, "blocked_for_debt");
    let states: Vec<String> = e.subscription_history(&admin, b_sub).await.unwrap().into_iter().map(|h| h.to).collect();
    assert_eq!(states, vec![
        "active", "blocked_for_debt", "active", "blocked_for_debt", "active",
        "deactivated_by_threshold", "active", "blocked_for_debt",
    ]);
    let promised = e.promised_payments(&admin, b.id).await.unwrap();
    assert_eq!((promised.len(), promised[0].status.as_str()), (1, "expired"));
    assert!(e.check_ledger().await.unwrap().is_empty());
});

async fn balances_of(e: &Engine, admin: &Ctx, ids: &[i64]) -> Vec<String> {
    let mut out = Vec::new();
    for id in ids {
        out.push(e.balance(admin, *id).await.unwrap().balance.0.to_string());
    }
    out
}
