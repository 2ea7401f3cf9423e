//! Activity windows (CAT-11, "условия активности услуги за месяц / день /
//! час"): when a windowed service is in force. A window is months of the
//! year, days of the week, days of the month and a range of hours; an empty
//! list means "any", no hours mean the whole day. The hours may wrap
//! midnight (22:00–06:00): the part after midnight belongs to the day the
//! window opened, so "Monday to Friday, 22:00–06:00" is the nights that
//! begin on those days (Friday 22:00 to Saturday 06:00 included, Sunday
//! 22:00 not). A range starts at its first minute and ends before its last:
//! 01:00–07:00 holds 01:00 and 06:59:59, not 07:00.
//!
//! One window rules three things, all from here: a period's fee is due
//! only when the period overlaps the window ([`ActivityWindow::overlaps`]);
//! a usage record is priced by a windowed service's rates only when it was
//! recorded inside the window ([`pick_rates`]); and the equipment is told
//! the service's speed as the window opens and closes
//! ([`ActivityWindow::contains`] at each tick).

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::charging::usage::{ServiceRates, Usage};

/// A range of hours of the day, "HH:MM" to "HH:MM"; `to` before `from`
/// wraps midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HourRange {
    /// Where the window opens, "HH:MM" (00:00 to 23:59), e.g. "01:00".
    pub from: String,
    /// Where it closes, "HH:MM", not included; before `from` it is the next
    /// day's, e.g. "22:00" to "06:00".
    pub to: String,
}

/// When a service is in force (CAT-11). Empty lists mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct ActivityWindow {
    /// Months of the year, 1 (January) to 12.
    pub months: Vec<u32>,
    /// Days of the week, 1 (Monday) to 7 (Sunday).
    pub weekdays: Vec<u32>,
    /// Days of the month, 1 to 31.
    pub days_of_month: Vec<u32>,
    /// The hours of those days; the whole day when left out.
    pub hours: Option<HourRange>,
}

/// "HH:MM" as minutes from midnight.
fn clock(s: &str) -> Option<i64> {
    let (h, m) = s.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some(h * 60 + m)
}

impl ActivityWindow {
    /// Checks the window; errors name its field in the service's
    /// conditions tab.
    pub fn validate(&self) -> Result<(), DomainError> {
        let lists = [
            ("conditions.window.months", &self.months, 12),
            ("conditions.window.weekdays", &self.weekdays, 7),
            ("conditions.window.days_of_month", &self.days_of_month, 31),
        ];
        for (field, list, max) in lists {
            if let Some(bad) = list.iter().find(|v| !(1..=max).contains(*v)) {
                return Err(DomainError::invalid(field, format!("{bad} is outside 1…{max}")));
            }
        }
        if let Some(h) = &self.hours {
            let from =
                clock(&h.from).ok_or_else(|| DomainError::invalid("conditions.window.hours.from", "a time HH:MM, e.g. 01:00"))?;
            let to =
                clock(&h.to).ok_or_else(|| DomainError::invalid("conditions.window.hours.to", "a time HH:MM, e.g. 07:00"))?;
            if from == to {
                return Err(DomainError::invalid(
                    "conditions.window.hours.to",
                    "the window would be empty; leave the hours out for the whole day",
                ));
            }
        }
        Ok(())
    }

    fn day_matches(&self, day: NaiveDate) -> bool {
        let any_or = |list: &[u32], v: u32| list.is_empty() || list.contains(&v);
        any_or(&self.months, day.month())
            && any_or(&self.weekdays, day.weekday().number_from_monday())
            && any_or(&self.days_of_month, day.day())
    }

    /// The span the window is open for that opens on `day`, if it opens then.
    fn span(&self, day: NaiveDate) -> Option<(NaiveDateTime, NaiveDateTime)> {
        if !self.day_matches(day) {
            return None;
        }
        let midnight = day.and_time(NaiveTime::MIN);
        // A validated window's hours parse; an unreadable one is the whole day.
        let Some((from, to)) = self.hours.as_ref().and_then(|h| Some((clock(&h.from)?, clock(&h.to)?))) else {
            return Some((midnight, midnight + Duration::days(1)));
        };
        let to = if to <= from { to + 24 * 60 } else { to };
        Some((midnight + Duration::minutes(from), midnight + Duration::minutes(to)))
    }

    /// Whether the window is open at `t` (provider time).
    pub fn contains(&self, t: NaiveDateTime) -> bool {
        let day = t.date();
        [day.pred_opt(), Some(day)].into_iter().flatten().filter_map(|d| self.span(d)).any(|(a, b)| a <= t && t < b)
    }

    /// Whether the window is open at some moment of `[start, end)`: a
    /// period's fee is due only then. An empty span is judged by its start.
    pub fn overlaps(&self, start: NaiveDateTime, end: NaiveDateTime) -> bool {
        if end <= start {
            return self.contains(start);
        }
        let mut day = start.date().pred_opt().unwrap_or(start.date());
        while day.and_time(NaiveTime::MIN) < end {
            if self.span(day).is_some_and(|(a, b)| a < end && start < b) {
                return true;
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        false
    }
}

/// A service's usage prices as rating sees them: its rates and, for a
/// windowed service, its window.
#[derive(Debug, Clone, Copy)]
pub struct RatesInForce<'a> {
    pub window: Option<&'a ActivityWindow>,
    /// CAT-1 forsage: the rates hold only inside these boosts (from, until),
    /// the "extra traffic" a boost gives.
    pub boosts: Option<&'a [(NaiveDateTime, NaiveDateTime)]>,
    pub rates: ServiceRates<'a>,
}

impl RatesInForce<'_> {
    /// Whether the rates hold only at some times: a window's or a boost's.
    fn is_timed(&self) -> bool {
        self.window.is_some() || self.boosts.is_some()
    }

    /// Whether the rates hold at `at`.
    fn holds(&self, at: NaiveDateTime) -> bool {
        self.window.is_none_or(|w| w.contains(at))
            && self.boosts.is_none_or(|b| b.iter().any(|(from, until)| *from <= at && at < *until))
    }
}

/// CHG-6 with CAT-11: the price of one unit of `u`, recorded at `at`
/// (provider time), on a subscription whose own service prices as `own`,
/// for a client whose windowed services (and forsage boosts, CAT-1) price
/// as `windowed` (in the order they were connected). The first of them
/// whose window or boost holds `at` and that prices this kind and class
/// (roaming by its roaming rates) gives the price; else the subscription's
/// own service, unless its own window or boosts do not hold `at`. `None`:
/// no rate in force prices it.
pub fn pick_rates(u: &Usage, at: NaiveDateTime, own: RatesInForce<'_>, windowed: &[RatesInForce<'_>]) -> Option<Decimal> {
    windowed
        .iter()
        .filter(|w| w.is_timed() && w.holds(at))
        .find_map(|w| w.rates.price(u))
        .or_else(|| if own.holds(at) { own.rates.price(u) } else { None })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charging::usage::{UsageKind, UsageRates};
    use rust_decimal_macros::dec;

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        // March 2026: the 2nd is a Monday.
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap().and_hms_opt(h, m, 0).unwrap()
    }

    fn hours(from: &str, to: &str) -> ActivityWindow {
        ActivityWindow { hours: Some(HourRange { from: from.into(), to: to.into() }), ..ActivityWindow::default() }
    }

    #[test]
    fn cat11_a_night_window_holds_its_first_minute_not_its_last() {
        let night = hours("01:00", "07:00");
        assert!(!night.contains(at(2, 0, 59)));
        assert!(night.contains(at(2, 1, 0)));
        assert!(night.contains(at(2, 6, 59)));
        assert!(!night.contains(at(2, 7, 0)));
        assert!(night.overlaps(at(2, 0, 0), at(3, 0, 0)), "a day holds the night");
        assert!(night.overlaps(at(2, 6, 0), at(2, 7, 0)));
        assert!(!night.overlaps(at(2, 7, 0), at(2, 8, 0)));
        assert!(!night.overlaps(at(2, 0, 0), at(2, 1, 0)));
    }

    #[test]
    fn cat11_a_window_over_midnight_belongs_to_the_day_it_opens() {
        let mut w = hours("22:00", "06:00");
        w.weekdays = vec![1, 2, 3, 4, 5];
        assert!(w.contains(at(6, 23, 0)), "Friday night");
        assert!(w.contains(at(7, 5, 59)), "Saturday morning is Friday's night");
        assert!(!w.contains(at(7, 22, 0)), "Saturday night");
        assert!(!w.contains(at(9, 5, 0)), "Monday morning is Sunday's night");
        assert!(w.contains(at(9, 22, 0)));
        assert!(!w.overlaps(at(8, 0, 0), at(9, 0, 0)), "Sunday");
        assert!(w.overlaps(at(7, 0, 0), at(8, 0, 0)), "Saturday has Friday's night in it");
    }

    #[test]
    fn cat11_months_weekdays_and_days_of_the_month() {
        let w = ActivityWindow { months: vec![3], weekdays: vec![6, 7], days_of_month: vec![7, 8, 9], hours: None };
        assert!(w.contains(at(7, 12, 0)) && w.contains(at(8, 0, 0)));
        assert!(!w.contains(at(9, 12, 0)), "the 9th is a Monday");
        assert!(!w.contains(at(14, 12, 0)), "a Saturday, not the 7th–9th");
        assert!(ActivityWindow::default().contains(at(1, 0, 0)), "empty means any");
    }

    #[test]
    fn cat11_a_window_is_validated_field_by_field() {
        let field = |w: ActivityWindow| w.validate().unwrap_err().field();
        let w = ActivityWindow { months: vec![13], ..ActivityWindow::default() };
        assert_eq!(field(w), Some("conditions.window.months"));
        let w = ActivityWindow { weekdays: vec![0], ..ActivityWindow::default() };
        assert_eq!(field(w), Some("conditions.window.weekdays"));
        let w = ActivityWindow { days_of_month: vec![32], ..ActivityWindow::default() };
        assert_eq!(field(w), Some("conditions.window.days_of_month"));
        assert_eq!(field(hours("1:00", "07:00")), Some("conditions.window.hours.from"));
        assert_eq!(field(hours("01:00", "24:00")), Some("conditions.window.hours.to"));
        assert_eq!(field(hours("07:00", "07:00")), Some("conditions.window.hours.to"));
        assert!(hours("22:00", "06:00").validate().is_ok());
    }

    #[test]
    fn chg6_usage_inside_a_window_is_priced_by_the_windowed_service() {
        let mut internet = UsageRates::default();
        internet.set(UsageKind::TrafficIn, "", dec!(1.50));
        let mut night_rates = UsageRates::default();
        night_rates.set(UsageKind::TrafficIn, "", dec!(0));
        let none = UsageRates::default();
        let night = hours("01:00", "07:00");
        let own = RatesInForce { window: None, boosts: None, rates: ServiceRates { home: &internet, roaming: &none } };
        let windowed =
            [RatesInForce { window: Some(&night), boosts: None, rates: ServiceRates { home: &night_rates, roaming: &none } }];
        let gb = Usage { kind: UsageKind::TrafficIn, class: String::new(), quantity: dec!(1), roaming: false };
        assert_eq!(pick_rates(&gb, at(2, 3, 0), own, &windowed), Some(dec!(0)));
        assert_eq!(pick_rates(&gb, at(2, 7, 0), own, &windowed), Some(dec!(1.50)));
        let minutes = Usage { kind: UsageKind::Minutes, class: String::new(), quantity: dec!(1), roaming: false };
        assert_eq!(pick_rates(&minutes, at(2, 3, 0), own, &windowed), None, "the night prices no minutes");
        // The windowed service's own usage outside its window has no price.
        assert_eq!(pick_rates(&gb, at(2, 12, 0), windowed[0], &windowed), None);
        // CAT-1: a forsage's free traffic holds only inside its boosts.
        let boosts = [(at(2, 12, 0), at(2, 13, 0))];
        let forsage =
            [RatesInForce { window: None, boosts: Some(&boosts), rates: ServiceRates { home: &night_rates, roaming: &none } }];
        assert_eq!(pick_rates(&gb, at(2, 12, 59), own, &forsage), Some(dec!(0)));
        assert_eq!(pick_rates(&gb, at(2, 13, 0), own, &forsage), Some(dec!(1.50)));
        assert_eq!(pick_rates(&gb, at(2, 11, 59), own, &forsage), Some(dec!(1.50)));
    }
}
