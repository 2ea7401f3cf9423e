//! What a client's user may acquire: only what the portal offers its
//! client (CAT-9 "hide from the client", CAT-10 "orderable from the portal"
//! and "offer only inside given tariffs"), whichever way it asks; staff and
//! the system keep their full powers.

use kopek_domain::product::ProductSpec;
use kopek_engine::billing::paid_period::PaidPeriodOrder;
use kopek_engine::catalog::services::{ServiceInput, TariffInput};
use kopek_engine::charging::promised::PromiseInput;
use kopek_engine::charging::subscriptions::ConnectInput;
use kopek_engine::core::amount::Amount;
use kopek_engine::shop::products::ProductInput;
use kopek_engine::testing::TestEngine;
use kopek_engine::{Ctx, Engine};
use kopek_store::backend_test;
use serde_json::{Value, json};

use crate::common::{at_local, balance, day, pay};

async fn service(e: &Engine, admin: &Ctx, name: &str, portal: Value, hidden: bool) -> i64 {
    let spec = json!({ "main": { "name": name, "kind": "periodic" },
        "fee": { "price": "300.00", "write_off": "prepay", "period": "month", "currency": "RUB" },
        "additional": { "hidden_from_client": hidden }, "portal": portal });
    let input: ServiceInput = serde_json::from_value(json!({ "spec": spec, "valid_from": "2026-01-01" })).unwrap();
    e.create_service(admin, input).await.unwrap().id
}

fn order(service_id: i64) -> PaidPeriodOrder {
    PaidPeriodOrder { service_id, months: 1, auto_renew: true, saved_method_id: None }
}

backend_test!(async fn cat9_cat10_a_client_user_orders_paid_ahead_only_what_the_portal_offers(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let hidden = service(e, &admin, "Hidden VDS", json!({ "orderable": true }), true).await;
    let staff_only = service(e, &admin, "Staff VDS", json!({}), false).await;
    let offered = service(e, &admin, "VDS-2", json!({ "orderable": true }), false).await;
    let base = service(e, &admin, "Home 50", json!({}), false).await;
    let home = e.create_tariff(&admin, TariffInput { name: "Home".into(), description: String::new(), services: vec![base] }).await.unwrap().id;
    let tv = service(e, &admin, "TV", json!({ "only_in_tariffs": [home] }), false).await;
    let product: ProductSpec = serde_json::from_value(json!({
        "name": "VDS Fast", "product_type": "virtual_server", "currency": "RUB",
        "prices": [{ "months": 1, "price": "300.00" }], "tax_percent": "0", "tax_included": true,
        "deletion": { "allowed": true, "refund_unused": true } })).unwrap();
    let product = e.create_product(&admin, ProductInput { spec: product, hook: None, archived: false }).await.unwrap();
    let (c, user) = t.client("PORTAL", 0).await;
    pay(e, &admin, c.id, "2000.00").await;

    // Hidden, not orderable, offered only on a tariff the client is not on,
    // or a product's own service: not found to the client's user, and an
    // order of it changes nothing.
    for id in [hidden, staff_only, tv, product.service_id] {
        assert_eq!(e.service(&user, id).await.unwrap_err().code(), "not_found", "service {id}");
        let err = e.order_paid_period(&user, c.id, order(id)).await.unwrap_err();
        assert_eq!((err.code(), err.to_string()), ("not_found", format!("service {id} not found")));
    }
    assert!(e.subscriptions(&user, c.id).await.unwrap().is_empty(), "a refused order leaves no subscription");
    assert!(e.expenses(&user, c.id).await.unwrap().is_empty(), "and charges nothing");
    assert_eq!(balance(e, &user, c.id).await, "2000.00");
    let listed: Vec<i64> = e.services(&user).await.unwrap().iter().map(|s| s.id).collect();
    assert_eq!(listed, vec![offered]);

    // What the portal offers is ordered and charged.
    let sub = e.order_paid_period(&user, c.id, order(offered)).await.unwrap();
    assert_eq!((sub.service_id, sub.state.as_str()), (offered, "active"));
    assert_eq!(balance(e, &user, c.id).await, "1700.00");

    // On the tariff, the tariff's portal service is offered too.
    e.connect(&admin, c.id, ConnectInput { service_id: base, tariff_id: Some(home), discount_percent: None }).await.unwrap();
    assert_eq!(e.service(&user, tv).await.unwrap().id, tv);
    assert_eq!(e.order_paid_period(&user, c.id, order(tv)).await.unwrap().service_id, tv);

    // Staff keep their full powers: a hidden service ordered for the client.
    assert_eq!(e.order_paid_period(&admin, c.id, order(hidden)).await.unwrap().service_id, hidden);
    // A client's user connects only what the portal offers (CAT-10), with
    // no discount of its own, and changes no tariff.
    let connect = e.connect(&user, c.id, ConnectInput { service_id: hidden, tariff_id: None, discount_percent: None }).await;
    assert_eq!(connect.unwrap_err().code(), "not_found");
    let discounted = ConnectInput { service_id: offered, tariff_id: None, discount_percent: Some(Amount("50".parse().unwrap())) };
    assert_eq!(e.connect(&user, c.id, discounted).await.unwrap_err().code(), "forbidden");
    let change = kopek_engine::catalog::tariff_change::TariffChange { from_tariff: home, to_tariff: home };
    assert_eq!(e.change_tariff(&user, c.id, change).await.unwrap_err().code(), "forbidden");
    let v = e.check_ledger().await.unwrap();
    assert!(v.is_empty(), "{v:?}");
});

backend_test!(async fn cat10_chg4_a_promised_payment_the_portal_does_not_offer_is_given_only_by_staff(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let promised = |portal: Value| json!({ "spec": {
        "main": { "name": "Promised payment", "kind": "promised_payment" },
        "fee": { "price": "300.00", "write_off": "prepay", "currency": "RUB" },
        "lifetime": { "days": 3 }, "portal": portal }, "valid_from": "2026-01-01" });
    let input: ServiceInput = serde_json::from_value(promised(json!({}))).unwrap();
    let id = e.create_service(&admin, input).await.unwrap().id;
    let (a, a_user) = t.client("PROMA", 0).await;
    let (b, _) = t.client("PROMB", 0).await;
    let take = |amount: &str| PromiseInput { amount: Amount(amount.parse().unwrap()) };

    let refused = e.take_promised_payment(&a_user, a.id, take("100")).await.unwrap_err();
    assert_eq!(refused.code(), "no_promised_payment");
    assert_eq!(balance(e, &admin, a.id).await, "0.00");
    assert!(e.promised_payments(&a_user, a.id).await.unwrap().is_empty());
    // Staff give one all the same.
    assert_eq!(e.take_promised_payment(&admin, b.id, take("100")).await.unwrap().status, "open");
    assert_eq!(balance(e, &admin, b.id).await, "100.00");

    // Offered in the portal, the client's user takes it.
    let input: ServiceInput = serde_json::from_value(promised(json!({ "orderable": true }))).unwrap();
    e.update_service(&admin, id, input).await.unwrap();
    assert_eq!(e.take_promised_payment(&a_user, a.id, take("100")).await.unwrap().status, "open");
    assert_eq!(balance(e, &admin, a.id).await, "100.00");
});

async fn isp(e: &Engine, admin: &Ctx, name: &str, fee: Value, portal: Value) -> i64 {
    let mut f = json!({ "price": "300.00", "write_off": "prepay", "period": "month", "currency": "RUB" });
    f.as_object_mut().unwrap().extend(fee.as_object().unwrap().clone());
    let spec = json!({ "main": { "name": name, "kind": "periodic" }, "fee": f, "portal": portal });
    let input: ServiceInput = serde_json::from_value(json!({ "spec": spec, "valid_from": "2026-01-01" })).unwrap();
    e.create_service(admin, input).await.unwrap().id
}

fn plain(service_id: i64) -> ConnectInput {
    ConnectInput { service_id, tariff_id: None, discount_percent: None }
}

backend_test!(async fn cat10_a_portal_order_with_check_funds_connects_only_when_the_balance_covers_the_first_charge(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let checked = isp(e, &admin, "Turbo 100", json!({}), json!({ "orderable": true, "check_funds": true })).await;
    let daily = isp(e, &admin, "Static IP", json!({ "write_off": "daily", "connection_cost": "100.00" }),
        json!({ "orderable": true, "check_funds": true })).await;
    let unchecked = isp(e, &admin, "Antivirus", json!({}), json!({ "orderable": true })).await;
    let (c, user) = t.client("FUNDS", 0).await;

    // The portal lists what it offers, with the first charge to cover.
    let offer = e.portal_offer(&user, c.id).await.unwrap();
    let firsts: Vec<(i64, String, bool)> = offer.iter().map(|o| (o.id, o.first_charge.0.to_string(), o.check_funds)).collect();
    assert_eq!(firsts, vec![(checked, "300.00".into(), true), (daily, "100.00".into(), true), (unchecked, "300.00".into(), false)]);

    // 299.99 on the balance: the prepaid month is not covered; nothing changes.
    pay(e, &admin, c.id, "299.99").await;
    let refused = e.connect(&user, c.id, plain(checked)).await.unwrap_err();
    assert_eq!(refused.code(), "insufficient_funds");
    assert_eq!(refused.to_string(), "connecting \"Turbo 100\" costs 300.00 RUB; the balance with the credit limit is 299.99");
    assert!(e.subscriptions(&user, c.id).await.unwrap().is_empty(), "a refused order leaves no subscription");
    assert_eq!(balance(e, &user, c.id).await, "299.99");

    // One more kopeck and the month is covered: connected, and charged
    // for the rest of March from 12:00 on the 1st (the check asks for the
    // whole month's price).
    pay(e, &admin, c.id, "0.01").await;
    let sub = e.connect(&user, c.id, plain(checked)).await.unwrap();
    assert_eq!((sub.service_id, sub.state.as_str(), sub.charged_total.0.to_string()), (checked, "active", "295.1613".into()));

    // A service charged by the day needs its connection cost: refused at
    // 99.99, connected at 100.00.
    let (c, user) = t.client("DAILY", 0).await;
    pay(e, &admin, c.id, "99.99").await;
    let refused = e.connect(&user, c.id, plain(daily)).await.unwrap_err();
    assert_eq!((refused.code(), refused.to_string()), ("insufficient_funds", "connecting \"Static IP\" costs 100.00 RUB; the balance with the credit limit is 99.99".into()));
    pay(e, &admin, c.id, "0.01").await;
    assert_eq!(e.connect(&user, c.id, plain(daily)).await.unwrap().service_id, daily);

    // Without "check funds" the portal connects it whatever the balance,
    // and staff connect a checked service whatever the balance.
    let (d, d_user) = t.client("NOFUNDS", 0).await;
    assert_eq!(e.connect(&d_user, d.id, plain(unchecked)).await.unwrap().service_id, unchecked);
    assert_eq!(e.connect(&d_user, d.id, plain(checked)).await.unwrap_err().code(), "insufficient_funds");
    assert_eq!(e.connect(&admin, d.id, plain(checked)).await.unwrap().service_id, checked);
});

backend_test!(async fn cat10_a_client_user_cancels_in_the_portal_only_n_calendar_months_after_connecting(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let after_two = isp(e, &admin, "Home 100", json!({}), json!({ "orderable": true, "cancellable": true, "cancel_after_months": 2 })).await;
    let anytime = isp(e, &admin, "TV Plus", json!({}), json!({ "orderable": true, "cancellable": true })).await;
    let never = isp(e, &admin, "Line", json!({}), json!({ "orderable": true })).await;
    let (c, user) = t.client("CANCEL", 0).await;
    pay(e, &admin, c.id, "5000.00").await;
    at_local(&t, 3, 10, 12, 0);
    let sub = e.connect(&user, c.id, plain(after_two)).await.unwrap().id;
    let tv = e.connect(&user, c.id, plain(anytime)).await.unwrap().id;
    let line = e.connect(&user, c.id, plain(never)).await.unwrap().id;

    let listed = |list: Vec<kopek_engine::catalog::portal_services::PortalSubscription>| {
        list.into_iter().map(|s| (s.subscription_id, s.cancellable_from, s.may_cancel)).collect::<Vec<_>>()
    };
    assert_eq!(
        listed(e.portal_subscriptions(&user, c.id).await.unwrap()),
        vec![(sub, Some(day(5, 10)), false), (tv, Some(day(3, 10)), true), (line, None, false)]
    );

    // The last minute of 2026-05-09: not yet, and the refusal names the day.
    at_local(&t, 5, 9, 23, 59);
    let refused = e.disconnect(&user, sub, "").await.unwrap_err();
    assert_eq!((refused.code(), refused.to_string()), ("not_cancellable_yet", "this service can be cancelled from the portal from 2026-05-10".into()));
    assert!(!e.portal_subscriptions(&user, c.id).await.unwrap()[0].may_cancel);
    // Never cancellable from the portal.
    assert_eq!(e.disconnect(&user, line, "").await.unwrap_err().code(), "not_cancellable");

    // 2026-05-10, exactly two calendar months later: cancelled.
    at_local(&t, 5, 10, 0, 0);
    assert!(e.portal_subscriptions(&user, c.id).await.unwrap()[0].may_cancel);
    assert_eq!(e.disconnect(&user, sub, "").await.unwrap().state, "disconnected");
    assert_eq!(e.disconnect(&user, tv, "").await.unwrap().state, "disconnected");
    // Staff keep their full powers.
    assert_eq!(e.disconnect(&admin, line, "").await.unwrap().state, "disconnected");
    assert!(e.portal_subscriptions(&user, c.id).await.unwrap().is_empty());
    let v = e.check_ledger().await.unwrap();
    assert!(v.is_empty(), "{v:?}");
});
