//! DOC-3: «Акт сверки взаимных расчётов» as papers lay it out: the
//! provider's half filled in (opening balance, every act and payment,
//! turnovers, closing balance) and the payer's half left for the payer,
//! ending with whom the debt is in favour of, in figures and in words.

use kopek_domain::amount_in_words::roubles_in_words;
use kopek_domain::document::ReconciliationInput;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::format;
use crate::invoice::Party;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReconciliationRow {
    pub date: String,
    pub title: String,
    pub debit: String,
    pub credit: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reconciliation {
    pub title: String,
    pub seller: Party,
    pub buyer: Party,
    pub basis: String,
    /// "Сальдо начальное": debit when the payer owed, credit otherwise.
    pub opening: ReconciliationRow,
    pub rows: Vec<ReconciliationRow>,
    pub turnovers: ReconciliationRow,
    pub closing: ReconciliationRow,
    /// «По данным … на … задолженность в пользу … составляет …».
    pub conclusion: String,
    pub signer_position: String,
    pub signer_name: String,
    #[serde(skip)]
    pub closing_amount: Decimal,
}

fn sides(balance: Decimal) -> (String, String) {
    if balance > Decimal::ZERO {
        (format::amount(balance), String::new())
    } else if balance < Decimal::ZERO {
        (String::new(), format::amount(-balance))
    } else {
        (String::new(), String::new())
    }
}

impl Reconciliation {
    pub fn new(input: &ReconciliationInput) -> Reconciliation {
        let seller = Party::of(&input.seller);
        let buyer = Party::of(&input.buyer);
        let (opening_debit, opening_credit) = sides(input.opening);
        let (debit, credit) = input.turnovers();
        let closing = input.closing();
        let (closing_debit, closing_credit) = sides(closing);
        let on = format::short_date(input.to);
        let conclusion = if closing.is_zero() {
            format!("По данным {} на {on} задолженность отсутствует.", seller.name)
        } else {
            let (creditor, amount) = if closing > Decimal::ZERO { (&seller.name, closing) } else { (&buyer.name, -closing) };
            format!(
                "По данным {} на {on} задолженность в пользу {creditor} составляет {} руб. ({}).",
                seller.name,
                format::amount(amount),
                roubles_in_words(amount)
            )
        };
        let cell = |v: Decimal| if v.is_zero() { String::new() } else { format::amount(v) };
        Reconciliation {
            title: format!(
                "Акт сверки взаимных расчётов за период с {} по {} между {} и {}",
                format::short_date(input.from),
                on,
                seller.name,
                buyer.name
            ),
            basis: input
                .contract
                .as_ref()
                .map(|c| format!("по договору № {} от {}", c.number, format::short_date(c.signed_on)))
                .unwrap_or_default(),
            opening: ReconciliationRow {
                date: String::new(),
                title: "Сальдо начальное".into(),
                debit: opening_debit,
                credit: opening_credit,
            },
            rows: input
                .entries
                .iter()
                .map(|e| ReconciliationRow {
                    date: format::short_date(e.date),
                    title: e.title.clone(),
                    debit: cell(e.debit),
                    credit: cell(e.credit),
                })
                .collect(),
            turnovers: ReconciliationRow {
                date: String::new(),
                title: "Обороты за период".into(),
                debit: format::amount(debit),
                credit: format::amount(credit),
            },
            closing: ReconciliationRow {
                date: String::new(),
                title: "Сальдо конечное".into(),
                debit: closing_debit,
                credit: closing_credit,
            },
            conclusion,
            signer_position: input.signer_position.clone(),
            signer_name: input.signer_name.clone(),
            seller,
            buyer,
            closing_amount: closing,
        }
    }
}
