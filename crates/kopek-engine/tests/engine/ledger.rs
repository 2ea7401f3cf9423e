//! The ledger's use cases on both backends, with exact amounts
//! (LED-1, LED-2, LED-3, CHG-7, SEC-3, SEC-4).

use chrono::Duration;
use kopek_engine::core::amount::Amount;
use kopek_engine::ledger::entries::{CreditPayment, PostExpense, Reversal};
use kopek_engine::testing::TestEngine;
use kopek_engine::{Ctx, EngineError};
use kopek_store::{audit, backend_test, exec_db, outbox};
use rust_decimal::Decimal;

fn amt(s: &str) -> Amount {
    Amount(s.parse::<Decimal>().unwrap())
}

fn pay(amount: &str) -> CreditPayment {
    CreditPayment { amount: amt(amount), currency: "RUB".into(), method: "manual".into(), comment: String::new() }
}

fn expense(name: &str, amount: &str) -> PostExpense {
    PostExpense { name: name.into(), amount: amt(amount), currency: "RUB".into(), vat_percent: None, charged_at: None }
}

fn s(a: &Amount) -> String {
    a.0.to_string()
}

backend_test!(async fn led2_payments_pay_the_oldest_expenses_first_and_reversals_reallocate(db) {
    let t = TestEngine::over(db);
    let e = &t.engine;
    let admin = t.admin().await;
    let (client, _) = t.client("A", 0).await;
    let id = client.id;

    let e1 = e.post_expense(&admin, id, expense("VDS", "1250.0000")).await.unwrap();
    t.clock.advance(Duration::days(1));
    let e2 = e.post_expense(&admin, id, expense("Domain", "799")).await.unwrap();
    t.clock.advance(Duration::days(1));
    let e3 = e.post_expense(&admin, id, expense("Traffic", "22.4137")).await.unwrap();
    let b = e.balance(&admin, id).await.unwrap();
    assert_eq!((s(&b.balance), s(&b.debt), s(&b.unallocated)), ("-2071.4137".into(), "2071.4137".into(), "0.00".into()));

    let p1 = e.credit_payment(&admin, id, pay("1500.00")).await.unwrap();
    assert_eq!(p1.number, format!("manual/{}", p1.id));
    assert_eq!(s(&p1.unallocated), "0.00");
    let paid: Vec<_> = p1.allocations.iter().map(|a| (a.expense_id, s(&a.amount))).collect();
    assert_eq!(paid, vec![(e1.id, "1250.00".into()), (e2.id, "250.00".into())]);
    let e2v = e.expense(&admin, e2.id).await.unwrap();
    assert_eq!(s(&e2v.unpaid), "549.00");
    assert_eq!(e2v.paid_by.len(), 1);

    let p2 = e.credit_payment(&admin, id, pay("1000.00")).await.unwrap();
    assert_eq!(s(&p2.unallocated), "428.5863");
    assert_eq!(s(&e.balance(&admin, id).await.unwrap().balance), "428.5863");
    let e3v = e.expense(&admin, e3.id).await.unwrap();
    assert_eq!((s(&e3v.unpaid), e3v.paid_by[0].payment_id), ("0.00".into(), p2.id));

    // CHG-7: reversing the oldest expense frees what paid it.
    let r1 = e.reverse_expense(&admin, e1.id, Reversal { reason: "charged by mistake".into() }).await.unwrap();
    assert_eq!((r1.status.as_str(), s(&r1.unpaid), r1.paid_by.len()), ("reversed", "0.00".into(), 0));
    assert_eq!(s(&e.payment(&admin, p1.id).await.unwrap().unallocated), "1250.00");
    assert_eq!(s(&e.balance(&admin, id).await.unwrap().balance), "1678.5863");

    // Refunding the second payment leaves its expenses to the first one.
    let r2 = e.reverse_payment(&admin, p2.id, Reversal { reason: "refund".into() }).await.unwrap();
    assert_eq!((r2.status.as_str(), s(&r2.unallocated), r2.allocations.len()), ("refunded", "0.00".into(), 0));
    let p1v = e.payment(&admin, p1.id).await.unwrap();
    assert_eq!(s(&p1v.unallocated), "678.5863");
    let now_paid: Vec<_> = p1v.allocations.iter().map(|a| (a.expense_id, s(&a.amount))).collect();
    assert_eq!(now_paid, vec![(e2.id, "799.00".into()), (e3.id, "22.4137".into())]);
    let b = e.balance(&admin, id).await.unwrap();
    assert_eq!((s(&b.balance), s(&b.debt), s(&b.unallocated)), ("678.5863".into(), "0.00".into(), "678.5863".into()));

    // A second reversal is refused and changes nothing.
    let again = e.reverse_payment(&admin, p2.id, Reversal { reason: "again".into() }).await.unwrap_err();
    assert_eq!(again.code(), "not_reversible");
    let again = e.reverse_expense(&admin, e1.id, Reversal { reason: "again".into() }).await.unwrap_err();
    assert_eq!(again.code(), "not_reversible");
    assert_eq!(s(&e.balance(&admin, id).await.unwrap().balance), "678.5863");
    assert!(e.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn led5_expense_tax_is_included_vat(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let (client, _) = t.client("T", 0).await;
    let mut req = expense("SSL", "250.00");
    req.vat_percent = Some(amt("20"));
    let x = t.engine.post_expense(&admin, client.id, req).await.unwrap();
    assert_eq!((s(&x.amount), s(&x.tax)), ("250.00".into(), "41.67".into()));
});

backend_test!(async fn bad_money_input_is_refused_and_changes_nothing(db) {
    let t = TestEngine::over(db);
    let e = &t.engine;
    let admin = t.admin().await;
    let (client, _) = t.client("B", 0).await;
    e.credit_payment(&admin, client.id, pay("10.00")).await.unwrap();

    let cases: Vec<(CreditPayment, &str)> = vec![
        (pay("-5.00"), "amount_not_positive"),
        (pay("0"), "amount_not_positive"),
        (pay("10.001"), "amount_too_precise"),
        (CreditPayment { currency: "USD".into(), ..pay("5.00") }, "currency_mismatch"),
        (CreditPayment { currency: "XXQ".into(), ..pay("5.00") }, "unknown_currency"),
        (CreditPayment { method: "no spaces".into(), ..pay("5.00") }, "invalid_field"),
    ];
    for (req, code) in cases {
        let err = e.credit_payment(&admin, client.id, req).await.unwrap_err();
        assert_eq!(err.code(), code, "{err}");
    }
    assert_eq!(e.expense(&admin, 999_999).await.unwrap_err().code(), "not_found");
    assert_eq!(e.credit_payment(&admin, 999_999, pay("1.00")).await.unwrap_err().code(), "not_found");
    assert_eq!(e.post_expense(&admin, client.id, expense("x", "1.00001")).await.unwrap_err().code(), "amount_too_precise");
    assert_eq!(e.post_expense(&admin, client.id, expense("  ", "1")).await.unwrap_err().code(), "invalid_field");
    let no_reason = e.reverse_payment(&admin, 1, Reversal { reason: " ".into() }).await.unwrap_err();
    assert_eq!(no_reason.code(), "invalid_field");

    assert_eq!(e.payments(&admin, client.id).await.unwrap().len(), 1);
    assert!(e.expenses(&admin, client.id).await.unwrap().is_empty());
    assert_eq!(s(&e.balance(&admin, client.id).await.unwrap().balance), "10.00");
});

backend_test!(async fn sec4_a_client_user_sees_only_its_own_client(db) {
    let t = TestEngine::over(db);
    let e = &t.engine;
    let admin = t.admin().await;
    let (a, a_user) = t.client("OWN", 0).await;
    let (b, b_user) = t.client("OTHER", 0).await;
    let pb = e.credit_payment(&admin, b.id, pay("100.00")).await.unwrap();
    let xb = e.post_expense(&admin, b.id, expense("VDS", "10")).await.unwrap();

    assert_eq!(e.client(&a_user, a.id).await.unwrap().id, a.id);
    for err in [
        e.client(&a_user, b.id).await.unwrap_err(),
        e.balance(&a_user, b.id).await.unwrap_err(),
        e.payments(&a_user, b.id).await.unwrap_err(),
        e.expenses(&a_user, b.id).await.unwrap_err(),
        e.client_users(&a_user, b.id).await.unwrap_err(),
        e.payment(&a_user, pb.id).await.unwrap_err(),
        e.expense(&a_user, xb.id).await.unwrap_err(),
    ] {
        assert!(matches!(err, EngineError::NotFound { .. }), "{err:?}");
    }
    let listed = e.clients(&a_user, 0, 100).await.unwrap();
    assert_eq!(listed.iter().map(|c| c.id).collect::<Vec<_>>(), vec![a.id]);
    // A client's user can read its own money but not move it.
    assert_eq!(e.payment(&b_user, pb.id).await.unwrap().id, pb.id);
    assert_eq!(e.credit_payment(&b_user, b.id, pay("1.00")).await.unwrap_err().code(), "forbidden");
});

backend_test!(async fn idempotency_key_replays_the_first_answer_and_refuses_another_body(db) {
    let t = TestEngine::over(db);
    let e = &t.engine;
    let admin = t.admin().await;
    let (client, _) = t.client("IDEM", 0).await;
    let keyed = admin.clone().with_idempotency_key(Some("k-1".into()));
    let first = e.credit_payment(&keyed, client.id, pay("100.00")).await.unwrap();
    t.clock.advance(Duration::minutes(1));
    let second = e.credit_payment(&keyed, client.id, pay("100.00")).await.unwrap();
    assert_eq!(first, second);
    let other = e.credit_payment(&keyed, client.id, pay("200.00")).await.unwrap_err();
    assert_eq!(other.code(), "idempotency_key_reused");
    assert_eq!(e.payments(&admin, client.id).await.unwrap().len(), 1);
    assert_eq!(s(&e.balance(&admin, client.id).await.unwrap().balance), "100.00");
    // Another actor's key of the same name is its own.
    let other_admin = t.admin().await.with_idempotency_key(Some("k-1".into()));
    e.credit_payment(&other_admin, client.id, pay("100.00")).await.unwrap();
    assert_eq!(s(&e.balance(&admin, client.id).await.unwrap().balance), "200.00");
});

backend_test!(async fn sec3_money_movements_are_audited_and_emit_outbox_messages_in_their_transaction(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await.with_ip(Some("203.0.113.7".into()));
    let (client, _) = t.client("AUD", 0).await;
    let p = t.engine.credit_payment(&admin, client.id, pay("42.00")).await.unwrap();
    let mut conn = t.db.store.conn().await.unwrap();
    let rows = audit::recent(&mut conn, Some(client.id), 10).await.unwrap();
    let credit = rows.iter().find(|r| r.action == "payment.credit").expect("audited");
    assert_eq!(credit.entity_id, p.id.to_string());
    assert_eq!(credit.actor_kind, "staff");
    assert_eq!(credit.source_ip.as_deref(), Some("203.0.113.7"));
    assert!(credit.actor_label.starts_with("admin"));
    assert!(credit.details.contains("\"42.00\""), "{}", credit.details);
    assert_eq!(credit.at, t.engine.now());
    let msgs = outbox::by_topic(&mut conn, "payment.credited").await.unwrap();
    assert_eq!(msgs.len(), 1);
    assert!(msgs[0].payload.contains(&format!("\"payment_id\":{}", p.id)));
    // A refused movement leaves neither an audit record nor a message.
    let before = audit::recent(&mut conn, None, 1000).await.unwrap().len();
    drop(conn);
    let _ = t.engine.credit_payment(&admin, client.id, pay("-1")).await.unwrap_err();
    let mut conn = t.db.store.conn().await.unwrap();
    assert_eq!(audit::recent(&mut conn, None, 1000).await.unwrap().len(), before);
    assert_eq!(outbox::by_topic(&mut conn, "payment.credited").await.unwrap().len(), 1);
});

backend_test!(async fn led1_check_ledger_finds_a_corrupted_balance(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let (client, _) = t.client("CHK", 0).await;
    t.engine.credit_payment(&admin, client.id, pay("100.00")).await.unwrap();
    t.engine.post_expense(&admin, client.id, expense("VDS", "30")).await.unwrap();
    assert!(t.engine.check_ledger().await.unwrap().is_empty());
    let mut conn = t.db.store.conn().await.unwrap();
    exec_db!(conn, db => kopek_store::sqlx::query("UPDATE clients SET balance = balance + 1 WHERE id = $1")
        .bind(client.id).execute(db).await).unwrap();
    let found = t.engine.check_ledger().await.unwrap();
    let rules: Vec<_> = found.iter().map(|v| v.rule).collect();
    assert_eq!(rules, vec!["balance_is_sum_of_entries", "balance_is_open_money_less_open_debt"]);
    assert!(found[0].detail.contains("70.0001") && found[0].detail.contains("70.00"), "{}", found[0].detail);
    assert_eq!(found[0].client_id, client.id);
});

backend_test!(async fn acc2_emails_are_unique_and_the_first_user_owns_the_client(db) {
    let t = TestEngine::over(db);
    let e = &t.engine;
    let admin = t.admin().await;
    let (client, owner) = t.client("USR", 0).await;
    let users = e.client_users(&owner, client.id).await.unwrap();
    assert!(users[0].is_owner);
    let second = e
        .create_client_user(&owner, client.id, kopek_engine::accounts::clients::NewUser {
            email: "Second@Client.test".into(),
            full_name: "Second".into(),
            password: "password-2".into(),
            phone: Some("+7 912 345-67-89".into()),
            full_access: true,
            rights: Vec::new(),
        })
        .await
        .unwrap();
    assert_eq!((second.email.as_str(), second.is_owner, second.phone.as_deref()), ("second@client.test", false, Some("+79123456789")));
    let dup = e
        .create_client_user(&admin, client.id, kopek_engine::accounts::clients::NewUser {
            email: "usr@client.test".into(),
            full_name: "Dup".into(),
            password: "password-3".into(),
            phone: None,
            full_access: true,
            rights: Vec::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(dup.code(), "email_taken");
    assert_eq!(e.client_users(&admin, client.id).await.unwrap().len(), 2);
});

backend_test!(async fn sec1_login_sessions_tokens_and_lockout(db) {
    use kopek_engine::accounts::auth::LoginKind;
    let t = TestEngine::over(db);
    let e = &t.engine;
    let (client, _) = t.client("LOG", 0).await;
    let session = e.login(LoginKind::Client, "LOG@client.test", "client-password").await.unwrap();
    let actor = e.session_actor(&session.token).await.unwrap().unwrap();
    assert_eq!(actor.own_client(), Some(client.id));
    assert_eq!(e.login(LoginKind::Staff, "log@client.test", "client-password").await.unwrap_err().code(), "bad_credentials");

    let token = e.create_token(&Ctx::system("cli"), "log@client.test", "cli").await.unwrap();
    assert!(token.starts_with("kpk_"));
    assert_eq!(e.token_actor(&token).await.unwrap().unwrap().own_client(), Some(client.id));
    assert!(e.token_actor("kpk_forged").await.unwrap().is_none());

    for _ in 0..5 {
        assert_eq!(e.login(LoginKind::Client, "log@client.test", "wrong").await.unwrap_err().code(), "bad_credentials");
    }
    let locked = e.login(LoginKind::Client, "log@client.test", "client-password").await.unwrap_err();
    assert_eq!(locked.code(), "login_locked");
    t.clock.advance(Duration::minutes(16));
    e.login(LoginKind::Client, "log@client.test", "client-password").await.unwrap();

    e.logout(&session.token).await.unwrap();
    assert!(e.session_actor(&session.token).await.unwrap().is_none());
    t.clock.advance(Duration::days(15));
    let old = e.login(LoginKind::Client, "log@client.test", "client-password").await.unwrap();
    t.clock.advance(Duration::days(15));
    assert!(e.session_actor(&old.token).await.unwrap().is_none(), "sessions expire");
});

backend_test!(async fn led1_check_ledger_finds_an_entry_naming_a_missing_payment(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let (client, _) = t.client("ORPH", 0).await;
    t.engine.credit_payment(&admin, client.id, pay("10.00")).await.unwrap();
    let mut conn = t.db.store.conn().await.unwrap();
    // PostgreSQL keeps no foreign key on the ledger tables; SQLite's has to
    // be switched off to plant the orphan at all.
    let sqlite = t.db.store.backend() == kopek_store::Backend::Sqlite;
    if sqlite {
        exec_db!(conn, db => kopek_store::sqlx::query("PRAGMA foreign_keys = OFF").execute(db).await).unwrap();
    }
    exec_db!(conn, db => kopek_store::sqlx::query(
        "INSERT INTO ledger_entries (client_id, kind, amount, currency, payment_id, created_at)
         VALUES ($1, 'payment', 0, 'RUB', 987654, CURRENT_TIMESTAMP)")
        .bind(client.id).execute(db).await).unwrap();
    if sqlite {
        exec_db!(conn, db => kopek_store::sqlx::query("PRAGMA foreign_keys = ON").execute(db).await).unwrap();
    }
    drop(conn);
    let found = t.engine.check_ledger().await.unwrap();
    let rules: Vec<_> = found.iter().map(|v| v.rule).collect();
    assert_eq!(rules, vec!["entry_references_exist"]);
    assert_eq!(found[0].client_id, client.id);
});
