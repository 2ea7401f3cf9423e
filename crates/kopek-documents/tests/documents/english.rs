//! DOC-1 … DOC-4 in English: the same issued data rendered as an English
//! paper — title, column heads, VAT lines, summary, basis, signatures,
//! dates, units and «сумма прописью» all in English, read back from the
//! PDF's pages — while the Russian paper of that data is as before. Over
//! parties whose details are in Latin letters, an English paper holds no
//! Cyrillic at all: no layout spells a Russian word of its own.

use kopek_documents::render::{self, Format, Layouts};
use kopek_documents::{Act, Contract, Invoice, Lang, Reconciliation, pdf};
use kopek_domain::document::{ActInput, ContractInput, DocumentKind, LineSubject, ReconciliationInput, SERVICE_UNIT};
use kopek_domain::payer::{Address, PayerDetails, PayerKind};
use kopek_domain::tax::VatMode;
use rust_decimal_macros::dec;

use crate::act::{act, day, reconciliation};
use crate::invoice::{buyer, input, provider};

fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn pdf_text(template: &str, model: &impl serde::Serialize) -> String {
    let rendered = pdf::render(template, &serde_json::to_value(model).unwrap()).unwrap();
    assert!(rendered.bytes.starts_with(b"%PDF-"));
    words(&rendered.text)
}

fn has_cyrillic(text: &str) -> Option<char> {
    text.chars().find(|c| ('\u{0400}'..='\u{04FF}').contains(c))
}

/// The invoice of a bank transfer as the engine stores it: what the line
/// is for and the payment's number as data, the unit a code.
fn payment_invoice() -> kopek_domain::document::InvoiceInput {
    let mut i = input(Some(dec!(20)), VatMode::Included);
    i.lines.truncate(1);
    i.lines[0].name = String::new();
    i.lines[0].subject = Some(LineSubject::Advance { account: "ROMASHKA".into() });
    i.lines[0].unit = SERVICE_UNIT.into();
    i.lines[0].price = dec!(1250.00);
    i.payment_purpose = String::new();
    i.payment_number = Some("P-7".into());
    i
}

fn latin(name: &str) -> PayerDetails {
    PayerDetails {
        name: name.into(),
        inn: Some("7707083893".into()),
        kpp: Some("773601001".into()),
        bank_name: Some("Sberbank".into()),
        bik: Some("044525225".into()),
        settlement_account: Some("40702810938000000002".into()),
        correspondent_account: Some("30101810400000000225".into()),
        director_name: Some("Ivan Ivanov".into()),
        director_position: Some("General Director".into()),
        legal_address: Some(Address {
            country: Some("RU".into()),
            postcode: Some("117312".into()),
            city: Some("Moscow".into()),
            address: Some("19 Vavilova St".into()),
        }),
        ..provider()
    }
}

/// DOC-1: the English invoice — its title, VAT line, total with ₽, the
/// amount in English words, the advance line, the unit and the purpose —
/// and the Russian one of the same stored data, worded as before.
#[test]
fn doc1_an_english_invoice_pdf_reads_in_english_and_the_russian_one_is_unchanged() {
    let data = payment_invoice();
    let en = Invoice::new(&data, Lang::En);
    assert_eq!(en.title, "Invoice No. 2026-000123 of 31 January 2026");
    assert_eq!((en.total.as_str(), en.vat_label.as_str(), en.vat.as_str()), ("1,250.00", "incl. VAT (20%)", "208.33"));
    assert_eq!(en.to_pay_in_words, "One thousand two hundred fifty roubles 00 kopecks");
    assert_eq!(en.summary, "Items in total: 1, amounting to 1,250.00 ₽");
    assert_eq!(en.payment_purpose, "Payment for invoice No. 2026-000123 of 31.01.2026, payment P-7");
    assert_eq!(
        (en.lines[0].name.as_str(), en.lines[0].unit.as_str()),
        ("Advance payment for services, account No. ROMASHKA", "svc")
    );
    let text = pdf_text(pdf::INVOICE, &en);
    for expected in [
        "Invoice No. 2026-000123 of 31 January 2026",
        "Payee's bank",
        "Supplier (Contractor):",
        "INN 7707083893",
        "Goods (work, services)",
        "incl. VAT (20%):",
        "208.33",
        "Total to pay:",
        "1,250.00 ₽",
        "One thousand two hundred fifty roubles 00 kopecks",
        "Payment purpose: Payment for invoice No. 2026-000123 of 31.01.2026, payment P-7",
    ] {
        assert!(text.contains(expected), "{expected:?} is not in the English invoice: {text}");
    }
    for russian in ["Итого", "Всего к оплате", "Счёт на оплату", "ИНН", "БИК", "руб."] {
        assert!(!text.contains(russian), "{russian:?} is in the English invoice: {text}");
    }

    let ru = Invoice::new(&data, Lang::Ru);
    assert_eq!(ru.title, "Счёт на оплату № 2026-000123 от 31 января 2026 г.");
    assert_eq!(
        (ru.lines[0].name.as_str(), ru.lines[0].unit.as_str()),
        ("Авансовый платёж за услуги по лицевому счёту № ROMASHKA", "усл.")
    );
    assert_eq!(ru.payment_purpose, "Оплата по счёту № 2026-000123 от 31.01.2026, платёж P-7");
    assert_eq!(ru.to_pay_in_words, "Одна тысяча двести пятьдесят рублей 00 копеек");
    let text = pdf_text(pdf::INVOICE, &ru);
    for expected in
        ["Счёт на оплату № 2026-000123", "В том числе НДС (20%):", "208,33", "Всего к оплате:", "1 250,00 ₽", "Банк получателя"]
    {
        assert!(text.contains(expected), "{expected:?} is not in the Russian invoice: {text}");
    }
    // An order's payment says so in either language.
    let mut order = payment_invoice();
    order.lines[0].subject = Some(LineSubject::Order { order: "42".into(), account: "ROMASHKA".into() });
    assert_eq!(Invoice::new(&order, Lang::En).lines[0].name, "Payment for order No. 42, account No. ROMASHKA");
    assert_eq!(Invoice::new(&order, Lang::Ru).lines[0].name, "Оплата заказа № 42 по лицевому счёту № ROMASHKA");
}

/// DOC-2: the English act: title, period, basis, VAT a line per rate,
/// total with ₽, words, signature captions; an act stored before the unit
/// was a code («усл.») reads "svc".
#[test]
fn doc2_an_english_act_pdf_reads_in_english() {
    let a = Act::new(&act(), Lang::En);
    assert_eq!(a.title, "Act No. 2026-000007 of 31 March 2026");
    assert_eq!(a.period, "for the period from 1 March 2026 to 31 March 2026");
    assert_eq!(a.basis, "Contract No. Д-15 of 15 January 2026");
    assert_eq!(a.lines[0].unit, "svc", "the unit stored by older acts");
    let vat: Vec<(&str, &str)> = a.vat.iter().map(|v| (v.label.as_str(), v.amount.as_str())).collect();
    assert_eq!(vat, [("incl. VAT (10%)", "10.00"), ("incl. VAT (22%)", "90.16")]);
    assert_eq!(a.total_in_words, "Six hundred ten roubles 00 kopecks");
    assert_eq!(a.summary, "Services rendered: 2, amounting to 610.00 ₽");
    let bytes = render::document(DocumentKind::Act, &serde_json::to_value(act()).unwrap(), Format::Pdf, Lang::En).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf_text(pdf::ACT, &a);
    for expected in [
        "Act No. 2026-000007 of 31 March 2026",
        "Contractor:",
        "Basis:",
        "Contract No. Д-15 of 15 January 2026",
        "Work, services",
        "Total:",
        "610.00 ₽",
        "incl. VAT (22%):",
        "90.16",
        "Six hundred ten roubles 00 kopecks",
        "The Customer has no claims as to their scope, quality or timing.",
        "CONTRACTOR",
        "CUSTOMER",
    ] {
        assert!(text.contains(expected), "{expected:?} is not in the English act: {text}");
    }
    assert!(!text.contains("Итого") && !text.contains("ИСПОЛНИТЕЛЬ") && !text.contains("усл."), "{text}");
    // The Russian act of the same data is as before.
    let ru = pdf_text(pdf::ACT, &Act::new(&act(), Lang::Ru));
    assert!(ru.contains("Акт № 2026-000007 от 31 марта 2026 г.") && ru.contains("610,00 ₽") && ru.contains("усл."), "{ru}");
}

/// DOC-3: the English reconciliation statement: its rows worded from the
/// acts' and payments' numbers, balances, and whom the debt favours.
#[test]
fn doc3_an_english_reconciliation_pdf_reads_in_english() {
    let input: ReconciliationInput = reconciliation(dec!(150.50));
    let r = Reconciliation::new(&input, Lang::En);
    assert_eq!(
        r.conclusion,
        "According to ООО «Копейка Хостинг», as of 31.03.2026 the debt in favour of ООО «Копейка Хостинг» is 750.50 ₽ (Seven hundred fifty roubles 50 kopecks)."
    );
    let rows: Vec<&str> = r.rows.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(rows, ["Act No. 2026-000002 of 28.02.2026", "Payment No. 7 of 03.03.2026"]);
    let text = pdf_text(pdf::RECONCILIATION, &r);
    for expected in [
        "Reconciliation statement for the period from 01.02.2026 to 31.03.2026",
        "Opening balance",
        "Turnover for the period",
        "Closing balance",
        "Date",
        "Document",
        "Debit",
        "Credit",
        "750.50 ₽",
        "Seven hundred fifty roubles 50 kopecks",
    ] {
        assert!(text.contains(expected), "{expected:?} is not in the English statement: {text}");
    }
    let ru = Reconciliation::new(&input, Lang::Ru);
    let rows: Vec<&str> = ru.rows.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(rows, ["Акт № 2026-000002 от 28.02.2026", "Оплата № 7 от 03.03.2026"]);
    let empty = Reconciliation::new(&reconciliation(dec!(-600.00)), Lang::En);
    assert_eq!(empty.conclusion, "According to ООО «Копейка Хостинг», as of 31.03.2026 there is no debt.");
}

/// DOC-4: the English contract: title, preamble in the nominative with
/// the charter as the default basis, the terms, the parties' details.
#[test]
fn doc4_an_english_contract_pdf_reads_in_english() {
    let mut b = buyer();
    b.director_name = Some("Иванов Иван Иванович".into());
    b.director_position = Some("Генеральный директор".into());
    b.director_name_dative = Some("Иванову Ивану Ивановичу".into());
    b.director_position_dative = Some("Генеральному директору".into());
    let input = ContractInput {
        number: "2026-000003".into(),
        signed_on: day(4, 14),
        city: "Москва".into(),
        seller: provider(),
        buyer: b,
        buyer_kind: PayerKind::LegalEntity,
        seller_logo: None,
    };
    let c = Contract::new(&input, Lang::En);
    assert_eq!(
        (c.title.as_str(), c.date.as_str(), c.addressee.as_str()),
        ("Services Agreement No. 2026-000003", "14 April 2026", "")
    );
    assert!(
        c.preamble.contains("ООО «Ромашка», hereinafter the “Customer”, represented by Генеральный директор Иванов Иван Иванович, acting on the basis of the Charter"),
        "{}",
        c.preamble
    );
    let text = pdf_text(pdf::CONTRACT, &c);
    for expected in [
        "Services Agreement No. 2026-000003",
        "1. Subject of the agreement",
        "4. Liability and term",
        "5. Details and signatures of the parties",
        "INN 7707083893",
        "BIC 044525225",
    ] {
        assert!(text.contains(expected), "{expected:?} is not in the English contract: {text}");
    }
    let ru = pdf_text(pdf::CONTRACT, &Contract::new(&input, Lang::Ru));
    for expected in ["г. Москва", "1. Предмет договора", "5. Реквизиты и подписи сторон", "БИК 044525225"]
    {
        assert!(ru.contains(expected), "{expected:?} is not in the Russian contract: {ru}");
    }
}

/// DOC-1 … DOC-4: over parties in Latin letters, each English paper, as a
/// page and as a PDF, has no Cyrillic letter: every fixed word came from
/// the model in English.
#[test]
fn doc_english_papers_hold_no_russian_word_of_their_own() {
    let (seller, buyer) = (latin("Kopek Hosting LLC"), latin("Romashka LLC"));
    let mut invoice = payment_invoice();
    (invoice.seller, invoice.buyer) = (seller.clone(), buyer.clone());
    (invoice.signer_name, invoice.signer_position) = ("Ivan Ivanov".into(), "General Director".into());
    let mut a: ActInput = act();
    (a.seller, a.buyer, a.contract) = (seller.clone(), buyer.clone(), None);
    (a.signer_name, a.signer_position) = ("Ivan Ivanov".into(), String::new());
    for line in &mut a.lines {
        line.name = "VDS Fast".into();
    }
    let contract = ContractInput {
        number: "2026-000003".into(),
        signed_on: day(4, 14),
        city: "Moscow".into(),
        seller: seller.clone(),
        buyer: buyer.clone(),
        buyer_kind: PayerKind::LegalEntity,
        seller_logo: None,
    };
    let mut rec = reconciliation(dec!(150.50));
    (rec.seller, rec.buyer) = (seller, buyer);
    (rec.signer_name, rec.signer_position) = ("Ivan Ivanov".into(), "General Director".into());
    let layouts = Layouts::shipped();
    for (kind, data) in [
        (DocumentKind::Invoice, serde_json::to_value(&invoice).unwrap()),
        (DocumentKind::Act, serde_json::to_value(&a).unwrap()),
        (DocumentKind::Contract, serde_json::to_value(&contract).unwrap()),
    ] {
        let page = String::from_utf8(layouts.document(kind, &data, Format::Html, Lang::En, None).unwrap()).unwrap();
        assert!(page.contains("<html lang=\"en\">"), "{kind}");
        assert_eq!(has_cyrillic(&page), None, "the English {kind} page: {page}");
    }
    let page = String::from_utf8(layouts.reconciliation(&rec, Format::Html, Lang::En, None).unwrap()).unwrap();
    assert_eq!(has_cyrillic(&page), None, "the English reconciliation page: {page}");
    for text in [
        pdf_text(pdf::INVOICE, &Invoice::new(&invoice, Lang::En)),
        pdf_text(pdf::ACT, &Act::new(&a, Lang::En)),
        pdf_text(pdf::CONTRACT, &Contract::new(&contract, Lang::En)),
        pdf_text(pdf::RECONCILIATION, &Reconciliation::new(&rec, Lang::En)),
    ] {
        assert_eq!(has_cyrillic(&text), None, "an English PDF: {text}");
    }
    // The director's position left unset reads "Director" in English.
    assert!(Act::new(&a, Lang::En).seller_signer_position == "Director");
}

/// DOC-1 … DOC-4: a provider's layout written before papers had a language
/// (only `d.title`, `d.total`) keeps rendering, in either language.
#[test]
fn doc_a_provider_s_older_layout_renders_in_both_languages() {
    let dir = std::env::temp_dir().join(format!("kopek-layouts-en-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("act.html"), "<h1>{{ d.title }}</h1><p>{{ d.total }} ₽</p>").unwrap();
    std::fs::write(dir.join("act.typ"), "#let d = json(\"/data.json\")\n#d.title, #d.total ₽").unwrap();
    let layouts = Layouts::with_dir(&dir).unwrap();
    let data = serde_json::to_value(act()).unwrap();
    let page = |lang| String::from_utf8(layouts.document(DocumentKind::Act, &data, Format::Html, lang, None).unwrap()).unwrap();
    assert_eq!(page(Lang::En), "<h1>Act No. 2026-000007 of 31 March 2026</h1><p>610.00 ₽</p>");
    assert_eq!(page(Lang::Ru), "<h1>Акт № 2026-000007 от 31 марта 2026 г.</h1><p>610,00 ₽</p>");
    assert!(layouts.document(DocumentKind::Act, &data, Format::Pdf, Lang::En, None).unwrap().starts_with(b"%PDF-"));
    std::fs::remove_dir_all(&dir).unwrap();
}
