//! Every text has a documented maximum (SEC-1): a payment comment, a token
//! label, a tariff's description, a holiday calendar's name one character
//! too long are refused with `text_too_long` naming the field, and nothing
//! is written; at the maximum they are taken.

use kopek_engine::catalog::services::{HolidayInput, TariffInput};
use kopek_engine::core::amount::Amount;
use kopek_engine::core::text;
use kopek_engine::ledger::entries::CreditPayment;
use kopek_engine::testing::TestEngine;
use kopek_engine::{Ctx, EngineError};
use kopek_store::backend_test;

fn refused<T: std::fmt::Debug>(r: Result<T, EngineError>, field: &str, max: usize) {
    match r.unwrap_err() {
        EngineError::Invalid { code, message, field: f } => {
            assert_eq!((code, f), ("text_too_long", Some(field)));
            assert_eq!(message, format!("{field}: at most {max} characters"));
        }
        other => panic!("{other:?}"),
    }
}

backend_test!(async fn sec1_a_text_one_character_past_its_maximum_is_refused_and_nothing_written(db) {
    let t = TestEngine::over(db);
    let admin = t.admin().await;
    let e = &t.engine;
    let (client, _) = t.client("TEXT", 0).await;
    let pay = |comment: String| CreditPayment {
        amount: Amount("10.00".parse().unwrap()),
        currency: "RUB".into(),
        method: "manual".into(),
        comment,
    };
    refused(e.credit_payment(&admin, client.id, pay("я".repeat(text::NOTE + 1))).await, "comment", text::NOTE);
    assert!(e.payments(&admin, client.id).await.unwrap().is_empty());
    e.credit_payment(&admin, client.id, pay("я".repeat(text::NOTE))).await.unwrap();

    refused(e.create_token(&Ctx::system("cli"), "text@client.test", &"x".repeat(text::NAME + 1)).await, "label", text::NAME);

    let tariff = |description: String| TariffInput { name: "Домашний".into(), description, services: vec![] };
    refused(e.create_tariff(&admin, tariff("d".repeat(text::NOTE + 1))).await, "description", text::NOTE);
    assert!(e.tariffs(&admin).await.unwrap().is_empty());

    let holidays = HolidayInput { calendar: "c".repeat(text::NAME + 1), days: vec!["2026-05-01".parse().unwrap()] };
    refused(e.add_holidays(&admin, holidays).await, "calendar", text::NAME);
});
