//! DOC-2, DOC-3: the act of completed work and the reconciliation act laid
//! out from their models — VAT a line per rate, the sums in words, both
//! parties' details — as PDF (text read back from the pages, the fonts
//! inside) and as HTML.

use chrono::NaiveDate;
use kopek_documents::render::{self, Format};
use kopek_documents::{Act, Lang, Reconciliation, pdf};
use kopek_domain::document::{ActInput, ActLineInput, ContractRef, EntryKind, ReconciliationEntry, ReconciliationInput};
use rust_decimal_macros::dec;

use crate::invoice::{buyer, provider};

pub fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

pub fn act() -> ActInput {
    ActInput {
        number: "2026-000007".into(),
        issued_on: day(3, 31),
        period_from: day(3, 1),
        period_to: day(3, 31),
        seller: provider(),
        buyer: buyer(),
        contract: Some(ContractRef { number: "Д-15".into(), signed_on: day(1, 15) }),
        lines: vec![
            ActLineInput {
                name: "VDS Fast".into(),
                from: day(3, 1),
                to: day(3, 31),
                quantity: dec!(1),
                unit: "усл.".into(),
                amount: dec!(500.00),
                vat_percent: Some(dec!(22)),
                tax: dec!(90.16),
            },
            ActLineInput {
                name: "Обучение".into(),
                from: day(3, 6),
                to: day(3, 6),
                quantity: dec!(1),
                unit: "усл.".into(),
                amount: dec!(110.00),
                vat_percent: Some(dec!(10)),
                tax: dec!(10.00),
            },
        ],
        signer_name: "П. П. Петров".into(),
        signer_position: "Генеральный директор".into(),
        seller_logo: None,
    }
}

/// DOC-2, LED-5: a line per service and rate, the VAT of each rate on its
/// own line, the total in words.
#[test]
fn doc2_an_act_shows_each_vat_rate_and_its_total_in_words() {
    let a = Act::new(&act(), Lang::Ru);
    assert_eq!(a.title, "Акт № 2026-000007 от 31 марта 2026 г.");
    assert_eq!(a.period, "за период с 1 марта 2026 г. по 31 марта 2026 г.");
    assert_eq!(a.basis, "Договор № Д-15 от 15 января 2026 г.");
    let names: Vec<&str> = a.lines.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["VDS Fast (01.03.2026 – 31.03.2026)", "Обучение (06.03.2026)"]);
    assert_eq!(a.total, "610,00");
    let vat: Vec<(&str, &str)> = a.vat.iter().map(|v| (v.label.as_str(), v.amount.as_str())).collect();
    assert_eq!(vat, [("В том числе НДС (10%)", "10,00"), ("В том числе НДС (22%)", "90,16")]);
    assert_eq!(a.total_in_words, "Шестьсот десять рублей 00 копеек");
    assert_eq!(a.summary, "Всего оказано услуг 2, на сумму 610,00 руб.");
}

/// DOC-2: the PDF a person reads: the buyer's INN, the total with ₽, the
/// sum in words, the acceptance phrase and both signature blocks.
#[test]
fn doc2_an_act_renders_to_a_pdf_a_person_can_read() {
    let bytes =
        render::document(kopek_domain::document::DocumentKind::Act, &serde_json::to_value(act()).unwrap(), Format::Pdf, Lang::Ru)
            .unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf::render(pdf::ACT, &serde_json::to_value(Act::new(&act(), Lang::Ru)).unwrap()).unwrap().text;
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Акт № 2026-000007 от 31 марта 2026 г.",
        "ИНН 7707083893",
        "610,00 ₽",
        "В том числе НДС (22%):",
        "Шестьсот десять рублей 00 копеек",
        "Заказчик претензий по объему, качеству и срокам оказания услуг не имеет.",
        "ИСПОЛНИТЕЛЬ",
        "ЗАКАЗЧИК",
        "Генеральный директор",
    ] {
        assert!(text.contains(expected), "{expected:?} is not in the act's text: {text}");
    }
    let html = String::from_utf8(
        render::document(
            kopek_domain::document::DocumentKind::Act,
            &serde_json::to_value(act()).unwrap(),
            Format::Html,
            Lang::Ru,
        )
        .unwrap(),
    )
    .unwrap();
    assert!(html.contains("<b data-test=\"in-words\">Шестьсот десять рублей 00 копеек</b>"), "{html}");
}

pub fn reconciliation(opening: rust_decimal::Decimal) -> ReconciliationInput {
    ReconciliationInput {
        from: day(2, 1),
        to: day(3, 31),
        seller: provider(),
        buyer: buyer(),
        contract: None,
        opening,
        entries: vec![
            ReconciliationEntry {
                date: day(2, 28),
                kind: EntryKind::Act,
                number: "2026-000002".into(),
                debit: dec!(900.00),
                credit: dec!(0),
            },
            ReconciliationEntry {
                date: day(3, 3),
                kind: EntryKind::Payment,
                number: "7".into(),
                debit: dec!(0),
                credit: dec!(300.00),
            },
        ],
        signer_name: "П. П. Петров".into(),
        signer_position: "Генеральный директор".into(),
        seller_logo: None,
    }
}

/// DOC-3: the balances on the side they belong, the turnovers, and whom
/// the debt is in favour of, in figures and words.
#[test]
fn doc3_a_reconciliation_act_says_who_owes_whom() {
    let r = Reconciliation::new(&reconciliation(dec!(-600.00)), Lang::Ru);
    assert_eq!((r.opening.debit.as_str(), r.opening.credit.as_str()), ("", "600,00"));
    assert_eq!((r.turnovers.debit.as_str(), r.turnovers.credit.as_str()), ("900,00", "300,00"));
    assert_eq!((r.closing.debit.as_str(), r.closing.credit.as_str()), ("", ""));
    assert_eq!(r.conclusion, "По данным ООО «Копейка Хостинг» на 31.03.2026 задолженность отсутствует.");
    let owed = Reconciliation::new(&reconciliation(dec!(150.50)), Lang::Ru);
    assert_eq!(owed.closing.debit, "750,50");
    assert_eq!(
        owed.conclusion,
        "По данным ООО «Копейка Хостинг» на 31.03.2026 задолженность в пользу ООО «Копейка Хостинг» составляет 750,50 руб. (Семьсот пятьдесят рублей 50 копеек)."
    );
    let advance = Reconciliation::new(&reconciliation(dec!(-1000.00)), Lang::Ru);
    assert!(advance.conclusion.contains("в пользу ООО «Ромашка» составляет 400,00 руб."), "{}", advance.conclusion);
    let text = pdf::render(pdf::RECONCILIATION, &serde_json::to_value(&owed).unwrap()).unwrap().text;
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Акт сверки взаимных расчётов за период с 01.02.2026 по 31.03.2026",
        "Сальдо начальное",
        "Обороты за период",
        "Сальдо конечное",
        "750,50",
        "Семьсот пятьдесят рублей 50 копеек",
    ] {
        assert!(text.contains(expected), "{expected:?} is not in the text: {text}");
    }
}

/// DOC-4: the contract's preamble names both parties in their case forms,
/// and it renders to a PDF with the buyer's details.
#[test]
fn doc4_a_contract_renders_with_its_preamble() {
    let mut buyer = buyer();
    buyer.director_name = Some("Иванов Иван Иванович".into());
    buyer.director_position = Some("Генеральный директор".into());
    buyer.director_name_genitive = Some("Иванова Ивана Ивановича".into());
    buyer.director_position_genitive = Some("Генерального директора".into());
    buyer.director_name_dative = Some("Иванову Ивану Ивановичу".into());
    buyer.director_position_dative = Some("Генеральному директору".into());
    let input = kopek_domain::document::ContractInput {
        number: "2026-000003".into(),
        signed_on: day(4, 14),
        city: "Москва".into(),
        seller: provider(),
        buyer,
        buyer_kind: kopek_domain::payer::PayerKind::LegalEntity,
        seller_logo: None,
    };
    let c = kopek_documents::Contract::new(&input, Lang::Ru);
    assert_eq!(c.title, "Договор оказания услуг № 2026-000003");
    assert_eq!(c.addressee, "Генеральному директору ООО «Ромашка» Иванову Ивану Ивановичу");
    assert!(
        c.preamble.contains("ООО «Ромашка», именуемое в дальнейшем «Заказчик», в лице генерального директора Иванова Ивана Ивановича, действующего на основании Устава"),
        "{}",
        c.preamble
    );
    let data = serde_json::to_value(&input).unwrap();
    let bytes = render::document(kopek_domain::document::DocumentKind::Contract, &data, Format::Pdf, Lang::Ru).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf::render(pdf::CONTRACT, &serde_json::to_value(&c).unwrap()).unwrap().text;
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("ИНН 7707083893"), "{text}");
    assert!(text.contains("Договор оказания услуг № 2026-000003"), "{text}");
}

/// DOC-1 … DOC-4: a provider's own layout replaces the shipped one; one
/// that does not render is refused when loaded, naming its file and line.
#[test]
fn doc_a_provider_s_layout_replaces_the_shipped_one_and_a_broken_one_is_refused() {
    let dir = std::env::temp_dir().join(format!("kopek-layouts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("act.html"), "<h1>{{ d.title }}</h1><p>Наш акт: {{ d.total }} ₽</p>").unwrap();
    let layouts = render::Layouts::with_dir(&dir).unwrap();
    let page = layouts
        .document(kopek_domain::document::DocumentKind::Act, &serde_json::to_value(act()).unwrap(), Format::Html, Lang::Ru, None)
        .unwrap();
    assert_eq!(String::from_utf8(page).unwrap(), "<h1>Акт № 2026-000007 от 31 марта 2026 г.</h1><p>Наш акт: 610,00 ₽</p>");
    // The invoice keeps the shipped layout.
    let invoice = serde_json::to_value(crate::invoice::input(Some(dec!(20)), kopek_domain::tax::VatMode::Included)).unwrap();
    let page = String::from_utf8(
        layouts.document(kopek_domain::document::DocumentKind::Invoice, &invoice, Format::Html, Lang::Ru, None).unwrap(),
    )
    .unwrap();
    assert!(page.contains("Банк получателя"), "{page}");

    std::fs::write(dir.join("act.typ"), "#let d = json(\"/data.json\")\n\n#d.no_such_field").unwrap();
    let err = render::Layouts::with_dir(&dir).err().expect("a broken layout is refused");
    assert!(err.to_string().starts_with("act.typ: line 3:"), "{err}");
    std::fs::remove_file(dir.join("act.typ")).unwrap();
    std::fs::write(dir.join("act.html"), "{{ d.no_such_field }}").unwrap();
    let err = render::Layouts::with_dir(&dir).err().expect("a broken layout is refused");
    assert!(err.to_string().starts_with("act.html: line 1:"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
