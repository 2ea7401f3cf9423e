//! Saved payment methods (PMT-6), auto-renewal of paid-period services
//! (PMT-7) and autopayment (PMT-5) on both backends, through whole nights of
//! the engine: renewal from the balance and from a saved card, a failed
//! card turning "not working" with a notification and tried again the next
//! day (also when the gateway keeps a declined payment open for a retry),
//! the 60-day rule, deleting a method switching renewal off, and
//! autopayments never over their monthly maximum.

use std::sync::Arc;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use kopek_domain::payer::PayerDetails;
use kopek_engine::billing::autopay::AutopayInput;
use kopek_engine::billing::paid_period::PaidPeriodOrder;
use kopek_engine::catalog::services::ServiceInput;
use kopek_engine::charging::subscriptions::ConnectInput;
use kopek_engine::core::amount::Amount;
use kopek_engine::core::views::Client;
use kopek_engine::ledger::entries::{CreditPayment, PostExpense};
use kopek_engine::payments::gateway::{
    CreatePayment, GatewayError, GatewayKind, GatewayPayment, GatewayRefund, GatewayStatus, PaymentGateway, WebhookEvent,
    WebhookRequest,
};
use kopek_engine::payments::methods::MethodInput;
use kopek_engine::payments::payers::PayerInput;
use kopek_engine::payments::saved_methods::{NewSavedMethod, Reconfigure};
use kopek_engine::testing::{CardGateway, TestEngine};
use kopek_engine::{Ctx, Engine};
use kopek_store::backend_test;
use serde_json::json;

fn amt(s: &str) -> Amount {
    Amount(s.parse().unwrap())
}

struct World {
    t: TestEngine,
    e: Engine,
    gw: Arc<CardGateway>,
    admin: Ctx,
    client: Client,
    user: Ctx,
    payer: i64,
    method: i64,
}

async fn world(t: TestEngine, code: &str) -> World {
    let gw = CardGateway::new();
    let e = t.engine.clone().with_gateway(gw.clone());
    let admin = t.admin().await;
    let (client, user) = t.client(code, 0).await;
    let payer = e
        .create_payer(
            &user,
            client.id,
            PayerInput {
                kind: "individual".into(),
                details: PayerDetails { country: "RU".into(), name: "Анна Банана".into(), ..PayerDetails::default() },
            },
        )
        .await
        .unwrap()
        .id;
    let method = e
        .create_payment_method(
            &admin,
            MethodInput {
                prefix: "card".into(),
                name: "ЮKassa".into(),
                gateway: "sandbox".into(),
                currency: "RUB".into(),
                commission_percent: None,
                commission_fixed: None,
                min_amount: Some(amt("10.00")),
                max_amount: Some(amt("3000.00")),
                cashback_percent: None,
                payer_kinds: vec!["individual".into()],
                enabled: true,
                instructions: String::new(),
            },
        )
        .await
        .unwrap()
        .id;
    World { t, e, gw, admin, client, user, payer, method }
}

impl World {
    async fn service(&self, name: &str, price: &str, period: &str, long_lead: bool) -> i64 {
        let spec = json!({ "main": { "name": name, "kind": "periodic" },
            "fee": { "price": price, "write_off": "prepay", "period": period, "currency": "RUB", "vat_percent": "20" },
            "portal": { "orderable": true, "long_renewal_lead": long_lead } });
        let input: ServiceInput = serde_json::from_value(json!({ "spec": spec, "valid_from": "2026-01-01" })).unwrap();
        self.e.create_service(&self.admin, input).await.unwrap().id
    }

    async fn pay(&self, amount: &str) {
        let req = CreditPayment { amount: amt(amount), currency: "RUB".into(), method: "manual".into(), comment: String::new() };
        self.e.credit_payment(&self.admin, self.client.id, req).await.unwrap();
    }

    async fn spend(&self, amount: &str) {
        let req = PostExpense {
            name: "Работы".into(),
            amount: amt(amount),
            currency: "RUB".into(),
            vat_percent: None,
            charged_at: None,
        };
        self.e.post_expense(&self.admin, self.client.id, req).await.unwrap();
    }

    async fn balance(&self) -> String {
        self.e.balance(&self.user, self.client.id).await.unwrap().balance.0.to_string()
    }

    /// A saved card set up by a payment of `amount` the payer completes on
    /// the gateway's page; answers its id.
    async fn card(&self, amount: &str) -> i64 {
        let req = NewSavedMethod {
            payer_id: self.payer,
            method_id: self.method,
            name: None,
            amount: Some(amt(amount)),
            return_url: None,
        };
        let setup = self.e.create_saved_method(&self.user, self.client.id, req).await.unwrap();
        assert_eq!(setup.saved_method.status, "configuring");
        self.complete(&setup.payment.flow.unwrap().external_id.unwrap()).await;
        setup.saved_method.id
    }

    async fn complete(&self, external_id: &str) {
        let body = self.gw.pay(external_id, true);
        let req = WebhookRequest { headers: &[], body: &body, remote_ip: None, now: self.e.now() };
        assert_eq!(self.e.gateway_webhook(GatewayKind::Sandbox, &req).await.unwrap().outcome, "credited");
    }

    async fn order(&self, service_id: i64, months: u32, saved_method_id: Option<i64>) -> i64 {
        let order = PaidPeriodOrder { service_id, months, auto_renew: true, saved_method_id };
        self.e.order_paid_period(&self.user, self.client.id, order).await.unwrap().id
    }

    /// The night of `day`: the clock at 02:00 provider time (UTC+3).
    async fn night(&self, y: i32, m: u32, d: u32) {
        self.t.clock.set(Utc.with_ymd_and_hms(y, m, d, 2, 0, 0).unwrap() - Duration::hours(3));
        self.e.run_night(&Ctx::system("test night"), NaiveDate::from_ymd_opt(y, m, d).unwrap()).await.unwrap();
    }

    async fn sub(&self, id: i64) -> (String, String) {
        let s = self.e.subscriptions(&self.user, self.client.id).await.unwrap().into_iter().find(|s| s.id == id).unwrap();
        (s.state, s.paid_until.unwrap().to_rfc3339())
    }

    async fn notifications(&self, event: &str) -> Vec<serde_json::Value> {
        let mut conn = self.e.store().conn().await.unwrap();
        kopek_store::outbox::by_topic(&mut conn, "notification")
            .await
            .unwrap()
            .into_iter()
            .map(|r| serde_json::from_str::<serde_json::Value>(&r.payload).unwrap())
            .filter(|v| v["event"] == event && v["client_id"] == self.client.id)
            .collect()
    }

    async fn method_status(&self, id: i64) -> String {
        self.e.saved_method(&self.user, id).await.unwrap().status
    }
}

backend_test!(async fn pmt7_renews_from_the_balance_a_day_ahead_and_retries_the_day_after_a_failure(db) {
    let w = world(TestEngine::over(db), "AR1").await;
    let vds = w.service("VDS-2", "300.00", "month", false).await;
    w.pay("700.00").await;
    // 2026-03-01 09:00 UTC: paid until 1 April, 12:00 provider time.
    let sub = w.order(vds, 1, None).await;
    assert_eq!(w.balance().await, "400.00");
    w.night(2026, 3, 30).await;
    assert_eq!(w.sub(sub).await.1, "2026-04-01T09:00:00+00:00", "two days ahead is too early");
    w.night(2026, 3, 31).await;
    assert_eq!(w.sub(sub).await, ("active".into(), "2026-05-01T09:00:00+00:00".into()));
    assert_eq!(w.balance().await, "100.00");
    // The same night again renews nothing more.
    w.night(2026, 3, 31).await;
    assert_eq!((w.sub(sub).await.1, w.balance().await), ("2026-05-01T09:00:00+00:00".into(), "100.00".into()));
    let list = w.e.auto_renewals(&w.user, w.client.id).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].method_name.as_str(), list[0].cost.0.to_string(), list[0].next_renewal_on.to_string()),
        ("Лицевой счет", "300.00".into(), "2026-04-30".into()));

    // 30 April: 100.00 is short of 300.00; the users are told, once.
    w.night(2026, 4, 30).await;
    w.night(2026, 4, 30).await;
    assert_eq!(w.sub(sub).await, ("active".into(), "2026-05-01T09:00:00+00:00".into()));
    let notes = w.notifications("renewal.payment_failed").await;
    assert_eq!(notes.len(), 1);
    assert_eq!((notes[0]["recipients"].clone(), notes[0]["data"]["retry_on"].clone()), (json!(["ar1@client.test"]), json!("2026-05-01")));
    assert_eq!(w.e.auto_renewals(&w.user, w.client.id).await.unwrap()[0].renewal_failed_on.map(|d| d.to_string()), Some("2026-04-30".into()));
    // Money came; the next night tries again, before the period ends at noon.
    w.pay("200.00").await;
    w.night(2026, 5, 1).await;
    assert_eq!(w.sub(sub).await, ("active".into(), "2026-06-01T09:00:00+00:00".into()));
    assert_eq!(w.balance().await, "0.00");
    assert_eq!(w.e.auto_renewals(&w.user, w.client.id).await.unwrap()[0].renewal_failed_on, None);
    assert!(w.e.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn pmt7_renews_from_a_saved_card_and_a_declined_card_stops_working_until_set_up_again(db) {
    let w = world(TestEngine::over(db), "AR2").await;
    let vds = w.service("VDS-2", "300.00", "month", false).await;
    let card = w.card("10.00").await;
    assert_eq!(w.method_status(card).await, "enabled");
    w.pay("290.00").await;
    let sub = w.order(vds, 1, Some(card)).await;
    assert_eq!(w.balance().await, "0.00");
    let methods = w.e.saved_methods(&w.user, w.client.id).await.unwrap();
    assert_eq!((methods.methods[0].linked_services, methods.balance_linked_services), (1, 0));

    w.night(2026, 3, 31).await;
    assert_eq!(w.sub(sub).await, ("active".into(), "2026-05-01T09:00:00+00:00".into()));
    assert_eq!(w.balance().await, "0.00", "the card paid the 300.00 the renewal took");
    let by_card: Vec<_> = w.gw.requests().into_iter().filter(|r| r.saved_method_token.is_some()).collect();
    assert_eq!(by_card.len(), 1);
    assert_eq!((by_card[0].amount.to_string(), by_card[0].saved_method_token.as_deref()), ("300.00".into(), Some("card_2")));
    w.night(2026, 3, 31).await;
    assert_eq!(w.gw.requests().iter().filter(|r| r.saved_method_token.is_some()).count(), 1, "a second run pays nothing twice");

    // The card runs dry: "Не работает", the users are told, the service
    // keeps its paid time.
    w.gw.decline("card_2");
    w.night(2026, 4, 30).await;
    assert_eq!(w.method_status(card).await, "not_working");
    assert_eq!(w.notifications("renewal.payment_failed").await.len(), 1);
    assert_eq!(w.sub(sub).await, ("active".into(), "2026-05-01T09:00:00+00:00".into()));
    // "Настроить повторно": a new set-up payment, a new card token.
    let again = w.e.reconfigure_saved_method(&w.user, card, Reconfigure { amount: None, return_url: None }).await.unwrap();
    assert_eq!(again.saved_method.status, "configuring");
    assert_eq!(again.payment.amount.0.to_string(), "10.00", "the method's minimum");
    w.complete(&again.payment.flow.unwrap().external_id.unwrap()).await;
    assert_eq!(w.method_status(card).await, "enabled");
    // The next day the card works: tried again and renewed.
    w.night(2026, 5, 1).await;
    assert_eq!(w.sub(sub).await, ("active".into(), "2026-06-01T09:00:00+00:00".into()));
    assert_eq!(w.balance().await, "10.00", "only the set-up payment stays on the balance");
    assert!(w.e.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn pmt7_a_card_still_not_working_the_next_day_is_not_charged_and_the_service_expires(db) {
    let w = world(TestEngine::over(db), "AR3").await;
    let vds = w.service("VDS-2", "300.00", "month", false).await;
    let card = w.card("10.00").await;
    w.pay("290.00").await;
    let sub = w.order(vds, 1, Some(card)).await;
    w.gw.decline("card_2");
    w.night(2026, 3, 31).await;
    assert_eq!(w.method_status(card).await, "not_working");
    let asked = w.gw.requests().len();
    w.night(2026, 4, 1).await;
    assert_eq!(w.gw.requests().len(), asked, "a card that does not work is not tried");
    w.night(2026, 4, 2).await;
    assert_eq!(w.sub(sub).await.0, "expired");
});

backend_test!(async fn pmt7_domains_and_ssl_renew_60_days_ahead(db) {
    let w = world(TestEngine::over(db), "AR4").await;
    let domain = w.service("example.ru", "1200.00", "year", true).await;
    w.pay("2400.00").await;
    // Paid until 2027-03-01 12:00 provider time: the renewal day is 60 days
    // before, 31 December 2026.
    let sub = w.order(domain, 12, None).await;
    let list = w.e.auto_renewals(&w.user, w.client.id).await.unwrap();
    assert_eq!(list[0].next_renewal_on.to_string(), "2026-12-31");
    w.night(2026, 12, 30).await;
    assert_eq!(w.sub(sub).await.1, "2027-03-01T09:00:00+00:00");
    w.night(2026, 12, 31).await;
    assert_eq!(w.sub(sub).await.1, "2028-03-01T09:00:00+00:00");
    assert_eq!(w.balance().await, "0.00");
});

backend_test!(async fn pmt6_deleting_a_method_switches_auto_renewal_off_and_says_which(db) {
    let w = world(TestEngine::over(db), "AR5").await;
    let vds = w.service("VDS-2", "300.00", "month", false).await;
    // A set-up payment under the method's minimum is refused and leaves no method.
    let low = NewSavedMethod { payer_id: w.payer, method_id: w.method, name: None, amount: Some(amt("5.00")), return_url: None };
    assert!(w.e.create_saved_method(&w.user, w.client.id, low).await.is_err());
    assert!(w.e.saved_methods(&w.user, w.client.id).await.unwrap().methods.is_empty());
    let card = w.card("10.00").await;
    w.pay("890.00").await;
    let a = w.order(vds, 1, Some(card)).await;
    let b = w.order(vds, 1, Some(card)).await;
    let c = w.order(vds, 1, None).await;
    w.e.set_autopay(&w.user, w.client.id, AutopayInput { saved_method_id: card, monthly_max: Some(amt("500.00")), enabled: true })
        .await
        .unwrap();
    let renamed = w.e.rename_saved_method(&w.user, card, kopek_engine::payments::saved_methods::RenameSavedMethod { name: "Bank card *1111".into() })
        .await
        .unwrap();
    assert_eq!((renamed.name.as_str(), renamed.linked_services), ("Bank card *1111", 2));
    let gone = w.e.delete_saved_method(&w.user, card).await.unwrap();
    assert_eq!((gone.auto_renew_switched_off, gone.autopay_switched_off), (vec![a, b], true));
    let left: Vec<i64> = w.e.auto_renewals(&w.user, w.client.id).await.unwrap().iter().map(|r| r.subscription_id).collect();
    assert_eq!(left, vec![c]);
    assert!(w.e.saved_methods(&w.user, w.client.id).await.unwrap().methods.is_empty());
    assert_eq!(w.e.saved_method(&w.user, card).await.unwrap_err().code(), "not_found");
    let asked = w.gw.requests().len();
    w.night(2026, 3, 31).await;
    assert_eq!(w.gw.requests().len(), asked, "nothing is charged to a deleted card");
    w.night(2026, 4, 2).await;
    assert_eq!((w.sub(a).await.0, w.sub(b).await.0, w.sub(c).await.0), ("expired".into(), "expired".into(), "expired".into()),
        "c renewed from a balance of 0.00 can't pay either");
});

backend_test!(async fn pmt5_forecast_recommended_maximum_and_autopayments_capped_by_the_month(db) {
    let w = world(TestEngine::over(db), "AP1").await;
    let internet = w.service("Интернет 60", "60.00", "month", false).await;
    let dns = w.service("DNS", "250.00", "month", false).await;
    let vds = w.service("VDS", "310.00", "month", false).await;
    let card = w.card("10.00").await;
    w.pay("620.00").await;
    w.e.connect(&w.admin, w.client.id, ConnectInput { service_id: internet, tariff_id: None, discount_percent: None }).await.unwrap();
    w.order(dns, 1, Some(card)).await;
    w.order(vds, 1, Some(card)).await;
    let b0: rust_decimal::Decimal = w.balance().await.parse().unwrap();
    // The guide's form: 60.00 for sure, up to 620.00, 682.00 recommended.
    let form = w.e.autopay_form(&w.user, w.client.id).await.unwrap();
    assert_eq!((form.forecast_min.0.to_string(), form.forecast_max.0.to_string(), form.recommended_max.0.to_string()),
        ("60.00".into(), "620.00".into(), "682.00".into()));
    assert_eq!(form.methods.len(), 1);
    assert!(!form.methods[0].selectable_when_unlimited, "a method with limits can't go with ∞");
    let unlimited = AutopayInput { saved_method_id: card, monthly_max: None, enabled: true };
    assert_eq!(w.e.set_autopay(&w.user, w.client.id, unlimited).await.unwrap_err().code(), "method_limited");
    let set = w.e.set_autopay(&w.user, w.client.id, AutopayInput { saved_method_id: card, monthly_max: Some(amt("682.00")), enabled: true })
        .await
        .unwrap();
    assert_eq!(set.current.unwrap().monthly_max.unwrap().0.to_string(), "682.00");

    // The balance is not low: nothing.
    w.night(2026, 3, 2).await;
    assert_eq!(autopays(&w).await, Vec::<String>::new());
    // Debt of 1000.00: the month's worth is 620.00 + the debt, cut to 682.00.
    w.spend("1000.00").await;
    w.night(2026, 3, 3).await;
    w.night(2026, 3, 3).await;
    assert_eq!(autopays(&w).await, vec!["682.00".to_string()]);
    assert_eq!(w.balance().await.parse::<rust_decimal::Decimal>().unwrap(), b0 - rust_decimal::Decimal::from(1000) + rust_decimal::Decimal::from(682));
    // More debt the same month: the maximum is used up.
    w.spend("500.00").await;
    w.night(2026, 3, 4).await;
    w.night(2026, 3, 20).await;
    assert_eq!(autopays(&w).await, vec!["682.00".to_string()]);
    let form = w.e.autopay_form(&w.user, w.client.id).await.unwrap();
    assert_eq!(form.current.unwrap().paid_this_month.0.to_string(), "682.00");
    // A new month, a new maximum.
    w.night(2026, 4, 1).await;
    assert_eq!(autopays(&w).await, vec!["682.00".to_string(), "682.00".to_string()]);
    assert!(w.e.check_ledger().await.unwrap().is_empty());
});

/// The autopayments made, in order.
async fn autopays(w: &World) -> Vec<String> {
    let mut conn = w.e.store().conn().await.unwrap();
    let mut out = Vec::new();
    let mut payments = w.e.payments(&w.user, w.client.id).await.unwrap();
    payments.sort_by_key(|p| p.id);
    for p in payments {
        let purpose = kopek_store::saved_methods::purpose(&mut conn, p.id).await.unwrap().unwrap().purpose;
        if purpose == kopek_domain::account::PurposeKind::Autopay {
            out.push(p.amount.0.to_string());
        }
    }
    out
}

backend_test!(async fn pmt6_remember_this_method_when_paying_then_pay_and_renew_by_it(db) {
    let w = world(TestEngine::over(db), "AR6").await;
    let vds = w.service("VDS-2", "300.00", "month", false).await;
    let start = kopek_engine::payments::start::StartPayment {
        payer_id: w.payer, method_id: w.method, amount: amt("300.00"), return_url: None, save_method: true, saved_method_id: None,
    };
    let p = w.e.start_payment(&w.user, w.client.id, start.clone()).await.unwrap();
    let methods = w.e.saved_methods(&w.user, w.client.id).await.unwrap().methods;
    assert_eq!((methods.len(), methods[0].status.as_str(), methods[0].name.clone()), (1, "configuring", format!("ЮKassa #{}", methods[0].id)));
    // Paying by it before the gateway gave a token is refused.
    let early = kopek_engine::payments::start::StartPayment { save_method: false, saved_method_id: Some(methods[0].id), ..start.clone() };
    assert_eq!(w.e.start_payment(&w.user, w.client.id, early.clone()).await.unwrap_err().code(), "method_not_set_up");
    w.complete(&p.flow.unwrap().external_id.unwrap()).await;
    assert_eq!(w.method_status(methods[0].id).await, "enabled");
    // Paid by the saved card: no page, credited at once.
    let by_card = w.e.start_payment(&w.user, w.client.id, early).await.unwrap();
    assert_eq!((by_card.status.as_str(), w.balance().await), ("credited", "600.00".to_string()));
    // Ordered from the balance, then switched to the card in "Автопродление услуг".
    let sub = w.order(vds, 1, None).await;
    let line = w.e.set_renewal_method(&w.user, sub, kopek_engine::billing::autorenew::RenewalMethod { saved_method_id: Some(methods[0].id) })
        .await
        .unwrap();
    assert_eq!((line.method_name, line.saved_method_id), (format!("ЮKassa #{}", methods[0].id), Some(methods[0].id)));
    let (other, _) = w.t.client("AR6X", 0).await;
    let foreign = w.e.set_renewal_method(&w.admin, sub, kopek_engine::billing::autorenew::RenewalMethod { saved_method_id: Some(999_999) }).await;
    assert_eq!(foreign.unwrap_err().code(), "not_found");
    assert_eq!(w.e.saved_methods(&w.user, other.id).await.unwrap_err().code(), "not_found", "another client is not seen");
    w.night(2026, 3, 31).await;
    assert_eq!(w.sub(sub).await.1, "2026-05-01T09:00:00+00:00");
    assert_eq!(w.balance().await, "300.00", "the card paid the renewal");
});

/// The card gateway answering as Stripe does off-session: a declined card
/// leaves the payment open for another attempt instead of closing it.
struct RetryableDeclines(Arc<CardGateway>);

fn retryable(mut p: GatewayPayment) -> GatewayPayment {
    if p.status == GatewayStatus::Failed {
        p.status = GatewayStatus::Declined;
    }
    p
}

#[async_trait::async_trait]
impl PaymentGateway for RetryableDeclines {
    fn kind(&self) -> GatewayKind {
        self.0.kind()
    }

    async fn create(&self, req: &CreatePayment) -> Result<GatewayPayment, GatewayError> {
        self.0.create(req).await.map(retryable)
    }

    async fn fetch(&self, external_id: &str) -> Result<GatewayPayment, GatewayError> {
        self.0.fetch(external_id).await.map(retryable)
    }

    async fn capture(&self, external_id: &str, amount: rust_decimal::Decimal) -> Result<GatewayPayment, GatewayError> {
        self.0.capture(external_id, amount).await.map(retryable)
    }

    async fn refund(&self, external_id: &str, amount: rust_decimal::Decimal, key: &str) -> Result<GatewayRefund, GatewayError> {
        self.0.refund(external_id, amount, key).await
    }

    async fn verify_webhook(&self, req: &WebhookRequest<'_>) -> Result<WebhookEvent, GatewayError> {
        self.0.verify_webhook(req).await
    }
}

backend_test!(async fn pmt4_a_renewal_declined_with_retry_allowed_stops_the_card_and_a_late_success_still_renews(db) {
    let mut w = world(TestEngine::over(db), "AR7").await;
    w.e = w.e.clone().with_gateway(Arc::new(RetryableDeclines(w.gw.clone())));
    let vds = w.service("VDS-2", "300.00", "month", false).await;
    let card = w.card("10.00").await;
    w.pay("290.00").await;
    let sub = w.order(vds, 1, Some(card)).await;

    // No payer is there to try another card: for the saved method and the
    // renewal the decline is a failure, while the payment stays open.
    w.gw.decline("card_2");
    w.night(2026, 3, 31).await;
    assert_eq!(w.method_status(card).await, "not_working");
    assert_eq!(w.notifications("renewal.payment_failed").await.len(), 1);
    assert_eq!(w.sub(sub).await, ("active".into(), "2026-04-01T09:00:00+00:00".into()));
    let renewal = w.e.payments(&w.user, w.client.id).await.unwrap().into_iter().max_by_key(|p| p.id).unwrap();
    let flow = renewal.flow.clone().unwrap();
    assert_eq!((renewal.status.as_str(), flow.failure_reason.as_deref()), ("paying", Some("insufficient funds on the card")));
    assert_eq!(w.balance().await, "0.00");

    // The gateway takes the money on that payment after all: credited, the
    // card works again and the renewal is paid.
    w.complete(&flow.external_id.unwrap()).await;
    assert_eq!(w.method_status(card).await, "enabled");
    assert_eq!(w.sub(sub).await, ("active".into(), "2026-05-01T09:00:00+00:00".into()));
    assert_eq!(w.balance().await, "0.00", "the 300.00 paid the renewal");
    assert!(w.e.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn pmt7_a_late_success_for_a_period_already_renewed_leaves_its_money_on_the_balance(db) {
    let mut w = world(TestEngine::over(db), "AR8").await;
    w.e = w.e.clone().with_gateway(Arc::new(RetryableDeclines(w.gw.clone())));
    let vds = w.service("VDS-2", "300.00", "month", false).await;
    let card = w.card("10.00").await;
    w.pay("290.00").await;
    let sub = w.order(vds, 1, Some(card)).await;
    w.gw.decline("card_2");
    w.night(2026, 3, 31).await;
    let renewal = w.e.payments(&w.user, w.client.id).await.unwrap().into_iter().max_by_key(|p| p.id).unwrap();
    assert_eq!(renewal.status, "paying");
    // Meanwhile the client renews by hand from the balance.
    w.pay("300.00").await;
    w.e.renew_subscription(&w.user, sub, kopek_engine::billing::paid_period::Renewal { months: Some(1) }).await.unwrap();
    assert_eq!(w.sub(sub).await, ("active".into(), "2026-05-01T09:00:00+00:00".into()));
    assert_eq!(w.balance().await, "0.00");
    // The card payment succeeds after all: its money is the client's, and
    // April is not paid a second time.
    w.complete(&renewal.flow.unwrap().external_id.unwrap()).await;
    assert_eq!(w.sub(sub).await, ("active".into(), "2026-05-01T09:00:00+00:00".into()));
    assert_eq!(w.balance().await, "300.00");
    assert!(w.e.check_ledger().await.unwrap().is_empty());
});
