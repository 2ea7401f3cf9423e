//! Paid-period subscriptions (hosting style): the client pays for a number
//! of months ahead, the service is valid until a date, and it is renewed
//! before it expires. The price of a service is per its period (a month, a
//! quarter, half a year, a year); a paid period is a whole number of those.

use chrono::{DateTime, Months, Utc};
use rust_decimal::Decimal;

use super::calendar::PeriodUnit;
use crate::DomainError;
use crate::money::round_half_up;

/// The longest period one payment may cover.
pub const MAX_MONTHS: u32 = 36;

/// What `months` of a service priced `price` per `unit` cost, to four
/// places like every expense.
pub fn period_cost(price: Decimal, unit: PeriodUnit, months: u32) -> Result<Decimal, DomainError> {
    let per = unit.months();
    if per == 0 {
        return Err(DomainError::invalid("months", "a daily service is charged from the balance, not paid ahead"));
    }
    if months == 0 || months > MAX_MONTHS {
        return Err(DomainError::invalid("months", format!("1 to {MAX_MONTHS} months")));
    }
    if !months.is_multiple_of(per) {
        return Err(DomainError::invalid("months", format!("the service is sold by {per} months: pay for a multiple of {per}")));
    }
    Ok(round_half_up(price * Decimal::from(months / per), 4))
}

/// Where a period of `months` from `start` ends: the same day and time
/// `months` later (the 31st runs to the last day of a shorter month).
pub fn period_end(start: DateTime<Utc>, months: u32) -> Result<DateTime<Utc>, DomainError> {
    start.checked_add_months(Months::new(months)).ok_or_else(|| DomainError::invalid("months", "the period ends too far away"))
}

/// A renewal continues from the end of the paid period; one that comes
/// after the service expired starts now, since the time in between was
/// not paid for and the service was off.
pub fn renewal_start(paid_until: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    paid_until.max(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use rust_decimal_macros::dec;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).unwrap()
    }

    #[test]
    fn paid_period_costs_whole_periods_of_the_price() {
        assert_eq!(period_cost(dec!(300.00), PeriodUnit::Month, 3).unwrap(), dec!(900.00));
        assert_eq!(period_cost(dec!(3000.00), PeriodUnit::Year, 24).unwrap(), dec!(6000.00));
        assert_eq!(period_cost(dec!(999.99), PeriodUnit::Quarter, 6).unwrap(), dec!(1999.98));
    }

    #[test]
    fn paid_period_refuses_partial_periods_daily_services_and_zero() {
        assert_eq!(period_cost(dec!(1), PeriodUnit::Quarter, 4).unwrap_err().code(), "invalid_field");
        assert!(period_cost(dec!(1), PeriodUnit::Day, 1).unwrap_err().to_string().contains("daily"));
        assert!(period_cost(dec!(1), PeriodUnit::Month, 0).is_err());
        assert!(period_cost(dec!(1), PeriodUnit::Month, MAX_MONTHS + 1).is_err());
    }

    #[test]
    fn paid_period_ends_the_same_day_months_later() {
        assert_eq!(period_end(at(2026, 1, 15), 1).unwrap(), at(2026, 2, 15));
        assert_eq!(period_end(at(2026, 1, 31), 1).unwrap(), at(2026, 2, 28));
        assert_eq!(period_end(at(2026, 11, 20), 3).unwrap(), at(2027, 2, 20));
    }

    #[test]
    fn paid_period_renewal_continues_or_restarts_after_expiry() {
        assert_eq!(renewal_start(at(2026, 3, 1), at(2026, 2, 27)), at(2026, 3, 1));
        assert_eq!(renewal_start(at(2026, 3, 1), at(2026, 3, 5)), at(2026, 3, 5));
    }
}
