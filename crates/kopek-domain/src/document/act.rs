//! DOC-2: what an act of completed work says — a payer's expenses of a
//! month as lines, a line per service and VAT rate — and the rule that
//! groups expenses into those lines.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::round_half_up;
use crate::payer::PayerDetails;

/// The unit of an act's line and of a payment's invoice line: a service,
/// kept as this code and written «усл.» or "svc" by the paper's language
/// (documents issued before kept «усл.» itself, which reads the same).
pub const SERVICE_UNIT: &str = "service";

/// The contract a document refers to («Основание»).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractRef {
    pub number: String,
    pub signed_on: NaiveDate,
}

/// One line of an act: a service of the period at one VAT rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActLineInput {
    pub name: String,
    /// The first and last charge day of the line's expenses.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub quantity: Decimal,
    pub unit: String,
    /// The line's amount with its tax, to the kopeck.
    pub amount: Decimal,
    /// None: the expenses carry no known rate (written before rates were
    /// kept); their tax is shown as charged.
    pub vat_percent: Option<Decimal>,
    /// The tax inside `amount`, the sum of the expenses' own taxes.
    pub tax: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActInput {
    pub number: String,
    pub issued_on: NaiveDate,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    /// The provider as it stood on the day of issue.
    pub seller: PayerDetails,
    /// The payer as it stood on the day of issue (DOC-5).
    pub buyer: PayerDetails,
    pub contract: Option<ContractRef>,
    pub lines: Vec<ActLineInput>,
    pub signer_name: String,
    pub signer_position: String,
    /// The SHA-256 of the provider's logo on the day of issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_logo: Option<String>,
}

impl ActInput {
    /// What the act is for: the lines' sum.
    pub fn total(&self) -> Decimal {
        self.lines.iter().map(|l| l.amount).sum()
    }
}

/// An expense as an act reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActExpense {
    pub name: String,
    pub charged_on: NaiveDate,
    /// Exact, to the ten-thousandth as the ledger keeps it.
    pub amount: Decimal,
    pub tax: Decimal,
    pub vat_percent: Option<Decimal>,
}

/// The act's lines: expenses of one name and rate make one line, whose
/// amount is their exact sum rounded once to the kopeck (never the sum of
/// rounded parts), so the act differs from the ledger by less than a
/// kopeck per line. Lines come in name order, then by rate.
pub fn act_lines(expenses: &[ActExpense]) -> Vec<ActLineInput> {
    /// One line's expenses so far: their days and exact sums.
    struct Line {
        from: NaiveDate,
        to: NaiveDate,
        amount: Decimal,
        tax: Decimal,
    }
    let mut groups: BTreeMap<(&str, Option<Decimal>), Line> = BTreeMap::new();
    for e in expenses {
        let line = groups.entry((e.name.as_str(), e.vat_percent.map(|r| r.normalize()))).or_insert(Line {
            from: e.charged_on,
            to: e.charged_on,
            amount: Decimal::ZERO,
            tax: Decimal::ZERO,
        });
        line.from = line.from.min(e.charged_on);
        line.to = line.to.max(e.charged_on);
        line.amount += e.amount;
        line.tax += e.tax;
    }
    groups
        .into_iter()
        .map(|((name, vat_percent), l)| ActLineInput {
            name: name.to_string(),
            from: l.from,
            to: l.to,
            quantity: Decimal::ONE,
            unit: SERVICE_UNIT.to_string(),
            amount: round_half_up(l.amount, 2),
            vat_percent,
            tax: round_half_up(l.tax, 2),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn expense(name: &str, d: u32, amount: Decimal, tax: Decimal, rate: Option<Decimal>) -> ActExpense {
        ActExpense { name: name.into(), charged_on: day(d), amount, tax, vat_percent: rate }
    }

    /// DOC-2, LED-5: a line per service and rate; the amount is the exact
    /// sum rounded once, the tax the sum of the expenses' taxes.
    #[test]
    fn doc2_lines_group_a_service_by_rate_and_round_once() {
        let lines = act_lines(&[
            expense("VDS Fast", 1, dec!(10.0033), dec!(1.80), Some(dec!(22))),
            expense("VDS Fast", 2, dec!(10.0033), dec!(1.80), Some(dec!(22.00))),
            expense("VDS Fast", 31, dec!(10.0033), dec!(1.80), Some(dec!(22))),
            expense("Домен", 5, dec!(600), dec!(0), Some(dec!(0))),
            expense("VDS Fast", 3, dec!(5), dec!(0.83), Some(dec!(20))),
        ]);
        assert_eq!(lines.len(), 3);
        let (vds20, vds22, domain) = (&lines[0], &lines[1], &lines[2]);
        assert_eq!(
            (vds20.name.as_str(), vds20.vat_percent, vds20.amount, vds20.tax),
            ("VDS Fast", Some(dec!(20)), dec!(5.00), dec!(0.83))
        );
        assert_eq!((vds22.amount, vds22.tax, vds22.from, vds22.to), (dec!(30.01), dec!(5.40), day(1), day(31)));
        assert_eq!((domain.name.as_str(), domain.amount, domain.tax), ("Домен", dec!(600.00), dec!(0.00)));
    }
}
