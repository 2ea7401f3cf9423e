//! NTF-1: the events the engine tells clients of, each written to the
//! outbox in the transaction of its change, once — also when the night
//! runs again: a payment credited or failed, a renewal done, a service
//! opened, stopped, blocked for debt and back, expiring, deleted.

use chrono::{TimeZone, Utc};
use kopek_engine::billing::paid_period::{PaidPeriodOrder, Renewal};
use kopek_engine::testing::TestEngine;
use kopek_engine::{Ctx, Engine};
use kopek_store::backend_test;
use serde_json::{Value, json};

use crate::common::{at_local, balance, connect, day, fee, pay, payment, service};

/// The data of every `event` notification of the client, oldest first,
/// each with its recipients.
pub(crate) async fn notes(e: &Engine, client_id: i64, event: &str) -> Vec<Value> {
    let mut conn = e.store().conn().await.unwrap();
    kopek_store::outbox::by_topic(&mut conn, "notification")
        .await
        .unwrap()
        .into_iter()
        .map(|r| serde_json::from_str::<Value>(&r.payload).unwrap())
        .filter(|v| v["event"] == event && v["client_id"] == client_id)
        .map(|v| {
            let mut data = v["data"].clone();
            data["to"] = v["recipients"].clone();
            data
        })
        .collect()
}

async fn vds(e: &Engine, admin: &Ctx) -> i64 {
    service(
        e,
        admin,
        json!({ "main": { "name": "VDS-2", "kind": "periodic" },
        "fee": { "price": "300.00", "write_off": "prepay", "period": "month", "currency": "RUB", "vat_percent": "20" },
        "portal": { "orderable": true } }),
    )
    .await
}

backend_test!(async fn ntf1_a_paid_period_is_opened_warned_of_renewed_and_stopped_each_told_once(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let service_id = vds(e, &admin).await;
    let (c, user) = t.client("NE1", 0).await;
    let credited = e.credit_payment(&admin, c.id, payment("1000.00")).await.unwrap();
    assert_eq!(notes(e, c.id, "payment.credited").await, vec![json!({
        "payment_id": credited.id, "number": credited.number, "amount": "1000.0000", "currency": "RUB",
        "balance": "1000.0000", "balance_currency": "RUB", "to": ["ne1@client.test"],
    })]);
    // The clock reads 2026-03-01 09:00 UTC: paid until 2026-04-01 09:00 UTC.
    let order = PaidPeriodOrder { service_id, months: 1, auto_renew: false, saved_method_id: None };
    let sub = e.order_paid_period(&user, c.id, order).await.unwrap().id;
    assert_eq!(notes(e, c.id, "service.opened").await, vec![json!({
        "subscription_id": sub, "service": "VDS-2", "state": "active", "reason": "connected", "to": ["ne1@client.test"],
    })]);
    // Four days before: nothing yet; three days before, on two nights: one warning.
    t.clock.set(Utc.with_ymd_and_hms(2026, 3, 28, 8, 0, 0).unwrap());
    e.expire_paid_periods(&admin).await.unwrap();
    assert!(notes(e, c.id, "service.expiring").await.is_empty());
    for d in [29, 30] {
        t.clock.set(Utc.with_ymd_and_hms(2026, 3, d, 23, 0, 0).unwrap());
        e.expire_paid_periods(&admin).await.unwrap();
    }
    let warned = json!({
        "subscription_id": sub, "service": "VDS-2", "paid_until": "2026-04-01", "auto_renew": false, "to": ["ne1@client.test"],
    });
    assert_eq!(notes(e, c.id, "service.expiring").await, vec![warned.clone()]);
    // Renewed by hand: told once, and warned again of the new end.
    e.renew_subscription(&user, sub, Renewal { months: None }).await.unwrap();
    assert_eq!(notes(e, c.id, "renewal.done").await, vec![json!({
        "subscription_id": sub, "service": "VDS-2", "months": 1, "paid_until": "2026-05-01", "to": ["ne1@client.test"],
    })]);
    t.clock.set(Utc.with_ymd_and_hms(2026, 4, 29, 0, 0, 0).unwrap());
    e.expire_paid_periods(&admin).await.unwrap();
    let mut again = warned.clone();
    again["paid_until"] = json!("2026-05-01");
    assert_eq!(notes(e, c.id, "service.expiring").await, vec![warned, again]);
    // Not renewed: it stops, once however many nights run.
    t.clock.set(Utc.with_ymd_and_hms(2026, 5, 2, 0, 0, 0).unwrap());
    e.expire_paid_periods(&admin).await.unwrap();
    e.expire_paid_periods(&admin).await.unwrap();
    assert_eq!(notes(e, c.id, "service.stopped").await, vec![json!({
        "subscription_id": sub, "service": "VDS-2", "state": "expired", "reason": "the paid period ended", "to": ["ne1@client.test"],
    })]);
    assert_eq!(notes(e, c.id, "payment.credited").await.len(), 1);
});

backend_test!(async fn ntf1_a_service_blocked_below_its_threshold_and_back_stopped_and_deleted(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let mut spec = fee("Line fee", "310.00", "daily");
    spec["additional"] = json!({ "deactivate_past_limit_keep_charging": true });
    let s = service(e, &admin, spec).await;
    let (c, _) = t.client("NE2", 0).await;
    pay(e, &admin, c.id, "15.00").await;
    at_local(&t, 3, 1, 0, 0);
    let sub = connect(e, &admin, c.id, s).await;
    e.run_charges(&admin, day(3, 1), false).await.unwrap();
    assert!(notes(e, c.id, "service.blocked").await.is_empty());
    for _ in 0..2 {
        e.run_charges(&admin, day(3, 2), false).await.unwrap();
    }
    assert_eq!(balance(e, &admin, c.id).await, "-5.00");
    let told = |state: &str, reason: &str| {
        json!({ "subscription_id": sub, "service": "Line fee", "state": state, "reason": reason, "to": ["ne2@client.test"] })
    };
    let blocked = notes(e, c.id, "service.blocked").await;
    assert_eq!(blocked.len(), 1, "{blocked:?}");
    assert_eq!(blocked[0]["state"], "deactivated_by_threshold");
    pay(e, &admin, c.id, "50.00").await;
    assert_eq!(notes(e, c.id, "service.unblocked").await, vec![told("active", "the balance is above the threshold again")]);
    e.stop(&admin, sub, "paused").await.unwrap();
    assert_eq!(notes(e, c.id, "service.stopped").await, vec![told("stopped_by_admin", "paused")]);
    e.resume(&admin, sub).await.unwrap();
    e.disconnect(&admin, sub, "client left").await.unwrap();
    assert_eq!(notes(e, c.id, "service.deleted").await, vec![told("disconnected", "client left")]);
    assert_eq!(notes(e, c.id, "service.opened").await.len(), 1);
    assert_eq!(notes(e, c.id, "payment.credited").await.len(), 2);
});

backend_test!(async fn ntf1_a_card_payment_the_gateway_refused_is_told_once_and_one_paid_is_credited(db) {
    use kopek_domain::payer::PayerDetails;
    use kopek_engine::payments::gateway::{GatewayKind, WebhookRequest};
    use kopek_engine::payments::payers::PayerInput;
    use kopek_engine::payments::start::StartPayment;
    let t = TestEngine::over(db);
    let gw = kopek_engine::testing::CardGateway::new();
    let e = t.engine.clone().with_gateway(gw.clone());
    let admin = t.admin().await;
    let (c, user) = t.client("NE3", 0).await;
    let details = PayerDetails { country: "RU".into(), name: "Анна Банана".into(), ..PayerDetails::default() };
    let payer = e.create_payer(&user, c.id, PayerInput { kind: "individual".into(), details }).await.unwrap().id;
    let method = crate::common::method_input("card", "ЮKassa", "sandbox");
    let method_id = e.create_payment_method(&admin, method).await.unwrap().id;
    let start = StartPayment {
        payer_id: payer, method_id, amount: crate::common::amt("250.00"), return_url: None, save_method: false, saved_method_id: None,
    };
    let hook = |body: Vec<u8>| {
        let e = e.clone();
        async move {
            let req = WebhookRequest { headers: &[], body: &body, remote_ip: None, now: e.now() };
            e.gateway_webhook(GatewayKind::Sandbox, &req).await.unwrap().outcome
        }
    };
    let refused = e.start_payment(&user, c.id, start.clone()).await.unwrap();
    let body = gw.pay(&refused.flow.clone().unwrap().external_id.unwrap(), false);
    assert_eq!(hook(body.clone()).await, "failed");
    assert_eq!(hook(body).await, "refused", "a repeated notice changes nothing");
    assert_eq!(notes(&e, c.id, "payment.failed").await, vec![json!({
        "payment_id": refused.id, "number": refused.number, "amount": "250.0000", "currency": "RUB", "balance": "0.0000",
        "balance_currency": "RUB", "reason": "declined on the page", "to": ["ne3@client.test"],
    })]);
    let paid = e.start_payment(&user, c.id, start).await.unwrap();
    assert_eq!(hook(gw.pay(&paid.flow.clone().unwrap().external_id.unwrap(), true)).await, "credited");
    assert_eq!(notes(&e, c.id, "payment.credited").await, vec![json!({
        "payment_id": paid.id, "number": paid.number, "amount": "250.0000", "currency": "RUB", "balance": "250.0000",
        "balance_currency": "RUB", "to": ["ne3@client.test"],
    })]);
});
