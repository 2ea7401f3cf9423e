//! Accounting documents (DOC-1 … DOC-5, PAY-3 and PAY-5's act parts,
//! LED-5's rates on acts) on both backends: numbers gapless across a
//! rollback and a year end, the act of a month at two VAT rates issued
//! once on the night of the 1st, documents unchanged by a later edit of
//! the payer, reconciliation acts that chain, and the payer an act holds.

use kopek_domain::document::{ActInput, DocumentKind, EntryKind, InvoiceInput, LineSubject, ProviderDetails, SERVICE_UNIT};
use kopek_domain::payer::{Address, PayerDetails};
use kopek_engine::core::amount::Amount;
use kopek_engine::ledger::entries::PostExpense;
use kopek_engine::payments::payers::PayerSummary;
use kopek_engine::payments::start::StartPayment;
use kopek_engine::testing::TestEngine;
use kopek_engine::{Ctx, Engine};
use kopek_store::backend_test;
use rust_decimal_macros::dec;

use crate::common::{amt, at_local, company, day, method_input};

fn provider() -> ProviderDetails {
    ProviderDetails {
        company: PayerDetails {
            country: "RU".into(),
            name: "ООО «Копейка Хостинг»".into(),
            contact_person: Some("Петров Пётр".into()),
            inn: Some("7736207543".into()),
            kpp: Some("773601001".into()),
            ogrn: Some("1027700132195".into()),
            legal_address: Some(Address {
                country: Some("RU".into()),
                postcode: Some("117312".into()),
                city: Some("Москва".into()),
                address: Some("ул. Вавилова, д. 19".into()),
            }),
            bank_name: Some("ПАО Сбербанк".into()),
            bik: Some("044525225".into()),
            settlement_account: Some("40702810938000000001".into()),
            correspondent_account: Some("30101810400000000225".into()),
            director_name: Some("Петров П. П.".into()),
            director_position: Some("Генеральный директор".into()),
            ..PayerDetails::default()
        },
        accountant_name: None,
        vat_payer: true,
        logo: None,
    }
}

fn expense(name: &str, amount: &str, vat: &str) -> PostExpense {
    PostExpense { name: name.into(), amount: amt(amount), currency: "RUB".into(), vat_percent: Some(amt(vat)), charged_at: None }
}

/// The provider's details set, a client with a company payer, and a
/// bank-transfer method.
async fn books(t: &TestEngine, code: &str) -> (Ctx, i64, Ctx, PayerSummary, i64) {
    let admin = t.admin().await;
    t.engine.set_provider_details(&admin, provider()).await.unwrap();
    let (client, user) = t.client(code, 100_000).await;
    let payer = t.engine.create_payer(&user, client.id, company("ООО «Ромашка»")).await.unwrap();
    let mut bank = method_input("bank", "Банковский перевод", "bank_transfer");
    bank.payer_kinds = vec!["legal_entity".into()];
    let method = t.engine.create_payment_method(&admin, bank).await.unwrap().id;
    let payer = t.engine.payers(&user, client.id).await.unwrap().into_iter().find(|p| p.id == payer.id).unwrap();
    (admin, client.id, user, payer, method)
}

async fn transfer(e: &Engine, user: &Ctx, client: i64, payer: i64, method: i64, amount: &str) -> i64 {
    let req = StartPayment {
        payer_id: payer,
        method_id: method,
        amount: amt(amount),
        return_url: None,
        save_method: false,
        saved_method_id: None,
    };
    e.start_payment(user, client, req).await.unwrap().id
}

fn s(a: &Amount) -> String {
    a.0.to_string()
}

backend_test!(async fn doc1_doc5_invoice_numbers_are_gapless_across_a_rollback_and_a_year_end(db) {
    let t = TestEngine::over(db);
    at_local(&t, 12, 30, 10, 0);
    let (_, client, user, payer, method) = books(&t, "NUM").await;
    let first = transfer(&t.engine, &user, client, payer.id, method, "1250.00").await;
    let invoice = t.engine.payment_invoice(&user, first).await.unwrap();
    assert_eq!(invoice.summary.number, "2026-000001");
    assert_eq!(s(&invoice.summary.amount), "1250.00");
    let data: InvoiceInput = serde_json::from_value(invoice.data).unwrap();
    assert_eq!(data.buyer.name, "ООО «Ромашка»");
    assert_eq!(data.seller.inn.as_deref(), Some("7736207543"));
    assert_eq!(data.vat_percent, Some(dec!(22)), "the standard rate of 2026");
    // The stored input is language-neutral: the paper words it (ru or en).
    assert!(
        matches!(&data.lines[0].subject, Some(LineSubject::Advance { account }) if account == "NUM"),
        "a top-up is an advance: {:?}",
        data.lines[0].subject
    );
    assert_eq!((data.lines[0].name.as_str(), data.lines[0].unit.as_str()), ("", SERVICE_UNIT));
    assert!(data.payment_number.as_deref().is_some_and(|n| !n.is_empty()), "{:?}", data.payment_number);

    // A number taken in a transaction that rolls back is given back.
    {
        let mut tx = t.engine.store().begin().await.unwrap();
        let entity = kopek_store::documents::entity(&mut tx).await.unwrap().unwrap();
        let taken =
            kopek_store::documents::next_number(&mut tx, entity.id, DocumentKind::Invoice, 2026)
                .await
                .unwrap();
        assert_eq!(taken, 2);
    }
    let second = transfer(&t.engine, &user, client, payer.id, method, "10.00").await;
    assert_eq!(t.engine.payment_invoice(&user, second).await.unwrap().summary.number, "2026-000002");
    // Asking again gives the same invoice.
    assert_eq!(t.engine.payment_invoice(&user, second).await.unwrap().summary.number, "2026-000002");

    // 2027-01-01 00:30 provider time (UTC+3).
    t.clock.set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 31, 21, 30, 0).unwrap());
    let third = transfer(&t.engine, &user, client, payer.id, method, "20.00").await;
    assert_eq!(t.engine.payment_invoice(&user, third).await.unwrap().summary.number, "2027-000001");
    let all = t.engine.documents(&user, client, DocumentKind::Invoice).await.unwrap();
    assert_eq!(all.iter().map(|d| d.number.as_str()).collect::<Vec<_>>(), ["2027-000001", "2026-000002", "2026-000001"]);
});

backend_test!(async fn doc2_the_night_of_the_1st_issues_last_month_s_act_at_two_vat_rates_once(db) {
    let t = TestEngine::over(db);
    at_local(&t, 3, 5, 12, 0);
    let (admin, client, user, payer, _) = books(&t, "ACT").await;
    t.engine.post_expense(&admin, client, expense("VDS Fast", "250.00", "22")).await.unwrap();
    at_local(&t, 3, 6, 12, 0);
    t.engine.post_expense(&admin, client, expense("VDS Fast", "250.00", "22")).await.unwrap();
    t.engine.post_expense(&admin, client, expense("Книга «Хостинг»", "110.00", "10")).await.unwrap();
    at_local(&t, 4, 1, 0, 30);
    t.engine.post_expense(&admin, client, expense("VDS Fast", "999.00", "22")).await.unwrap();

    at_local(&t, 4, 1, 2, 0);
    let night = t.engine.issue_monthly_acts(&admin, day(4, 1)).await.unwrap();
    assert_eq!((night.issued, night.without_payer), (1, 0));
    let acts = t.engine.documents(&user, client, DocumentKind::Act).await.unwrap();
    assert_eq!(acts.len(), 1);
    let act = &acts[0];
    assert_eq!((act.number.as_str(), act.issued_on, act.payer_id), ("2026-000001", day(3, 31), payer.id));
    assert_eq!((act.period_from, act.period_to), (Some(day(3, 1)), Some(day(3, 31))));
    assert_eq!(s(&act.amount), "610.00", "April's expense is not in March's act");
    let data: ActInput = serde_json::from_value(t.engine.document(&user, act.id).await.unwrap().data).unwrap();
    let lines: Vec<_> = data.lines.iter().map(|l| (l.name.as_str(), l.amount, l.vat_percent, l.tax)).collect();
    assert_eq!(lines, [
        ("VDS Fast", dec!(500.00), Some(dec!(22)), dec!(90.16)),
        ("Книга «Хостинг»", dec!(110.00), Some(dec!(10)), dec!(10.00)),
    ]);
    // The night again, and another night: nothing more.
    assert_eq!(t.engine.issue_monthly_acts(&admin, day(4, 1)).await.unwrap().issued, 0);
    assert_eq!(t.engine.issue_monthly_acts(&admin, day(4, 2)).await.unwrap().issued, 0);
    assert_eq!(t.engine.documents(&user, client, DocumentKind::Act).await.unwrap().len(), 1);
});

// DOC-2, DOC-5 at the night's scale: the acts of several clients issued
// in one batch are numbered without a gap in client order, each holding
// its own payer's details and its own expenses, and each client's users
// are told of their act once.
backend_test!(async fn doc2_a_batch_of_acts_numbers_each_client_s_act_in_order_with_its_own_expenses(db) {
    let t = TestEngine::over(db);
    at_local(&t, 3, 5, 12, 0);
    let admin = t.admin().await;
    t.engine.set_provider_details(&admin, provider()).await.unwrap();
    let mut clients = Vec::new();
    for (code, name, amount) in [("BA1", "ООО «Альфа»", "100.00"), ("BA2", "ООО «Бета»", "200.50"), ("BA3", "ООО «Гамма»", "300.25")] {
        let (client, user) = t.client(code, 100_000).await;
        let payer = t.engine.create_payer(&user, client.id, company(name)).await.unwrap();
        t.engine.post_expense(&admin, client.id, expense("VDS Fast", amount, "22")).await.unwrap();
        clients.push((client.id, user, payer.id, name, amount));
    }
    at_local(&t, 4, 1, 2, 0);
    assert_eq!(t.engine.issue_monthly_acts(&admin, day(4, 1)).await.unwrap().issued, 3);
    for (i, (client, user, payer, name, amount)) in clients.iter().enumerate() {
        let acts = t.engine.documents(user, *client, DocumentKind::Act).await.unwrap();
        assert_eq!(acts.len(), 1, "{name}");
        let act = &acts[0];
        assert_eq!((act.number.clone(), act.payer_id, s(&act.amount)), (format!("2026-00000{}", i + 1), *payer, amount.to_string()));
        let data: ActInput = serde_json::from_value(t.engine.document(user, act.id).await.unwrap().data).unwrap();
        assert_eq!((data.buyer.name.as_str(), data.number.as_str()), (*name, act.number.as_str()));
        assert_eq!(data.lines.iter().map(|l| l.amount.to_string()).collect::<Vec<_>>(), [amount.to_string()]);
    }
    let mut conn = t.engine.store().conn().await.unwrap();
    let told: Vec<(i64, String, Vec<String>)> = kopek_store::outbox::by_topic(&mut conn, "notification")
        .await
        .unwrap()
        .into_iter()
        .map(|r| serde_json::from_str::<serde_json::Value>(&r.payload).unwrap())
        .filter(|v| v["event"] == "act.issued")
        .map(|v| {
            let to = v["recipients"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect();
            (v["client_id"].as_i64().unwrap(), v["data"]["number"].as_str().unwrap().to_string(), to)
        })
        .collect();
    let expected: Vec<(i64, String, Vec<String>)> = clients
        .iter()
        .enumerate()
        .map(|(i, (client, user, ..))| (*client, format!("2026-00000{}", i + 1), vec![user.actor.label()]))
        .collect();
    assert_eq!(told, expected);
    assert_eq!(t.engine.issue_monthly_acts(&admin, day(4, 1)).await.unwrap().issued, 0, "a second run issues nothing");
});

backend_test!(async fn doc5_a_payer_edited_after_issue_leaves_its_documents_as_issued(db) {
    let t = TestEngine::over(db);
    at_local(&t, 2, 10, 12, 0);
    let (admin, client, user, payer, method) = books(&t, "EDT").await;
    let pay = transfer(&t.engine, &user, client, payer.id, method, "300.00").await;
    let invoice = t.engine.payment_invoice(&user, pay).await.unwrap();
    let mut edited = company("ООО «Лютик»");
    edited.details.inn = Some("7702070139".into());
    t.engine.update_payer(&user, payer.id, edited).await.unwrap();
    let mut changed = provider();
    changed.company.name = "ООО «Новое имя»".into();
    t.engine.set_provider_details(&admin, changed).await.unwrap();
    let again = t.engine.document(&user, invoice.summary.id).await.unwrap();
    assert_eq!(again.data, invoice.data, "the stored document did not change");
    let data: InvoiceInput = serde_json::from_value(again.data).unwrap();
    assert_eq!((data.buyer.name.as_str(), data.buyer.inn.as_deref()), ("ООО «Ромашка»", Some("7707083893")));
    assert_eq!(data.seller.name, "ООО «Копейка Хостинг»");
    // A new payment's invoice has today's details.
    let next = transfer(&t.engine, &user, client, payer.id, method, "5.00").await;
    let data: InvoiceInput = serde_json::from_value(t.engine.payment_invoice(&user, next).await.unwrap().data).unwrap();
    assert_eq!((data.buyer.name.as_str(), data.seller.name.as_str()), ("ООО «Лютик»", "ООО «Новое имя»"));
});

backend_test!(async fn doc3_reconciliation_acts_of_consecutive_periods_chain(db) {
    let t = TestEngine::over(db);
    at_local(&t, 1, 20, 12, 0);
    let (admin, client, user, payer, method) = books(&t, "REC").await;
    let jan = transfer(&t.engine, &user, client, payer.id, method, "1000.00").await;
    t.engine.credit_awaiting_payment(&admin, jan).await.unwrap();
    t.engine.post_expense(&admin, client, expense("VDS Fast", "400.00", "22")).await.unwrap();
    at_local(&t, 2, 1, 2, 0);
    t.engine.issue_monthly_acts(&admin, day(2, 1)).await.unwrap();
    at_local(&t, 2, 10, 12, 0);
    t.engine.post_expense(&admin, client, expense("VDS Fast", "900.00", "22")).await.unwrap();
    at_local(&t, 3, 1, 2, 0);
    t.engine.issue_monthly_acts(&admin, day(3, 1)).await.unwrap();
    at_local(&t, 3, 3, 12, 0);
    let mar = transfer(&t.engine, &user, client, payer.id, method, "300.00").await;
    t.engine.credit_awaiting_payment(&admin, mar).await.unwrap();

    let first = t.engine.reconciliation(&user, payer.id, day(1, 1), day(1, 31)).await.unwrap();
    assert_eq!(first.opening, dec!(0));
    assert_eq!(first.turnovers(), (dec!(400.00), dec!(1000.00)));
    assert_eq!(first.closing(), dec!(-600.00), "the payer's advance");
    let second = t.engine.reconciliation(&user, payer.id, day(2, 1), day(3, 31)).await.unwrap();
    assert_eq!(second.opening, first.closing(), "one period's closing balance is the next one's opening");
    assert_eq!(second.turnovers(), (dec!(900.00), dec!(300.00)));
    assert_eq!(second.closing(), dec!(0.00));
    let rows: Vec<_> = second.entries.iter().map(|e| (e.kind, e.number.as_str(), e.date)).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0], (EntryKind::Act, "2026-000002", day(2, 28)), "{rows:?}");
    assert_eq!(rows[1].0, EntryKind::Payment, "{rows:?}");
    let whole = t.engine.reconciliation(&user, payer.id, day(1, 1), day(3, 31)).await.unwrap();
    assert_eq!(whole.closing(), second.closing());
    let err = t.engine.reconciliation(&user, payer.id, day(3, 1), day(2, 1)).await.unwrap_err();
    assert_eq!(err.code(), "invalid_field");
    // Another client's payer is not found.
    let (_, stranger) = t.client("OTHER", 0).await;
    assert_eq!(t.engine.reconciliation(&stranger, payer.id, day(1, 1), day(1, 31)).await.unwrap_err().code(), "not_found");
});

backend_test!(async fn pay3_pay5_an_act_with_unpaid_expenses_holds_its_payer(db) {
    let t = TestEngine::over(db);
    at_local(&t, 5, 10, 12, 0);
    let (admin, client, user, payer, method) = books(&t, "LCK").await;
    let other = t.engine.create_payer(&user, client, company("ООО «Василёк»")).await.unwrap();
    t.engine.post_expense(&admin, client, expense("VDS Fast", "250.00", "22")).await.unwrap();
    at_local(&t, 6, 1, 2, 0);
    assert_eq!(t.engine.issue_monthly_acts(&admin, day(6, 1)).await.unwrap().issued, 1);
    let act = t.engine.documents(&user, client, DocumentKind::Act).await.unwrap().remove(0);
    assert_eq!(act.payer_id, payer.id, "the client's first payer answers for unpaid expenses");

    let err = t.engine.delete_payer(&user, payer.id).await.unwrap_err();
    assert_eq!(err.code(), "payer_in_use");
    let req = StartPayment {
        payer_id: other.id,
        method_id: method,
        amount: amt("250.00"),
        return_url: None,
        save_method: false,
        saved_method_id: None,
    };
    let err = t.engine.start_payment(&user, client, req).await.unwrap_err();
    assert_eq!(err.code(), "payer_locked_by_act", "{err}");
    // Staff reissue the act to the other payer: now that one is held.
    let new = t.engine.reissue_act(&admin, act.id, Some(other.id)).await.unwrap();
    assert_eq!((new.payer_id, new.corrects_id, new.number.as_str()), (other.id, Some(act.id), "2026-000002"));
    assert!(t.engine.document(&user, act.id).await.unwrap().summary.replaced, "the old act is kept, replaced");
    assert_eq!(t.engine.documents(&user, client, DocumentKind::Act).await.unwrap().len(), 1);
    t.engine.delete_payer(&user, payer.id).await.unwrap();
    // Paid, the act holds no one.
    let pay = transfer(&t.engine, &user, client, other.id, method, "250.00").await;
    t.engine.credit_awaiting_payment(&admin, pay).await.unwrap();
    t.engine.delete_payer(&user, other.id).await.unwrap();
    assert!(t.engine.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn doc4_the_first_payment_makes_the_payer_s_contract_once(db) {
    let t = TestEngine::over(db);
    at_local(&t, 4, 14, 12, 0);
    let (admin, client, user, payer, method) = books(&t, "CTR").await;
    let pay = transfer(&t.engine, &user, client, payer.id, method, "100.00").await;
    assert!(t.engine.documents(&user, client, DocumentKind::Contract).await.unwrap().is_empty(), "no money, no contract");
    t.engine.credit_awaiting_payment(&admin, pay).await.unwrap();
    let contracts = t.engine.documents(&user, client, DocumentKind::Contract).await.unwrap();
    assert_eq!(contracts.len(), 1);
    assert_eq!((contracts[0].number.as_str(), contracts[0].issued_on, contracts[0].payer_id), ("2026-000001", day(4, 14), payer.id));
    let data: kopek_domain::document::ContractInput =
        serde_json::from_value(t.engine.document(&user, contracts[0].id).await.unwrap().data).unwrap();
    assert_eq!((data.buyer.name.as_str(), data.city.as_str()), ("ООО «Ромашка»", "Москва"));
    let listed = t.engine.contracts(&user, payer.id).await.unwrap();
    assert_eq!(listed.iter().map(|c| c.number.as_str()).collect::<Vec<_>>(), ["2026-000001"]);
    let again = transfer(&t.engine, &user, client, payer.id, method, "50.00").await;
    t.engine.credit_awaiting_payment(&admin, again).await.unwrap();
    assert_eq!(t.engine.documents(&user, client, DocumentKind::Contract).await.unwrap().len(), 1, "one contract per payer");
});
