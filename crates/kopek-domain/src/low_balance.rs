//! NTF-1 "low balance": the client's threshold, when a balance crossing it
//! is told of, and the forecast of the days the money lasts. The one place
//! these rules live; the engine's nightly step applies them.

use rust_decimal::Decimal;

use crate::error::DomainError;
use crate::money::{Currency, STORED_SCALE, decimal_to_units, round_half_up, units_to_decimal};

/// The most days the average daily expense is taken over: the expenses
/// charged in the last 30 days, divided by 30 — days without a charge
/// count as days that cost nothing, so a service paid a month ahead is
/// spread over the month it pays for. A client younger than that is
/// averaged over its own days (whole days, rounded up), or its first
/// charges would read as a month's and promise months of money.
pub const AVERAGE_DAYS: i64 = 30;

/// The days the average is taken over for a client that has existed for
/// `age`: its whole days rounded up, from 1 to [`AVERAGE_DAYS`].
pub fn average_days(age: chrono::Duration) -> i64 {
    let secs = age.num_seconds().max(0);
    (secs.saturating_add(86_399) / 86_400).clamp(1, AVERAGE_DAYS)
}

/// What the night does about one client's threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LowBalanceStep {
    /// The balance fell below the threshold since the last notice: tell
    /// the client, once, and remember it.
    Notify,
    /// The balance is back at or above the threshold after a notice: the
    /// next fall is a new crossing.
    Rearm,
    /// Nothing changed: still above, or still below and already told.
    Nothing,
}

/// The step for a balance of `available` units against `threshold` units,
/// `told` when the client has heard of the current crossing.
pub fn step(available: i64, threshold: i64, told: bool) -> LowBalanceStep {
    match (available < threshold, told) {
        (true, false) => LowBalanceStep::Notify,
        (false, true) => LowBalanceStep::Rearm,
        _ => LowBalanceStep::Nothing,
    }
}

/// The days `available` units last at the average of `spent` units over
/// `days` days, whole days rounded down (the day the money runs out is not
/// a day it lasts). `None` when nothing was spent: there is no rate to
/// forecast from. Zero when nothing is left.
pub fn days_left(available: i64, spent: i64, days: i64) -> Option<i64> {
    if spent <= 0 {
        return None;
    }
    if available <= 0 {
        return Some(0);
    }
    let left = i128::from(available) * i128::from(days.max(1)) / i128::from(spent);
    Some(i64::try_from(left).unwrap_or(i64::MAX))
}

/// The average daily expense of `spent` units over `days` days, as an
/// amount rounded half-up to four decimals.
pub fn daily_average(spent: i64, days: i64) -> Decimal {
    round_half_up(units_to_decimal(spent) / Decimal::from(days.max(1)), STORED_SCALE)
}

/// Checks a threshold the client typed: zero or more, no finer than the
/// currency's minor unit, within the stored range. Returns its units.
pub fn threshold_units(amount: Decimal, currency: Currency) -> Result<i64, DomainError> {
    if amount < Decimal::ZERO {
        return Err(DomainError::Invalid { field: "threshold", message: format!("{amount} is below zero") });
    }
    if amount.normalize().scale() > currency.minor_digits() {
        return Err(DomainError::TooPrecise(amount.to_string(), currency.minor_digits()));
    }
    decimal_to_units(amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ntf1_a_crossing_is_told_once_and_rearmed_at_the_threshold() {
        assert_eq!(step(99, 100, false), LowBalanceStep::Notify);
        assert_eq!(step(99, 100, true), LowBalanceStep::Nothing);
        assert_eq!(step(100, 100, true), LowBalanceStep::Rearm);
        assert_eq!(step(100, 100, false), LowBalanceStep::Nothing);
        assert_eq!(step(-5, 0, false), LowBalanceStep::Notify);
    }

    #[test]
    fn ntf1_days_left_at_the_thirty_day_average() {
        // 300.00 spent in 30 days is 10.00 a day; 95.00 lasts 9 whole days.
        assert_eq!(days_left(950_000, 3_000_000, 30), Some(9));
        assert_eq!(days_left(1_000_000, 3_000_000, 30), Some(10));
        assert_eq!(days_left(-10, 3_000_000, 30), Some(0));
        assert_eq!(days_left(950_000, 0, 30), None);
        assert_eq!(daily_average(3_000_000, 30), Decimal::new(10, 0));
        assert_eq!(daily_average(1_000_000, 30), Decimal::new(33_333, 4));
        assert_eq!(daily_average(200_000, 3), Decimal::new(66_667, 4));
    }

    #[test]
    fn ntf1_a_young_client_is_averaged_over_its_own_days() {
        use chrono::Duration;
        assert_eq!(average_days(Duration::hours(62)), 3);
        assert_eq!(average_days(Duration::days(2)), 2);
        assert_eq!(average_days(Duration::zero()), 1);
        assert_eq!(average_days(Duration::days(400)), 30);
    }

    #[test]
    fn ntf1_a_threshold_is_zero_or_more_in_the_currency_s_minor_unit() {
        assert_eq!(threshold_units(Decimal::new(50000, 2), Currency::RUB).unwrap(), 5_000_000);
        assert_eq!(threshold_units(Decimal::ZERO, Currency::RUB).unwrap(), 0);
        assert_eq!(threshold_units(Decimal::new(-1, 0), Currency::RUB).unwrap_err().code(), "invalid_field");
        assert_eq!(threshold_units(Decimal::new(1001, 3), Currency::RUB).unwrap_err().code(), "amount_too_precise");
        assert_eq!(threshold_units(Decimal::from(10_i64.pow(15)), Currency::RUB).unwrap_err().code(), "amount_too_large");
    }
}
