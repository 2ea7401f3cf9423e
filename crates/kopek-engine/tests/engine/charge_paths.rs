//! CHG-1: the two charge paths agree. A night's run takes most clients
//! through its batch fast path and the rest through the per-client run;
//! for any client the fast path takes, the per-client run must leave the
//! same ledger. Random clients — balances, credit limits, thresholds,
//! loyalty, blocked or not — with random services — daily, hourly, monthly
//! prepaid and postpaid, shifted, with holidays, discounts and funds
//! options, some stopped — are made twice, identically; one twin's nights
//! go through the batch path, the other's through the per-client run, at
//! random cutoffs (23:45 the evening before, 02:00, the whole night), and
//! the twins must end with the same balances, expenses, entries, charges,
//! subscriptions and runs, on both backends.

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use kopek_engine::accounts::clients::{ClientChanges, NewClient};
use kopek_engine::catalog::services::{HolidayInput, ServiceInput};
use kopek_engine::charging::run::ClientRun;
use kopek_engine::charging::subscriptions::ConnectInput;
use kopek_engine::core::amount::Amount;
use kopek_engine::ledger::entries::CreditPayment;
use kopek_engine::testing::TestEngine;
use kopek_engine::{Ctx, Engine};
use kopek_store::Backend;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

#[derive(Debug, Clone)]
struct ServiceCase {
    kopecks: i64,
    write_off: &'static str,
    shift: i32,
    holidays: bool,
    no_discounts: bool,
    no_charge_if_insufficient: bool,
    keep_charging: bool,
    line_fee: bool,
}

#[derive(Debug, Clone)]
struct SubCase {
    service: usize,
    discount: i64,
    stopped: bool,
}

#[derive(Debug, Clone)]
struct ClientCase {
    paid: i64,
    credit: i64,
    threshold: i64,
    loyalty: i64,
    blocked: bool,
    subs: Vec<SubCase>,
    top_up: i64,
}

#[derive(Debug, Clone, Copy)]
enum Cutoff {
    EveningBefore,
    TwoAm,
    WholeNight,
}

#[derive(Debug, Clone)]
struct Case {
    services: Vec<ServiceCase>,
    clients: Vec<ClientCase>,
    connect_day: u32,
    connect_hour: u32,
    first_night: i64,
    second_night: i64,
    holiday_offsets: Vec<i64>,
    cutoffs: (Cutoff, Cutoff),
}

fn service_case() -> impl Strategy<Value = ServiceCase> {
    (
        100i64..60_000,
        prop_oneof![Just("daily"), Just("prepay"), Just("postpay"), Just("hourly")],
        prop_oneof![Just(0), Just(0), Just(-150), Just(90)],
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.2),
    )
        .prop_map(
            |(kopecks, write_off, shift, holidays, no_discounts, no_charge_if_insufficient, keep_charging, line_fee)| {
                ServiceCase {
                    kopecks,
                    write_off,
                    shift,
                    holidays,
                    no_discounts,
                    no_charge_if_insufficient,
                    keep_charging,
                    line_fee,
                }
            },
        )
}

fn client_case(services: usize) -> impl Strategy<Value = ClientCase> {
    let sub = (0..services, prop_oneof![Just(0i64), Just(0), Just(10), Just(-5)], prop::bool::weighted(0.15))
        .prop_map(|(service, discount, stopped)| SubCase { service, discount, stopped });
    (
        prop_oneof![Just(0i64), 0i64..200_000, 50_000i64..2_000_000],
        prop_oneof![Just(0i64), Just(0), 1i64..1_000],
        prop_oneof![Just(0i64), Just(0), -100i64..100],
        prop_oneof![Just(0i64), Just(0), Just(10)],
        prop::bool::weighted(0.1),
        prop::collection::vec(sub, 1..4),
        prop_oneof![Just(0i64), 0i64..100_000],
    )
        .prop_map(|(paid, credit, threshold, loyalty, blocked, subs, top_up)| ClientCase {
            paid,
            credit,
            threshold,
            loyalty,
            blocked,
            subs,
            top_up,
        })
}

fn cutoff() -> impl Strategy<Value = Cutoff> {
    prop_oneof![Just(Cutoff::EveningBefore), Just(Cutoff::TwoAm), Just(Cutoff::WholeNight)]
}

fn case() -> impl Strategy<Value = Case> {
    prop::collection::vec(service_case(), 1..4).prop_flat_map(|services| {
        let n = services.len();
        (
            Just(services),
            prop::collection::vec(client_case(n), 1..4),
            1u32..29,
            0u32..24,
            1i64..40,
            1i64..4,
            prop::collection::vec(-1i64..5, 0..3),
            (cutoff(), cutoff()),
        )
            .prop_map(
                |(services, clients, connect_day, connect_hour, first_night, second_night, holiday_offsets, cutoffs)| Case {
                    services,
                    clients,
                    connect_day,
                    connect_hour,
                    first_night,
                    second_night,
                    holiday_offsets,
                    cutoffs,
                },
            )
    })
}

fn money(kopecks: i64) -> Amount {
    Amount(Decimal::new(kopecks, 2))
}

/// Sets the clock to a provider-local (UTC+3) time.
fn set_local(t: &TestEngine, at: NaiveDateTime) {
    t.clock.set(Utc.from_utc_datetime(&(at - Duration::hours(3))));
}

fn cutoff_of(night: NaiveDate, cutoff: Cutoff) -> NaiveDateTime {
    match cutoff {
        Cutoff::EveningBefore => night.and_hms_opt(0, 0, 0).unwrap() - Duration::minutes(15),
        Cutoff::TwoAm => night.and_hms_opt(2, 0, 0).unwrap(),
        Cutoff::WholeNight => kopek_domain::charging::whole_night(night),
    }
}

/// Creates one client of a case and its subscriptions.
async fn make_client(e: &Engine, admin: &Ctx, code: String, c: &ClientCase, services: &[i64]) -> i64 {
    let client = e
        .create_client(
            &Ctx::system("test"),
            NewClient {
                code: Some(code.clone()),
                name: code,
                country: "RU".into(),
                currency: "RUB".into(),
                credit_limit: Some(Amount(c.credit.into())),
                disconnect_threshold: Some(Amount(c.threshold.into())),
                owner: None,
            },
        )
        .await
        .unwrap()
        .id;
    if c.loyalty != 0 {
        let changes = ClientChanges { loyalty_percent: Some(Amount(c.loyalty.into())), ..Default::default() };
        e.update_client(admin, client, changes).await.unwrap();
    }
    if c.paid > 0 {
        pay(e, admin, client, c.paid).await;
    }
    for s in &c.subs {
        let input = ConnectInput {
            service_id: services[s.service],
            tariff_id: None,
            discount_percent: (s.discount != 0).then(|| Amount(s.discount.into())),
        };
        let sub = e.connect(admin, client, input).await.unwrap();
        if s.stopped {
            e.stop(admin, sub.id, "paused").await.unwrap();
        }
    }
    if c.blocked {
        let changes = ClientChanges { state: Some("blocked_by_admin".into()), ..Default::default() };
        e.update_client(admin, client, changes).await.unwrap();
    }
    client
}

async fn pay(e: &Engine, admin: &Ctx, client: i64, kopecks: i64) {
    let req = CreditPayment { amount: money(kopecks), currency: "RUB".into(), method: "manual".into(), comment: String::new() };
    e.credit_payment(admin, client, req).await.unwrap();
}

/// Everything of a client's money and subscriptions that the two paths
/// must leave alike (ids aside).
async fn ledger_of(t: &TestEngine, admin: &Ctx, client: i64) -> serde_json::Value {
    let e = &t.engine;
    let balance = e.balance(admin, client).await.unwrap().balance.0;
    let expenses: Vec<_> = e
        .expenses(admin, client)
        .await
        .unwrap()
        .into_iter()
        .map(|x| json!([x.name, x.amount, x.tax, x.unpaid, x.status, x.charged_at, x.paid_by.len()]))
        .collect();
    let mut conn = t.db.store.conn().await.unwrap();
    let entries: Vec<_> = kopek_store::ledger::entries_of(&mut conn, client)
        .await
        .unwrap()
        .into_iter()
        .map(|x| json!([x.kind.as_str(), x.amount, x.payment_id.is_some(), x.expense_id.is_some()]))
        .collect();
    let charges: Vec<_> = kopek_store::subscriptions::charges_of_client(&mut conn, client)
        .await
        .unwrap()
        .into_iter()
        .map(|c| json!([c.period_start, c.period_end, c.amount, c.expense_id.is_some(), c.run_date]))
        .collect();
    drop(conn);
    let subs: Vec<_> = e
        .subscriptions(admin, client)
        .await
        .unwrap()
        .into_iter()
        .map(|s| {
            json!([s.service_id, s.state, s.charging_from, s.stopped_at, s.charged_until, s.next_charge_on, s.charged_total])
        })
        .collect();
    json!({ "balance": balance, "expenses": expenses, "entries": entries, "charges": charges, "subscriptions": subs })
}

/// A run as the twins can compare it: without subscription ids.
fn run_of(r: &ClientRun) -> serde_json::Value {
    let lines: Vec<_> = r.lines.iter().map(|l| json!([l.service, l.period_start, l.period_end, l.amount])).collect();
    let uncovered: Vec<_> = r.uncovered.iter().map(|u| u.1.clone()).collect();
    let changes: Vec<_> = r.changes.iter().map(|c| c.1.clone()).collect();
    json!([r.balance_before, r.balance_after, r.charged, lines, uncovered, changes])
}

/// Runs one case; returns how many clients the fast path took.
async fn run_case(t: &TestEngine, admin: &Ctx, n: usize, case: &Case) -> usize {
    let e = &t.engine;
    let calendar = format!("hol{n}");
    let start = NaiveDate::from_ymd_opt(2026, 3, case.connect_day).unwrap();
    set_local(t, start.and_hms_opt(case.connect_hour, 30, 0).unwrap());
    let mut services = Vec::new();
    for (i, s) in case.services.iter().enumerate() {
        let spec = json!({
            "main": { "name": format!("S{n}-{i}"), "kind": "periodic" },
            "fee": { "price": money(s.kopecks), "write_off": s.write_off, "currency": "RUB", "vat_percent": "20" },
            "additional": {
                "charge_shift_minutes": s.shift, "no_discounts": s.no_discounts,
                "no_charge_if_insufficient_and_deactivate": s.no_charge_if_insufficient,
                "deactivate_past_limit_keep_charging": s.keep_charging, "charge_even_if_blocked": s.line_fee,
            },
            "conditions": { "holiday_calendar": s.holidays.then(|| calendar.clone()) },
        });
        let input: ServiceInput = serde_json::from_value(json!({ "spec": spec, "valid_from": "2026-01-01" })).unwrap();
        services.push(e.create_service(admin, input).await.unwrap().id);
    }
    let first = start + Duration::days(case.first_night);
    let second = first + Duration::days(case.second_night);
    if !case.holiday_offsets.is_empty() {
        let days = case.holiday_offsets.iter().map(|o| first + Duration::days(*o)).collect();
        e.add_holidays(admin, HolidayInput { calendar, days }).await.unwrap();
    }
    let (mut batch, mut reference) = (Vec::new(), Vec::new());
    for (i, c) in case.clients.iter().enumerate() {
        batch.push(make_client(e, admin, format!("B{n}-{i}"), c, &services).await);
        reference.push(make_client(e, admin, format!("R{n}-{i}"), c, &services).await);
    }
    let mut fast = 0;
    for (night, cutoff) in [(first, case.cutoffs.0), (second, case.cutoffs.1)] {
        let cutoff = cutoff_of(night, cutoff);
        set_local(t, cutoff);
        let (runs_b, took) = e.charge_clients_by_path(admin, &batch, night, cutoff, false).await.unwrap();
        let (runs_r, none) = e.charge_clients_by_path(admin, &reference, night, cutoff, true).await.unwrap();
        assert!(none.is_empty(), "the per-client path takes no client fast");
        fast += took.len();
        for (i, (b, r)) in batch.iter().zip(&reference).enumerate() {
            let (rb, rr) =
                (runs_b.iter().find(|x| x.client_id == *b).unwrap(), runs_r.iter().find(|x| x.client_id == *r).unwrap());
            assert_eq!(run_of(rb), run_of(rr), "run of client {i} on {night} (fast: {}) in {case:?}", took.contains(b));
            let (lb, lr) = (ledger_of(t, admin, *b).await, ledger_of(t, admin, *r).await);
            assert_eq!(lb, lr, "ledger of client {i} after {night} (fast: {}) in {case:?}", took.contains(b));
        }
        set_local(t, night.and_hms_opt(12, 0, 0).unwrap());
        for (c, (b, r)) in case.clients.iter().zip(batch.iter().zip(&reference)) {
            if c.top_up > 0 {
                pay(e, admin, *b, c.top_up).await;
                pay(e, admin, *r, c.top_up).await;
            }
        }
    }
    fast
}

fn check_backend(backend: Backend, cases: u32) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let Some(t) = rt.block_on(TestEngine::new(backend)) else { return };
    let admin = rt.block_on(t.admin());
    let (n, fast) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let config = ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |(case in case())| {
        let i = n.fetch_add(1, Ordering::SeqCst);
        fast.fetch_add(rt.block_on(run_case(&t, &admin, i, &case)), Ordering::SeqCst);
    });
    assert!(fast.load(Ordering::SeqCst) > 0, "the fast path took no client: the property proved nothing");
    let violations = rt.block_on(t.engine.check_ledger()).unwrap();
    assert!(violations.is_empty(), "{violations:?}");
}

#[test]
fn chg1_the_batch_and_per_client_paths_give_the_same_ledger_on_sqlite() {
    check_backend(Backend::Sqlite, 24);
}

#[test]
fn chg1_the_batch_and_per_client_paths_give_the_same_ledger_on_postgres() {
    check_backend(Backend::Postgres, 24);
}
