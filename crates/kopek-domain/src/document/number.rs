//! DOC-5: kinds of numbered documents and their numbers. A number is
//! gapless per provider legal entity, kind and calendar year: the store's
//! counter row hands out the next one inside the issuing transaction.

use std::fmt;

crate::stored::stored_enum! {
    /// A document that gets a number when it is issued.
    DocumentKind {
        /// «Счёт на оплату» (DOC-1).
        Invoice = "invoice",
        /// «Акт выполненных работ» (DOC-2).
        Act = "act",
        /// «Договор» (DOC-4).
        Contract = "contract",
    }
}

impl DocumentKind {
    /// What the paper is called, in the user's language.
    pub fn title(self, locale: &str) -> &'static str {
        let ru = !locale.starts_with("en");
        match (self, ru) {
            (DocumentKind::Invoice, true) => "Счёт на оплату",
            (DocumentKind::Invoice, false) => "Invoice",
            (DocumentKind::Act, true) => "Акт выполненных работ",
            (DocumentKind::Act, false) => "Act of completed work",
            (DocumentKind::Contract, true) => "Договор",
            (DocumentKind::Contract, false) => "Contract",
        }
    }
}

/// The `seq`-th document of its kind in `year`: "2026-000123".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DocumentNumber {
    pub year: i32,
    pub seq: i64,
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:06}", self.year, self.seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc5_numbers_read_year_then_sequence() {
        assert_eq!(DocumentNumber { year: 2026, seq: 123 }.to_string(), "2026-000123");
        assert_eq!(DocumentNumber { year: 2027, seq: 1_234_567 }.to_string(), "2027-1234567");
        assert_eq!(DocumentKind::parse("act"), Some(DocumentKind::Act));
        assert_eq!(DocumentKind::Invoice.title("en"), "Invoice");
    }
}
