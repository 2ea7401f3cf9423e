//! LED-1: amounts stop at 1 000 000 000 000.0000 and balances at a hundred
//! of them, so no sum Kopek or its database makes of them overflows; a
//! larger amount is refused with `amount_too_large` and changes nothing.

use kopek_engine::catalog::services::ServiceInput;
use kopek_engine::charging::subscriptions::ConnectInput;
use kopek_engine::charging::usage::UsageRecord;
use kopek_engine::core::amount::Amount;
use kopek_engine::ledger::entries::{CreditPayment, PostExpense};
use kopek_engine::testing::TestEngine;
use kopek_store::backend_test;
use serde_json::json;

use crate::common::balance;

fn expense(amount: &str) -> PostExpense {
    PostExpense {
        name: "Hosting".into(),
        amount: Amount(amount.parse().unwrap()),
        currency: "RUB".into(),
        vat_percent: None,
        charged_at: None,
    }
}

fn payment(amount: &str) -> CreditPayment {
    CreditPayment {
        amount: Amount(amount.parse().unwrap()),
        currency: "RUB".into(),
        method: "manual".into(),
        comment: String::new(),
    }
}

backend_test!(async fn led1_an_amount_above_the_maximum_is_refused_and_the_next_expense_still_posts(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let (c, _) = t.client("BIG", 0).await;
    // The reported case: the largest amount i64 holds was taken, and the
    // next expense overflowed the balance.
    for amount in ["922337203685477.5807", "1000000000000.0001"] {
        let err = e.post_expense(&admin, c.id, expense(amount)).await.unwrap_err();
        assert_eq!(err.code(), "amount_too_large");
        assert_eq!(err.to_string(), format!("amount {amount} is above the largest amount Kopek accepts, 1000000000000.0000"));
    }
    let err = e.credit_payment(&admin, c.id, payment("1000000000000.01")).await.unwrap_err();
    assert_eq!(err.code(), "amount_too_large");
    assert!(e.expenses(&admin, c.id).await.unwrap().is_empty());
    assert!(e.payments(&admin, c.id).await.unwrap().is_empty());
    assert_eq!(balance(e, &admin, c.id).await, "0.00");
    // The maximum itself is taken, and so is the next one.
    e.post_expense(&admin, c.id, expense("1000000000000")).await.unwrap();
    e.post_expense(&admin, c.id, expense("1000000000000")).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "-2000000000000.00");
    let v = e.check_ledger().await.unwrap();
    assert!(v.is_empty(), "{v:?}");
});

backend_test!(async fn led1_a_balance_stops_at_a_hundred_maximal_amounts_and_money_back_is_taken(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let (c, _) = t.client("RICH", 0).await;
    for _ in 0..100 {
        e.credit_payment(&admin, c.id, payment("1000000000000")).await.unwrap();
    }
    assert_eq!(balance(e, &admin, c.id).await, "100000000000000.00");
    let err = e.credit_payment(&admin, c.id, payment("0.01")).await.unwrap_err();
    assert_eq!(err.code(), "balance_too_large");
    assert_eq!(
        err.to_string(),
        "this would take the balance to 100000000000000.0100, beyond the largest balance Kopek keeps, 100000000000000.0000 either way"
    );
    assert_eq!(e.payments(&admin, c.id).await.unwrap().len(), 100, "the refused payment left nothing");
    assert_eq!(balance(e, &admin, c.id).await, "100000000000000.00");
    // A movement towards zero is always taken.
    e.post_expense(&admin, c.id, expense("0.01")).await.unwrap();
    assert_eq!(balance(e, &admin, c.id).await, "99999999999999.99");
    let v = e.check_ledger().await.unwrap();
    assert!(v.is_empty(), "{v:?}");
});

backend_test!(async fn led1_prices_limits_and_usage_above_the_maximum_are_refused(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let spec = |price: &str, rate: &str| json!({ "spec": {
        "main": { "name": "Traffic", "kind": "periodic" },
        "fee": { "price": price, "write_off": "prepay", "period": "month", "currency": "RUB" },
        "additional": { "usage_rates": { "traffic_in:": rate } } }, "valid_from": "2026-01-01" });
    for (price, rate) in [("1000000000000.0001", "1"), ("1", "1000000000000.0001")] {
        let input: ServiceInput = serde_json::from_value(spec(price, rate)).unwrap();
        assert_eq!(e.create_service(&admin, input).await.unwrap_err().code(), "amount_too_large", "{price} {rate}");
    }
    let input: ServiceInput = serde_json::from_value(spec("0", "1000000000000")).unwrap();
    let traffic = e.create_service(&admin, input).await.unwrap().id;
    let (c, _) = t.client("LIM", 0).await;
    let changes = kopek_engine::accounts::clients::ClientChanges {
        credit_limit: Some(Amount("1000000000001".parse().unwrap())),
        ..Default::default()
    };
    assert_eq!(e.update_client(&admin, c.id, changes).await.unwrap_err().code(), "amount_too_large");
    let sub = e.connect(&admin, c.id, ConnectInput { service_id: traffic, tariff_id: None, discount_percent: None }).await.unwrap();
    let record = |id: &str, quantity: &str| UsageRecord {
        subscription_id: sub.id,
        record_id: id.into(),
        kind: "traffic_in".into(),
        class: String::new(),
        quantity: Amount(quantity.parse().unwrap()),
        recorded_at: e.now(),
        roaming: false,
    };
    let err = e.record_usage(&admin, vec![record("r1", "1000000000000.0001")]).await.unwrap_err();
    assert_eq!(err.code(), "amount_too_large");
    let v = e.check_ledger().await.unwrap();
    assert!(v.is_empty(), "{v:?}");
});
