//! DOC-1: «Счёт на оплату». The input is what was sold, at what price and
//! tax, to whom and by whom; the [`Invoice`] is the same with every amount
//! computed (each line rounded to the kopeck, the total their sum, VAT by
//! the one rule of `kopek_domain::tax`) and every text formatted, so both
//! layouts only place strings.

use kopek_domain::amount_in_words::roubles_in_words;
use kopek_domain::document::InvoiceInput;
use kopek_domain::money::{Currency, Money, round_half_up};
use kopek_domain::payer::PayerDetails;
use kopek_domain::tax::{VatMode, vat};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::format;

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
    pub(crate) fn of(d: &PayerDetails) -> Party {
        let text = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or_default().to_string();
        let address = d.legal_address.as_ref().map(format::address).unwrap_or_default();
        let mut parts = vec![d.name.trim().to_string()];
        if let Some(inn) = d.inn.as_deref().filter(|v| !v.trim().is_empty()) {
            parts.push(format!("ИНН {inn}"));
        }
        if let Some(kpp) = d.kpp.as_deref().filter(|v| !v.trim().is_empty()) {
            parts.push(format!("КПП {kpp}"));
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

/// The invoice as both layouts show it: strings only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invoice {
    pub title: String,
    pub number: String,
    pub date: String,
    pub seller: Party,
    pub buyer: Party,
    pub lines: Vec<InvoiceLine>,
    /// "Итого": the lines' sum.
    pub total: String,
    /// "В том числе НДС (20%)", "НДС (20%)" or "Без налога (НДС)".
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
    pub fn new(input: &InvoiceInput) -> Invoice {
        let lines: Vec<(InvoiceLine, Decimal)> = input
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let amount = round_half_up(l.quantity * l.price, 2);
                let line = InvoiceLine {
                    number: i + 1,
                    name: l.name.clone(),
                    quantity: format::quantity(l.quantity),
                    unit: l.unit.clone(),
                    price: format::amount(l.price),
                    amount: format::amount(amount),
                };
                (line, amount)
            })
            .collect();
        let total: Decimal = lines.iter().map(|(_, a)| *a).sum();
        let (vat_label, vat_text, to_pay) = match input.vat_percent {
            Some(rate) => {
                let split = vat(Money::new(total, Currency::RUB), rate, input.vat_mode);
                let rate = format::quantity(rate);
                let label = match input.vat_mode {
                    VatMode::Included => format!("В том числе НДС ({rate}%)"),
                    VatMode::Added => format!("НДС ({rate}%)"),
                };
                (label, format::amount(split.tax.amount), split.gross.amount)
            }
            None => ("Без налога (НДС)".to_string(), "—".to_string(), total),
        };
        Invoice {
            title: format!("Счёт на оплату № {} от {}", input.number, format::date(input.issued_on)),
            number: input.number.clone(),
            date: format::date(input.issued_on),
            seller: Party::of(&input.seller),
            buyer: Party::of(&input.buyer),
            summary: format!("Всего наименований {}, на сумму {} руб.", lines.len(), format::amount(to_pay)),
            lines: lines.into_iter().map(|(l, _)| l).collect(),
            total: format::amount(total),
            vat_label,
            vat: vat_text,
            to_pay: format::amount(to_pay),
            to_pay_in_words: roubles_in_words(to_pay),
            signer_name: input.signer_name.clone(),
            signer_position: input.signer_position.clone(),
            payment_purpose: input.payment_purpose.clone(),
            to_pay_amount: to_pay,
        }
    }
}
