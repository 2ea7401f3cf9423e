//! The demo data set (OPS-5): `kopek serve --demo` fills every portal
//! screen — payers of each kind, months of charges, a credit invoice,
//! services bought in the shop in several states — and the ledger holds.

use kopek_engine::Ctx;
use kopek_engine::testing::TestEngine;
use kopek_store::backend_test;

backend_test!(async fn ops5_the_demo_fills_every_screen_and_keeps_the_ledger(db) {
    let t = TestEngine::over(db);
    let logins = t.engine.load_demo().await.unwrap().expect("an empty database takes the demo");
    assert_eq!(logins.client_emails, ["ivanov@romashka.example", "petrov@example.org", "anna@example.net"]);
    assert!(t.engine.load_demo().await.unwrap().is_none(), "a second load changes nothing");
    let ctx = Ctx::system("test");
    let clients = t.engine.clients(&ctx, 0, 10).await.unwrap();
    let id = |code: &str| clients.iter().find(|c| c.code == code).unwrap().id;
    let (romashka, petrov, anna) = (id("DEMO-001"), id("DEMO-002"), id("DEMO-003"));

    let kinds = |c| {
        let e = t.engine.clone();
        let ctx = ctx.clone();
        async move { e.payers(&ctx, c).await.unwrap().into_iter().map(|p| p.kind).collect::<Vec<_>>() }
    };
    assert_eq!(kinds(romashka).await, ["legal_entity", "individual"]);
    assert_eq!(kinds(petrov).await, ["sole_proprietor"]);
    assert_eq!(kinds(anna).await, ["individual"]);

    // Three months of charges on credit, the last month's the invoice of
    // the 1st.
    let invoices = t.engine.credit_invoices(&ctx, romashka).await.unwrap();
    assert_eq!(invoices.len(), 1);
    assert_eq!((invoices[0].cycle.as_str(), invoices[0].amount.0.to_string().as_str()), ("2026-03", "1272.4137"));
    assert_eq!(invoices[0].state, "to_pay");
    // Ninety days of internet: the expenses list has pages.
    let petrov_expenses = t.engine.expenses(&ctx, petrov).await.unwrap();
    assert_eq!(petrov_expenses.iter().filter(|e| e.name.starts_with("Интернет 100 Мбит/с, ")).count(), 90);

    let states = |c| {
        let e = t.engine.clone();
        let ctx = ctx.clone();
        async move {
            e.client_services(&ctx, c).await.unwrap().into_iter().map(|s| (s.product_name, s.state)).collect::<Vec<_>>()
        }
    };
    let romashka_services = states(romashka).await;
    assert!(romashka_services.contains(&("VDS Start".into(), "stopped".into())), "{romashka_services:?}");
    assert!(romashka_services.contains(&("Домен .ru".into(), "active".into())), "{romashka_services:?}");
    assert_eq!(states(petrov).await, [("Dedicated E-2236".to_string(), "active".to_string())]);
    assert_eq!(states(anna).await, [("SSL DV".to_string(), "active".to_string())]);

    let balances = [romashka, petrov, anna].map(|c| {
        let e = t.engine.clone();
        let ctx = ctx.clone();
        async move { e.balance(&ctx, c).await.unwrap().balance.0.to_string() }
    });
    let mut got = Vec::new();
    for b in balances {
        got.push(b.await);
    }
    // 1500 paid − three months of 1272.4137 + the reversed 22.4137 − 2179 of
    // orders − 1250 of the paid period; Anna pays half a day of internet.
    assert_eq!(got, ["-5723.8274", "9850.00", "1750.3226"]);
    assert!(t.engine.check_ledger().await.unwrap().is_empty(), "the demo's ledger holds");
});
