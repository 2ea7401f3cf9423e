//! Payers (PAY), payment methods and payments by a method (PMT-1, PMT-3,
//! PMT-4 bank transfer and statements), exchange rates (LED-4), on both
//! backends.

use chrono::NaiveDate;
use kopek_domain::payer::PayerDetails;
use kopek_engine::core::amount::Amount;
use kopek_engine::ledger::entries::PostExpense;
use kopek_engine::payments::bank_transfer::{StatementLine, StatementOutcome};
use kopek_engine::payments::methods::{MethodInput, RateInput};
use kopek_engine::payments::payers::{ContractInput, MergeRequest, PayerInput};
use kopek_engine::payments::start::StartPayment;
use kopek_engine::testing::TestEngine;
use kopek_store::backend_test;

use crate::common::company;

fn amt(s: &str) -> Amount {
    Amount(s.parse().unwrap())
}

fn person(name: &str) -> PayerInput {
    PayerInput {
        kind: "individual".into(),
        details: PayerDetails { country: "RU".into(), name: name.into(), ..PayerDetails::default() },
    }
}

fn method(prefix: &str, gateway: &str, currency: &str) -> MethodInput {
    MethodInput {
        prefix: prefix.into(),
        name: format!("Method {prefix}"),
        gateway: gateway.into(),
        currency: currency.into(),
        commission_percent: None,
        commission_fixed: None,
        min_amount: None,
        max_amount: None,
        cashback_percent: None,
        payer_kinds: vec!["individual".into(), "legal_entity".into(), "sole_proprietor".into()],
        enabled: true,
        instructions: String::new(),
    }
}

fn top_up(payer_id: i64, method_id: i64, amount: &str) -> StartPayment {
    StartPayment { payer_id, method_id, amount: amt(amount), return_url: None, save_method: false, saved_method_id: None }
}

fn s(a: &Amount) -> String {
    a.0.to_string()
}

backend_test!(async fn pay2_a_company_payer_is_checked_by_its_identifiers(db) {
    let t = TestEngine::over(db);
    let (client, user) = t.client("PAYR", 0).await;
    let payer = t.engine.create_payer(&user, client.id, company("ООО Ромашка")).await.unwrap();
    assert_eq!(payer.details.inn.as_deref(), Some("7707083893"));
    let mut bad = company("ООО Опечатка");
    bad.details.inn = Some("7707083894".into());
    let err = t.engine.create_payer(&user, client.id, bad).await.unwrap_err();
    assert_eq!(err.code(), "invalid_field");
    assert!(err.to_string().contains("inn"), "{err}");
    let mut bad = company("ООО Счёт");
    bad.details.settlement_account = Some("40702810938000000000".into());
    let err = t.engine.create_payer(&user, client.id, bad).await.unwrap_err();
    assert!(err.to_string().contains("settlement_account"), "{err}");
    // Refused input changed nothing: only the first payer exists.
    let list = t.engine.payers(&user, client.id).await.unwrap();
    assert_eq!(list.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), vec!["ООО Ромашка"]);
    // Another client's user does not see it.
    let (_, stranger) = t.client("OTHR", 0).await;
    assert_eq!(t.engine.payer(&stranger, payer.id).await.unwrap_err().code(), "not_found");
});

backend_test!(async fn pmt3_bank_transfer_with_commission_and_cashback_credits_100_and_11_50(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let (client, user) = t.client("CASH", 0).await;
    let payer = t.engine.create_payer(&user, client.id, company("ООО Кэшбэк")).await.unwrap();
    let mut m = method("pfx", "bank_transfer", "RUB");
    m.commission_percent = Some(amt("5"));
    m.commission_fixed = Some(amt("10.00"));
    m.cashback_percent = Some(amt("10"));
    m.min_amount = Some(amt("10.00"));
    m.max_amount = Some(amt("15000.00"));
    let m = t.engine.create_payment_method(&admin, m).await.unwrap();
    assert_eq!(m.commission_label, "5.00% + 10.00");

    let q = t.engine.quote_payment(&user, client.id, payer.id, m.id, amt("20.00")).await.unwrap();
    assert_eq!((s(&q.to_pay), s(&q.commission)), ("31.00".into(), "11.00".into()));
    let err = t.engine.start_payment(&user, client.id, top_up(payer.id, m.id, "5.00")).await.unwrap_err();
    assert_eq!(err.code(), "amount_below_minimum");
    assert!(err.to_string().contains("10.00 … 15000.00"), "{err}");
    assert!(t.engine.payments(&user, client.id).await.unwrap().is_empty());

    let pay = t.engine.start_payment(&user, client.id, top_up(payer.id, m.id, "100.00")).await.unwrap();
    assert_eq!(pay.status, "new");
    assert!(pay.number.starts_with("pfx/"), "{}", pay.number);
    let flow = pay.flow.clone().unwrap();
    assert_eq!(s(&flow.to_pay.unwrap()), "115.00");
    assert_eq!(s(&t.engine.balance(&user, client.id).await.unwrap().balance), "0.00");
    // A client's user can't credit its own transfer.
    assert_eq!(t.engine.credit_awaiting_payment(&user, pay.id).await.unwrap_err().code(), "forbidden");
    let credited = t.engine.credit_awaiting_payment(&admin, pay.id).await.unwrap();
    assert_eq!((credited.status.as_str(), s(&credited.amount)), ("credited", "100.00".to_string()));
    let all = t.engine.payments(&user, client.id).await.unwrap();
    let cashback = all.iter().find(|p| p.number.starts_with("cashback/")).expect("a cashback payment");
    assert_eq!(s(&cashback.amount), "11.50");
    assert_eq!(s(&t.engine.balance(&user, client.id).await.unwrap().balance), "111.50");
    // Crediting again is refused and changes nothing.
    assert_eq!(t.engine.credit_awaiting_payment(&admin, pay.id).await.unwrap_err().code(), "payment_not_awaiting");
    assert_eq!(s(&t.engine.balance(&user, client.id).await.unwrap().balance), "111.50");
    assert!(t.engine.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn led4_a_usd_payment_is_credited_in_rubles_by_the_rate_of_its_day(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let (client, user) = t.client("USD", 0).await;
    let payer = t.engine.create_payer(&user, client.id, person("Пётр Петров")).await.unwrap();
    let m = t.engine.create_payment_method(&admin, method("usd", "bank_transfer", "USD")).await.unwrap();
    let err = t.engine.start_payment(&user, client.id, top_up(payer.id, m.id, "10.00")).await.unwrap_err();
    assert_eq!(err.code(), "no_exchange_rate");
    let rate = |day: u32, r: &str| RateInput { base: "USD".into(), quote: "RUB".into(), day: NaiveDate::from_ymd_opt(2026, 2, day).unwrap(), rate: amt(r) };
    t.engine.set_exchange_rate(&admin, rate(1, "90.10")).await.unwrap();
    t.engine.set_exchange_rate(&admin, rate(27, "92.5")).await.unwrap();
    // The clock reads 1 March 2026: the rate of 27 February is in force.
    let pay = t.engine.start_payment(&user, client.id, top_up(payer.id, m.id, "10.01")).await.unwrap();
    assert_eq!((s(&pay.amount), pay.currency.as_str()), ("925.93".to_string(), "RUB"));
    assert_eq!(pay.flow.as_ref().unwrap().rate.as_deref(), Some("92.5"));
    t.engine.credit_awaiting_payment(&admin, pay.id).await.unwrap();
    assert_eq!(s(&t.engine.balance(&user, client.id).await.unwrap().balance), "925.93");
});

backend_test!(async fn pay3_a_payer_with_a_payment_awaiting_money_cannot_be_deleted(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let (client, user) = t.client("DEL", 0).await;
    let payer = t.engine.create_payer(&user, client.id, person("Анна")).await.unwrap();
    let m = t.engine.create_payment_method(&admin, method("bank", "bank_transfer", "RUB")).await.unwrap();
    let pay = t.engine.start_payment(&user, client.id, top_up(payer.id, m.id, "50.00")).await.unwrap();
    let err = t.engine.delete_payer(&user, payer.id).await.unwrap_err();
    assert_eq!(err.code(), "payer_in_use");
    assert!(err.to_string().contains(&pay.number), "{err}");
    t.engine.cancel_payment(&user, pay.id).await.unwrap();
    t.engine.delete_payer(&user, payer.id).await.unwrap();
    assert!(t.engine.payers(&user, client.id).await.unwrap().is_empty());
});

backend_test!(async fn pay4_merge_previews_then_moves_payments_and_contracts_and_the_merged_payer_is_gone(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let (client, user) = t.client("MRG", 0).await;
    let main = t.engine.create_payer(&user, client.id, company("ООО Главный")).await.unwrap();
    let merged = t.engine.create_payer(&user, client.id, company("ООО Дубль")).await.unwrap();
    let m = t.engine.create_payment_method(&admin, method("bank", "bank_transfer", "RUB")).await.unwrap();
    let pay = t.engine.start_payment(&user, client.id, top_up(merged.id, m.id, "70.00")).await.unwrap();
    t.engine.credit_awaiting_payment(&admin, pay.id).await.unwrap();
    let signed = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
    t.engine.add_contract(&admin, merged.id, ContractInput { number: "Д-7".into(), signed_on: signed }).await.unwrap();
    let req = MergeRequest { main_payer_id: main.id, merged_payer_id: merged.id, move_contracts: true };
    let plan = t.engine.merge_preview(&user, req.clone()).await.unwrap();
    assert!(!plan.done);
    assert_eq!(plan.actions, vec![
        format!("move payments {} from \"ООО Дубль\" to \"ООО Главный\"", pay.number),
        "move contracts Д-7 to \"ООО Главный\"".to_string(),
        "delete payer \"ООО Дубль\"".to_string(),
    ]);
    // The preview changed nothing.
    assert_eq!(t.engine.payers(&user, client.id).await.unwrap().len(), 2);
    let done = t.engine.merge_payers(&user, req).await.unwrap();
    assert!(done.done);
    let left = t.engine.payers(&user, client.id).await.unwrap();
    assert_eq!(left.iter().map(|p| p.id).collect::<Vec<_>>(), vec![main.id]);
    assert_eq!(t.engine.payment(&user, pay.id).await.unwrap().flow.unwrap().payer_id, Some(main.id));
    assert_eq!(t.engine.contracts(&user, main.id).await.unwrap()[0].number, "Д-7");
    assert_eq!(t.engine.payer(&user, merged.id).await.unwrap_err().code(), "not_found");
    assert!(t.engine.check_ledger().await.unwrap().is_empty());
});

backend_test!(async fn pmt4_a_statement_with_three_lines_credits_one_and_reports_two(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let (client, user) = t.client("STMT", 0).await;
    let payer = t.engine.create_payer(&user, client.id, company("ООО Выписка")).await.unwrap();
    let m = t.engine.create_payment_method(&admin, method("bank", "bank_transfer", "RUB")).await.unwrap();
    t.engine.post_expense(&admin, client.id, PostExpense {
        name: "VDS".into(), amount: amt("400.00"), currency: "RUB".into(), vat_percent: None, charged_at: None,
    }).await.unwrap();
    let first = t.engine.start_payment(&user, client.id, top_up(payer.id, m.id, "1000.00")).await.unwrap();
    let second = t.engine.start_payment(&user, client.id, top_up(payer.id, m.id, "250.00")).await.unwrap();
    let line = |n: usize, amount: &str, purpose: String| StatementLine {
        line: n, number: n.to_string(), date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), amount: amt(amount), payer: None, purpose,
    };
    let lines = vec![
        line(10, "1000.00", format!("Оплата по счёту {}, без НДС", first.number)),
        line(30, "200.00", format!("Оплата по счёту {}", second.number)),
        line(50, "77.00", "Возврат займа".into()),
    ];
    // Before: the preview says what the import will do and credits nothing.
    let preview = t.engine.preview_bank_statement(&admin, lines.clone()).await.unwrap();
    let outcomes: Vec<_> = preview.results.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, [StatementOutcome::Matched, StatementOutcome::WrongAmount, StatementOutcome::Unknown]);
    assert_eq!((preview.applied, preview.credited, s(&preview.credited_total)), (false, 1, "1000.00".to_string()));
    assert_eq!(preview.results[1].expected.map(|a| s(&a)).as_deref(), Some("250.00"));
    assert_eq!(s(&t.engine.balance(&user, client.id).await.unwrap().balance), "-400.00");
    let report = t.engine.import_bank_statement(&admin, lines.clone()).await.unwrap();
    assert_eq!((report.applied, report.credited), (true, 1));
    let outcomes: Vec<_> = report.results.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, [StatementOutcome::Credited, StatementOutcome::WrongAmount, StatementOutcome::Unknown]);
    assert!(report.results[1].message.contains("250"), "{}", report.results[1].message);
    // The payment paid the older expense: 1000.00 - 400.00.
    assert_eq!(s(&t.engine.balance(&user, client.id).await.unwrap().balance), "600.00");
    let again = t.engine.import_bank_statement(&admin, lines).await.unwrap();
    assert_eq!(again.credited, 0);
    assert_eq!(s(&t.engine.balance(&user, client.id).await.unwrap().balance), "600.00");
    assert_eq!(t.engine.payment(&user, second.id).await.unwrap().status, "new");
    assert!(t.engine.check_ledger().await.unwrap().is_empty());
    assert_eq!(t.engine.import_bank_statement(&user, Vec::new()).await.unwrap_err().code(), "forbidden");
});

backend_test!(async fn pmt3_a_disabled_method_or_a_payer_kind_it_refuses_is_a_clear_error(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let (client, user) = t.client("KIND", 0).await;
    let person_payer = t.engine.create_payer(&user, client.id, person("Олег")).await.unwrap();
    let mut only_companies = method("corp", "bank_transfer", "RUB");
    only_companies.payer_kinds = vec!["legal_entity".into()];
    let m = t.engine.create_payment_method(&admin, only_companies.clone()).await.unwrap();
    let err = t.engine.start_payment(&user, client.id, top_up(person_payer.id, m.id, "10.00")).await.unwrap_err();
    assert_eq!(err.code(), "payer_kind_not_allowed");
    only_companies.enabled = false;
    only_companies.payer_kinds = vec!["individual".into()];
    t.engine.update_payment_method(&admin, m.id, only_companies).await.unwrap();
    let err = t.engine.start_payment(&user, client.id, top_up(person_payer.id, m.id, "10.00")).await.unwrap_err();
    assert_eq!(err.code(), "method_disabled");
    assert!(t.engine.payment_methods(&user).await.unwrap().is_empty());
    // The prefix is taken once and stays.
    let dup = t.engine.create_payment_method(&admin, method("corp", "bank_transfer", "RUB")).await.unwrap_err();
    assert_eq!(dup.code(), "prefix_taken");
    assert_eq!(t.engine.create_payment_method(&user, method("own", "bank_transfer", "RUB")).await.unwrap_err().code(), "forbidden");
});
