//! "Финансы — Акты выполненных работ", a printed act and "Плательщики —
//! Акт сверки" in Chromium (DOC-2, DOC-3): the month's act listed and
//! printed with its sum in words, a period that ends before it starts
//! refused next to its field in Russian and in English, and the act of a
//! valid period printed with whom the debt is in favour of.

use kopek_domain::document::{DocumentKind, ProviderDetails};
use kopek_domain::payer::PayerDetails;
use kopek_engine::ledger::entries::PostExpense;
use kopek_engine::payments::payers::PayerInput;

use crate::harness::Portal;

fn company(name: &str, inn: &str) -> PayerDetails {
    PayerDetails {
        country: "RU".into(),
        name: name.into(),
        contact_person: Some("Иванов Иван".into()),
        inn: Some(inn.into()),
        kpp: Some("773601001".into()),
        ogrn: Some("1027700132195".into()),
        ..PayerDetails::default()
    }
}

#[tokio::test]
async fn doc2_doc3_acts_and_a_reconciliation_act_are_printed_in_the_portal() {
    let Some(p) = Portal::start(true).await else { return };
    let admin = p.t.admin().await;
    let provider = ProviderDetails {
        company: company("ООО «Копейка Хостинг»", "7736207543"),
        accountant_name: None,
        vat_payer: true,
        logo: None,
    };
    p.t.engine.set_provider_details(&admin, provider).await.unwrap();
    let (client, owner) = p.t.client("ACTSB", 100_000).await;
    let payer = PayerInput { kind: "legal_entity".into(), details: company("ООО «Ромашка»", "7707083893") };
    let payer = p.t.engine.create_payer(&owner, client.id, payer).await.unwrap();
    let charged = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 2, 10, 9, 0, 0).unwrap();
    let expense = PostExpense {
        name: "VDS Fast".into(),
        amount: kopek_engine::core::amount::Amount("250.00".parse().unwrap()),
        currency: "RUB".into(),
        vat_percent: None,
        charged_at: Some(charged),
    };
    p.t.engine.post_expense(&admin, client.id, expense).await.unwrap();
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    assert_eq!(p.t.engine.issue_acts(&admin, (day(2, 1), day(2, 28))).await.unwrap().issued, 1);
    let act = p.t.engine.documents(&owner, client.id, DocumentKind::Act).await.unwrap().remove(0);

    p.log_in("actsb@client.test", "client-password").await;
    p.go("/finance/acts").await;
    assert_eq!(p.text("number").await, "2026-000001");
    assert_eq!(p.text("payer").await, "ООО «Ромашка»");
    p.go(&format!("/documents/{}", act.id)).await;
    assert_eq!(p.text("in-words").await, "Двести пятьдесят рублей 00 копеек");

    let form = format!("/client/payers/{}/reconciliation", payer.id);
    p.go(&format!("{form}?from=2026-03-01&to=2026-02-01&format=html")).await;
    assert_eq!(p.field_error("to").await, "Конец периода не может быть раньше его начала");
    p.go(&form).await;
    p.click("print").await;
    assert!(p.text("title").await.starts_with("Акт сверки взаимных расчётов за период с 01.01.2026 по 01.03.2026"));
    assert!(
        p.text("conclusion").await.contains("задолженность в пользу ООО «Копейка Хостинг» составляет 250,00 руб."),
        "{}",
        p.text("conclusion").await
    );

    p.go("/finance/acts").await;
    p.switch_to("en").await;
    p.go(&format!("{form}?from=2026-03-01&to=2026-02-01&format=html")).await;
    assert_eq!(p.field_error("to").await, "The period can't end before it starts");
    p.close().await;
}
