//! DOC-1, DOC-5: «Счёт на оплату» from its model: exact amounts and VAT,
//! «сумма прописью», both parties' details as of the day of issue, in a
//! PDF whose text is Cyrillic with the rouble sign's font, and in HTML.

use chrono::NaiveDate;
use kopek_documents::{Invoice, InvoiceInput, InvoiceLineInput, Lang, html, pdf};
use kopek_domain::payer::{Address, PayerDetails};
use kopek_domain::tax::VatMode;
use rust_decimal_macros::dec;

pub fn provider() -> PayerDetails {
    PayerDetails {
        country: "RU".into(),
        name: "ООО «Копейка Хостинг»".into(),
        inn: Some("7736207543".into()),
        kpp: Some("773601001".into()),
        legal_address: Some(Address {
            country: Some("RU".into()),
            postcode: Some("117312".into()),
            city: Some("Москва".into()),
            address: Some("ул. Вавилова, д. 19".into()),
        }),
        bank_name: Some("ПАО Сбербанк".into()),
        bik: Some("044525225".into()),
        settlement_account: Some("40702810938000000002".into()),
        correspondent_account: Some("30101810400000000225".into()),
        ..PayerDetails::default()
    }
}

pub fn buyer() -> PayerDetails {
    PayerDetails {
        country: "RU".into(),
        name: "ООО «Ромашка»".into(),
        inn: Some("7707083893".into()),
        kpp: Some("773601001".into()),
        legal_address: Some(Address {
            city: Some("Москва".into()), address: Some("ул. Ленина, 1".into()), ..Address::default()
        }),
        ..PayerDetails::default()
    }
}

pub fn input(vat_percent: Option<rust_decimal::Decimal>, vat_mode: VatMode) -> InvoiceInput {
    InvoiceInput {
        number: "2026-000123".into(),
        issued_on: NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(),
        seller: provider(),
        buyer: buyer(),
        lines: vec![
            InvoiceLineInput {
                name: "VDS Fast, 1 месяц".into(),
                subject: None,
                quantity: dec!(1),
                unit: "мес.".into(),
                price: dec!(300.00),
            },
            InvoiceLineInput {
                name: "Публичный IPv4-адрес".into(),
                subject: None,
                quantity: dec!(2),
                unit: "шт.".into(),
                price: dec!(150.00),
            },
            InvoiceLineInput {
                name: "Диск, ГиБ".into(),
                subject: None,
                quantity: dec!(10),
                unit: "ГиБ".into(),
                price: dec!(2.5),
            },
        ],
        vat_percent,
        vat_mode,
        signer_name: "И. И. Иванов".into(),
        signer_position: "Генеральный директор".into(),
        payment_purpose: "Оплата по счёту № 2026-000123 от 31.01.2026".into(),
        payment_number: None,
        seller_logo: None,
    }
}

#[test]
fn doc1_an_invoice_s_amounts_vat_and_words_are_exact() {
    let inv = Invoice::new(&input(Some(dec!(20)), VatMode::Included), Lang::Ru);
    assert_eq!(inv.title, "Счёт на оплату № 2026-000123 от 31 января 2026 г.");
    let amounts: Vec<&str> = inv.lines.iter().map(|l| l.amount.as_str()).collect();
    assert_eq!(amounts, ["300,00", "300,00", "25,00"]);
    assert_eq!((inv.total.as_str(), inv.vat_label.as_str(), inv.vat.as_str()), ("625,00", "В том числе НДС (20%)", "104,17"));
    assert_eq!(inv.to_pay, "625,00");
    assert_eq!(inv.to_pay_amount, dec!(625.00));
    assert_eq!(inv.to_pay_in_words, "Шестьсот двадцать пять рублей 00 копеек");
    assert_eq!(inv.summary, "Всего наименований 3, на сумму 625,00 руб.");
    assert_eq!(inv.buyer.line, "ООО «Ромашка», ИНН 7707083893, КПП 773601001, Москва, ул. Ленина, 1");

    let added = Invoice::new(&input(Some(dec!(22)), VatMode::Added), Lang::Ru);
    assert_eq!((added.vat_label.as_str(), added.vat.as_str(), added.to_pay.as_str()), ("НДС (22%)", "137,50", "762,50"));
    assert_eq!(added.to_pay_in_words, "Семьсот шестьдесят два рубля 50 копеек");
    let untaxed = Invoice::new(&input(None, VatMode::Included), Lang::Ru);
    assert_eq!((untaxed.vat_label.as_str(), untaxed.vat.as_str(), untaxed.to_pay.as_str()), ("Без налога (НДС)", "—", "625,00"));
}

#[test]
fn doc1_an_invoice_renders_to_a_pdf_with_its_cyrillic_text() {
    let inv = Invoice::new(&input(Some(dec!(20)), VatMode::Included), Lang::Ru);
    let data = serde_json::to_value(&inv).unwrap();
    let rendered = pdf::render(pdf::INVOICE, &data).unwrap();
    assert!(rendered.bytes.starts_with(b"%PDF-"), "a PDF");
    assert_eq!(rendered.pages, 1);
    let text = rendered.text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Счёт на оплату № 2026-000123 от 31 января 2026 г.",
        "ООО «Копейка Хостинг», ИНН 7736207543, КПП 773601001, 117312, Москва, ул. Вавилова, д. 19",
        "ООО «Ромашка», ИНН 7707083893",
        "VDS Fast, 1 месяц",
        "625,00",
        "В том числе НДС (20%):",
        "104,17",
        "Шестьсот двадцать пять рублей 00 копеек",
        "044525225",
        "40702810938000000002",
    ] {
        assert!(text.contains(expected), "{expected:?} is not in the PDF's text: {text}");
    }
    assert!(rendered.bytes.windows(b"DejaVuSans".len()).any(|w| w == b"DejaVuSans"), "the font is embedded");
}

#[test]
fn doc1_the_same_invoice_prints_as_html_with_values_escaped() {
    let mut i = input(Some(dec!(20)), VatMode::Included);
    i.buyer.name = "ООО <Ромашка & Ко>".into();
    let inv = Invoice::new(&i, Lang::Ru);
    let page = html::render("invoice.html", &inv).unwrap();
    assert!(page.contains("<h1 data-test=\"title\">Счёт на оплату № 2026-000123 от 31 января 2026 г.</h1>"));
    assert!(page.contains("ООО &lt;Ромашка &amp; Ко&gt;, ИНН 7707083893"), "values are escaped");
    assert!(page.contains("<b data-test=\"in-words\">Шестьсот двадцать пять рублей 00 копеек</b>"));
    assert!(page.contains("@page { size: A4;"));
}

#[test]
fn doc1_a_template_that_fails_names_its_line_and_nothing_reaches_the_network() {
    let err = pdf::render("#let d = json(\"/data.json\")\n\n#d.no_such_field", &serde_json::json!({})).unwrap_err();
    assert!(err.to_string().starts_with("line 3:"), "{err}");
    let err = pdf::render("#import \"@preview/invoice:0.1.0\": *", &serde_json::json!({})).unwrap_err();
    assert!(err.to_string().contains("invoice"), "a package is refused, not downloaded: {err}");
    let err = pdf::render("#read(\"/etc/passwd\")", &serde_json::json!({})).unwrap_err();
    assert!(!err.0.is_empty(), "no file outside the document is read");
}
