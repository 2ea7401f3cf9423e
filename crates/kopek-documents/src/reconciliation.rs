//! DOC-3: «Акт сверки взаимных расчётов» / "Reconciliation statement" as
//! papers lay it out: the provider's half filled in (opening balance,
//! every act and payment, turnovers, closing balance) and the payer's half
//! left for the payer, ending with whom the debt is in favour of, in
//! figures and in words.

use kopek_domain::amount_in_words::amount_in_words;
use kopek_domain::document::{EntryKind, ReconciliationInput};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::format;
use crate::invoice::{Party, signer_position};
use crate::lang::{Labels, Lang, labels};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReconciliationRow {
    pub date: String,
    pub title: String,
    pub debit: String,
    pub credit: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reconciliation {
    /// "ru" or "en".
    pub lang: Lang,
    /// The layouts' fixed words.
    pub t: Labels,
    /// The provider's logo for the header: a `data:` URL in a page, a
    /// file of the PDF's world ("/logo.png"); empty without one.
    pub logo: String,
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

fn sides(balance: Decimal, lang: Lang) -> (String, String) {
    if balance > Decimal::ZERO {
        (format::amount(balance, lang), String::new())
    } else if balance < Decimal::ZERO {
        (String::new(), format::amount(-balance, lang))
    } else {
        (String::new(), String::new())
    }
}

impl Reconciliation {
    pub fn new(input: &ReconciliationInput, lang: Lang) -> Reconciliation {
        let seller = Party::of(&input.seller, lang);
        let buyer = Party::of(&input.buyer, lang);
        let (opening_debit, opening_credit) = sides(input.opening, lang);
        let (debit, credit) = input.turnovers();
        let closing = input.closing();
        let (closing_debit, closing_credit) = sides(closing, lang);
        let (from, on) = (format::short_date(input.from), format::short_date(input.to));
        let (us, them) = (&seller.name, &buyer.name);
        let conclusion = if closing.is_zero() {
            match lang {
                Lang::Ru => format!("По данным {us} на {on} задолженность отсутствует."),
                Lang::En => format!("According to {us}, as of {on} there is no debt."),
            }
        } else {
            let (creditor, amount) = if closing > Decimal::ZERO { (us, closing) } else { (them, -closing) };
            let (sum, words) = (format::amount(amount, lang), amount_in_words(amount, lang.code()));
            match lang {
                Lang::Ru => format!("По данным {us} на {on} задолженность в пользу {creditor} составляет {sum} руб. ({words})."),
                Lang::En => format!("According to {us}, as of {on} the debt in favour of {creditor} is {sum} ₽ ({words})."),
            }
        };
        let cell = |v: Decimal| if v.is_zero() { String::new() } else { format::amount(v, lang) };
        Reconciliation {
            lang,
            t: labels(lang),
            logo: String::new(),
            title: match lang {
                Lang::Ru => format!("Акт сверки взаимных расчётов за период с {from} по {on} между {us} и {them}"),
                Lang::En => format!("Reconciliation statement for the period from {from} to {on} between {us} and {them}"),
            },
            basis: input
                .contract
                .as_ref()
                .map(|c| match lang {
                    Lang::Ru => format!("по договору № {} от {}", c.number, format::short_date(c.signed_on)),
                    Lang::En => format!("under contract No. {} of {}", c.number, format::short_date(c.signed_on)),
                })
                .unwrap_or_default(),
            opening: ReconciliationRow {
                date: String::new(),
                title: lang.pick("Сальдо начальное", "Opening balance").into(),
                debit: opening_debit,
                credit: opening_credit,
            },
            rows: input
                .entries
                .iter()
                .map(|e| ReconciliationRow {
                    date: format::short_date(e.date),
                    title: {
                        let (n, on) = (&e.number, format::short_date(e.date));
                        match (e.kind, lang) {
                            (EntryKind::Act, Lang::Ru) => format!("Акт № {n} от {on}"),
                            (EntryKind::Act, Lang::En) => format!("Act No. {n} of {on}"),
                            (EntryKind::Payment, Lang::Ru) => format!("Оплата № {n} от {on}"),
                            (EntryKind::Payment, Lang::En) => format!("Payment No. {n} of {on}"),
                        }
                    },
                    debit: cell(e.debit),
                    credit: cell(e.credit),
                })
                .collect(),
            turnovers: ReconciliationRow {
                date: String::new(),
                title: lang.pick("Обороты за период", "Turnover for the period").into(),
                debit: format::amount(debit, lang),
                credit: format::amount(credit, lang),
            },
            closing: ReconciliationRow {
                date: String::new(),
                title: lang.pick("Сальдо конечное", "Closing balance").into(),
                debit: closing_debit,
                credit: closing_credit,
            },
            conclusion,
            signer_position: signer_position(&input.signer_position, lang),
            signer_name: input.signer_name.clone(),
            seller,
            buyer,
            closing_amount: closing,
        }
    }
}
