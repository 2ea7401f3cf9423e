//! The whole night outside the scheduler (OPS-1, CHG-8) on both backends:
//! its dry run — every step run for real inside one transaction that is
//! rolled back — changes nothing, asks no gateway, and reports per step,
//! client and in total what the real nights then do (the guide's credit
//! walk over a month of nights, an autopayment); the rehearsal store it
//! runs on; a night still to come is refused, and only rehearsed.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use kopek_domain::payer::PayerDetails;
use kopek_engine::billing::autopay::AutopayInput;
use kopek_engine::billing::paid_period::PaidPeriodOrder;
use kopek_engine::catalog::services::ServiceInput;
use kopek_engine::core::amount::Amount;
use kopek_engine::jobs::nightly::{NightReport, NightStep};
use kopek_engine::ledger::entries::PostExpense;
use kopek_engine::payments::gateway::{GatewayKind, WebhookRequest};
use kopek_engine::payments::payers::PayerInput;
use kopek_engine::payments::saved_methods::NewSavedMethod;
use kopek_engine::testing::{CardGateway, TestEngine};
use kopek_engine::{Ctx, Engine};
use kopek_store::testing::ledger_fingerprint;
use kopek_store::{audit, backend_test, outbox, schedules};
use serde_json::json;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// 12:00 provider time of a day.
fn noon(t: &TestEngine, day: NaiveDate) {
    t.clock.set(Utc.from_utc_datetime(&day.and_hms_opt(9, 0, 0).unwrap()));
}

/// Everything a night could change, and what it leaves for the workers.
async fn everything(e: &Engine) -> (Vec<String>, i64, usize) {
    let mut conn = e.store().conn().await.unwrap();
    let audit = audit::last_id(&mut conn).await.unwrap();
    let messages = outbox::count_by_status(&mut conn).await.unwrap().iter().map(|(_, n)| *n as usize).sum();
    drop(conn);
    (ledger_fingerprint(e.store()).await, audit, messages)
}

/// The figures `kopek night` prints for a night.
fn totals(r: &NightReport) -> String {
    format!(
        "charged {} in {}; credit {:?}; autopay {:?}; renewals {:?}; expired {}",
        r.charges.total.0, r.charges.charges, r.credit, r.autopay, r.renewals, r.expired
    )
}

/// The guide's client (CRD): December on credit, a service renewed monthly
/// from the balance and one paid to 20 February.
async fn guide_client(t: &TestEngine) -> i64 {
    let admin = t.admin().await;
    let (client, user) = t.client("CR1", 5000).await;
    let spec = json!({ "main": { "name": "VDS-2", "kind": "periodic" },
        "fee": { "price": "300.00", "write_off": "prepay", "period": "month", "currency": "RUB", "vat_percent": "20" },
        "portal": { "orderable": true } });
    let input: ServiceInput = serde_json::from_value(json!({ "spec": spec, "valid_from": "2026-01-01" })).unwrap();
    let vds = t.engine.create_service(&admin, input).await.unwrap().id;
    for (day, months) in [(d(2026, 12, 5), 1), (d(2026, 12, 20), 2)] {
        noon(t, day);
        let order = PaidPeriodOrder { service_id: vds, months, auto_renew: true, saved_method_id: None };
        t.engine.order_paid_period(&user, client.id, order).await.unwrap();
    }
    client.id
}

backend_test!(async fn chg8_a_dry_run_of_a_month_shows_the_guide_walk_night_by_night_and_changes_nothing(db) {
    let t = TestEngine::over(db);
    let client = guide_client(&t).await;
    let admin = t.admin().await;
    let before = everything(&t.engine).await;

    // On 20 December the whole of January is still to come: rehearsed.
    let nights = t.engine.rehearse_nights(&admin, d(2027, 1, 1), d(2027, 1, 30)).await.unwrap();
    assert_eq!(everything(&t.engine).await, before, "the dry run left the database as it was");
    assert_eq!(nights.len(), 30);
    let first = &nights[0];
    assert_eq!((first.report.credit.invoices_issued, first.report.credit.reminders_sent), (1, 1));
    let c = &first.clients.iter().find(|c| c.client_id == client).unwrap();
    assert_eq!((c.balance_before.0.to_string(), c.balance_after.0.to_string()), ("-900.00".into(), "-900.00".into()));
    assert!(c.lines.iter().any(|(s, l)| *s == NightStep::Credit && l.starts_with("credit.invoice credit_invoice ")
        && l.contains("\"cycle\":\"2027-01\"")), "{:?}", c.lines);
    // The renewal of the 4th, from the credit limit.
    let fourth = &nights[3];
    assert_eq!(fourth.report.renewals.renewed, 1);
    let c = fourth.clients.iter().find(|c| c.client_id == client).unwrap();
    assert_eq!((c.balance_before.0.to_string(), c.balance_after.0.to_string()), ("-900.00".into(), "-1200.00".into()));
    assert!(c.lines.iter().any(|(s, _)| *s == NightStep::Renewals), "{:?}", c.lines);
    // The reminders on their days, the limit blocked on the 30th.
    let reminded: Vec<u32> = nights.iter().filter(|n| n.report.credit.reminders_sent > 0).map(|n| n.report.date.format("%d").to_string().parse().unwrap()).collect();
    assert_eq!(reminded, vec![1, 12, 16, 25, 30]);
    assert_eq!(nights.iter().map(|n| n.report.credit.blocked).sum::<usize>(), 1);
    assert_eq!(nights[29].report.credit.blocked, 1);

    // The real nights then do exactly what their rehearsal said.
    for rehearsed in &nights {
        let day = rehearsed.report.date;
        t.clock.set(t.engine.night_moment(day));
        let real = t.engine.run_night(&Ctx::system("nightly run"), day).await.unwrap();
        assert_eq!(totals(&real), totals(&rehearsed.report), "the night of {day}");
    }
    let b = t.engine.balance(&admin, client).await.unwrap();
    assert_eq!((b.balance.0.to_string(), b.credit_blocked), ("-1200.00".into(), true));
    assert!(t.engine.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn ops1_a_night_to_come_is_refused_and_can_only_be_rehearsed(db) {
    let t = TestEngine::over(db);
    guide_client(&t).await;
    let admin = t.admin().await;
    // 20 December 12:00: the night of the 21st starts at 02:00 tomorrow.
    let before = everything(&t.engine).await;
    let refused = t.engine.run_night_at_its_time(&admin, d(2026, 12, 21)).await.unwrap_err();
    assert_eq!(refused.code(), "night_not_come");
    assert!(refused.to_string().contains("the night of 2026-12-21 has not come yet"), "{refused}");
    assert_eq!(everything(&t.engine).await, before);
    // The night of the 20th has come; run from the command line it reads
    // its own 02:00, and a second run changes nothing.
    t.engine.run_night_at_its_time(&admin, d(2026, 12, 20)).await.unwrap();
    let once = ledger_fingerprint(t.engine.store()).await;
    t.engine.run_night_at_its_time(&admin, d(2026, 12, 20)).await.unwrap();
    assert_eq!(ledger_fingerprint(t.engine.store()).await, once);
    // Only staff who move money run nights.
    let (_, user) = t.client("CR2", 0).await;
    assert_eq!(t.engine.run_night_at_its_time(&user, d(2026, 12, 20)).await.unwrap_err().code(), "forbidden");
    assert_eq!(t.engine.rehearse_nights(&user, d(2026, 12, 20), d(2026, 12, 20)).await.unwrap_err().code(), "forbidden");
    let backwards = t.engine.rehearse_nights(&admin, d(2026, 12, 20), d(2026, 12, 19)).await.unwrap_err();
    assert_eq!(backwards.code(), "bad_range");
});

backend_test!(async fn pmt5_a_dry_run_asks_no_gateway_for_the_autopayment_it_reports(db) {
    let t = TestEngine::over(db);
    let gw = CardGateway::new();
    let e = t.engine.clone().with_gateway(gw.clone());
    let admin = t.admin().await;
    let (client, user) = t.client("AP9", 0).await;
    let details = PayerDetails { country: "RU".into(), name: "Анна Банана".into(), ..PayerDetails::default() };
    let payer = e.create_payer(&user, client.id, PayerInput { kind: "individual".into(), details }).await.unwrap().id;
    let method = crate::common::method_input("card", "Card", "sandbox");
    let method = e.create_payment_method(&admin, method).await.unwrap().id;
    let req = NewSavedMethod { payer_id: payer, method_id: method, name: None, amount: Some(Amount("10.00".parse().unwrap())), return_url: None };
    let setup = e.create_saved_method(&user, client.id, req).await.unwrap();
    let body = gw.pay(&setup.payment.flow.unwrap().external_id.unwrap(), true);
    e.gateway_webhook(GatewayKind::Sandbox, &WebhookRequest { headers: &[], body: &body, remote_ip: None, now: e.now() }).await.unwrap();
    let input = AutopayInput { saved_method_id: setup.saved_method.id, monthly_max: Some(Amount("700.00".parse().unwrap())), enabled: true };
    e.set_autopay(&user, client.id, input).await.unwrap();
    let spend = PostExpense { name: "Работы".into(), amount: Amount("1000.00".parse().unwrap()), currency: "RUB".into(), vat_percent: None, charged_at: None };
    e.post_expense(&admin, client.id, spend).await.unwrap();
    let asked = gw.requests().len();
    let before = everything(&e).await;

    // 1 March 12:00: the night of the 2nd is rehearsed, asking nobody.
    let dry = e.rehearse_nights(&admin, d(2026, 3, 2), d(2026, 3, 2)).await.unwrap().remove(0);
    assert_eq!(gw.requests().len(), asked, "a dry run asks no gateway");
    assert_eq!(everything(&e).await, before);
    assert_eq!(dry.report.autopay.payments_started, 1);
    let lines = &dry.clients.iter().find(|c| c.client_id == client.id).unwrap().lines;
    assert!(lines.iter().any(|(s, l)| *s == NightStep::Autopay && l.starts_with("payment.start payment ")), "{lines:?}");

    t.clock.set(e.night_moment(d(2026, 3, 2)));
    let real = e.run_night(&Ctx::system("nightly run"), d(2026, 3, 2)).await.unwrap();
    assert_eq!(totals(&real), totals(&dry.report));
    assert_eq!(gw.requests().len(), asked + 1, "the real night asks for the 700.00");
    assert_eq!(gw.requests().last().unwrap().amount.to_string(), "700.00");
    assert_eq!(e.balance(&admin, client.id).await.unwrap().balance.0.to_string(), "-290.00");
});

backend_test!(async fn chg8_the_rehearsal_store_undoes_a_dropped_transaction_keeps_a_plain_connections_writes_and_ends_empty(db) {
    let t = TestEngine::over(db);
    let real = t.engine.store().clone();
    let rehearsal = real.rehearsal().await.unwrap();
    let at = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let names = |store: kopek_store::Store| async move {
        let mut conn = store.conn().await.unwrap();
        schedules::all(&mut conn).await.unwrap().into_iter().map(|s| s.name).collect::<Vec<_>>()
    };
    {
        let mut plain = rehearsal.conn().await.unwrap();
        schedules::ensure(&mut plain, "kept", "t", "{}", at).await.unwrap();
    }
    {
        let mut tx = rehearsal.begin().await.unwrap();
        schedules::ensure(&mut tx, "dropped", "t", "{}", at).await.unwrap();
    }
    let mut tx = rehearsal.begin().await.unwrap();
    schedules::ensure(&mut tx, "committed", "t", "{}", at).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = rehearsal.begin().await.unwrap();
    schedules::ensure(&mut tx, "rolled back", "t", "{}", at).await.unwrap();
    tx.rollback().await.unwrap();
    // A failed statement spoils only its own unit of work.
    let mut tx = rehearsal.begin().await.unwrap();
    assert!(schedules::ensure(&mut tx, "bad", "t", "{}", at + Duration::days(1)).await.is_ok());
    assert!(kopek_store::exec_db!(tx, db => kopek_store::sqlx::query("SELECT no_such_column FROM schedules").execute(db).await).is_err());
    drop(tx);
    assert_eq!(names(rehearsal.clone()).await, vec!["committed", "kept"]);
    assert_eq!(names(real.clone()).await, Vec::<String>::new(), "nothing shows outside");
    rehearsal.end_rehearsal().await.unwrap();
    assert_eq!(names(real.clone()).await, Vec::<String>::new(), "nothing is left");
    assert!(rehearsal.conn().await.is_err(), "an ended rehearsal answers nothing");
    // Two units of work wanted at once take turns on the one connection.
    let rehearsal = real.rehearsal().await.unwrap();
    let first = rehearsal.begin().await.unwrap();
    let second = tokio::spawn({
        let r = rehearsal.clone();
        async move { r.begin().await.map(|_| ()) }
    });
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(!second.is_finished(), "the second waits for the first");
    first.commit().await.unwrap();
    second.await.unwrap().unwrap();
    rehearsal.end_rehearsal().await.unwrap();
});
