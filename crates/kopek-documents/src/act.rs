//! DOC-2: «Акт выполненных работ (оказанных услуг)» / "Act of completed
//! work" with every requisite 402-ФЗ art. 9 asks of a primary document:
//! its name and date, who drew it up, what was done with its measure and
//! money, and who signs for whom. The VAT inside the total is shown a
//! line per rate.

use std::collections::BTreeMap;

use kopek_domain::amount_in_words::amount_in_words;
use kopek_domain::document::ActInput;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::format;
use crate::invoice::{Party, signer_position};
use crate::lang::{Labels, Lang, labels};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActLine {
    pub number: usize,
    /// The service and the days it covers.
    pub name: String,
    pub quantity: String,
    pub unit: String,
    pub price: String,
    pub amount: String,
}

/// "В том числе НДС (22%)" and its amount, or "Без налога (НДС)".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VatRow {
    pub label: String,
    pub amount: String,
}

/// The act as both layouts show it: strings only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Act {
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
    /// "за период с 1 марта 2026 г. по 31 марта 2026 г."
    pub period: String,
    pub seller: Party,
    pub buyer: Party,
    /// «Основание: Договор № … от …», empty without a contract.
    pub basis: String,
    pub lines: Vec<ActLine>,
    pub total: String,
    pub vat: Vec<VatRow>,
    /// "Всего оказано услуг 2, на сумму 1 234,56 руб."
    pub summary: String,
    pub total_in_words: String,
    pub seller_signer_position: String,
    pub seller_signer_name: String,
    pub buyer_signer_position: String,
    pub buyer_signer_name: String,
    #[serde(skip)]
    pub total_amount: Decimal,
}

impl Act {
    pub fn new(input: &ActInput, lang: Lang) -> Act {
        let lines: Vec<ActLine> = input
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| ActLine {
                number: i + 1,
                name: if l.from == l.to {
                    format!("{} ({})", l.name, format::short_date(l.from))
                } else {
                    format!("{} ({} – {})", l.name, format::short_date(l.from), format::short_date(l.to))
                },
                quantity: format::quantity(l.quantity, lang),
                unit: format::unit(&l.unit, lang),
                price: format::amount(l.amount / l.quantity, lang),
                amount: format::amount(l.amount, lang),
            })
            .collect();
        let total = input.total();
        let mut by_rate: BTreeMap<Option<Decimal>, Decimal> = BTreeMap::new();
        for l in &input.lines {
            *by_rate.entry(l.vat_percent.map(|r| r.normalize())).or_default() += l.tax;
        }
        let vat = by_rate
            .into_iter()
            .map(|(rate, tax)| match rate {
                Some(r) if !r.is_zero() => VatRow {
                    label: format!("{} ({}%)", lang.pick("В том числе НДС", "incl. VAT"), format::quantity(r, lang)),
                    amount: format::amount(tax, lang),
                },
                None if !tax.is_zero() => VatRow {
                    label: lang.pick("В том числе НДС", "incl. VAT").to_string(),
                    amount: format::amount(tax, lang),
                },
                _ => VatRow {
                    label: lang.pick("Без налога (НДС)", "VAT exempt").to_string(), amount: "—".to_string()
                },
            })
            .collect();
        let buyer = &input.buyer;
        let date = |d| format::date(d, lang);
        let (number, issued) = (&input.number, date(input.issued_on));
        let (from, to) = (date(input.period_from), date(input.period_to));
        let (count, sum) = (lines.len(), format::amount(total, lang));
        Act {
            lang,
            t: labels(lang),
            logo: String::new(),
            title: match lang {
                Lang::Ru => format!("Акт № {number} от {issued}"),
                Lang::En => format!("Act No. {number} of {issued}"),
            },
            number: input.number.clone(),
            period: match lang {
                Lang::Ru => format!("за период с {from} по {to}"),
                Lang::En => format!("for the period from {from} to {to}"),
            },
            date: issued,
            seller: Party::of(&input.seller, lang),
            buyer: Party::of(buyer, lang),
            basis: input
                .contract
                .as_ref()
                .map(|c| match lang {
                    Lang::Ru => format!("Договор № {} от {}", c.number, date(c.signed_on)),
                    Lang::En => format!("Contract No. {} of {}", c.number, date(c.signed_on)),
                })
                .unwrap_or_default(),
            summary: match lang {
                Lang::Ru => format!("Всего оказано услуг {count}, на сумму {sum} руб."),
                Lang::En => format!("Services rendered: {count}, amounting to {sum} ₽"),
            },
            lines,
            total: sum,
            vat,
            total_in_words: amount_in_words(total, lang.code()),
            seller_signer_position: signer_position(&input.signer_position, lang),
            seller_signer_name: input.signer_name.clone(),
            buyer_signer_position: buyer
                .director_position
                .clone()
                .unwrap_or_else(|| lang.pick("Заказчик", "Customer").to_string()),
            buyer_signer_name: buyer.director_name.clone().unwrap_or_else(|| buyer.name.clone()),
            total_amount: total,
        }
    }
}
