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

/// The largest amount Kopek takes or writes, 1 000 000 000 000.0000 in
/// stored units: any amount of a request (a payment, an expense, a price, a
/// limit, a threshold, a commission, a usage quantity) and any one amount
/// it computes for the ledger (a charge, an order, a renewal). Far above any
/// real bill, and so far below `i64` (922 337 203 685 477.5807) that sums
/// of such amounts have room: see [`MAX_BALANCE_UNITS`].
pub const MAX_AMOUNT_UNITS: i64 = 1_000_000_000_000 * UNITS_PER_WHOLE;

/// The largest balance a client may reach either way, a hundred maximal
/// amounts (100 000 000 000 000.0000). A balance within it plus a credit
/// limit and hundreds of amounts still fits `i64`, so the sums the engine
/// and the database compute from a balance can't overflow; a movement that
/// would take a balance past it is refused.
pub const MAX_BALANCE_UNITS: i64 = 100 * MAX_AMOUNT_UNITS;

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

/// The one way an amount becomes stored units: at most four decimals and
/// at most [`MAX_AMOUNT_UNITS`] either way, or an error that names the
/// limit (`amount_too_large`), never a rounding or a wrap.
pub fn decimal_to_units(amount: Decimal) -> Result<i64, DomainError> {
    let normalized = amount.normalize();
    if normalized.scale() > STORED_SCALE {
        return Err(DomainError::TooPrecise(amount.to_string(), STORED_SCALE));
    }
    normalized
        .checked_mul(Decimal::from(UNITS_PER_WHOLE))
        .and_then(|scaled| i64::try_from(scaled).ok())
        .filter(|units| units.checked_abs().is_some_and(|a| a <= MAX_AMOUNT_UNITS))
        .ok_or_else(|| DomainError::AmountTooLarge { amount: amount.to_string(), max: max_amount().to_string() })
}

/// The limit of [`decimal_to_units`] alone, for a figure finer than a
/// stored amount (a usage rate of 0.00001 per kilobyte).
pub fn check_not_too_large(amount: Decimal) -> Result<(), DomainError> {
    if amount.abs() > max_amount() {
        return Err(DomainError::AmountTooLarge { amount: amount.to_string(), max: max_amount().to_string() });
    }
    Ok(())
}

/// [`MAX_AMOUNT_UNITS`] as a decimal: 1000000000000.0000.
pub fn max_amount() -> Decimal {
    units_to_decimal(MAX_AMOUNT_UNITS)
}

/// Checks a balance a movement leads to: beyond [`MAX_BALANCE_UNITS`]
/// either way it is refused, unless the movement brings it nearer zero.
pub fn check_balance(before: i64, after: i64) -> Result<(), DomainError> {
    let beyond = after.checked_abs().is_none_or(|a| a > MAX_BALANCE_UNITS);
    if beyond && after.unsigned_abs() > before.unsigned_abs() {
        return Err(DomainError::BalanceTooLarge {
            balance: units_to_decimal(after).to_string(),
            max: units_to_decimal(MAX_BALANCE_UNITS).to_string(),
        });
    }
    Ok(())
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
    fn led1_amounts_stop_at_the_documented_maximum() {
        assert_eq!(max_amount(), dec!(1000000000000.0000));
        assert_eq!(decimal_to_units(dec!(1000000000000)).unwrap(), MAX_AMOUNT_UNITS);
        assert_eq!(decimal_to_units(dec!(-1000000000000)).unwrap(), -MAX_AMOUNT_UNITS);
        let too_large = DomainError::AmountTooLarge { amount: "1000000000000.0001".into(), max: "1000000000000.0000".into() };
        assert_eq!(decimal_to_units(dec!(1000000000000.0001)), Err(too_large.clone()));
        assert_eq!(too_large.code(), "amount_too_large");
        assert!(too_large.to_string().contains("1000000000000.0000"), "{too_large}");
        // What i64 still holds, and what it doesn't, is refused the same way.
        let m = Money::new(dec!(922337203685477.5807), Currency::RUB);
        assert!(matches!(m.to_units(), Err(DomainError::AmountTooLarge { .. })));
        let m = Money::new(dec!(922337203685478), Currency::RUB);
        assert!(matches!(m.to_units(), Err(DomainError::AmountTooLarge { .. })));
        assert!(matches!(parse_payment_amount(dec!(1000000000000.01), Currency::RUB), Err(DomainError::AmountTooLarge { .. })));
        assert!(matches!(
            parse_expense_amount(dec!(922337203685477.5807), Currency::RUB),
            Err(DomainError::AmountTooLarge { .. })
        ));
    }

    #[test]
    fn led1_a_balance_stops_at_a_hundred_maximal_amounts_unless_it_comes_back() {
        assert!(check_balance(0, -MAX_BALANCE_UNITS).is_ok());
        let err = check_balance(-MAX_BALANCE_UNITS, -MAX_BALANCE_UNITS - 1).unwrap_err();
        assert_eq!(err.code(), "balance_too_large");
        assert!(err.to_string().contains("100000000000000.0000"), "{err}");
        assert!(check_balance(MAX_BALANCE_UNITS, MAX_BALANCE_UNITS + 1).is_err());
        // Money that brings a balance back towards zero is always taken.
        assert!(check_balance(-MAX_BALANCE_UNITS - 5, -MAX_BALANCE_UNITS - 1).is_ok());
        // The sums made from a balance in range still fit i64.
        assert!(MAX_BALANCE_UNITS.checked_add(800 * MAX_AMOUNT_UNITS).is_some());
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
