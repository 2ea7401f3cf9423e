//! DOC-3: a reconciliation act («Акт сверки взаимных расчётов») of a payer
//! and a period, from the provider's side: acts are debit (services
//! rendered), payments credit. The opening balance is everything before
//! the period, so two consecutive periods chain: one's closing balance is
//! the next one's opening balance.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::document::ContractRef;
use crate::payer::PayerDetails;

/// What a reconciliation act's row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// An act of completed work: the provider's debit.
    Act,
    /// A credited payment: the provider's credit.
    Payment,
}

/// One act or payment in the period; the paper words it («Акт № 2026-000012
/// от 31.01.2026», "Payment No. 345 of 05.02.2026") in its language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReconciliationEntry {
    pub date: NaiveDate,
    pub kind: EntryKind,
    pub number: String,
    pub debit: Decimal,
    pub credit: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReconciliationInput {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub seller: PayerDetails,
    pub buyer: PayerDetails,
    pub contract: Option<ContractRef>,
    /// What the payer owed the provider when the period began (negative:
    /// what the provider owed the payer, an advance).
    pub opening: Decimal,
    pub entries: Vec<ReconciliationEntry>,
    pub signer_name: String,
    pub signer_position: String,
    /// The SHA-256 of the provider's logo in use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_logo: Option<String>,
}

impl ReconciliationInput {
    /// The period's debit and credit turnovers.
    pub fn turnovers(&self) -> (Decimal, Decimal) {
        self.entries.iter().fold((Decimal::ZERO, Decimal::ZERO), |(d, c), e| (d + e.debit, c + e.credit))
    }

    /// What the payer owes when the period ends (negative: its advance).
    pub fn closing(&self) -> Decimal {
        let (debit, credit) = self.turnovers();
        self.opening + debit - credit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn doc3_closing_is_opening_plus_debit_minus_credit() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 2, d).unwrap();
        let r = ReconciliationInput {
            from: day(1),
            to: day(28),
            seller: PayerDetails::default(),
            buyer: PayerDetails::default(),
            contract: None,
            opening: dec!(-100.00),
            entries: vec![
                ReconciliationEntry {
                    date: day(5),
                    kind: EntryKind::Payment,
                    number: "1".into(),
                    debit: dec!(0),
                    credit: dec!(1000.00),
                },
                ReconciliationEntry {
                    date: day(28),
                    kind: EntryKind::Act,
                    number: "2026-000001".into(),
                    debit: dec!(625.50),
                    credit: dec!(0),
                },
            ],
            signer_name: String::new(),
            signer_position: String::new(),
            seller_logo: None,
        };
        assert_eq!(r.turnovers(), (dec!(625.50), dec!(1000.00)));
        assert_eq!(r.closing(), dec!(-474.50));
    }
}
