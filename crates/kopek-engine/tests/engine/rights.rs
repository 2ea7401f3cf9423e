//! ACC-3, SEC-4: a client's user does only what its rights allow, in the
//! engine — so the API refuses it as the portal does.

use kopek_domain::account::Right;
use kopek_engine::accounts::clients::NewUser;
use kopek_engine::core::amount::Amount;
use kopek_engine::ledger::entries::CreditPayment;
use kopek_engine::testing::TestEngine;
use kopek_engine::{Actor, Ctx};
use kopek_store::backend_test;

backend_test!(async fn acc3_an_accountant_sees_finance_and_is_refused_services_users_and_payers(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let (client, owner) = t.client("RIGHTS1", 0).await;
    let money = CreditPayment { amount: Amount("100.00".parse().unwrap()), currency: "RUB".into(), method: "manual".into(), comment: String::new() };
    t.engine.credit_payment(&admin, client.id, money).await.unwrap();
    let accountant = NewUser {
        email: "buh@rights1.test".into(),
        full_name: "Бухгалтер".into(),
        password: "accountant-password".into(),
        phone: None,
        full_access: false,
        rights: vec![Right::Finance, Right::Documents],
    };
    let user = t.engine.create_client_user(&owner, client.id, accountant).await.unwrap();
    assert_eq!((user.full_access, user.rights.clone()), (false, vec![Right::Finance, Right::Documents]));
    // Logged in, the user carries its rights.
    let session = t.engine.login(kopek_engine::accounts::auth::LoginKind::Client, "buh@rights1.test", "accountant-password").await.unwrap();
    let ctx = Ctx::new(session.actor.clone());
    assert!(matches!(&session.actor, Actor::ClientUser { rights, .. } if rights.has(Right::Finance) && !rights.has(Right::Services)));
    assert_eq!(t.engine.payments(&ctx, client.id).await.unwrap().len(), 1);
    assert_eq!(t.engine.balance(&ctx, client.id).await.unwrap().balance.0.to_string(), "100.00");
    for refused in [
        t.engine.client_services(&ctx, client.id).await.map(|_| ()),
        t.engine.subscriptions(&ctx, client.id).await.map(|_| ()),
        t.engine.client_users(&ctx, client.id).await.map(|_| ()),
        t.engine.payers(&ctx, client.id).await.map(|_| ()),
        t.engine.orders(&ctx, client.id).await.map(|_| ()),
    ] {
        let e = refused.unwrap_err();
        assert_eq!(e.code(), "no_right", "{e}");
    }
    // The owner has every right, whatever it was given.
    assert!(t.engine.client_services(&owner, client.id).await.is_ok());
    let users = t.engine.client_users(&owner, client.id).await.unwrap();
    assert!(users[0].is_owner && users[0].full_access);
    assert_eq!(users[0].rights.len(), Right::ALL.len());
});
