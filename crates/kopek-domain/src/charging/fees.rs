//! What a subscription owes: the periods due by a run and their amounts
//! (CAT-2, CAT-6, CHG-2). Proration is to the second: a period pays its
//! price times the share of its seconds the subscription was active.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::calendar::{
    CalendarRule, FIFTEENTH, PeriodUnit, WriteOff, add_months, charge_moment, first_of_month, period_containing, start_of_hour,
};
use crate::money::round_half_up;

/// How a service is charged, as far as time and money go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeTerms {
    pub write_off: WriteOff,
    pub unit: PeriodUnit,
    pub calendar: CalendarRule,
    /// Minutes from 02:00 at which the service is charged (CAT-7).
    pub shift_minutes: i32,
    /// With "shift charge date", periods start on this day (the activation
    /// day) instead of the calendar's.
    pub anchor: Option<NaiveDate>,
}

/// When a subscription is charged for: from its (charging) start to its
/// stop, in provider local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Activity {
    pub from: NaiveDateTime,
    pub until: Option<NaiveDateTime>,
}

/// One period to charge: its bounds (the start is its idempotency key) and
/// its amount, rounded to four places.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuePeriod {
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub amount: Decimal,
}

const SECONDS_PER_DAY: i64 = 86_400;

/// The periods that are due by `now` and not yet charged (those starting
/// at or after `charged_until`). `price_on` gives the price valid on a day
/// (CAT-12 versions); a period uses the price of its first day.
pub fn due_periods(
    terms: &ChargeTerms,
    activity: Activity,
    charged_until: Option<NaiveDateTime>,
    now: NaiveDateTime,
    price_on: &dyn Fn(NaiveDate) -> Decimal,
) -> Vec<DuePeriod> {
    let Some(active) = effective_activity(terms, activity) else { return Vec::new() };
    let mut due = Vec::new();
    let (mut start, mut end) = first_period(terms, active.from);
    if let Some(until) = charged_until {
        while end <= until {
            (start, end) = next_period(terms, start, end);
        }
    }
    loop {
        if active.until.is_some_and(|u| start >= u) {
            break;
        }
        let due_at = match terms.write_off {
            WriteOff::Prepay | WriteOff::Daily => charge_moment(start.date(), terms.shift_minutes),
            WriteOff::Postpay => charge_moment(end.date(), terms.shift_minutes),
            WriteOff::Hourly => end,
        };
        if due_at > now {
            break;
        }
        let amount = period_amount(terms, start, end, active, price_on);
        due.push(DuePeriod { start, end, amount });
        (start, end) = next_period(terms, start, end);
    }
    due
}

/// The run date whose horizon first reaches the next uncharged period's
/// due moment, or `None` when nothing more will fall due.
pub fn next_run_date(terms: &ChargeTerms, activity: Activity, charged_until: Option<NaiveDateTime>) -> Option<NaiveDate> {
    let active = effective_activity(terms, activity)?;
    let (mut start, mut end) = first_period(terms, active.from);
    if let Some(until) = charged_until {
        while end <= until {
            (start, end) = next_period(terms, start, end);
        }
    }
    if active.until.is_some_and(|u| start >= u) {
        return None;
    }
    let due_at = match terms.write_off {
        WriteOff::Prepay | WriteOff::Daily => charge_moment(start.date(), terms.shift_minutes),
        WriteOff::Postpay => charge_moment(end.date(), terms.shift_minutes),
        WriteOff::Hourly => end,
    };
    Some(run_date_reaching(due_at, terms.shift_minutes))
}

/// The first run date whose horizon (`charge_moment(date, shift)`) is at or
/// after `moment`.
pub fn run_date_reaching(moment: NaiveDateTime, shift_minutes: i32) -> NaiveDate {
    let back = moment - Duration::hours(2) - Duration::minutes(shift_minutes.into());
    if back.time() == chrono::NaiveTime::MIN { back.date() } else { back.date() + Duration::days(1) }
}

/// The amount of one period for an activity, to four places.
pub fn period_amount(
    terms: &ChargeTerms,
    start: NaiveDateTime,
    end: NaiveDateTime,
    active: Activity,
    price_on: &dyn Fn(NaiveDate) -> Decimal,
) -> Decimal {
    let price = price_on(start.date());
    let share = overlap_seconds(start, end, active);
    let exact = match terms.write_off {
        WriteOff::Prepay | WriteOff::Postpay => price * Decimal::from(share) / Decimal::from((end - start).num_seconds()),
        // A day's (an hour's) part of the unit period containing it.
        WriteOff::Daily | WriteOff::Hourly => {
            let (us, ue) = period_containing(terms.unit, terms.anchor, start);
            price * Decimal::from(share) / Decimal::from((ue - us).num_seconds())
        }
    };
    round_half_up(exact, 4)
}

fn overlap_seconds(start: NaiveDateTime, end: NaiveDateTime, active: Activity) -> i64 {
    let from = start.max(active.from);
    let until = active.until.map_or(end, |u| u.min(end));
    (until - from).num_seconds().max(0)
}

/// CAT-6: the calendar rules move the charged span of a monthly service.
fn effective_activity(terms: &ChargeTerms, a: Activity) -> Option<Activity> {
    let monthly = terms.unit == PeriodUnit::Month;
    match terms.calendar {
        CalendarRule::Standard => Some(a),
        CalendarRule::FromFirstOfMonth if monthly => {
            let day = a.from.date();
            let month = first_of_month(day);
            let from = if chrono::Datelike::day(&day) < FIFTEENTH { month } else { add_months(month, 1) };
            let from = from.and_time(chrono::NaiveTime::MIN);
            match a.until {
                Some(u) if u <= from => None,
                _ => Some(Activity { from, until: a.until }),
            }
        }
        CalendarRule::AlwaysWholeMonth if monthly => {
            let (from, _) = period_containing(PeriodUnit::Month, None, a.from);
            let until = a.until.map(|u| {
                let (s, e) = period_containing(PeriodUnit::Month, None, u);
                if u == s { s } else { e }
            });
            Some(Activity { from, until })
        }
        _ => Some(a),
    }
}

/// The first period of an activity: the one containing its start.
fn first_period(terms: &ChargeTerms, from: NaiveDateTime) -> (NaiveDateTime, NaiveDateTime) {
    match terms.write_off {
        WriteOff::Daily => period_containing(PeriodUnit::Day, None, from),
        WriteOff::Hourly => {
            let s = start_of_hour(from);
            (s, s + Duration::hours(1))
        }
        WriteOff::Prepay | WriteOff::Postpay => period_containing(terms.unit, terms.anchor, from),
    }
}

fn next_period(terms: &ChargeTerms, _start: NaiveDateTime, end: NaiveDateTime) -> (NaiveDateTime, NaiveDateTime) {
    match terms.write_off {
        WriteOff::Daily => (end, end + Duration::days(1)),
        WriteOff::Hourly => (end, end + Duration::hours(1)),
        WriteOff::Prepay | WriteOff::Postpay => period_containing(terms.unit, terms.anchor, end),
    }
}

/// Seconds in a day, for callers that prorate by hand.
pub fn seconds_per_day() -> i64 {
    SECONDS_PER_DAY
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn at(m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    fn terms(write_off: WriteOff, calendar: CalendarRule) -> ChargeTerms {
        ChargeTerms { write_off, unit: PeriodUnit::Month, calendar, shift_minutes: 0, anchor: None }
    }

    fn fixed(p: Decimal) -> impl Fn(NaiveDate) -> Decimal {
        move |_| p
    }

    fn amounts(due: &[DuePeriod]) -> Vec<(NaiveDateTime, Decimal)> {
        due.iter().map(|d| (d.start, d.amount)).collect()
    }

    /// CAT-2 daily: 300.00 a month in March is 300/31 = 9.6774 a night.
    #[test]
    fn cat2_daily_parts_are_the_fee_over_the_days_of_that_month() {
        let t = terms(WriteOff::Daily, CalendarRule::Standard);
        let a = Activity { from: at(3, 30, 0, 0), until: None };
        let due = due_periods(&t, a, None, at(4, 2, 2, 0), &fixed(dec!(300)));
        assert_eq!(
            amounts(&due),
            vec![
                (at(3, 30, 0, 0), dec!(9.6774)),
                (at(3, 31, 0, 0), dec!(9.6774)),
                (at(4, 1, 0, 0), dec!(10.0000)),
                (at(4, 2, 0, 0), dec!(10.0000)),
            ]
        );
        // Before 02:00 the day is not yet due; charged days are not again.
        let due = due_periods(&t, a, Some(at(4, 3, 0, 0)), at(4, 3, 1, 59), &fixed(dec!(300)));
        assert!(due.is_empty());
        let due = due_periods(&t, a, Some(at(4, 3, 0, 0)), at(4, 3, 2, 0), &fixed(dec!(300)));
        assert_eq!(amounts(&due), vec![(at(4, 3, 0, 0), dec!(10.0000))]);
    }

    /// CHG-2: started and stopped mid-day, a daily part is prorated to the second.
    #[test]
    fn chg2_daily_start_and_stop_are_prorated_to_the_second() {
        let t = terms(WriteOff::Daily, CalendarRule::Standard);
        let a = Activity { from: at(4, 10, 15, 0), until: Some(at(4, 11, 6, 30)) };
        let due = due_periods(&t, a, None, at(4, 20, 2, 0), &fixed(dec!(300)));
        // 9 h of 24 of 10.00, then 6.5 h of 24.
        assert_eq!(amounts(&due), vec![(at(4, 10, 0, 0), dec!(3.7500)), (at(4, 11, 0, 0), dec!(2.7083))]);
    }

    /// CHG-2: the cart's example: a month's fee until the 1st, to the second.
    #[test]
    fn chg2_prepay_started_mid_month_pays_its_share() {
        let t = terms(WriteOff::Prepay, CalendarRule::Standard);
        let a = Activity { from: at(3, 10, 12, 0), until: None };
        let due = due_periods(&t, a, None, at(3, 10, 12, 0), &fixed(dec!(300)));
        // 21.5 of 31 days.
        assert_eq!(amounts(&due), vec![(at(3, 1, 0, 0), dec!(208.0645))]);
        let due = due_periods(&t, a, Some(at(4, 1, 0, 0)), at(4, 1, 2, 0), &fixed(dec!(300)));
        assert_eq!(amounts(&due), vec![(at(4, 1, 0, 0), dec!(300.0000))]);
    }

    #[test]
    fn cat2_postpay_charges_a_month_after_it_ends() {
        let t = terms(WriteOff::Postpay, CalendarRule::Standard);
        let a = Activity { from: at(2, 15, 0, 0), until: None };
        assert!(due_periods(&t, a, None, at(2, 28, 23, 0), &fixed(dec!(280))).is_empty());
        let due = due_periods(&t, a, None, at(3, 1, 2, 0), &fixed(dec!(280)));
        assert_eq!(amounts(&due), vec![(at(2, 1, 0, 0), dec!(140.0000))]);
    }

    #[test]
    fn cat2_hourly_charges_each_finished_hour() {
        let t = terms(WriteOff::Hourly, CalendarRule::Standard);
        let a = Activity { from: at(4, 1, 10, 30), until: Some(at(4, 1, 12, 15)) };
        let due = due_periods(&t, a, None, at(4, 2, 2, 0), &fixed(dec!(720)));
        // 720 a month of 30 days is 1.00 an hour.
        assert_eq!(
            amounts(&due),
            vec![(at(4, 1, 10, 0), dec!(0.5000)), (at(4, 1, 11, 0), dec!(1.0000)), (at(4, 1, 12, 0), dec!(0.2500)),]
        );
    }

    /// CAT-12: each day is charged at the price valid that day.
    #[test]
    fn cat12_a_charge_uses_the_version_valid_on_the_charged_day() {
        let t = terms(WriteOff::Daily, CalendarRule::Standard);
        let a = Activity { from: at(4, 29, 0, 0), until: None };
        let price = |d: NaiveDate| if d < NaiveDate::from_ymd_opt(2026, 5, 1).unwrap() { dec!(300) } else { dec!(620) };
        let due = due_periods(&t, a, None, at(5, 1, 2, 0), &price);
        assert_eq!(
            amounts(&due),
            vec![(at(4, 29, 0, 0), dec!(10.0000)), (at(4, 30, 0, 0), dec!(10.0000)), (at(5, 1, 0, 0), dec!(20.0000))]
        );
    }

    /// CAT-6: connected before the 15th, charged from the 1st of this month.
    #[test]
    fn cat6_connected_before_the_15th_is_charged_from_the_first() {
        let t = terms(WriteOff::Prepay, CalendarRule::FromFirstOfMonth);
        let a = Activity { from: at(3, 10, 12, 0), until: None };
        let due = due_periods(&t, a, None, at(3, 10, 12, 0), &fixed(dec!(300)));
        assert_eq!(amounts(&due), vec![(at(3, 1, 0, 0), dec!(300.0000))]);
    }

    /// CAT-6: connected on or after the 15th, charged from next month.
    #[test]
    fn cat6_connected_from_the_15th_is_charged_from_next_month() {
        let t = terms(WriteOff::Prepay, CalendarRule::FromFirstOfMonth);
        let a = Activity { from: at(3, 15, 0, 0), until: None };
        assert!(due_periods(&t, a, None, at(3, 31, 23, 0), &fixed(dec!(300))).is_empty());
        let due = due_periods(&t, a, None, at(4, 1, 2, 0), &fixed(dec!(300)));
        assert_eq!(amounts(&due), vec![(at(4, 1, 0, 0), dec!(300.0000))]);
        let daily = terms(WriteOff::Daily, CalendarRule::FromFirstOfMonth);
        let early = Activity { from: at(3, 3, 9, 0), until: None };
        let due = due_periods(&daily, early, None, at(3, 3, 9, 0), &fixed(dec!(310)));
        assert_eq!(amounts(&due), vec![(at(3, 1, 0, 0), dec!(10)), (at(3, 2, 0, 0), dec!(10)), (at(3, 3, 0, 0), dec!(10))]);
    }

    #[test]
    fn cat6_always_the_whole_month() {
        let t = terms(WriteOff::Prepay, CalendarRule::AlwaysWholeMonth);
        let a = Activity { from: at(3, 20, 12, 0), until: Some(at(4, 2, 0, 0)) };
        let due = due_periods(&t, a, None, at(5, 1, 2, 0), &fixed(dec!(300)));
        assert_eq!(amounts(&due), vec![(at(3, 1, 0, 0), dec!(300.0000)), (at(4, 1, 0, 0), dec!(300.0000))]);
    }

    /// CAT-7: a service shifted by -150 minutes is due at 23:30 the day before.
    #[test]
    fn cat7_a_shifted_service_is_due_at_its_own_time() {
        let mut t = terms(WriteOff::Daily, CalendarRule::Standard);
        t.shift_minutes = -150;
        let a = Activity { from: at(3, 1, 0, 0), until: None };
        let due = due_periods(&t, a, Some(at(3, 2, 0, 0)), at(3, 1, 23, 29), &fixed(dec!(310)));
        assert!(due.is_empty());
        let due = due_periods(&t, a, Some(at(3, 2, 0, 0)), at(3, 1, 23, 30), &fixed(dec!(310)));
        assert_eq!(amounts(&due), vec![(at(3, 2, 0, 0), dec!(10))]);
    }

    #[test]
    fn the_next_run_date_is_when_the_next_period_falls_due() {
        let daily = terms(WriteOff::Daily, CalendarRule::Standard);
        let a = Activity { from: at(3, 10, 15, 0), until: None };
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(next_run_date(&daily, a, None), Some(d(3, 10)));
        assert_eq!(next_run_date(&daily, a, Some(at(3, 11, 0, 0))), Some(d(3, 11)));
        let post = terms(WriteOff::Postpay, CalendarRule::Standard);
        assert_eq!(next_run_date(&post, a, None), Some(d(4, 1)));
        let hourly = terms(WriteOff::Hourly, CalendarRule::Standard);
        assert_eq!(next_run_date(&hourly, a, None), Some(d(3, 11)));
        let stopped = Activity { from: at(3, 10, 15, 0), until: Some(at(3, 12, 0, 0)) };
        assert_eq!(next_run_date(&daily, stopped, Some(at(3, 12, 0, 0))), None);
        let mut shifted = daily;
        shifted.shift_minutes = -150;
        assert_eq!(next_run_date(&shifted, a, Some(at(3, 11, 0, 0))), Some(d(3, 11)));
    }

    /// CAT-2 "shift charge date": a month runs from the activation day.
    #[test]
    fn cat2_shifted_charge_date_prepays_from_the_activation_day() {
        let mut t = terms(WriteOff::Prepay, CalendarRule::Standard);
        t.anchor = Some(NaiveDate::from_ymd_opt(2026, 3, 10).unwrap());
        let a = Activity { from: at(3, 10, 12, 0), until: None };
        let due = due_periods(&t, a, None, at(4, 10, 2, 0), &fixed(dec!(310)));
        // 30.5 of 31 days of the first month, then a whole month.
        assert_eq!(amounts(&due), vec![(at(3, 10, 0, 0), dec!(305)), (at(4, 10, 0, 0), dec!(310))]);
    }
}
