//! Matching bank statement lines to payments awaiting a transfer (PMT-4):
//! payers write the invoice's payment id in the purpose; the amount must be
//! exact, or staff decide.

use rust_decimal::Decimal;

/// What one statement document pays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchResult {
    /// The purpose names this open payment and the amount is exact.
    Matched(String),
    /// The purpose names the payment but the amount differs: staff decide.
    WrongAmount { payment_id: String, expected: Decimal, got: Decimal },
    /// An earlier document of the same statement already paid it: the
    /// payer may have paid twice.
    Duplicate(String),
    /// The purpose names several open payments.
    Ambiguous(Vec<String>),
    /// The purpose names no open payment.
    Unknown,
}

fn is_id_char(c: char) -> bool {
    c.is_alphanumeric() || c == '/' || c == '_'
}

/// Whether `id` occurs in `text` as a whole token, ignoring case, so that
/// "bank/1" is not found in "bank/12".
fn mentions(text: &str, id: &str) -> bool {
    let text = text.to_lowercase();
    let id = id.to_lowercase();
    if id.is_empty() {
        return false;
    }
    text.match_indices(&id).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + id.len()..].chars().next();
        !before.is_some_and(is_id_char) && !after.is_some_and(is_id_char)
    })
}

/// Matches each statement line (purpose, amount) to the open payments by
/// the Kopek payment id in its purpose and by its amount. The answer has one
/// result per line, in order. Pure: crediting is the engine's, which checks
/// again under its lock that each matched payment is still open.
pub fn match_lines(lines: &[(&str, Decimal)], open_payments: &[(String, Decimal)]) -> Vec<MatchResult> {
    let mut paid: Vec<&str> = Vec::new();
    lines
        .iter()
        .map(|&(purpose, amount)| {
            let named: Vec<&(String, Decimal)> = open_payments.iter().filter(|(id, _)| mentions(purpose, id)).collect();
            match named.as_slice() {
                [] => MatchResult::Unknown,
                [(id, _)] if paid.contains(&id.as_str()) => MatchResult::Duplicate(id.clone()),
                [(id, expected)] if *expected == amount => {
                    paid.push(id);
                    MatchResult::Matched(id.clone())
                }
                [(id, expected)] => MatchResult::WrongAmount { payment_id: id.clone(), expected: *expected, got: amount },
                several => MatchResult::Ambiguous(several.iter().map(|(id, _)| id.clone()).collect()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn ids_match_as_whole_tokens_in_any_case() {
        assert!(mentions("Оплата по счету BANK/12. Без НДС", "bank/12"));
        assert!(mentions("(bank/12)", "bank/12"));
        assert!(!mentions("Оплата bank/123", "bank/12"));
        assert!(!mentions("Оплата xbank/12", "bank/12"));
        assert!(!mentions("anything", ""));
    }

    #[test]
    fn pmt4_one_line_matches_one_has_a_wrong_amount_one_is_unknown() {
        let open = vec![("bank/1".to_string(), dec!(100)), ("bank/2".to_string(), dec!(50))];
        let lines = [("Оплата по счету bank/1", dec!(100.00)), ("bank/2", dec!(49.99)), ("Без счета", dec!(10))];
        assert_eq!(
            match_lines(&lines, &open),
            vec![
                MatchResult::Matched("bank/1".into()),
                MatchResult::WrongAmount { payment_id: "bank/2".into(), expected: dec!(50), got: dec!(49.99) },
                MatchResult::Unknown,
            ]
        );
    }
}
