//! The catalog's own kinds of service on both backends, with exact amounts
//! and dates (CAT-1, CAT-3, CAT-5, CAT-8): a discount's bonus and a
//! markup, a one-time charge, a forsage's boosts, and a service that sends
//! no messages. The provider is at UTC+3.

use kopek_engine::accounts::clients::ClientChanges;
use kopek_engine::charging::speed::SPEED_TOPIC;
use kopek_engine::charging::subscriptions::ConnectInput;
use kopek_engine::core::amount::Amount;
use kopek_engine::ledger::entries::Reversal;
use kopek_engine::testing::TestEngine;
use kopek_engine::{Ctx, Engine};
use kopek_store::backend_test;
use serde_json::{Value, json};

use crate::common::{at_local, balance, connect, day, pay, service};
use crate::notification_events::notes;

fn kind(name: &str, kind: &str, price: &str, write_off: &str) -> Value {
    json!({ "main": { "name": name, "kind": kind }, "fee": { "price": price, "write_off": write_off, "currency": "RUB" } })
}

async fn code_of<T: std::fmt::Debug>(r: kopek_engine::core::error::Result<T>) -> String {
    r.unwrap_err().code().to_string()
}

async fn ledger_holds(e: &Engine) {
    let v = e.check_ledger().await.unwrap();
    assert!(v.is_empty(), "{v:?}");
}

backend_test!(async fn cat1_a_monthly_bonus_of_50_is_given_on_the_1st_and_a_reversal_undoes_it(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let mut spec = kind("Скидка постоянному клиенту", "discount_markup", "-50.00", "prepay");
    spec["additional"] = json!({ "no_discounts": true });
    let bonus = service(e, &admin, spec).await;
    let internet = service(e, &admin, kind("Internet", "periodic", "600.00", "prepay")).await;
    let (c, _) = t.client("BON", 1000).await;
    let loyal = ClientChanges { loyalty_percent: Some(Amount(10.into())), ..Default::default() };
    e.update_client(&admin, c.id, loyal).await.unwrap();
    at_local(&t, 3, 1, 0, 0);
    connect(e, &admin, c.id, bonus).await;
    connect(e, &admin, c.id, internet).await;
    assert_eq!(balance(e, &admin, c.id).await, "0.00", "a month paid ahead is due at 02:00");
    e.run_charges(&admin, day(3, 1), false).await.unwrap();
    // The bonus whole (no loyalty discount applies to it); 600.00 less 10%:
    // 540.00, of which the bonus paid 50.00.
    assert_eq!(balance(e, &admin, c.id).await, "-490.00");
    e.run_charges(&admin, day(4, 1), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-980.00", "April: 540.00 charged, 50.00 given");
    let payments = e.payments(&admin, c.id).await.unwrap();
    let bonuses: Vec<_> = payments.iter().filter(|p| p.method == "bonus").collect();
    assert_eq!(bonuses.len(), 2);
    assert!(bonuses.iter().all(|p| p.amount.0.to_string() == "50.00" && p.flow.is_none() && p.number.starts_with("bonus/")));
    assert_eq!(bonuses[1].comment, "Скидка постоянному клиенту: 2026-04-01 00:00 – 2026-05-01 00:00");
    // The bonus is money of no payer, and pays the oldest debt as money does.
    assert_eq!(bonuses[1].allocations.iter().map(|a| a.amount.0.to_string()).collect::<Vec<_>>(), vec!["50.00"]);
    let reason = Reversal { reason: "given by mistake".into() };
    e.reverse_payment(&admin, bonuses[1].id, reason).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-1030.00");
    let again = e.run_charges(&admin, day(4, 1), false).await.unwrap();
    assert_eq!(again.charges, 0, "a reversed bonus is not given again by a repeated run");
    ledger_holds(e).await;
});

backend_test!(async fn cat1_a_bonus_disconnected_mid_month_keeps_the_part_used_and_a_markup_is_an_expense(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let bonus = service(e, &admin, kind("Бонус", "discount_markup", "-50.00", "prepay")).await;
    let markup = service(e, &admin, kind("Наценка за выезд", "discount_markup", "31.00", "daily")).await;
    let (c, _) = t.client("BOF", 0).await;
    at_local(&t, 3, 1, 0, 0);
    let sub = connect(e, &admin, c.id, bonus).await;
    e.run_charges(&admin, day(3, 1), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "50.00", "the bonus of the 1st");
    at_local(&t, 3, 16, 0, 0);
    e.disconnect(&admin, sub, "no longer loyal").await.unwrap();
    // 15 of March's 31 days: 24.1935 of the 50.00.
    assert_eq!(balance(e, &admin, c.id).await, "24.1935");
    at_local(&t, 3, 16, 12, 0);
    connect(e, &admin, c.id, markup).await;
    assert_eq!(balance(e, &admin, c.id).await, "23.6935", "the markup's half of the 16th of March: an expense of 0.50");
    let expenses = e.expenses(&admin, c.id).await.unwrap();
    assert_eq!(expenses.last().unwrap().name, "Наценка за выезд: 2026-03-16 12:00 – 2026-03-17 00:00");
    ledger_holds(e).await;
});

backend_test!(async fn cat1_a_one_time_300_is_charged_once_across_40_nights(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let setup = service(e, &admin, kind("Подключение", "one_time", "300.00", "prepay")).await;
    let mut refundable = kind("Настройка роутера", "one_time", "120.00", "prepay");
    refundable["fee"]["refund_on_disconnect"] = json!(true);
    let router = service(e, &admin, refundable).await;
    let (c, _) = t.client("ONE", 0).await;
    pay(e, &admin, c.id, "1000.00").await;
    let sub = connect(e, &admin, c.id, setup).await;
    let kept = connect(e, &admin, c.id, router).await;
    assert_eq!(balance(e, &admin, c.id).await, "580.00");
    for n in 0..40 {
        e.run_charges(&admin, day(3, 2) + chrono::Days::new(n), false).await.unwrap();
    }
    assert_eq!(balance(e, &admin, c.id).await, "580.00", "forty nights charge nothing more");
    let s = e.subscription(&admin, sub).await.unwrap();
    assert_eq!((s.charged_total.0.to_string(), s.next_charge_on), ("300.00".into(), None));
    e.disconnect(&admin, sub, "moved out").await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "580.00", "a one-time charge is not refunded");
    e.disconnect(&admin, kept, "returned the router").await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "700.00", "unless the service says so: in full");
    ledger_holds(e).await;
});

backend_test!(async fn cat1_cat3_a_one_time_service_activated_by_the_first_session_is_charged_then_and_checks_the_connection_cost(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let mut spec = kind("Подключение", "one_time", "300.00", "prepay");
    spec["fee"]["activate_after_first_session"] = json!(true);
    spec["fee"]["connection_cost"] = json!("300.00");
    let setup = service(e, &admin, spec).await;
    let (c, _) = t.client("ONS", 0).await;
    pay(e, &admin, c.id, "100.00").await;
    let refused = e.connect(&admin, c.id, ConnectInput { service_id: setup, tariff_id: None, discount_percent: None }).await;
    assert_eq!(code_of(refused).await, "connection_cost_not_met");
    pay(e, &admin, c.id, "200.00").await;
    let sub = connect(e, &admin, c.id, setup).await;
    assert_eq!(balance(e, &admin, c.id).await, "300.00", "nothing before the first session");
    e.run_charges(&admin, day(3, 2), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "300.00");
    at_local(&t, 3, 2, 18, 0);
    e.report_session(&admin, sub, None).await.unwrap();
    e.report_session(&admin, sub, None).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "0.00", "charged once, at the first session");
    e.run_charges(&admin, day(3, 3), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "0.00");
    ledger_holds(e).await;
});

fn forsage() -> Value {
    json!({
        "main": { "name": "Турбо", "kind": "forsage" },
        "fee": { "price": "50.00", "write_off": "prepay", "currency": "RUB" },
        "conditions": { "speed": { "in_kbps": 200000, "out_kbps": 100000 }, "boost_minutes": 60 },
        "lifetime": { "activations": 2 },
    })
}

async fn speed_messages(e: &Engine) -> Vec<Value> {
    let mut conn = e.store().conn().await.unwrap();
    let rows = kopek_store::outbox::by_topic(&mut conn, SPEED_TOPIC).await.unwrap();
    rows.iter().map(|r| serde_json::from_str::<Value>(&r.payload).unwrap()).map(|v| json!([v["applies"], v["reason"]])).collect()
}

backend_test!(async fn cat1_cat5_a_forsage_turned_on_three_times_with_disable_after_2_activations(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let turbo = service(e, &admin, forsage()).await;
    let (c, user) = t.client("TURBO", 0).await;
    pay(e, &admin, c.id, "120.00").await;
    at_local(&t, 3, 1, 12, 0);
    let sub = connect(e, &admin, c.id, turbo).await;
    assert_eq!(balance(e, &admin, c.id).await, "120.00", "a forsage costs nothing while it waits");
    e.run_charges(&admin, day(3, 2), false).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "120.00", "nor by night");
    // The client turns it on: one activation, 50.00 at once.
    at_local(&t, 3, 2, 12, 0);
    e.boost(&user, sub).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "70.00");
    at_local(&t, 3, 2, 12, 30);
    assert_eq!(code_of(e.boost(&user, sub).await).await, "boost_running");
    assert_eq!(e.end_boosts(&admin).await.unwrap(), 0, "not before 13:00");
    at_local(&t, 3, 2, 13, 0);
    assert_eq!(e.end_boosts(&admin).await.unwrap(), 1);
    assert_eq!(e.end_boosts(&admin).await.unwrap(), 0, "each boost ends once");
    at_local(&t, 3, 2, 20, 0);
    e.boost(&user, sub).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "20.00");
    at_local(&t, 3, 2, 21, 30);
    e.end_boosts(&admin).await.unwrap();
    assert_eq!(code_of(e.boost(&user, sub).await).await, "activations_used_up", "the third turn-on");
    assert_eq!(balance(e, &admin, c.id).await, "20.00");
    assert_eq!(speed_messages(e).await, vec![
        json!([true, "boost started"]), json!([false, "boost ended"]),
        json!([true, "boost started"]), json!([false, "boost ended"]),
    ]);
    e.run_charges(&admin, day(3, 3), false).await.unwrap();
    let s = e.subscription(&admin, sub).await.unwrap();
    assert_eq!((s.state.as_str(), s.charged_total.0.to_string()), ("disconnected", "100.00".into()), "the day after the 2nd");
    assert_eq!(balance(e, &admin, c.id).await, "20.00");
    ledger_holds(e).await;
});

backend_test!(async fn cat1_a_boost_the_balance_does_not_cover_or_of_another_kind_is_refused_and_changes_nothing(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let turbo = service(e, &admin, forsage()).await;
    let internet = service(e, &admin, kind("Internet", "periodic", "0.00", "prepay")).await;
    let (c, user) = t.client("POOR", 0).await;
    pay(e, &admin, c.id, "49.99").await;
    let sub = connect(e, &admin, c.id, turbo).await;
    let plain = connect(e, &admin, c.id, internet).await;
    assert_eq!(code_of(e.boost(&user, sub).await).await, "insufficient_funds");
    assert_eq!(code_of(e.boost(&user, plain).await).await, "not_forsage");
    assert_eq!(balance(e, &admin, c.id).await, "49.99");
    assert!(speed_messages(e).await.is_empty());
    let (_, stranger) = t.client("OTHER", 0).await;
    assert_eq!(code_of(e.boost(&stranger, sub).await).await, "not_found", "another client's subscription");
});

async fn opened(e: &Engine, admin: &Ctx, client: i64, service_id: i64) -> usize {
    connect(e, admin, client, service_id).await;
    notes(e, client, "service.opened").await.len()
}

backend_test!(async fn cat8_a_silent_service_sends_no_messages_on_connect_or_disconnect(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let mut quiet = kind("Служебный канал", "periodic", "0.00", "prepay");
    quiet["integration"] = json!({ "silent": true });
    let quiet = service(e, &admin, quiet).await;
    let loud = service(e, &admin, kind("Internet", "periodic", "0.00", "prepay")).await;
    let (c, _) = t.client("QUIET", 0).await;
    assert_eq!(opened(e, &admin, c.id, quiet).await, 0);
    let sub = e.subscriptions(&admin, c.id).await.unwrap()[0].id;
    e.disconnect(&admin, sub, "done").await.unwrap();
    assert!(notes(e, c.id, "service.deleted").await.is_empty());
    assert_eq!(opened(e, &admin, c.id, loud).await, 1, "another service still tells the client");
});

// CAT-1: a forsage that gives traffic rather than speed: usage recorded
// inside a boost is priced by the forsage's rates (free here), the rest by
// the internet's 1.50 a gigabyte.
backend_test!(async fn cat1_chg6_a_forsage_of_free_traffic_prices_only_the_usage_inside_its_boost(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let mut internet = kind("Internet", "periodic", "0.00", "daily");
    internet["additional"] = json!({ "usage_rates": { "traffic_in:": "1.50" } });
    let internet = service(e, &admin, internet).await;
    let unlimited = service(e, &admin, json!({
        "main": { "name": "Безлимит на час", "kind": "forsage" },
        "fee": { "price": "30.00", "write_off": "prepay", "currency": "RUB" },
        "conditions": { "boost_minutes": 60 },
        "additional": { "usage_rates": { "traffic_in:": "0" } },
    })).await;
    let (c, user) = t.client("FREE", 0).await;
    pay(e, &admin, c.id, "100.00").await;
    let net = connect(e, &admin, c.id, internet).await;
    let boost = connect(e, &admin, c.id, unlimited).await;
    at_local(&t, 3, 1, 14, 0);
    e.boost(&user, boost).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "70.00");
    let record = |id: &str, h: u32, m: u32, gb: &str| kopek_engine::charging::usage::UsageRecord {
        subscription_id: net,
        record_id: id.into(),
        kind: "traffic_in".into(),
        class: String::new(),
        quantity: Amount(gb.parse().unwrap()),
        recorded_at: chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 3, 1, h - 3, m, 0).unwrap(),
        roaming: false,
    };
    at_local(&t, 3, 1, 16, 0);
    let records = vec![record("a", 13, 59, "2"), record("b", 14, 0, "10"), record("c", 14, 59, "5"), record("d", 15, 0, "4")];
    e.record_usage(&admin, records).await.unwrap();
    e.run_charges(&admin, day(3, 2), false).await.unwrap();
    // 2 GB before the boost and 4 GB after it at 1.50: 9.00; 15 GB inside it free.
    assert_eq!(balance(e, &admin, c.id).await, "61.00");
    ledger_holds(e).await;
});
