//! Paid-period subscriptions (hosting style) on both backends: ordered for
//! months paid ahead, renewed by hand from the end of the paid time,
//! expired by the nightly run when not renewed, opened again by a renewal.

use chrono::{TimeZone, Utc};
use kopek_engine::billing::paid_period::{PaidPeriodOrder, Renewal, RenewalSettings};
use kopek_engine::catalog::services::ServiceInput;
use kopek_engine::testing::TestEngine;
use kopek_engine::{Ctx, Engine};
use kopek_store::backend_test;
use serde_json::json;

use crate::common::{balance, pay};

async fn vds(e: &Engine, admin: &Ctx, period: &str) -> i64 {
    let spec = json!({ "main": { "name": "VDS-2", "kind": "periodic" },
        "fee": { "price": "300.00", "write_off": "prepay", "period": period, "currency": "RUB", "vat_percent": "20" },
        "portal": { "orderable": true } });
    let input: ServiceInput = serde_json::from_value(json!({ "spec": spec, "valid_from": "2026-01-01" })).unwrap();
    e.create_service(admin, input).await.unwrap().id
}

fn order(service_id: i64, months: u32) -> PaidPeriodOrder {
    PaidPeriodOrder { service_id, months, auto_renew: true, saved_method_id: None }
}

backend_test!(async fn paid_period_order_pays_three_months_ahead_and_the_nightly_run_leaves_it_alone(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let service = vds(e, &admin, "month").await;
    let (c, user) = t.client("PP1", 0).await;
    pay(e, &admin, c.id, "1000.00").await;
    let short = e.order_paid_period(&user, c.id, order(service, 4)).await.unwrap_err();
    assert_eq!(short.code(), "insufficient_funds");
    assert!(e.subscriptions(&user, c.id).await.unwrap().is_empty(), "a refused order leaves nothing");
    // The clock reads 2026-03-01 09:00 UTC.
    let sub = e.order_paid_period(&user, c.id, order(service, 3)).await.unwrap();
    assert_eq!((sub.style.as_str(), sub.state.as_str()), ("paid_period", "active"));
    assert_eq!(sub.paid_until, Some(Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap()));
    assert_eq!((sub.renewal_months, sub.auto_renew, sub.charged_total.0.to_string()), (Some(3), true, "900.00".into()));
    assert_eq!(balance(e, &user, c.id).await, "100.00");
    let expenses = e.expenses(&user, c.id).await.unwrap();
    assert_eq!(expenses.len(), 1);
    assert_eq!((expenses[0].name.as_str(), expenses[0].tax.0.to_string()), ("VDS-2: 2026-03-01 – 2026-06-01", "150.00".into()));
    // A paid-ahead service is not charged by the nightly run.
    for d in 2..=20 {
        e.run_charges(&admin, chrono::NaiveDate::from_ymd_opt(2026, 3, d).unwrap(), false).await.unwrap();
    }
    assert_eq!(balance(e, &user, c.id).await, "100.00");
    // Money arriving after the paid time ran out pays nothing on its own:
    // only a renewal pays a paid period.
    t.clock.set(Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap());
    pay(e, &admin, c.id, "50.00").await;
    assert_eq!(balance(e, &user, c.id).await, "150.00");
    assert!(e.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn paid_period_renewal_continues_from_the_paid_end_and_pays_once_per_period(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let service = vds(e, &admin, "month").await;
    let (c, user) = t.client("PP2", 0).await;
    pay(e, &admin, c.id, "1300.00").await;
    let sub = e.order_paid_period(&user, c.id, order(service, 1)).await.unwrap();
    t.clock.set(Utc.with_ymd_and_hms(2026, 3, 25, 12, 0, 0).unwrap());
    let renewed = e.renew_subscription(&user, sub.id, Renewal { months: None }).await.unwrap();
    assert_eq!(renewed.paid_until, Some(Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap()));
    assert_eq!(balance(e, &user, c.id).await, "700.00");
    // The renewal period changes for the next renewals.
    let changed = e.set_renewal(&user, sub.id, RenewalSettings { months: Some(2), auto_renew: Some(false) }).await.unwrap();
    assert_eq!((changed.renewal_months, changed.auto_renew), (Some(2), false));
    assert_eq!(e.set_renewal(&user, sub.id, RenewalSettings { months: Some(0), auto_renew: None }).await.unwrap_err().code(), "invalid_field");
    let again = e.renew_subscription(&user, sub.id, Renewal { months: None }).await.unwrap();
    assert_eq!(again.paid_until, Some(Utc.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).unwrap()));
    assert_eq!(balance(e, &user, c.id).await, "100.00");
    let periods: Vec<_> = e.expenses(&user, c.id).await.unwrap().into_iter().map(|x| x.name).collect();
    assert_eq!(periods, vec!["VDS-2: 2026-03-01 – 2026-04-01", "VDS-2: 2026-04-01 – 2026-05-01", "VDS-2: 2026-05-01 – 2026-07-01"]);
});

backend_test!(async fn paid_period_not_renewed_expires_at_night_and_a_renewal_opens_it_from_now(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let service = vds(e, &admin, "month").await;
    let (c, user) = t.client("PP3", 0).await;
    pay(e, &admin, c.id, "600.00").await;
    let sub = e.order_paid_period(&user, c.id, order(service, 1)).await.unwrap();
    t.clock.set(Utc.with_ymd_and_hms(2026, 3, 31, 23, 0, 0).unwrap());
    assert_eq!(e.expire_paid_periods(&admin).await.unwrap(), 0, "still paid");
    t.clock.set(Utc.with_ymd_and_hms(2026, 4, 2, 0, 0, 0).unwrap());
    assert_eq!(e.expire_paid_periods(&admin).await.unwrap(), 1);
    assert_eq!(e.expire_paid_periods(&admin).await.unwrap(), 0, "a second run changes nothing");
    assert_eq!(e.subscription(&user, sub.id).await.unwrap().state, "expired");
    t.clock.set(Utc.with_ymd_and_hms(2026, 4, 5, 10, 0, 0).unwrap());
    let back = e.renew_subscription(&user, sub.id, Renewal { months: Some(1) }).await.unwrap();
    assert_eq!(back.state, "active");
    // The days it was off are not paid for.
    assert_eq!(back.paid_until, Some(Utc.with_ymd_and_hms(2026, 5, 5, 10, 0, 0).unwrap()));
    assert_eq!(balance(e, &user, c.id).await, "0.00");
    let history: Vec<_> = e.subscription_history(&user, sub.id).await.unwrap().into_iter().map(|h| h.to).collect();
    assert_eq!(history, vec!["active", "expired", "active"]);
    assert!(e.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn paid_period_quarterly_service_is_sold_by_quarters_only(db) {
    let t = TestEngine::over(db);
    let (e, admin) = (&t.engine, t.admin().await);
    let service = vds(e, &admin, "quarter").await;
    let (c, user) = t.client("PP4", 0).await;
    pay(e, &admin, c.id, "1000.00").await;
    let err = e.order_paid_period(&user, c.id, order(service, 2)).await.unwrap_err();
    assert!(err.to_string().contains("multiple of 3"), "{err}");
    let sub = e.order_paid_period(&user, c.id, order(service, 6)).await.unwrap();
    assert_eq!(sub.charged_total.0.to_string(), "600.00");
});
