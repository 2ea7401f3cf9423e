//! Money that arrives finishes what it was for, whichever way it arrives
//! (PMT-2, PMT-4, ORD-5, SVC-2): an order or a renewal paid by bank
//! transfer is credited by staff or by a 1C statement, and the order opens
//! its service, the renewal renews — on both backends, with exact amounts.

use chrono::{NaiveDate, TimeZone, Utc};
use kopek_domain::payer::PayerDetails;
use kopek_domain::product::ProductSpec;
use kopek_engine::billing::paid_period::{PaidPeriodOrder, RenewalByMethod};
use kopek_engine::catalog::services::ServiceInput;
use kopek_engine::core::amount::Amount;
use kopek_engine::ledger::entries::CreditPayment;
use kopek_engine::payments::bank_transfer::StatementLine;
use kopek_engine::payments::payers::PayerInput;
use kopek_engine::payments::start::PayByMethod;
use kopek_engine::shop::orders::{CartInput, Order};
use kopek_engine::shop::products::ProductInput;
use kopek_engine::testing::TestEngine;
use kopek_engine::{Ctx, Engine};
use kopek_store::backend_test;
use serde_json::json;

/// A client with a payer, and the provider's bank-transfer method.
struct Transfer {
    t: TestEngine,
    admin: Ctx,
    client: i64,
    user: Ctx,
    by_transfer: PayByMethod,
}

impl Transfer {
    async fn new(t: TestEngine, code: &str) -> Transfer {
        let admin = t.admin().await;
        let (client, user) = t.client(code, 0).await;
        let payer = PayerInput {
            kind: "individual".into(),
            details: PayerDetails { country: "RU".into(), name: "Пётр Петров".into(), ..PayerDetails::default() },
        };
        let payer = t.engine.create_payer(&user, client.id, payer).await.unwrap();
        let method = crate::common::method_input("bank", "Bank transfer", "bank_transfer");
        let method = t.engine.create_payment_method(&admin, method).await.unwrap();
        let by_transfer = PayByMethod { method_id: method.id, payer_id: payer.id, save_method: false, return_url: None };
        Transfer { t, admin, client: client.id, user, by_transfer }
    }

    fn e(&self) -> &Engine {
        &self.t.engine
    }

    async fn balance(&self) -> String {
        self.e().balance(&self.user, self.client).await.unwrap().balance.0.to_string()
    }

    /// A month of a VDS at 300.00, ordered by bank transfer: the order
    /// waits for its money.
    async fn order_by_transfer(&self) -> Order {
        let spec: ProductSpec = serde_json::from_value(json!({
            "name": "VDS Basic", "product_type": "virtual_server", "currency": "RUB",
            "prices": [{ "months": 1, "price": "300.00" }], "tax_percent": "20", "tax_included": true,
        }))
        .unwrap();
        let product = self.e().create_product(&self.admin, ProductInput { spec, hook: None, archived: false }).await.unwrap();
        let item = CartInput {
            product_id: product.id,
            config: serde_json::from_value(json!({ "months": 1 })).unwrap(),
            auto_renew: false,
            promo_code: None,
        };
        let order = self.e().order_now(&self.user, self.client, item, Some(self.by_transfer.clone())).await.unwrap();
        assert_eq!(order.status, "awaiting_payment");
        assert_eq!(order.total.0.to_string(), "300.00");
        order
    }

    async fn order_opened(&self, order_id: i64) {
        let order = self.e().order(&self.user, order_id).await.unwrap();
        assert_eq!(order.status, "paid", "the money arrived, so the order is paid");
        let sub = order.items[0].subscription_id.expect("the paid item became a service");
        assert_eq!(order.items[0].service_state.as_deref(), Some("active"));
        let service = self.e().client_service(&self.user, sub).await.unwrap();
        assert_eq!(service.state, "active");
        // 300.00 came in and paid the month: nothing left, nothing owed.
        assert_eq!(self.balance().await, "0.00");
        let expenses = self.e().expenses(&self.user, self.client).await.unwrap();
        assert_eq!(expenses.len(), 1);
        assert_eq!((expenses[0].amount.0.to_string(), expenses[0].unpaid.0.to_string()), ("300.00".into(), "0.00".into()));
        assert!(self.e().check_ledger().await.unwrap().is_empty());
    }
}

backend_test!(async fn pmt4_ord5_an_order_paid_by_bank_transfer_and_credited_by_staff_opens_its_service(db) {
    let w = Transfer::new(TestEngine::over(db), "MIN1").await;
    let order = w.order_by_transfer().await;
    let payment = order.payment.expect("the order's payment");
    assert_eq!(payment.status, "new");
    w.e().credit_awaiting_payment(&w.admin, payment.id).await.unwrap();
    w.order_opened(order.id).await;
    // Crediting it again is refused and changes nothing.
    assert_eq!(w.e().credit_awaiting_payment(&w.admin, payment.id).await.unwrap_err().code(), "payment_not_awaiting");
    w.order_opened(order.id).await;
});

backend_test!(async fn pmt4_ord5_an_order_paid_by_a_transfer_in_a_1c_statement_opens_its_service(db) {
    let w = Transfer::new(TestEngine::over(db), "MIN2").await;
    let order = w.order_by_transfer().await;
    let payment = order.payment.expect("the order's payment");
    let line = StatementLine {
        line: 7,
        number: "512".into(),
        date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        amount: Amount("300.00".parse().unwrap()),
        payer: Some("Петров Пётр".into()),
        purpose: format!("Оплата по счёту {} за VDS Basic, НДС не облагается", payment.number),
    };
    let report = w.e().import_bank_statement(&w.admin, vec![line.clone()]).await.unwrap();
    assert_eq!(report.credited, 1);
    w.order_opened(order.id).await;
    let again = w.e().import_bank_statement(&w.admin, vec![line]).await.unwrap();
    assert_eq!(again.credited, 0);
    w.order_opened(order.id).await;
});

backend_test!(async fn pmt2_svc2_a_renewal_paid_by_bank_transfer_renews_when_staff_credit_it(db) {
    let w = Transfer::new(TestEngine::over(db), "MIN3").await;
    let spec = json!({ "main": { "name": "VDS-2", "kind": "periodic" },
        "fee": { "price": "300.00", "write_off": "prepay", "period": "month", "currency": "RUB", "vat_percent": "20" },
        "portal": { "orderable": true } });
    let service = w.e().create_service(&w.admin, serde_json::from_value::<ServiceInput>(json!({ "spec": spec, "valid_from": "2026-01-01" })).unwrap())
        .await.unwrap().id;
    let money = CreditPayment { amount: Amount("300.00".parse().unwrap()), currency: "RUB".into(), method: "manual".into(), comment: String::new() };
    w.e().credit_payment(&w.admin, w.client, money).await.unwrap();
    let order = PaidPeriodOrder { service_id: service, months: 1, auto_renew: false, saved_method_id: None };
    let sub = w.e().order_paid_period(&w.user, w.client, order).await.unwrap();
    assert_eq!(sub.paid_until, Some(Utc.with_ymd_and_hms(2026, 4, 1, 9, 0, 0).unwrap()));
    assert_eq!(w.balance().await, "0.00");
    // Two months by transfer: 600.00 to pay, nothing renewed until it comes.
    let req = RenewalByMethod { months: Some(2), method: w.by_transfer.clone() };
    let payment = w.e().renew_by_method(&w.user, sub.id, req).await.unwrap();
    assert_eq!((payment.status.as_str(), payment.amount.0.to_string()), ("new", "600.00".into()));
    let waiting = w.e().subscription(&w.user, sub.id).await.unwrap();
    assert_eq!(waiting.paid_until, Some(Utc.with_ymd_and_hms(2026, 4, 1, 9, 0, 0).unwrap()));
    w.e().credit_awaiting_payment(&w.admin, payment.id).await.unwrap();
    let renewed = w.e().subscription(&w.user, sub.id).await.unwrap();
    assert_eq!(renewed.paid_until, Some(Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap()));
    assert_eq!(renewed.state, "active");
    assert_eq!(w.balance().await, "0.00");
    let expenses = w.e().expenses(&w.user, w.client).await.unwrap();
    let amounts: Vec<_> = expenses.iter().map(|x| (x.amount.0.to_string(), x.unpaid.0.to_string())).collect();
    assert_eq!(amounts, vec![("300.00".to_string(), "0.00".to_string()), ("600.00".into(), "0.00".into())]);
    assert!(w.e().check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn pmt4_a_transfer_the_payer_cancelled_is_still_credited_when_the_bank_brings_it(db) {
    let w = Transfer::new(TestEngine::over(db), "MIN4").await;
    let order = w.order_by_transfer().await;
    let payment = order.payment.expect("the order's payment");
    w.e().cancel_payment(&w.user, payment.id).await.unwrap();
    assert_eq!(w.e().payment(&w.user, payment.id).await.unwrap().status, "cancelled");
    // The payer paid the invoice anyway: the bank holds the money.
    let line = StatementLine {
        line: 3,
        number: "77".into(),
        date: NaiveDate::from_ymd_opt(2026, 3, 3).unwrap(),
        amount: Amount("300.00".parse().unwrap()),
        payer: None,
        purpose: format!("Оплата по счёту {}", payment.number),
    };
    let report = w.e().import_bank_statement(&w.admin, vec![line]).await.unwrap();
    assert_eq!(report.credited, 1, "{:?}", report.results);
    assert_eq!(w.e().payment(&w.user, payment.id).await.unwrap().status, "credited");
    w.order_opened(order.id).await;
});
