//! Periods and charge times. A service is charged by its write-off method
//! (CAT-2) over periods of its unit, calendar-aligned unless "shift charge
//! date" anchors them to the activation day; the nightly run is at 02:00
//! provider time plus the service's shift (CAT-7).

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// How a fee leaves the balance (CAT-2): prepay (the period at its start),
/// daily (in nightly parts), postpay (after the period) or hourly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WriteOff {
    /// The whole period at its start.
    Prepay,
    /// The period's fee in daily parts, each night: about fee / days each,
    /// settled so that the parts add up to the fee exactly.
    Daily,
    /// The period's fee after it ends, for the time it was active.
    Postpay,
    /// Cloud resources: each hour's share of the fee, after the hour, the
    /// shares of a period adding up to the fee exactly.
    Hourly,
}

/// The length of the period the price is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PeriodUnit {
    Day,
    Month,
    Quarter,
    HalfYear,
    Year,
}

impl PeriodUnit {
    pub fn months(self) -> u32 {
        match self {
            PeriodUnit::Day => 0,
            PeriodUnit::Month => 1,
            PeriodUnit::Quarter => 3,
            PeriodUnit::HalfYear => 6,
            PeriodUnit::Year => 12,
        }
    }
}

/// The non-standard calendars of CAT-6: standard, from_first_of_month (from
/// the 1st of this month when connected before the 15th, else of the next)
/// or always_whole_month (any part of a month costs the whole month).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CalendarRule {
    #[default]
    Standard,
    /// Connected before the 15th: charged from the 1st of this month;
    /// from the 15th on: charged from the 1st of the next.
    FromFirstOfMonth,
    /// Any part of a month costs the whole month.
    AlwaysWholeMonth,
}

/// The day of the month that splits "this month" from "next month" (CAT-6).
pub const FIFTEENTH: u32 = 15;

/// The nominal time of the nightly run.
pub fn nightly_time() -> NaiveTime {
    NaiveTime::from_hms_opt(2, 0, 0).expect("valid time")
}

/// When the run of `date` charges a service shifted by `shift_minutes`:
/// 02:00 of that date plus the shift. A shift of -150 lands at 23:30 of
/// the day before.
pub fn charge_moment(date: NaiveDate, shift_minutes: i32) -> NaiveDateTime {
    date.and_time(nightly_time()) + Duration::minutes(shift_minutes.into())
}

/// The widest charge shift, either way (CAT-7): a night's charge moments
/// run from 16:00 of the day before to 12:00.
pub const MAX_SHIFT_MINUTES: i32 = 600;

/// The cutoff that reaches every service's moment of `date`'s night.
pub fn whole_night(date: NaiveDate) -> NaiveDateTime {
    charge_moment(date, MAX_SHIFT_MINUTES)
}

/// The night (run date) a moment belongs to. Night `D`'s moments lie
/// between 16:00 of `D - 1` and 12:00 of `D`, so nights never overlap; the
/// hours after a night's last moment belong to it until the next night's
/// first, 16:00.
pub fn night_of(t: NaiveDateTime) -> NaiveDate {
    let first_of_night = charge_moment(t.date(), -MAX_SHIFT_MINUTES) + Duration::days(1);
    if t >= first_of_night { t.date() + Duration::days(1) } else { t.date() }
}

/// The last moment, of the nights up to `date`, at which a service shifted
/// by `shift_minutes` was due to be charged and that has come by `cutoff`:
/// what a run at `cutoff` may charge it up to.
pub fn last_moment(date: NaiveDate, shift_minutes: i32, cutoff: NaiveDateTime) -> NaiveDateTime {
    let mut night = date.min(night_of(cutoff));
    while charge_moment(night, shift_minutes) > cutoff {
        night -= Duration::days(1);
    }
    charge_moment(night, shift_minutes)
}

/// Checks a charge shift is within -600…600 minutes (CAT-7).
pub fn check_shift(shift_minutes: i32) -> Result<(), DomainError> {
    if (-MAX_SHIFT_MINUTES..=MAX_SHIFT_MINUTES).contains(&shift_minutes) {
        Ok(())
    } else {
        Err(DomainError::invalid("charge_shift_minutes", format!("{shift_minutes} is outside -600…600")))
    }
}

pub fn start_of_day(t: NaiveDateTime) -> NaiveDateTime {
    t.date().and_time(NaiveTime::MIN)
}

pub fn start_of_hour(t: NaiveDateTime) -> NaiveDateTime {
    t.with_minute(0).and_then(|x| x.with_second(0)).and_then(|x| x.with_nanosecond(0)).expect("valid time")
}

pub fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("day 1 exists")
}

pub fn add_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_add_months(Months::new(months)).expect("date in range")
}

pub fn days_in_month(d: NaiveDate) -> i64 {
    let first = first_of_month(d);
    (add_months(first, 1) - first).num_days()
}

/// The period of `unit` that contains `t`. Calendar periods start on the 1st
/// of a month (quarters and half-years on the 1st of January, April, July,
/// October); with an `anchor` date ("shift charge date") they start on the
/// anchor's day of month, clamped to short months.
pub fn period_containing(unit: PeriodUnit, anchor: Option<NaiveDate>, t: NaiveDateTime) -> (NaiveDateTime, NaiveDateTime) {
    let day = t.date();
    if unit == PeriodUnit::Day {
        let start = day.and_time(NaiveTime::MIN);
        return (start, start + Duration::days(1));
    }
    let months = unit.months();
    let start = match anchor {
        None => {
            let month0 = (day.month0() / months.min(12)) * months.min(12);
            NaiveDate::from_ymd_opt(day.year(), month0 + 1, 1).expect("valid date")
        }
        Some(a) => {
            // Step from the anchor by whole periods to the last start <= day.
            let mut elapsed = ((day.year() - a.year()) * 12 + day.month() as i32 - a.month() as i32).max(0) as u32;
            elapsed -= elapsed % months;
            let mut start = add_months(a, elapsed);
            while start > day {
                elapsed = elapsed.saturating_sub(months);
                start = add_months(a, elapsed);
            }
            while add_months(a, elapsed + months) <= day {
                elapsed += months;
                start = add_months(a, elapsed);
            }
            start
        }
    };
    let end = match anchor {
        None => add_months(start, months),
        Some(a) => {
            let elapsed = ((start.year() - a.year()) * 12 + start.month() as i32 - a.month() as i32) as u32;
            add_months(a, elapsed + months)
        }
    };
    (start.and_time(NaiveTime::MIN), end.and_time(NaiveTime::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn at(y: i32, m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
        d(y, m, day).and_hms_opt(h, min, 0).unwrap()
    }

    /// CAT-7: the seed's LifeStream case, -150 minutes is 23:30 the day before.
    #[test]
    fn cat7_shift_of_minus_150_lands_at_2330_the_day_before() {
        assert_eq!(charge_moment(d(2026, 3, 10), 0), at(2026, 3, 10, 2, 0));
        assert_eq!(charge_moment(d(2026, 3, 10), -150), at(2026, 3, 9, 23, 30));
        assert_eq!(charge_moment(d(2026, 3, 10), 600), at(2026, 3, 10, 12, 0));
        assert!(check_shift(-600).is_ok() && check_shift(600).is_ok());
        assert!(check_shift(-601).is_err() && check_shift(601).is_err());
    }

    /// CAT-7: a night's moments, 16:00 the day before to 12:00, and what a
    /// run at a moment reaches: a service whose moment has not come yet is
    /// charged up to its moment of the night before.
    #[test]
    fn cat7_each_service_is_charged_up_to_its_own_moment_that_has_come() {
        assert_eq!(night_of(at(2026, 3, 9, 15, 59)), d(2026, 3, 9));
        assert_eq!(night_of(at(2026, 3, 9, 16, 0)), d(2026, 3, 10));
        assert_eq!(night_of(at(2026, 3, 9, 23, 30)), d(2026, 3, 10));
        assert_eq!(night_of(at(2026, 3, 10, 12, 0)), d(2026, 3, 10));
        assert_eq!(whole_night(d(2026, 3, 10)), at(2026, 3, 10, 12, 0));
        let cutoff = at(2026, 3, 10, 0, 30);
        assert_eq!(last_moment(d(2026, 3, 10), -150, cutoff), at(2026, 3, 9, 23, 30));
        assert_eq!(last_moment(d(2026, 3, 10), 0, cutoff), at(2026, 3, 9, 2, 0));
        assert_eq!(last_moment(d(2026, 3, 10), 600, cutoff), at(2026, 3, 9, 12, 0));
        for shift in [-600, -150, 0, 600] {
            assert_eq!(last_moment(d(2026, 3, 10), shift, whole_night(d(2026, 3, 10))), charge_moment(d(2026, 3, 10), shift));
        }
        assert_eq!(last_moment(d(2026, 3, 8), 0, cutoff), at(2026, 3, 8, 2, 0), "never past the run's night");
    }

    #[test]
    fn calendar_periods() {
        let t = at(2026, 5, 17, 13, 0);
        assert_eq!(period_containing(PeriodUnit::Day, None, t), (at(2026, 5, 17, 0, 0), at(2026, 5, 18, 0, 0)));
        assert_eq!(period_containing(PeriodUnit::Month, None, t), (at(2026, 5, 1, 0, 0), at(2026, 6, 1, 0, 0)));
        assert_eq!(period_containing(PeriodUnit::Quarter, None, t), (at(2026, 4, 1, 0, 0), at(2026, 7, 1, 0, 0)));
        assert_eq!(period_containing(PeriodUnit::HalfYear, None, t), (at(2026, 1, 1, 0, 0), at(2026, 7, 1, 0, 0)));
        assert_eq!(period_containing(PeriodUnit::Year, None, t), (at(2026, 1, 1, 0, 0), at(2027, 1, 1, 0, 0)));
    }

    /// CAT-2 "shift charge date": periods run from the activation day.
    #[test]
    fn cat2_anchored_periods_start_on_the_activation_day() {
        let a = Some(d(2026, 1, 31));
        assert_eq!(
            period_containing(PeriodUnit::Month, a, at(2026, 2, 10, 0, 0)),
            (at(2026, 1, 31, 0, 0), at(2026, 2, 28, 0, 0))
        );
        assert_eq!(
            period_containing(PeriodUnit::Month, a, at(2026, 2, 28, 0, 0)),
            (at(2026, 2, 28, 0, 0), at(2026, 3, 31, 0, 0))
        );
        assert_eq!(period_containing(PeriodUnit::Month, a, at(2026, 4, 5, 0, 0)), (at(2026, 3, 31, 0, 0), at(2026, 4, 30, 0, 0)));
        let q = Some(d(2026, 2, 10));
        assert_eq!(
            period_containing(PeriodUnit::Quarter, q, at(2026, 6, 1, 0, 0)),
            (at(2026, 5, 10, 0, 0), at(2026, 8, 10, 0, 0))
        );
    }

    #[test]
    fn days_in_months() {
        assert_eq!(days_in_month(d(2026, 2, 10)), 28);
        assert_eq!(days_in_month(d(2028, 2, 10)), 29);
        assert_eq!(days_in_month(d(2026, 3, 31)), 31);
    }
}
