//! Amounts as they arrive in requests: a JSON string ("250.00") or a JSON
//! number (250.5). Numbers are read through their shortest exact decimal
//! form, so 0.1 is 0.1; one that can't be told apart from a float rounding
//! (more than 15 significant digits) must be sent as a string.

use std::fmt;

use kopek_domain::money::{format_amount, units_to_decimal};
use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::ToSchema;

/// An amount of money as a decimal string, e.g. "250.00" or "22.4137": at
/// most four decimals (a currency's minor unit for payments) and at most
/// 1000000000000.0000 either way; a larger amount is refused with 422
/// `amount_too_large`, and a balance is kept within
/// ±100000000000000.0000 (`balance_too_large`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Amount(pub Decimal);

/// What an amount looks like in a request and an answer: an optional minus,
/// up to 15 digits (a balance's bound), up to four decimals.
pub const AMOUNT_PATTERN: &str = r"^-?[0-9]{1,15}(\.[0-9]{1,4})?$";

impl utoipa::PartialSchema for Amount {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "An amount of money as a decimal string, e.g. \"250.00\": at most four decimals; a request's amount \
                 is at most 1000000000000.0000 either way (422 `amount_too_large`).",
            ))
            .pattern(Some(AMOUNT_PATTERN))
            .examples(["250.00"])
            .into()
    }
}

impl ToSchema for Amount {}

impl Amount {
    /// An amount for display: stored units shown with at least `minor`
    /// decimals (250.00) and at most four (22.4137).
    pub fn from_units(units: i64, minor: u32) -> Amount {
        Amount::shown(units_to_decimal(units), minor)
    }

    /// A computed figure for display (a total, a dashboard's sum), shown
    /// like [`Amount::from_units`] and never refused for its size.
    pub fn shown(amount: Decimal, minor: u32) -> Amount {
        Amount(format_amount(amount, minor).parse().expect("formatted decimal parses"))
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AmountVisitor)
    }
}

struct AmountVisitor;

impl Visitor<'_> for AmountVisitor {
    type Value = Amount;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an amount such as \"250.00\" or 250.00")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
        let t = v.trim();
        if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-' || c == '+') {
            return Err(E::custom(format!("{v:?} is not an amount such as \"250.00\"")));
        }
        t.parse::<Decimal>().map(Amount).map_err(|_| E::custom(format!("{v:?} is not an amount such as \"250.00\"")))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
        Ok(Amount(Decimal::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
        Ok(Amount(Decimal::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
        let shortest = format!("{v}");
        let digits = shortest.chars().filter(|c| c.is_ascii_digit()).collect::<String>();
        if !v.is_finite() || digits.trim_start_matches('0').len() > 15 {
            return Err(E::custom("send amounts with more than 15 digits as a string, e.g. \"123.4567\""));
        }
        self.visit_str(&shortest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn parse(json: &str) -> Result<Amount, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn strings_and_numbers_parse_exactly() {
        assert_eq!(parse("\"250.00\"").unwrap().0, dec!(250.00));
        assert_eq!(parse("0.1").unwrap().0, dec!(0.1));
        assert_eq!(parse("22.4137").unwrap().0, dec!(22.4137));
        assert_eq!(parse("100").unwrap().0, dec!(100));
        assert_eq!(parse("-5.5").unwrap().0, dec!(-5.5));
    }

    #[test]
    fn garbage_is_refused_with_a_reason() {
        assert!(parse("\"abc\"").unwrap_err().to_string().contains("is not an amount"));
        assert!(parse("\"1e5\"").is_err());
        assert!(parse("true").is_err());
        assert!(parse("1234567890123.4567").unwrap_err().to_string().contains("as a string"));
    }

    #[test]
    fn shown_with_kopecks_or_four_places() {
        assert_eq!(serde_json::to_string(&Amount::from_units(2_500_000, 2)).unwrap(), "\"250.00\"");
        assert_eq!(serde_json::to_string(&Amount::from_units(224_137, 2)).unwrap(), "\"22.4137\"");
        assert_eq!(serde_json::to_string(&Amount::from_units(-10_000, 2)).unwrap(), "\"-1.00\"");
    }
}
