//! DOC-2: «Акт выполненных работ (оказанных услуг)» with every requisite
//! 402-ФЗ art. 9 asks of a primary document: its name and date, who drew
//! it up, what was done with its measure and money, and who signs for
//! whom. The VAT inside the total is shown a line per rate.

use std::collections::BTreeMap;

use kopek_domain::amount_in_words::roubles_in_words;
use kopek_domain::document::ActInput;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::format;
use crate::invoice::Party;

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
    pub fn new(input: &ActInput) -> Act {
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
                quantity: format::quantity(l.quantity),
                unit: l.unit.clone(),
                price: format::amount(l.amount / l.quantity),
                amount: format::amount(l.amount),
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
                    label: format!("В том числе НДС ({}%)", format::quantity(r)),
                    amount: format::amount(tax),
                },
                None if !tax.is_zero() => {
                    VatRow { label: "В том числе НДС".to_string(), amount: format::amount(tax) }
                }
                _ => VatRow { label: "Без налога (НДС)".to_string(), amount: "—".to_string() },
            })
            .collect();
        let buyer = &input.buyer;
        Act {
            title: format!("Акт № {} от {}", input.number, format::date(input.issued_on)),
            number: input.number.clone(),
            date: format::date(input.issued_on),
            period: format!("за период с {} по {}", format::date(input.period_from), format::date(input.period_to)),
            seller: Party::of(&input.seller),
            buyer: Party::of(buyer),
            basis: input
                .contract
                .as_ref()
                .map(|c| format!("Договор № {} от {}", c.number, format::date(c.signed_on)))
                .unwrap_or_default(),
            summary: format!("Всего оказано услуг {}, на сумму {} руб.", lines.len(), format::amount(total)),
            lines,
            total: format::amount(total),
            vat,
            total_in_words: roubles_in_words(total),
            seller_signer_position: input.signer_position.clone(),
            seller_signer_name: input.signer_name.clone(),
            buyer_signer_position: buyer.director_position.clone().unwrap_or_else(|| "Заказчик".to_string()),
            buyer_signer_name: buyer.director_name.clone().unwrap_or_else(|| buyer.name.clone()),
            total_amount: total,
        }
    }
}
