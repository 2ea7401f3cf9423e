//! VAT, included in a price or added on top (LED-5). Tax is rounded half-up
//! to the currency's minor unit, as on an invoice.

use rust_decimal::Decimal;

use crate::money::{Money, round_half_up};

/// How a price relates to its VAT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VatMode {
    /// The price already contains the tax (Russian retail prices).
    Included,
    /// The tax is charged on top of the price.
    Added,
}

/// Russia's standard VAT rate by period: 20% until 2025-12-31, 22% from
/// 2026-01-01 (425-ФЗ of 28.11.2025). A new law is a new row here; what was
/// charged or issued before it keeps the rate of its own day.
const RU_STANDARD_RATES: [(i32, u32, u32, i64); 2] = [(2019, 1, 1, 20), (2026, 1, 1, 22)];

/// The standard VAT rate in force on `day`, in percent.
pub fn standard_rate_on(day: chrono::NaiveDate) -> Decimal {
    let rate = RU_STANDARD_RATES
        .iter()
        .rev()
        .find(|(y, m, d, _)| chrono::NaiveDate::from_ymd_opt(*y, *m, *d).is_some_and(|from| day >= from))
        .or(RU_STANDARD_RATES.first())
        .map_or(0, |r| r.3);
    Decimal::from(rate)
}

/// Which VAT a fee carries, as a service states it (LED-5).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VatRateKind {
    /// The service's own percent whatever the day (0: no VAT).
    #[default]
    Fixed,
    /// The standard rate in force on the charge day ([`standard_rate_on`]),
    /// so a change in the law needs no edit of the catalog.
    Standard,
}

/// A VAT rate still to be resolved on a charge day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VatRate {
    Fixed(Decimal),
    Standard,
}

impl VatRate {
    /// The rate in percent in force on `day`.
    pub fn on(self, day: chrono::NaiveDate) -> Decimal {
        match self {
            VatRate::Fixed(rate) => rate,
            VatRate::Standard => standard_rate_on(day),
        }
    }
}

/// The split of a taxed amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxSplit {
    pub net: Money,
    pub tax: Money,
    pub gross: Money,
}

/// `amount` with `rate_percent` VAT, read per `mode`.
pub fn vat(amount: Money, rate_percent: Decimal, mode: VatMode) -> TaxSplit {
    let digits = amount.currency.minor_digits();
    let hundred = Decimal::ONE_HUNDRED;
    match mode {
        VatMode::Included => {
            let tax = round_half_up(amount.amount * rate_percent / (hundred + rate_percent), digits);
            TaxSplit {
                net: Money::new(amount.amount - tax, amount.currency),
                tax: Money::new(tax, amount.currency),
                gross: amount,
            }
        }
        VatMode::Added => {
            let tax = round_half_up(amount.amount * rate_percent / hundred, digits);
            TaxSplit {
                net: amount,
                tax: Money::new(tax, amount.currency),
                gross: Money::new(amount.amount + tax, amount.currency),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;
    use rust_decimal_macros::dec;

    fn rub(a: Decimal) -> Money {
        Money::new(a, Currency::RUB)
    }

    /// LED-5: the client guide's own numbers.
    #[test]
    fn led5_vat_included_matches_the_guide() {
        for (gross, tax, net) in [
            (dec!(250.00), dec!(41.67), dec!(208.33)),
            (dec!(100.00), dec!(16.67), dec!(83.33)),
            (dec!(20.00), dec!(3.33), dec!(16.67)),
        ] {
            let split = vat(rub(gross), dec!(20), VatMode::Included);
            assert_eq!(split.tax.amount, tax, "tax of {gross}");
            assert_eq!(split.net.amount, net, "net of {gross}");
            assert_eq!(split.gross.amount, gross);
        }
    }

    /// LED-5: the rate changes at the start of 2026, not a day earlier.
    #[test]
    fn led5_standard_rate_by_date() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(standard_rate_on(day(2025, 12, 31)), dec!(20));
        assert_eq!(standard_rate_on(day(2026, 1, 1)), dec!(22));
        assert_eq!(standard_rate_on(day(2024, 6, 1)), dec!(20));
        assert_eq!(standard_rate_on(day(2030, 6, 1)), dec!(22));
    }

    /// LED-5: a fixed rate ignores the date; "standard" follows the law's
    /// table day by day, including the last day before a change.
    #[test]
    fn led5_rate_on_the_boundary() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        for d in [day(2025, 12, 31), day(2026, 1, 1)] {
            assert_eq!(VatRate::Fixed(dec!(10)).on(d), dec!(10));
            assert_eq!(VatRate::Fixed(dec!(0)).on(d), dec!(0));
        }
        assert_eq!(VatRate::Standard.on(day(2025, 12, 31)), dec!(20));
        assert_eq!(VatRate::Standard.on(day(2026, 1, 1)), dec!(22));
        assert_eq!(VatRate::Standard.on(day(2018, 12, 31)), dec!(20), "before the table: its first rate");
    }

    /// LED-5: the guide's examples hold at the 2025 rate, and 2026's 22%
    /// on the same prices.
    #[test]
    fn led5_included_vat_at_each_years_standard_rate() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let tax = |gross, d| vat(rub(gross), VatRate::Standard.on(d), VatMode::Included).tax.amount;
        assert_eq!(tax(dec!(250.00), day(2025, 12, 31)), dec!(41.67));
        assert_eq!(tax(dec!(100.00), day(2025, 12, 31)), dec!(16.67));
        assert_eq!(tax(dec!(20.00), day(2025, 12, 31)), dec!(3.33));
        assert_eq!(tax(dec!(250.00), day(2026, 1, 1)), dec!(45.08));
        assert_eq!(tax(dec!(100.00), day(2026, 1, 1)), dec!(18.03));
        assert_eq!(tax(dec!(20.00), day(2026, 1, 1)), dec!(3.61));
    }

    #[test]
    fn led5_vat_added_on_top() {
        let split = vat(rub(dec!(208.33)), dec!(20), VatMode::Added);
        assert_eq!(split.tax.amount, dec!(41.67));
        assert_eq!(split.gross.amount, dec!(250.00));
        let split = vat(rub(dec!(100.00)), dec!(0), VatMode::Added);
        assert_eq!(split.tax.amount, dec!(0));
        assert_eq!(split.gross.amount, dec!(100.00));
    }
}
