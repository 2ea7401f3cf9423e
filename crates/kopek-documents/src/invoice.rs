//! DOC-1: «Счёт на оплату» / "Invoice". The input is what was sold, at
//! what price and tax, to whom and by whom; the [`Invoice`] is the same
//! with every amount computed (each line rounded to the kopeck, the total
//! their sum, VAT by the one rule of `kopek_domain::tax`) and every text
//! formatted in the paper's language, so both layouts only place strings.

use kopek_domain::amount_in_words::amount_in_words;
use kopek_domain::document::{InvoiceInput, LineSubject};
use kopek_domain::money::{Currency, Money, round_half_up};
use kopek_domain::payer::PayerDetails;
use kopek_domain::tax::{VatMode, vat};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::format;
use crate::lang::{Labels, Lang, labels};

/// A party as the document prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    pub name: String,
    pub inn: String,
    pub kpp: String,
    pub address: String,
    pub bank_name: String,
    pub bik: String,
    pub account: String,
    pub correspondent_account: String,
    /// "ООО «Ромашка», ИНН 7707083893, КПП 773601001, 123456, Москва, …"
    pub line: String,
}

impl Party {
    pub(crate) fn of(d: &PayerDetails, lang: Lang) -> Party {
        let text = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or_default().to_string();
        let address = d.legal_address.as_ref().map(format::address).unwrap_or_default();
        let mut parts = vec![d.name.trim().to_string()];
        if let Some(inn) = d.inn.as_deref().filter(|v| !v.trim().is_empty()) {
            parts.push(format!("{} {inn}", lang.pick("ИНН", "INN")));
        }
        if let Some(kpp) = d.kpp.as_deref().filter(|v| !v.trim().is_empty()) {
            parts.push(format!("{} {kpp}", lang.pick("КПП", "KPP")));
        }
        if !address.is_empty() {
            parts.push(address.clone());
        }
        Party {
            name: d.name.trim().to_string(),
            inn: text(&d.inn),
            kpp: text(&d.kpp),
            address,
            bank_name: text(&d.bank_name),
            bik: text(&d.bik),
            account: text(&d.settlement_account),
            correspondent_account: text(&d.correspondent_account),
            line: parts.join(", "),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoiceLine {
    pub number: usize,
    pub name: String,
    pub quantity: String,
    pub unit: String,
    pub price: String,
    pub amount: String,
}

/// What a payment's invoice line says it is for.
fn subject(s: &LineSubject, lang: Lang) -> String {
    match (s, lang) {
        (LineSubject::Advance { account }, Lang::Ru) => format!("Авансовый платёж за услуги по лицевому счёту № {account}"),
        (LineSubject::Advance { account }, Lang::En) => format!("Advance payment for services, account No. {account}"),
        (LineSubject::Order { order, account }, Lang::Ru) => format!("Оплата заказа № {order} по лицевому счёту № {account}"),
        (LineSubject::Order { order, account }, Lang::En) => format!("Payment for order No. {order}, account No. {account}"),
    }
}

/// The invoice as both layouts show it: strings only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invoice {
    /// "ru" or "en".
    pub lang: Lang,
    /// The layouts' fixed words.
    pub t: Labels,
    /// The provider's logo for the header: a `data:` URL in a page, a
    /// file of the PDF's world ("/logo.png"); empty without one.
    pub logo: String,
    pub title: String,
    pub number: String,
    pub date: String,
    pub seller: Party,
    pub buyer: Party,
    pub lines: Vec<InvoiceLine>,
    /// "Итого": the lines' sum.
    pub total: String,
    /// "В том числе НДС (20%)", "НДС (20%)" or "Без налога (НДС)"; "incl.
    /// VAT (20%)", "VAT (20%)" or "VAT exempt".
    pub vat_label: String,
    /// The tax, or "—" without one.
    pub vat: String,
    /// "Всего к оплате".
    pub to_pay: String,
    /// "Всего наименований 2, на сумму 1 234,56 руб."
    pub summary: String,
    /// «Сумма прописью» of what is to be paid.
    pub to_pay_in_words: String,
    pub signer_name: String,
    pub signer_position: String,
    pub payment_purpose: String,
    /// What is to be paid, exactly, for the caller to keep with the
    /// document.
    #[serde(skip)]
    pub to_pay_amount: Decimal,
}

impl Invoice {
    pub fn new(input: &InvoiceInput, lang: Lang) -> Invoice {
        let lines: Vec<(InvoiceLine, Decimal)> = input
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let amount = round_half_up(l.quantity * l.price, 2);
                let line = InvoiceLine {
                    number: i + 1,
                    name: l.subject.as_ref().map_or_else(|| l.name.clone(), |s| subject(s, lang)),
                    quantity: format::quantity(l.quantity, lang),
                    unit: format::unit(&l.unit, lang),
                    price: format::amount(l.price, lang),
                    amount: format::amount(amount, lang),
                };
                (line, amount)
            })
            .collect();
        let total: Decimal = lines.iter().map(|(_, a)| *a).sum();
        let (vat_label, vat_text, to_pay) = match input.vat_percent {
            Some(rate) => {
                let split = vat(Money::new(total, Currency::RUB), rate, input.vat_mode);
                let rate = format::quantity(rate, lang);
                let label = match (input.vat_mode, lang) {
                    (VatMode::Included, Lang::Ru) => format!("В том числе НДС ({rate}%)"),
                    (VatMode::Included, Lang::En) => format!("incl. VAT ({rate}%)"),
                    (VatMode::Added, Lang::Ru) => format!("НДС ({rate}%)"),
                    (VatMode::Added, Lang::En) => format!("VAT ({rate}%)"),
                };
                (label, format::amount(split.tax.amount, lang), split.gross.amount)
            }
            None => (lang.pick("Без налога (НДС)", "VAT exempt").to_string(), "—".to_string(), total),
        };
        let date = format::date(input.issued_on, lang);
        let payment_purpose = match &input.payment_number {
            Some(payment) => {
                let (number, on) = (&input.number, format::short_date(input.issued_on));
                match lang {
                    Lang::Ru => format!("Оплата по счёту № {number} от {on}, платёж {payment}"),
                    Lang::En => format!("Payment for invoice No. {number} of {on}, payment {payment}"),
                }
            }
            None => input.payment_purpose.clone(),
        };
        let (count, sum) = (lines.len(), format::amount(to_pay, lang));
        Invoice {
            lang,
            t: labels(lang),
            logo: String::new(),
            title: match lang {
                Lang::Ru => format!("Счёт на оплату № {} от {date}", input.number),
                Lang::En => format!("Invoice No. {} of {date}", input.number),
            },
            number: input.number.clone(),
            date,
            seller: Party::of(&input.seller, lang),
            buyer: Party::of(&input.buyer, lang),
            summary: match lang {
                Lang::Ru => format!("Всего наименований {count}, на сумму {sum} руб."),
                Lang::En => format!("Items in total: {count}, amounting to {sum} ₽"),
            },
            lines: lines.into_iter().map(|(l, _)| l).collect(),
            total: format::amount(total, lang),
            vat_label,
            vat: vat_text,
            to_pay: sum,
            to_pay_in_words: amount_in_words(to_pay, lang.code()),
            signer_name: input.signer_name.clone(),
            signer_position: signer_position(&input.signer_position, lang),
            payment_purpose,
            to_pay_amount: to_pay,
        }
    }
}

/// The provider's signer's position, "Руководитель" or "Director" while
/// none is set.
pub(crate) fn signer_position(set: &str, lang: Lang) -> String {
    match set.trim() {
        "" => lang.pick("Руководитель", "Director").to_string(),
        position => position.to_string(),
    }
}
