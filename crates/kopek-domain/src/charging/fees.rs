//! What a subscription owes: the periods due by a run and their amounts
//! (CAT-2, CAT-6, CHG-2). Proration is to the second: the periods within
//! one unit of the price together pay the price times the share of the
//! unit's seconds the subscription was active, rounded once.

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
    /// CAT-1 one-time: the price is charged once, when charging starts,
    /// never again.
    pub once: bool,
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
    if terms.once {
        if charged_until.is_some() || active.from > now {
            return Vec::new();
        }
        return vec![DuePeriod { start: active.from, end: active.from, amount: price_on(active.from.date()) }];
    }
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
    if terms.once {
        return charged_until.is_none().then(|| run_date_reaching(active.from, terms.shift_minutes));
    }
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
///
/// A period is a part of the unit period its price is for: a day or an
/// hour of a month (or of whatever unit the service is priced by), while a
/// prepaid or postpaid period is a whole unit. Rounding each part on its
/// own would leave a residue (300.00 over January's 31 nights is 299.9994,
/// over February's 28 it is 300.0004), so a part is instead the rounded
/// worth of the unit's active seconds up to the part's end less that up to
/// its start. The parts of a unit then add up to its price times the active
/// share, rounded once, wherever in it the activity starts and stops; each
/// part depends only on where it lies, so whichever run charges it charges
/// the same amount; and a part re-priced for an earlier stop can only
/// shrink. The span must lie within one unit period.
pub fn period_amount(
    terms: &ChargeTerms,
    start: NaiveDateTime,
    end: NaiveDateTime,
    active: Activity,
    price_on: &dyn Fn(NaiveDate) -> Decimal,
) -> Decimal {
    // CAT-12: when the price changes inside a unit, its parts add up
    // exactly within each stretch of one price; no one total is owed.
    let price = price_on(start.date());
    let (unit_start, unit_end) = period_containing(terms.unit, terms.anchor, start);
    let whole = Decimal::from((unit_end - unit_start).num_seconds());
    // The quotient has the unit's seconds as denominator: either it ends
    // within Decimal's 28 digits and is exact, or it lies at least
    // 1/(2 × seconds) of a ten-thousandth from a midpoint, far beyond
    // Decimal's error, so it rounds as the exact fraction would.
    let worth_until = |t: NaiveDateTime| {
        let active_seconds = Decimal::from(overlap_seconds(unit_start, t, active));
        round_half_up(price * active_seconds / whole, 4)
    };
    worth_until(end) - worth_until(start)
}

/// The seconds of `start..end` the activity covers.
fn overlap_seconds(start: NaiveDateTime, end: NaiveDateTime, active: Activity) -> i64 {
    let from = start.max(active.from);
    let until = active.until.map_or(end, |u| u.min(end));
    (until - from).num_seconds().max(0)
}

/// CAT-6: the calendar rules move the charged span of a monthly service.
pub fn effective_activity(terms: &ChargeTerms, a: Activity) -> Option<Activity> {
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
    use crate::charging::calendar::days_in_month;
    use chrono::Datelike;
    use proptest::option;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn at(m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    fn terms(write_off: WriteOff, calendar: CalendarRule) -> ChargeTerms {
        ChargeTerms { write_off, unit: PeriodUnit::Month, calendar, shift_minutes: 0, anchor: None, once: false }
    }

    fn fixed(p: Decimal) -> impl Fn(NaiveDate) -> Decimal {
        move |_| p
    }

    fn amounts(due: &[DuePeriod]) -> Vec<(NaiveDateTime, Decimal)> {
        due.iter().map(|d| (d.start, d.amount)).collect()
    }

    fn total(due: &[DuePeriod]) -> Decimal {
        due.iter().map(|d| d.amount).sum()
    }

    /// CAT-1: a one-time price is due once, when charging starts, and
    /// nothing is due or scheduled after it is charged.
    #[test]
    fn cat1_a_one_time_price_is_due_once() {
        let t = ChargeTerms { once: true, ..terms(WriteOff::Prepay, CalendarRule::Standard) };
        let a = Activity { from: at(3, 10, 12, 30), until: None };
        assert_eq!(due_periods(&t, a, None, at(3, 10, 12, 0), &fixed(dec!(300))), vec![], "not before it starts");
        let due = due_periods(&t, a, None, at(3, 10, 12, 30), &fixed(dec!(300)));
        assert_eq!(due, vec![DuePeriod { start: a.from, end: a.from, amount: dec!(300) }]);
        assert_eq!(next_run_date(&t, a, None), Some(NaiveDate::from_ymd_opt(2026, 3, 11).unwrap()));
        assert_eq!(due_periods(&t, a, Some(a.from), at(12, 31, 0, 0), &fixed(dec!(300))), vec![]);
        assert_eq!(next_run_date(&t, a, Some(a.from)), None);
    }

    /// CAT-2 daily: 300.00 a month in March is about 300/31 = 9.6774 a
    /// night; the parts of March 30 and 31 are exactly that.
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

    /// CAT-2: 300.00 a month night by night. Each night rounded on its own,
    /// 300/31 = 9.6774 would make January 299.9994 and 300/28 = 10.7143
    /// February 300.0004; rounding the running total instead makes some
    /// nights a ten-thousandth heavier or lighter and each month 300.0000.
    #[test]
    fn cat2_a_month_of_daily_parts_totals_the_fee_in_january_and_february() {
        let t = terms(WriteOff::Daily, CalendarRule::Standard);
        let a = Activity { from: at(1, 1, 0, 0), until: None };
        let price = fixed(dec!(300.00));
        let jan = due_periods(&t, a, None, at(1, 31, 2, 0), &price);
        assert_eq!((jan.len(), total(&jan)), (31, dec!(300.0000)));
        assert!(jan.iter().all(|d| d.amount == dec!(9.6774) || d.amount == dec!(9.6775)));
        let heavier: Vec<u32> = jan.iter().filter(|d| d.amount == dec!(9.6775)).map(|d| d.start.day()).collect();
        assert_eq!(heavier, vec![3, 8, 13, 19, 24, 29]);
        let feb = due_periods(&t, a, Some(at(2, 1, 0, 0)), at(2, 28, 2, 0), &price);
        assert_eq!((feb.len(), total(&feb)), (28, dec!(300.0000)));
        assert!(feb.iter().all(|d| d.amount == dec!(10.7143) || d.amount == dec!(10.7142)));
        let lighter: Vec<u32> = feb.iter().filter(|d| d.amount == dec!(10.7142)).map(|d| d.start.day()).collect();
        assert_eq!(lighter, vec![4, 11, 18, 25]);
    }

    /// CAT-2 hourly: February's 672 hours of 100.00 are 0.1488 or 0.1489
    /// each and total 100.0000, where 0.1488 each would make 99.9936.
    #[test]
    fn cat2_a_month_of_hourly_parts_totals_the_fee() {
        let t = terms(WriteOff::Hourly, CalendarRule::Standard);
        let a = Activity { from: at(2, 1, 0, 0), until: None };
        let feb = due_periods(&t, a, None, at(3, 1, 0, 0), &fixed(dec!(100.00)));
        assert_eq!((feb.len(), total(&feb)), (672, dec!(100.0000)));
        assert_eq!(feb.iter().filter(|d| d.amount == dec!(0.1489)).count(), 64);
        assert!(feb.iter().all(|d| d.amount == dec!(0.1488) || d.amount == dec!(0.1489)));
    }

    /// CAT-2 "shift charge date": the days of a month from the 31st of
    /// January to the 28th of February add up to the fee as well.
    #[test]
    fn cat2_daily_parts_of_an_anchored_month_total_the_fee() {
        let mut t = terms(WriteOff::Daily, CalendarRule::Standard);
        t.anchor = Some(NaiveDate::from_ymd_opt(2026, 1, 31).unwrap());
        let a = Activity { from: at(1, 31, 0, 0), until: None };
        let due = due_periods(&t, a, None, at(2, 27, 2, 0), &fixed(dec!(310.00)));
        assert_eq!((due.len(), total(&due)), (28, dec!(310.0000)));
    }

    /// CHG-2: active from the 10th 14:00 to the 20th 09:30 of April, a
    /// service pays 235.5 of April's 720 hours of 299.99 rounded once,
    /// 98.1217; each day rounded on its own would come to 98.1220.
    #[test]
    fn chg2_a_partly_covered_month_pays_its_covered_share_rounded_once() {
        let t = terms(WriteOff::Daily, CalendarRule::Standard);
        let a = Activity { from: at(4, 10, 14, 0), until: Some(at(4, 20, 9, 30)) };
        let due = due_periods(&t, a, None, at(5, 1, 2, 0), &fixed(dec!(299.99)));
        assert_eq!(
            amounts(&due),
            vec![
                (at(4, 10, 0, 0), dec!(4.1665)),
                (at(4, 11, 0, 0), dec!(9.9997)),
                (at(4, 12, 0, 0), dec!(9.9997)),
                (at(4, 13, 0, 0), dec!(9.9996)),
                (at(4, 14, 0, 0), dec!(9.9997)),
                (at(4, 15, 0, 0), dec!(9.9997)),
                (at(4, 16, 0, 0), dec!(9.9996)),
                (at(4, 17, 0, 0), dec!(9.9997)),
                (at(4, 18, 0, 0), dec!(9.9997)),
                (at(4, 19, 0, 0), dec!(9.9996)),
                (at(4, 20, 0, 0), dec!(3.9582)),
            ]
        );
        assert_eq!(total(&due), dec!(98.1217));
    }

    /// CAT-2, CHG-1: a night's part depends only on where the night lies,
    /// so a month charged night by night is charged as if all at once.
    #[test]
    fn cat2_a_part_is_the_same_whichever_night_charges_it() {
        let t = terms(WriteOff::Daily, CalendarRule::Standard);
        let a = Activity { from: at(3, 7, 16, 45), until: None };
        let price = fixed(dec!(1234.5678));
        let at_once = due_periods(&t, a, None, at(3, 31, 2, 0), &price);
        let mut nightly = Vec::new();
        let mut charged_until = None;
        for day in 7..=31 {
            let due = due_periods(&t, a, charged_until, at(3, day, 2, 0), &price);
            charged_until = due.last().map(|d| d.end).or(charged_until);
            nightly.extend(due);
        }
        assert_eq!(nightly, at_once);
        // 24 days 7 h 15 min of March's 31 days.
        assert_eq!(total(&at_once), dec!(967.8248));
    }

    /// CHG-2: a night charged at 02:00 and the service stopped at 13:20 the
    /// same day: the night is charged again for the part used (as the
    /// engine does on a stop), which is never more than was charged, and
    /// the month pays what it would had the stop been known all along.
    #[test]
    fn chg2_a_stop_after_the_night_was_charged_keeps_the_month_exact() {
        let t = terms(WriteOff::Daily, CalendarRule::Standard);
        let open = Activity { from: at(1, 1, 0, 0), until: None };
        let stopped = Activity { until: Some(at(1, 15, 13, 20)), ..open };
        let price = fixed(dec!(300.00));
        let charged = due_periods(&t, open, None, at(1, 15, 2, 0), &price);
        let night = charged.last().unwrap();
        let used = period_amount(&t, night.start, night.end, stopped, &price);
        assert_eq!((night.amount, used), (dec!(9.6774), dec!(5.3763)));
        // 14 days 13 h 20 min of January's 31 days.
        assert_eq!(total(&charged[..14]) + used, dec!(140.8602));
        assert_eq!(total(&due_periods(&t, stopped, None, at(2, 1, 2, 0), &price)), dec!(140.8602));
    }

    /// CHG-2: a prepaid month stopped early pays for the time used, 10 days
    /// 6 hours of 31, as the engine re-prices it on a stop.
    #[test]
    fn chg2_a_prepaid_month_stopped_early_pays_the_time_used() {
        let t = terms(WriteOff::Prepay, CalendarRule::Standard);
        let stopped = Activity { from: at(3, 10, 12, 0), until: Some(at(3, 20, 18, 0)) };
        assert_eq!(period_amount(&t, at(3, 1, 0, 0), at(4, 1, 0, 0), stopped, &fixed(dec!(300))), dec!(99.1935));
    }

    fn any_write_off() -> impl Strategy<Value = WriteOff> {
        prop_oneof![Just(WriteOff::Daily), Just(WriteOff::Hourly), Just(WriteOff::Prepay), Just(WriteOff::Postpay)]
    }

    /// A month of 28 to 31 days, calendar or anchored to a day of it.
    fn month_of(year: i32, month: u32, anchor_day: Option<u32>) -> (Option<NaiveDate>, NaiveDateTime, NaiveDateTime) {
        let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap();
        let anchor = anchor_day.map(|d| first.with_day(d.min(days_in_month(first) as u32)).unwrap());
        let (start, end) = period_containing(PeriodUnit::Month, anchor, anchor.unwrap_or(first).and_time(chrono::NaiveTime::MIN));
        (anchor, start, end)
    }

    /// The parts of one month an activity is charged, by runs late enough
    /// for all of them.
    fn parts_of(t: &ChargeTerms, a: Activity, month: (NaiveDateTime, NaiveDateTime), fee: Decimal) -> Vec<DuePeriod> {
        let late = month.1 + Duration::hours(12);
        due_periods(t, a, None, late, &fixed(fee)).into_iter().filter(|d| d.start >= month.0 && d.start < month.1).collect()
    }

    fn share(fee: Decimal, covered: Duration, whole: Duration) -> Decimal {
        round_half_up(fee * Decimal::from(covered.num_seconds()) / Decimal::from(whole.num_seconds()), 4)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// CAT-2, CHG-2: whatever the fee, the month, the write-off and the
        /// moments of start and stop, a month's parts add up to the fee
        /// times the covered share rounded once; none is negative; and a
        /// stop made after the parts were charged, re-pricing the part it
        /// falls in, leaves the month paying the share up to the stop.
        #[test]
        fn cat2_chg2_the_parts_of_a_month_sum_to_the_fee_times_the_covered_share(
            fee_units in 1i64..=10_000_000_000,
            year in prop_oneof![Just(2026), Just(2028)],
            month in 1u32..=12,
            anchor_day in option::of(1u32..=31),
            write_off in any_write_off(),
            shift_minutes in -600i32..=600,
            from_pick in 0i64..2_678_400,
            until_pick in option::of(0i64..2_678_400),
            stop_pick in 0i64..2_678_400,
        ) {
            let fee = Decimal::new(fee_units, 4);
            let (anchor, us, ue) = month_of(year, month, anchor_day);
            let t = ChargeTerms { write_off, unit: PeriodUnit::Month, calendar: CalendarRule::Standard, shift_minutes, anchor, once: false };
            let whole = ue - us;
            let from = us + Duration::seconds(from_pick % whole.num_seconds());
            let until = until_pick.map(|u| from + Duration::seconds(1 + u % (ue - from).num_seconds()));
            let a = Activity { from, until };
            let parts = parts_of(&t, a, (us, ue), fee);
            prop_assert!(parts.iter().all(|d| d.amount >= Decimal::ZERO));
            prop_assert_eq!(total(&parts), share(fee, until.unwrap_or(ue) - from, whole));

            let stop = from + Duration::seconds(1 + stop_pick % (ue - from).num_seconds());
            let stopped = Activity { from, until: Some(stop) };
            let open = parts_of(&t, Activity { from, until: None }, (us, ue), fee);
            let mut paid = Decimal::ZERO;
            for part in open.iter().filter(|d| d.start < stop) {
                if part.end <= stop {
                    paid += part.amount;
                } else {
                    let used = period_amount(&t, part.start, part.end, stopped, &fixed(fee));
                    prop_assert!(used <= part.amount);
                    paid += used;
                }
            }
            prop_assert_eq!(paid, share(fee, stop - from, whole));
        }

        /// CAT-2: a whole month charged in any parts is the fee exactly.
        #[test]
        fn cat2_a_whole_month_of_parts_is_the_fee(
            fee_units in 1i64..=10_000_000_000,
            year in prop_oneof![Just(2026), Just(2028)],
            month in 1u32..=12,
            anchor_day in option::of(1u32..=31),
            write_off in any_write_off(),
        ) {
            let fee = Decimal::new(fee_units, 4);
            let (anchor, us, ue) = month_of(year, month, anchor_day);
            let t = ChargeTerms { write_off, unit: PeriodUnit::Month, calendar: CalendarRule::Standard, shift_minutes: 0, anchor, once: false };
            prop_assert_eq!(total(&parts_of(&t, Activity { from: us, until: None }, (us, ue), fee)), fee);
        }
    }
}
