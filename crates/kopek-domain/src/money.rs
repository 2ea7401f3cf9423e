//! Money is an exact decimal with its currency. It is stored as a `BIGINT`
//! of ten-thousandths of the currency unit (the expenses of the client guide
//! have four decimals: 22.4137 ₽), and rounded half-up to the currency's
//! minor unit for payments and documents, to four places for expenses.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::DomainError;

/// Decimal places kept in storage: one unit is 1/10 000 of the currency.
pub const STORED_SCALE: u32 = 4;
const UNITS_PER_WHOLE: i64 = 10_000;

/// An ISO 4217 currency. Parsing refuses unknown codes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    pub const RUB: Currency = Currency(iso_currency::Currency::RUB);
    pub const USD: Currency = Currency(iso_currency::Currency::USD);
    pub const EUR: Currency = Currency(iso_currency::Currency::EUR);

    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// Decimal places of the minor unit (kopecks: 2). Capped at the stored
    /// scale so a payment can always be stored exactly.
    pub fn minor_digits(self) -> u32 {
        u32::from(self.0.exponent().unwrap_or(2)).min(STORED_SCALE)
    }
}

impl FromStr for Currency {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        iso_currency::Currency::from_code(&s.trim().to_ascii_uppercase())
            .map(Currency)
            .ok_or_else(|| DomainError::UnknownCurrency(s.to_string()))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

/// Serialized as its code, read in any case.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Currency {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("An ISO 4217 currency code, e.g. RUB."))
            .pattern(Some("^[A-Za-z]{3}$"))
            .examples(["RUB"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Currency {}

/// An exact amount in a currency.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Money::new(Decimal::ZERO, currency)
    }

    /// Reads an amount stored as ten-thousandths.
    pub fn from_units(units: i64, currency: Currency) -> Self {
        Money::new(units_to_decimal(units), currency)
    }

    /// The stored form; an amount finer than 1/10 000 or beyond `i64` is an
    /// error, never silently rounded.
    pub fn to_units(&self) -> Result<i64, DomainError> {
        decimal_to_units(self.amount)
    }

    /// Half-up to the currency's minor unit: what payments and documents show.
    pub fn round_for_payment(&self) -> Money {
        Money::new(round_half_up(self.amount, self.currency.minor_digits()), self.currency)
    }

    /// Half-up to four places: what an expense carries.
    pub fn round_for_expense(&self) -> Money {
        Money::new(round_half_up(self.amount, STORED_SCALE), self.currency)
    }

    pub fn checked_add(&self, other: &Money) -> Result<Money, DomainError> {
        self.same_currency(other)?;
        self.amount
            .checked_add(other.amount)
            .map(|a| Money::new(a, self.currency))
            .ok_or_else(|| DomainError::Overflow(format!("{} + {}", self.amount, other.amount)))
    }

    pub fn same_currency(&self, other: &Money) -> Result<(), DomainError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(DomainError::CurrencyMismatch { expected: self.currency.to_string(), got: other.currency.to_string() })
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", format_amount(self.amount, self.currency.minor_digits()), self.currency)
    }
}

pub fn round_half_up(amount: Decimal, places: u32) -> Decimal {
    amount.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
}

pub fn units_to_decimal(units: i64) -> Decimal {
    Decimal::new(units, STORED_SCALE)
}

pub fn decimal_to_units(amount: Decimal) -> Result<i64, DomainError> {
    let normalized = amount.normalize();
    if normalized.scale() > STORED_SCALE {
        return Err(DomainError::TooPrecise(amount.to_string(), STORED_SCALE));
    }
    normalized
        .checked_mul(Decimal::from(UNITS_PER_WHOLE))
        .and_then(|scaled| i64::try_from(scaled).ok())
        .ok_or_else(|| DomainError::Overflow(amount.to_string()))
}

/// Shows at least the currency's minor digits and at most four:
/// 250 → "250.00", 22.4137 → "22.4137".
pub fn format_amount(amount: Decimal, minor_digits: u32) -> String {
    let mut shown = amount.normalize();
    if shown.scale() < minor_digits {
        shown.rescale(minor_digits);
    }
    shown.to_string()
}

/// Checks an amount a person typed for a payment: positive, and no finer
/// than the currency's minor unit (no 10.001 ₽ payments).
pub fn parse_payment_amount(amount: Decimal, currency: Currency) -> Result<Money, DomainError> {
    check_amount(amount, currency.minor_digits())?;
    Ok(Money::new(amount, currency))
}

/// Checks an expense amount: positive, at most four decimals.
pub fn parse_expense_amount(amount: Decimal, currency: Currency) -> Result<Money, DomainError> {
    check_amount(amount, STORED_SCALE)?;
    Ok(Money::new(amount, currency))
}

fn check_amount(amount: Decimal, max_places: u32) -> Result<(), DomainError> {
    if amount <= Decimal::ZERO {
        return Err(DomainError::NotPositive(amount.to_string()));
    }
    if amount.normalize().scale() > max_places {
        return Err(DomainError::TooPrecise(amount.to_string(), max_places));
    }
    decimal_to_units(amount).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn stored_units_round_trip_exactly() {
        let m = Money::new(dec!(22.4137), Currency::RUB);
        assert_eq!(m.to_units().unwrap(), 224_137);
        assert_eq!(Money::from_units(224_137, Currency::RUB).amount, dec!(22.4137));
        assert_eq!(Money::from_units(-5, Currency::RUB).amount, dec!(-0.0005));
    }

    #[test]
    fn finer_than_stored_scale_is_an_error_not_a_rounding() {
        let m = Money::new(dec!(0.00001), Currency::RUB);
        assert_eq!(m.to_units(), Err(DomainError::TooPrecise("0.00001".into(), 4)));
    }

    #[test]
    fn beyond_i64_is_an_overflow_error() {
        let m = Money::new(dec!(922337203685478), Currency::RUB);
        assert!(matches!(m.to_units(), Err(DomainError::Overflow(_))));
        let fits = Money::new(dec!(922337203685477.5807), Currency::RUB);
        assert_eq!(fits.to_units().unwrap(), i64::MAX);
    }

    #[test]
    fn rounding_is_half_up_to_kopecks_and_to_four_places() {
        let m = Money::new(dec!(10.005), Currency::RUB);
        assert_eq!(m.round_for_payment().amount, dec!(10.01));
        let m = Money::new(dec!(-10.005), Currency::RUB);
        assert_eq!(m.round_for_payment().amount, dec!(-10.01));
        let m = Money::new(dec!(22.41365), Currency::RUB);
        assert_eq!(m.round_for_expense().amount, dec!(22.4137));
        let m = Money::new(dec!(22.41364), Currency::RUB);
        assert_eq!(m.round_for_expense().amount, dec!(22.4136));
    }

    #[test]
    fn currency_parses_iso_codes_and_refuses_others() {
        assert_eq!("rub".parse::<Currency>().unwrap(), Currency::RUB);
        assert_eq!(Currency::RUB.minor_digits(), 2);
        assert_eq!("JPY".parse::<Currency>().unwrap().minor_digits(), 0);
        assert_eq!("XYZ".parse::<Currency>(), Err(DomainError::UnknownCurrency("XYZ".into())));
    }

    #[test]
    fn payment_amounts_must_be_positive_and_at_most_kopecks() {
        assert!(parse_payment_amount(dec!(100.50), Currency::RUB).is_ok());
        assert_eq!(parse_payment_amount(dec!(0), Currency::RUB), Err(DomainError::NotPositive("0".into())));
        assert_eq!(parse_payment_amount(dec!(-1.00), Currency::RUB), Err(DomainError::NotPositive("-1.00".into())));
        assert_eq!(parse_payment_amount(dec!(10.001), Currency::RUB), Err(DomainError::TooPrecise("10.001".into(), 2)));
        assert!(parse_expense_amount(dec!(22.4137), Currency::RUB).is_ok());
        assert!(parse_expense_amount(dec!(22.41371), Currency::RUB).is_err());
    }

    #[test]
    fn amounts_show_minor_digits_and_keep_four_places() {
        assert_eq!(format_amount(dec!(250), 2), "250.00");
        assert_eq!(format_amount(dec!(22.4137), 2), "22.4137");
        assert_eq!(format_amount(dec!(22.4100), 2), "22.41");
        assert_eq!(Money::new(dec!(5), Currency::RUB).to_string(), "5.00 RUB");
    }

    #[test]
    fn adding_different_currencies_is_refused() {
        let rub = Money::new(dec!(1), Currency::RUB);
        let usd = Money::new(dec!(1), Currency::USD);
        assert!(matches!(rub.checked_add(&usd), Err(DomainError::CurrencyMismatch { .. })));
        assert_eq!(rub.checked_add(&rub).unwrap().amount, dec!(2));
    }
}
