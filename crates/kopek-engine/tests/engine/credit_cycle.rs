//! The credit-limit cycle (CRD-1 … CRD-5) walked night by night on both
//! backends, after the client guide's own example: December spent on
//! credit, the invoice on 1 January, nothing paid by the 15th, overdue on
//! the 16th, the reminders on their days, the limit blocked on 30 January
//! while a service paid to 20 February stays active, and the payment that
//! unblocks the limit and renews the service the block held. Then the same
//! walk with a February due date, blocked on the 28th.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use kopek_engine::billing::paid_period::PaidPeriodOrder;
use kopek_engine::catalog::services::ServiceInput;
use kopek_engine::core::amount::Amount;
use kopek_engine::core::views::Client;
use kopek_engine::ledger::entries::CreditPayment;
use kopek_engine::testing::TestEngine;
use kopek_engine::{Ctx, Engine};
use kopek_store::backend_test;
use serde_json::json;

struct World {
    t: TestEngine,
    admin: Ctx,
    client: Client,
    user: Ctx,
    vds: i64,
}

impl World {
    async fn new(t: TestEngine, code: &str) -> World {
        let admin = t.admin().await;
        let (client, user) = t.client(code, 5000).await;
        let spec = json!({ "main": { "name": "VDS-2", "kind": "periodic" },
            "fee": { "price": "300.00", "write_off": "prepay", "period": "month", "currency": "RUB", "vat_percent": "20" },
            "portal": { "orderable": true } });
        let input: ServiceInput = serde_json::from_value(json!({ "spec": spec, "valid_from": "2026-01-01" })).unwrap();
        let vds = t.engine.create_service(&admin, input).await.unwrap().id;
        World { t, admin, client, user, vds }
    }

    fn e(&self) -> &Engine {
        &self.t.engine
    }

    /// 09:00 UTC (12:00 provider time) of a day.
    fn at(&self, y: i32, m: u32, d: u32) {
        self.t.clock.set(Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).unwrap());
    }

    async fn order(&self, months: u32) -> i64 {
        let order = PaidPeriodOrder { service_id: self.vds, months, auto_renew: true, saved_method_id: None };
        self.e().order_paid_period(&self.user, self.client.id, order).await.unwrap().id
    }

    async fn night(&self, day: NaiveDate) {
        self.t.clock.set(Utc.from_utc_datetime(&day.and_hms_opt(2, 0, 0).unwrap()) - Duration::hours(3));
        self.e().run_night(&Ctx::system("test night"), day).await.unwrap();
    }

    /// Every night from `from` through `to`.
    async fn nights(&self, from: NaiveDate, to: NaiveDate) {
        let mut day = from;
        while day <= to {
            self.night(day).await;
            day += Duration::days(1);
        }
    }

    async fn pay(&self, amount: &str) {
        let req = CreditPayment {
            amount: Amount(amount.parse().unwrap()),
            currency: "RUB".into(),
            method: "manual".into(),
            comment: String::new(),
        };
        self.e().credit_payment(&self.admin, self.client.id, req).await.unwrap();
    }

    async fn state(&self, sub: i64) -> String {
        self.e().subscriptions(&self.user, self.client.id).await.unwrap().into_iter().find(|s| s.id == sub).unwrap().state
    }

    async fn dashboard(&self) -> (String, String, String, String, String) {
        let d = self.e().credit_dashboard(&self.user, self.client.id).await.unwrap();
        let s = |a: &Amount| a.0.to_string();
        (d.status, s(&d.available), s(&d.to_pay), s(&d.overdue), s(&d.unpaid_since_invoice))
    }

    /// The credit cycle's notifications (CRD-3) to the client, in order;
    /// the services' and payments' own events are tested apart.
    async fn notifications(&self) -> Vec<String> {
        let mut conn = self.e().store().conn().await.unwrap();
        kopek_store::outbox::by_topic(&mut conn, "notification")
            .await
            .unwrap()
            .into_iter()
            .map(|r| serde_json::from_str::<serde_json::Value>(&r.payload).unwrap())
            .filter(|v| v["client_id"] == self.client.id)
            .map(|v| v["event"].as_str().unwrap().to_string())
            .filter(|event| event.starts_with("credit."))
            .collect()
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

backend_test!(async fn crd_guide_walk_december_on_credit_invoiced_in_january_blocked_on_the_30th(db) {
    let w = World::new(TestEngine::over(db), "CR1").await;
    // December on credit: a service from the 5th (renewing monthly), and
    // one paid two months ahead from the 20th: valid to 20 February.
    w.at(2026, 12, 5);
    let monthly = w.order(1).await;
    w.at(2026, 12, 20);
    let to_feb_20 = w.order(2).await;
    assert_eq!(w.e().balance(&w.user, w.client.id).await.unwrap().balance.0.to_string(), "-900.00");

    // 1 January: the invoice for December's 900.00, due on the 15th.
    w.night(d(2027, 1, 1)).await;
    let invoices = w.e().credit_invoices(&w.user, w.client.id).await.unwrap();
    assert_eq!(invoices.len(), 1);
    let inv = &invoices[0];
    assert_eq!((inv.cycle.as_str(), inv.amount.0.to_string(), inv.state.as_str(), inv.state_label.as_str()),
        ("2027-01", "900.00".into(), "to_pay", "к оплате"));
    assert_eq!((inv.due_on, inv.overdue_from, inv.block_on), (d(2027, 1, 15), d(2027, 1, 16), d(2027, 1, 30)));
    assert_eq!(w.dashboard().await, ("due".into(), "4100.00".into(), "900.00".into(), "0.00".into(), "0.00".into()));

    // The limit stays usable: the monthly service renews from it on the 4th.
    w.nights(d(2027, 1, 2), d(2027, 1, 15)).await;
    assert_eq!(w.state(monthly).await, "active");
    assert_eq!(w.e().balance(&w.user, w.client.id).await.unwrap().balance.0.to_string(), "-1200.00");
    w.nights(d(2027, 1, 16), d(2027, 1, 20)).await;
    assert_eq!(w.dashboard().await, ("overdue".into(), "3800.00".into(), "0.00".into(), "900.00".into(), "300.00".into()));
    w.nights(d(2027, 1, 21), d(2027, 1, 29)).await;
    assert!(!w.e().balance(&w.user, w.client.id).await.unwrap().credit_blocked);
    // 30 January: blocked. A second run of the night changes nothing.
    w.night(d(2027, 1, 30)).await;
    let sent = w.notifications().await;
    w.night(d(2027, 1, 30)).await;
    assert_eq!(w.notifications().await, sent);
    assert_eq!(sent, vec!["credit.invoice_issued", "credit.due_soon", "credit.overdue", "credit.block_soon", "credit.blocked"]);
    let reminders = &w.e().credit_invoices(&w.user, w.client.id).await.unwrap()[0].reminders;
    let days: Vec<(String, NaiveDate)> = reminders.clone();
    assert_eq!(days, vec![
        ("credit.invoice_issued".into(), d(2027, 1, 1)),
        ("credit.due_soon".into(), d(2027, 1, 12)),
        ("credit.overdue".into(), d(2027, 1, 16)),
        ("credit.block_soon".into(), d(2027, 1, 25)),
        ("credit.blocked".into(), d(2027, 1, 30)),
    ]);
    let b = w.e().balance(&w.user, w.client.id).await.unwrap();
    assert_eq!((b.credit_blocked, b.available.0.to_string()), (true, "-1200.00".to_string()));
    assert_eq!(w.dashboard().await.0, "blocked");
    // Blocked: no ordering on credit.
    w.at(2027, 1, 30);
    let refused = w.e().order_paid_period(&w.user, w.client.id,
        PaidPeriodOrder { service_id: w.vds, months: 1, auto_renew: true, saved_method_id: None }).await.unwrap_err();
    assert_eq!(refused.code(), "insufficient_funds");

    // February: the service valid to 20 February stays active; the monthly
    // one, renewing from the balance, is held by the block and expires.
    w.nights(d(2027, 1, 31), d(2027, 2, 6)).await;
    assert_eq!((w.state(to_feb_20).await, w.state(monthly).await), ("active".into(), "expired".into()));
    let held = w.e().auto_renewals(&w.user, w.client.id).await.unwrap();
    assert_eq!(held.iter().find(|r| r.subscription_id == monthly).unwrap().renewal_held.as_deref(), Some("credit_blocked"));
    // February's invoice (January's 300.00) came on the 1st; still blocked.
    assert_eq!(w.e().credit_invoices(&w.user, w.client.id).await.unwrap().len(), 2);
    assert_eq!(w.dashboard().await.0, "blocked");

    // 10 February: 900.00 paid — January's invoice is paid, the limit
    // unblocked at once, the held service renewed from the balance.
    w.at(2027, 2, 10);
    w.pay("900.00").await;
    let b = w.e().balance(&w.user, w.client.id).await.unwrap();
    assert!(!b.credit_blocked);
    assert_eq!(b.balance.0.to_string(), "-600.00", "-1200 + 900 - 300 for the renewal");
    assert_eq!(w.state(monthly).await, "active");
    let subs = w.e().subscriptions(&w.user, w.client.id).await.unwrap();
    assert_eq!(subs.iter().find(|s| s.id == monthly).unwrap().paid_until.unwrap().to_rfc3339(), "2027-03-10T09:00:00+00:00");
    let invoices = w.e().credit_invoices(&w.user, w.client.id).await.unwrap();
    assert_eq!((invoices[1].state.as_str(), invoices[1].state_label.as_str()), ("paid", "полностью погашен"));
    assert_eq!(invoices[0].state, "to_pay");
    assert_eq!(w.notifications().await.last().map(String::as_str), Some("credit.unblocked"));
    assert_eq!(w.dashboard().await.0, "due");
    assert!(w.e().check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn crd_february_due_date_blocks_on_the_28th_and_a_partial_payment_keeps_it_partly_paid(db) {
    let w = World::new(TestEngine::over(db), "CR2").await;
    w.at(2027, 1, 10);
    w.order(3).await;
    w.nights(d(2027, 2, 1), d(2027, 2, 27)).await;
    let inv = &w.e().credit_invoices(&w.user, w.client.id).await.unwrap()[0];
    assert_eq!((inv.amount.0.to_string(), inv.due_on, inv.block_on), ("900.00".into(), d(2027, 2, 15), d(2027, 2, 28)));
    assert!(!w.e().balance(&w.user, w.client.id).await.unwrap().credit_blocked, "not before the 28th");
    w.at(2027, 2, 27);
    w.pay("400.00").await;
    let inv = &w.e().credit_invoices(&w.user, w.client.id).await.unwrap()[0];
    assert_eq!((inv.state.as_str(), inv.paid.0.to_string(), inv.remaining.0.to_string()), ("partly_paid", "400.00".into(), "500.00".into()));
    w.night(d(2027, 2, 28)).await;
    assert!(w.e().balance(&w.user, w.client.id).await.unwrap().credit_blocked);
    let days: Vec<NaiveDate> = w.e().credit_invoices(&w.user, w.client.id).await.unwrap()[0].reminders.iter().map(|r| r.1).collect();
    assert_eq!(days, vec![d(2027, 2, 1), d(2027, 2, 12), d(2027, 2, 16), d(2027, 2, 23), d(2027, 2, 28)]);
    // Paying the rest unblocks the limit.
    w.at(2027, 3, 1);
    w.pay("500.00").await;
    assert!(!w.e().balance(&w.user, w.client.id).await.unwrap().credit_blocked);
    assert_eq!(w.e().credit_invoices(&w.user, w.client.id).await.unwrap()[0].state, "paid");
});
