//! Products, the order form, the cart, promo codes, checkout and the life
//! of the service opened through its provisioning hook (CAT-13, ORD-1 …
//! ORD-5, SVC-1 … SVC-3) on both backends, with exact amounts.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use kopek_domain::product::ProductSpec;
use kopek_domain::product::life::Action;
use kopek_domain::product::quote::OrderConfig;
use kopek_engine::core::amount::Amount;
use kopek_engine::ledger::entries::CreditPayment;
use kopek_engine::service_life::provisioning::{HookAnswer, HookError};
use kopek_engine::shop::orders::{CartInput, Checkout};
use kopek_engine::shop::products::{ProductInput, PromoInput, QuoteRequest};
use kopek_engine::testing::{ScriptedHooks, TestEngine};
use kopek_engine::{Ctx, Engine};
use kopek_store::backend_test;
use serde_json::json;
use std::sync::Arc;

fn vds(tax_included: bool) -> ProductSpec {
    serde_json::from_value(json!({
        "name": "VDS Fast", "product_type": "virtual_server", "currency": "RUB",
        "parameters": [{ "name": "CPU", "value": "2 ядра" }],
        "prices": [{ "months": 1, "price": "300.00" }, { "months": 12, "price": "3240.00" }],
        "addons": [
            { "code": "ipv4", "name": "Публичные IPv4-адреса", "unit": "Шт.", "unit_price": "150.00", "included": 1, "min": 1, "max": 8, "default": 1 },
            { "code": "disk", "name": "Диск", "unit": "ГиБ", "unit_price": "2.00", "included": 10, "min": 10, "max": 500, "default": 10 }
        ],
        "tax_percent": "20", "tax_included": tax_included, "needs_domain": true, "align_to_month_start": true,
        "deletion": { "allowed": true, "refund_unused": true }, "instructions": "Логин и пароль пришлём письмом",
        "integration": { "activation_params": "vlan=100 speed=100M", "nas": "nas-1", "ip_pool": "public-v4" },
        "accounts": { "create_on_connect": true, "count": 2, "login_prefix": "tv" }
    }))
    .unwrap()
}

fn config(ipv4: u32, disk: u32) -> OrderConfig {
    OrderConfig {
        months: 1,
        addons: [("ipv4".to_string(), ipv4), ("disk".to_string(), disk)].into(),
        domain: Some("myserver123".into()),
    }
}

fn promo(code: &str, value: serde_json::Value, to: &str, max: Option<u32>, products: Vec<i64>) -> PromoInput {
    PromoInput {
        promo: serde_json::from_value(json!({
            "code": code, "value": value, "valid_from": "2026-01-01", "valid_to": to,
            "max_uses": max, "max_uses_per_client": 1, "products": products,
        }))
        .unwrap(),
    }
}

struct Shop {
    t: TestEngine,
    e: Engine,
    hooks: Arc<ScriptedHooks>,
    admin: Ctx,
}

impl Shop {
    async fn new(t: TestEngine) -> Shop {
        let hooks = ScriptedHooks::new();
        let e = t.engine.clone().with_hooks(Arc::new(hooks.clone()));
        let admin = t.admin().await;
        Shop { t, e, hooks, admin }
    }

    async fn product(&self, spec: ProductSpec, hook: bool) -> i64 {
        let hook =
            hook.then(|| serde_json::from_value(json!({ "kind": "script", "program": "/usr/local/bin/vds-hook" })).unwrap());
        self.e.create_product(&self.admin, ProductInput { spec, hook, archived: false }).await.unwrap().id
    }

    async fn client(&self, code: &str, money: &str) -> (i64, Ctx) {
        let (c, user) = self.t.client(code, 0).await;
        if money == "0" {
            return (c.id, user);
        }
        let req = CreditPayment {
            amount: Amount(money.parse().unwrap()),
            currency: "RUB".into(),
            method: "manual".into(),
            comment: String::new(),
        };
        self.e.credit_payment(&self.admin, c.id, req).await.unwrap();
        (c.id, user)
    }

    async fn balance(&self, ctx: &Ctx, client: i64) -> String {
        self.e.balance(ctx, client).await.unwrap().balance.0.to_string()
    }

    /// Runs the outbox's provisioning work due now.
    async fn work(&self) {
        self.e.standard_worker("test").run_once().await.unwrap();
    }

    /// 11 March 2026, 00:00 provider time: 21 of March's 31 days are left.
    fn mid_march(&self) {
        self.t.clock.set(Utc.with_ymd_and_hms(2026, 3, 10, 21, 0, 0).unwrap());
    }
}

fn line(code: Option<&str>, until: &str, then: &str) -> (Option<String>, String, String) {
    (code.map(str::to_string), until.to_string(), then.to_string())
}

backend_test!(async fn ord1_the_order_form_prices_a_configuration_mid_month_tax_included_and_not(db) {
    let s = Shop::new(TestEngine::over(db)).await;
    let included = s.product(vds(true), false).await;
    let excluded = s.product(vds(false), false).await;
    let (client, user) = s.client("OR1", "0").await;
    s.mid_march();
    let q = s.e.quote_order(&user, client, QuoteRequest { product_id: included, config: config(2, 30), promo_code: None }).await.unwrap().quote;
    let lines: Vec<_> = q.lines.iter().map(|l| (l.code.clone(), l.until_end.to_string(), l.per_period.to_string())).collect();
    assert_eq!(lines, vec![line(None, "203.23", "300.00"), line(Some("ipv4"), "101.61", "150.00"), line(Some("disk"), "27.10", "40.00")]);
    assert_eq!(q.first_period_ends.to_string(), "2026-04-01 00:00:00");
    assert_eq!((q.base.to_string(), q.configuration.to_string(), q.first_period.to_string()), ("300.00".into(), "190.00".into(), "331.94".into()));
    assert_eq!((q.tax.to_string(), q.to_pay.to_string(), q.then_per_period.to_string()), ("55.32".into(), "331.94".into(), "490.00".into()));
    let q = s.e.quote_order(&user, client, QuoteRequest { product_id: excluded, config: config(2, 30), promo_code: None }).await.unwrap().quote;
    assert_eq!((q.tax.to_string(), q.to_pay.to_string(), q.then_per_period.to_string()), ("66.39".into(), "398.33".into(), "588.00".into()));
    // Outside the product: refused with the field.
    let bad = s.e.quote_order(&user, client, QuoteRequest { product_id: included, config: config(9, 30), promo_code: None }).await;
    assert_eq!(bad.unwrap_err().code(), "invalid_field");
});

backend_test!(async fn ord3_promo_codes_in_percent_and_money_and_the_reasons_one_does_not_apply(db) {
    let s = Shop::new(TestEngine::over(db)).await;
    let a = s.product(vds(true), false).await;
    let b = s.product(vds(false), false).await;
    s.e.create_promo(&s.admin, promo("SPRING15", json!({ "kind": "percent", "value": "15" }), "2026-03-31", Some(2), vec![])).await.unwrap();
    s.e.create_promo(&s.admin, promo("MINUS100", json!({ "kind": "fixed", "value": "100.00" }), "2026-12-31", None, vec![a])).await.unwrap();
    s.e.create_promo(&s.admin, promo("WINTER", json!({ "kind": "percent", "value": "50" }), "2026-02-28", None, vec![])).await.unwrap();
    let dup = s.e.create_promo(&s.admin, promo("spring15", json!({ "kind": "percent", "value": "5" }), "2026-03-31", None, vec![])).await;
    assert_eq!(dup.unwrap_err().code(), "promo_exists");
    let (c1, u1) = s.client("PR1", "1000.00").await;
    let (c2, u2) = s.client("PR2", "1000.00").await;
    let (c3, u3) = s.client("PR3", "1000.00").await;
    s.mid_march();
    let ask = |product: i64, code: &str| QuoteRequest { product_id: product, config: config(2, 30), promo_code: Some(code.into()) };
    let q = s.e.quote_order(&u1, c1, ask(a, "spring15")).await.unwrap().quote;
    assert_eq!((q.discount.to_string(), q.tax.to_string(), q.to_pay.to_string()), ("49.79".into(), "47.03".into(), "282.15".into()));
    let q = s.e.quote_order(&u1, c1, ask(a, "MINUS100")).await.unwrap().quote;
    assert_eq!((q.discount.to_string(), q.tax.to_string(), q.to_pay.to_string()), ("100.00".into(), "38.66".into(), "231.94".into()));
    let refused = |r: kopek_engine::Result<kopek_engine::shop::products::OrderQuote>| {
        let e = r.unwrap_err();
        (e.code().to_string(), e.to_string())
    };
    let (code, why) = refused(s.e.quote_order(&u1, c1, ask(a, "WINTER")).await);
    assert_eq!(code, "promo_expired");
    assert!(why.contains("expired on 2026-02-28"), "{why}");
    assert_eq!(refused(s.e.quote_order(&u1, c1, ask(b, "MINUS100")).await).0, "promo_not_for_product");
    assert_eq!(refused(s.e.quote_order(&u1, c1, ask(a, "NOPE")).await).0, "promo_unknown");
    // Two uses in all: the third client is refused, the first can't reuse it.
    for (c, u) in [(c1, &u1), (c2, &u2)] {
        let input = CartInput { product_id: a, config: config(2, 30), auto_renew: true, promo_code: Some("SPRING15".into()) };
        let order = s.e.order_now(u, c, input, None).await.unwrap();
        assert_eq!((order.status.as_str(), order.total.0.to_string()), ("paid", "282.15".into()));
    }
    assert_eq!(refused(s.e.quote_order(&u3, c3, ask(a, "SPRING15")).await).0, "promo_used_up");
    assert_eq!(s.balance(&u1, c1).await, "717.85");
});

backend_test!(async fn ord2_cart_edit_remove_checkout_some_from_the_balance_then_open_and_renew_at_the_products_price(db) {
    let s = Shop::new(TestEngine::over(db)).await;
    let vds_id = s.product(vds(true), true).await;
    let (client, user) = s.client("OR2", "600.00").await;
    s.mid_march();
    let add = |ipv4: u32| CartInput { product_id: vds_id, config: config(ipv4, 30), auto_renew: true, promo_code: None };
    s.e.add_to_cart(&user, client, add(1)).await.unwrap();
    let cart = s.e.add_to_cart(&user, client, add(3)).await.unwrap();
    assert_eq!(cart.items.len(), 2);
    assert_eq!(cart.to_pay.0.to_string(), "663.89", "230.33 + 433.56");
    let (first, second) = (cart.items[0].id, cart.items[1].id);
    let cart = s.e.update_cart_item(&user, first, add(2)).await.unwrap();
    assert_eq!(cart.items[0].quote.as_ref().unwrap().to_pay.to_string(), "331.94");
    let bad = s.e.update_cart_item(&user, first, add(0)).await.unwrap_err();
    assert_eq!(bad.code(), "invalid_field");
    let twice = s.e.checkout(&user, client, Checkout { items: vec![first, first], method: None }).await.unwrap_err();
    assert_eq!(twice.code(), "invalid_field", "an item is bought once");
    // Too little money for both; the first alone is fine.
    let short = s.e.checkout(&user, client, Checkout { items: vec![first, second], method: None }).await.unwrap_err();
    assert_eq!(short.code(), "insufficient_funds");
    let order = s.e.checkout(&user, client, Checkout { items: vec![first], method: None }).await.unwrap();
    assert_eq!((order.status.as_str(), order.total.0.to_string(), order.tax.0.to_string()), ("paid", "331.94".into(), "55.32".into()));
    assert_eq!(s.balance(&user, client).await, "268.06");
    let cart = s.e.cart(&user, client).await.unwrap();
    assert_eq!(cart.items.iter().map(|i| i.id).collect::<Vec<_>>(), vec![second], "what was not chosen stays");
    let sub = order.items[0].subscription_id.unwrap();
    assert_eq!(order.items[0].service_state.as_deref(), Some("processing:opening"));
    let service = s.e.client_service(&user, sub).await.unwrap();
    assert_eq!(service.paid_until, Some(Utc.with_ymd_and_hms(2026, 3, 31, 21, 0, 0).unwrap()));
    let expenses = s.e.expenses(&user, client).await.unwrap();
    assert_eq!((expenses[0].amount.0.to_string(), expenses[0].tax.0.to_string()), ("331.94".into(), "55.32".into()));

    // The worker opens it through the hook, with the service's parameters.
    s.work().await;
    let service = s.e.client_service(&user, sub).await.unwrap();
    assert_eq!((service.state.as_str(), service.state_label.as_str()), ("active", "Активен"));
    let call = &s.hooks.calls()[0];
    assert_eq!(call.action.as_str(), "open");
    assert_eq!((call.params["domain"].as_str(), call.params["addon.ipv4"].as_str(), call.params["addon.disk"].as_str()), ("myserver123", "2", "30"));
    assert_eq!(call.params["param.CPU"], "2 ядра");
    // CAT-8: the catalog's integration options reach the hook.
    let cat8: Vec<&str> = ["activation_params", "nas", "ip_pool", "accounts.count", "accounts.login_prefix"]
        .iter().map(|k| call.params[*k].as_str()).collect();
    assert_eq!(cat8, vec!["vlan=100 speed=100M", "nas-1", "public-v4", "2", "tv"]);
    let listed: Vec<(i64, String)> = s.e.client_services(&user, client).await.unwrap().into_iter().map(|c| (c.subscription_id, c.state)).collect();
    assert_eq!(listed, vec![(sub, "active".to_string())]);
    // "Вопрос": kept with the service for support.
    let q = s.e.ask_about_service(&user, sub, kopek_engine::service_life::questions::AskQuestion { text: " Как сменить ОС? ".into() }).await.unwrap();
    assert_eq!((q.text.as_str(), q.asked_by.as_str()), ("Как сменить ОС?", "or2@client.test"));
    // SUP-1: it is a ticket about the service, not sorted into a department yet.
    let ticket = s.e.ticket(&user, q.ticket_id.unwrap()).await.unwrap().ticket;
    assert_eq!((ticket.subject, ticket.subscription_id, ticket.department_id), (format!("#{sub}: Как сменить ОС?"), Some(sub), None));
    let empty = kopek_engine::service_life::questions::AskQuestion { text: "  ".into() };
    assert_eq!(s.e.ask_about_service(&user, sub, empty).await.unwrap_err().code(), "invalid_field");
    assert_eq!(s.e.service_questions(&s.admin, sub).await.unwrap().len(), 1);
    let orders = s.e.orders(&user, client).await.unwrap();
    assert_eq!((orders.paid.len(), orders.awaiting_payment.len()), (1, 0));
    assert_eq!(orders.paid[0].items[0].instructions.as_deref(), Some("Логин и пароль пришлём письмом"));

    // Renewed on the eve of 1 April at the product's price.
    let req = CreditPayment { amount: Amount("300.00".parse().unwrap()), currency: "RUB".into(), method: "manual".into(), comment: String::new() };
    s.e.credit_payment(&s.admin, client, req).await.unwrap();
    let night = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
    s.t.clock.set(Utc.with_ymd_and_hms(2026, 3, 30, 23, 0, 0).unwrap());
    s.e.run_night(&Ctx::system("night"), night).await.unwrap();
    assert_eq!(s.balance(&user, client).await, "78.06", "568.06 - 490.00");
    assert_eq!(s.e.client_service(&user, sub).await.unwrap().paid_until, Some(Utc.with_ymd_and_hms(2026, 4, 30, 21, 0, 0).unwrap()));
    assert!(s.e.check_ledger().await.unwrap().is_empty());
});

// PMT-7: "Тип продукта" in the list of auto-renewing services is the
// product's type; a catalog service ordered as it is, an ISP service.
backend_test!(async fn pmt7_auto_renewals_show_the_product_type_not_the_service_kind(db) {
    let s = Shop::new(TestEngine::over(db)).await;
    let vds_id = s.product(vds(true), false).await;
    let mut ssl = vds(true);
    ssl.name = "SSL Basic".into();
    ssl.product_type = kopek_domain::product::ProductType::SslCertificate;
    let ssl_id = s.product(ssl, false).await;
    let spec = json!({ "spec": { "main": { "name": "Internet", "kind": "periodic" },
        "fee": { "price": "300.00", "write_off": "prepay", "period": "month", "currency": "RUB" },
        "portal": { "orderable": true } }, "valid_from": "2026-01-01" });
    let internet = s.e.create_service(&s.admin, serde_json::from_value(spec).unwrap()).await.unwrap().id;
    let (client, user) = s.client("OR7", "2000.00").await;
    s.mid_march();
    for product in [vds_id, ssl_id] {
        s.e.order_now(&user, client, CartInput { product_id: product, config: config(1, 10), auto_renew: true, promo_code: None }, None)
            .await
            .unwrap();
    }
    let order = kopek_engine::billing::paid_period::PaidPeriodOrder { service_id: internet, months: 1, auto_renew: true, saved_method_id: None };
    s.e.order_paid_period(&user, client, order).await.unwrap();
    let list = s.e.auto_renewals(&user, client).await.unwrap();
    let types: Vec<(&str, &str, &str)> =
        list.iter().map(|r| (r.service_name.as_str(), r.product_type.as_str(), r.product_type_label.as_str())).collect();
    assert_eq!(
        types,
        vec![
            ("VDS Fast", "virtual_server", "Виртуальный сервер"),
            ("SSL Basic", "ssl_certificate", "SSL сертификат"),
            ("Internet", "isp_service", "Услуги связи"),
        ]
    );
});

backend_test!(async fn svc3_a_failing_hook_is_retried_and_answers_move_the_state(db) {
    let s = Shop::new(TestEngine::over(db)).await;
    let vds_id = s.product(vds(true), true).await;
    let (client, user) = s.client("OR3", "1000.00").await;
    s.mid_march();
    s.hooks.answer(Ok(HookAnswer::Failed { message: "no capacity in the rack".into() }));
    let order = s.e.order_now(&user, client, CartInput { product_id: vds_id, config: config(1, 10), auto_renew: false, promo_code: None }, None)
        .await
        .unwrap();
    let sub = order.items[0].subscription_id.unwrap();
    s.work().await;
    let staff_view = s.e.client_service(&s.admin, sub).await.unwrap();
    assert_eq!((staff_view.state.as_str(), staff_view.error.as_deref()), ("processing:opening", Some("no capacity in the rack")));
    assert_eq!(s.e.client_service(&user, sub).await.unwrap().error, None, "the client does not see the hook's error");
    // Retried after its backoff: it works.
    s.t.clock.advance(Duration::seconds(10));
    s.work().await;
    let view = s.e.client_service(&user, sub).await.unwrap();
    assert_eq!(view.state, "active");
    assert_eq!(view.operations.iter().map(|o| (o.action.as_str(), o.status.as_str(), o.attempts)).collect::<Vec<_>>(), vec![("open", "done", 2)]);
    // Stop and start by the client.
    let stopping = s.e.service_action(&user, sub, Action::Stop).await.unwrap();
    assert_eq!(stopping.state, "processing:turning_off");
    assert_eq!(s.e.service_action(&user, sub, Action::Stop).await.unwrap_err().code(), "invalid_field", "one operation at a time");
    s.work().await;
    assert_eq!(s.e.client_service(&user, sub).await.unwrap().state, "stopped");
    s.e.service_action(&user, sub, Action::Start).await.unwrap();
    s.work().await;
    assert_eq!(s.e.client_service(&user, sub).await.unwrap().state, "active");
    assert_eq!(s.hooks.calls().iter().map(|c| c.action.as_str()).collect::<Vec<_>>(), vec!["open", "open", "stop", "start"]);
    // A second service: the hook says it needs setting up; another has no stock.
    s.hooks.answer(Ok(HookAnswer::NeedsSetup { message: "choose an OS".into() }));
    s.hooks.answer(Err(HookError::Protocol("garbage".into())));
    let o2 = s.e.order_now(&user, client, CartInput { product_id: vds_id, config: config(1, 10), auto_renew: false, promo_code: None }, None)
        .await
        .unwrap();
    s.work().await;
    assert_eq!(s.e.client_service(&user, o2.items[0].subscription_id.unwrap()).await.unwrap().state, "needs_setup");
    let o3 = s.e.order_now(&user, client, CartInput { product_id: vds_id, config: config(1, 10), auto_renew: false, promo_code: None }, None)
        .await
        .unwrap();
    s.work().await;
    let broken = s.e.client_service(&s.admin, o3.items[0].subscription_id.unwrap()).await.unwrap();
    assert_eq!((broken.state.as_str(), broken.operations[0].status.as_str()), ("processing:opening", "failed"), "an answer not understood is not retried");
    assert!(broken.error.unwrap().contains("garbage"));
});

backend_test!(async fn svc2_an_addon_raised_mid_period_charges_the_prorated_difference_lowered_refunds_per_rule_and_delete(db) {
    let s = Shop::new(TestEngine::over(db)).await;
    let refunding = s.product(vds(true), false).await;
    let mut keeping_spec = vds(true);
    keeping_spec.deletion = serde_json::from_value(json!({ "allowed": true, "refund_unused": false })).unwrap();
    let keeping = s.product(keeping_spec, false).await;
    let mut fixed_spec = vds(true);
    fixed_spec.deletion = serde_json::from_value(json!({ "allowed": false, "refund_unused": false })).unwrap();
    let fixed = s.product(fixed_spec, false).await;
    let (client, user) = s.client("OR4", "2000.00").await;
    s.mid_march();
    let mut subs = Vec::new();
    for product in [refunding, keeping, fixed, refunding] {
        let order = s.e.order_now(&user, client, CartInput { product_id: product, config: config(1, 10), auto_renew: true, promo_code: None }, None)
            .await
            .unwrap();
        assert_eq!(order.total.0.to_string(), "203.23");
        subs.push(order.items[0].subscription_id.unwrap());
    }
    assert_eq!(s.balance(&user, client).await, "1187.08");
    // 21 March 00:00: 11 of March's 31 days are left. Two more IPv4
    // addresses cost 300.00 a month: 106.45 for the rest of March.
    s.t.clock.set(Utc.with_ymd_and_hms(2026, 3, 20, 21, 0, 0).unwrap());
    let ipv4 = |n: u32| kopek_engine::service_life::changes::ServiceChange { addons: [("ipv4".to_string(), n)].into() };
    // SVC-2: the difference is shown before the change is confirmed, and
    // showing it changes nothing.
    assert_eq!(s.e.preview_service_change(&user, subs[0], ipv4(3)).await.unwrap().0.to_string(), "106.45");
    assert_eq!(s.balance(&user, client).await, "1187.08");
    assert_eq!(s.e.preview_service_change(&user, subs[0], ipv4(9)).await.unwrap_err().code(), "invalid_field");
    let up = s.e.change_service(&user, subs[0], ipv4(3)).await.unwrap();
    assert_eq!((up.difference.0.to_string(), up.service.config.addons["ipv4"]), ("106.45".into(), 3));
    assert_eq!(s.balance(&user, client).await, "1080.63");
    assert_eq!(s.e.change_service(&user, subs[0], ipv4(3)).await.unwrap_err().code(), "invalid_field", "nothing to change");
    assert_eq!(s.e.change_service(&user, subs[0], ipv4(9)).await.unwrap_err().code(), "invalid_field");
    // Deleting gives back the unused part of each charge of the period:
    // 203.23 paid for 21 days from 11 March (11 left) and 106.45 for the
    // 11 days from now: 106.45 + 106.45.
    let gone = s.e.delete_service(&user, subs[0]).await.unwrap();
    assert_eq!((gone.difference.0.to_string(), gone.service.state.as_str(), gone.service.auto_renew), ("-212.90".into(), "deleted", false));
    assert_eq!(s.balance(&user, client).await, "1293.53");
    assert_eq!(s.e.delete_service(&user, subs[0]).await.unwrap_err().code(), "invalid_field", "deleted already");

    // Lowered a minute later: the product refunds what the minute left.
    s.e.change_service(&user, subs[3], ipv4(3)).await.unwrap();
    s.t.clock.advance(Duration::minutes(1));
    let down = s.e.change_service(&user, subs[3], ipv4(1)).await.unwrap();
    assert_eq!(down.difference.0.to_string(), "-106.44");
    assert_eq!(s.balance(&user, client).await, "1293.52");
    // A product that keeps what was paid: raising costs, lowering gives nothing back.
    s.e.change_service(&user, subs[1], ipv4(3)).await.unwrap();
    let down = s.e.change_service(&user, subs[1], ipv4(1)).await.unwrap();
    assert_eq!(down.difference.0.to_string(), "0");
    assert_eq!(s.balance(&user, client).await, "1187.08", "106.44 for the rest of March from 00:01");
    assert_eq!(s.e.delete_service(&user, subs[1]).await.unwrap().difference.0.to_string(), "0");
    assert_eq!(s.e.delete_service(&user, subs[2]).await.unwrap_err().code(), "invalid_field", "this product can't be deleted");
    assert!(s.e.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn ord5_an_order_paid_by_the_sandbox_gateway_opens_once_paid_and_keeps_its_method(db) {
    let s = Shop::new(TestEngine::over(db)).await;
    let gw = kopek_engine::testing::CardGateway::new();
    let e = s.e.clone().with_gateway(gw.clone());
    let vds_id = s.product(vds(true), true).await;
    let (client, user) = s.client("OR5", "0").await;
    let payer = e.create_payer(&user, client, kopek_engine::payments::payers::PayerInput {
        kind: "individual".into(),
        details: kopek_domain::payer::PayerDetails { country: "RU".into(), name: "Анна".into(), ..Default::default() },
    }).await.unwrap().id;
    let method: kopek_engine::payments::methods::MethodInput = serde_json::from_value(json!({
        "prefix": "sbx", "name": "Карта", "gateway": "sandbox", "currency": "RUB", "payer_kinds": ["individual"],
    })).unwrap();
    let method = e.create_payment_method(&s.admin, method).await.unwrap().id;
    s.mid_march();
    let by_card = kopek_engine::payments::start::PayByMethod { method_id: method, payer_id: payer, save_method: false, return_url: None };
    let input = CartInput { product_id: vds_id, config: config(2, 30), auto_renew: true, promo_code: None };
    let order = e.order_now(&user, client, input, Some(by_card)).await.unwrap();
    assert_eq!((order.status.as_str(), order.pay_by.as_str(), order.total.0.to_string()), ("awaiting_payment", "method", "331.94".into()));
    let payment = order.payment.clone().unwrap();
    let external = payment.flow.as_ref().unwrap().external_id.clone().unwrap();
    assert!(payment.flow.unwrap().confirmation_url.unwrap().contains(&external));
    assert_eq!(e.orders(&user, client).await.unwrap().awaiting_payment.len(), 1);
    let same = e.pay_order(&user, order.id, None).await.unwrap();
    assert_eq!(same.payment.unwrap().id, payment.id, "an open payment is finished, not doubled");
    // The payer gives up on the page: still awaiting; "Платеж" starts a new
    // payment by the same method.
    let body = gw.pay(&external, false);
    let req = kopek_engine::payments::gateway::WebhookRequest { headers: &[], body: &body, remote_ip: None, now: e.now() };
    e.gateway_webhook(kopek_engine::payments::gateway::GatewayKind::Sandbox, &req).await.unwrap();
    assert_eq!(e.order(&user, order.id).await.unwrap().status, "awaiting_payment");
    let again = e.pay_order(&user, order.id, None).await.unwrap();
    let second = again.payment.unwrap();
    assert_ne!(second.id, payment.id);
    assert_eq!(second.flow.as_ref().unwrap().method_id, Some(method));
    let body = gw.pay(second.flow.as_ref().unwrap().external_id.as_deref().unwrap(), true);
    let req = kopek_engine::payments::gateway::WebhookRequest { headers: &[], body: &body, remote_ip: None, now: e.now() };
    assert_eq!(e.gateway_webhook(kopek_engine::payments::gateway::GatewayKind::Sandbox, &req).await.unwrap().outcome, "credited");
    let paid = e.order(&user, order.id).await.unwrap();
    assert_eq!((paid.status.as_str(), paid.items[0].service_state.as_deref()), ("paid", Some("processing:opening")));
    assert_eq!(s.balance(&user, client).await, "0.00", "the payment paid the order, nothing more");
    assert_eq!(e.pay_order(&user, order.id, None).await.unwrap_err().code(), "order_not_awaiting");
    e.standard_worker("test").run_once().await.unwrap();
    assert_eq!(e.client_service(&user, paid.items[0].subscription_id.unwrap()).await.unwrap().state, "active");
    assert!(e.check_ledger().await.unwrap().is_empty());
});
