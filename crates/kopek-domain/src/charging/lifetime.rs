//! Lifetimes (CAT-5): a subscription is disconnected after N days or N
//! months (at the time of day it was connected), N minutes used, N
//! activations (the day after the last one), or once a total has been
//! charged. Services with a lifetime can't be put in a tariff.

use chrono::{Duration, Months, NaiveDateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// When a subscription disconnects itself: whichever set limit comes first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Lifetime {
    /// Disconnect this many days after connection, at the time of day it was connected.
    pub days: Option<u32>,
    /// Disconnect this many months after connection, on the same day and time.
    pub months: Option<u32>,
    /// Disconnect once this many minutes are used (charged with a run).
    pub minutes: Option<i64>,
    /// Disconnect the day after this many activations.
    pub activations: Option<u32>,
    /// Disconnect once this much has been charged.
    pub total_sum: Option<Decimal>,
}

impl Lifetime {
    pub fn is_set(&self) -> bool {
        self.days.is_some()
            || self.months.is_some()
            || self.minutes.is_some()
            || self.activations.is_some()
            || self.total_sum.is_some()
    }
}

/// What a subscription has lived through so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LifeSoFar {
    pub connected_at: NaiveDateTime,
    /// The minutes charged so far, exactly (fractions of a minute kept).
    pub minutes_used: Decimal,
    pub activations: u32,
    pub last_activation_at: Option<NaiveDateTime>,
    pub charged_total: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifetimeEnd {
    Days,
    Months,
    Minutes,
    Activations,
    TotalSum,
}

/// The moment a time-bound lifetime ends, if it has one.
pub fn ends_at(l: &Lifetime, connected_at: NaiveDateTime) -> Option<NaiveDateTime> {
    let by_days = l.days.map(|d| connected_at + Duration::days(d.into()));
    let by_months = l.months.and_then(|m| connected_at.checked_add_months(Months::new(m)));
    match (by_days, by_months) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Whether the lifetime is over at `now`, and by which limit.
pub fn is_over(l: &Lifetime, so_far: &LifeSoFar, now: NaiveDateTime) -> Option<LifetimeEnd> {
    if let Some(d) = l.days
        && now >= so_far.connected_at + Duration::days(d.into())
    {
        return Some(LifetimeEnd::Days);
    }
    if let Some(m) = l.months
        && so_far.connected_at.checked_add_months(Months::new(m)).is_some_and(|end| now >= end)
    {
        return Some(LifetimeEnd::Months);
    }
    if l.minutes.is_some_and(|m| so_far.minutes_used >= Decimal::from(m)) {
        return Some(LifetimeEnd::Minutes);
    }
    if let (Some(n), Some(last)) = (l.activations, so_far.last_activation_at)
        && so_far.activations >= n
        && now.date() > last.date()
    {
        return Some(LifetimeEnd::Activations);
    }
    if l.total_sum.is_some_and(|s| so_far.charged_total >= s) {
        return Some(LifetimeEnd::TotalSum);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use rust_decimal_macros::dec;

    fn at(m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap().and_hms_opt(h, 0, 0).unwrap()
    }

    fn life(connected_at: NaiveDateTime) -> LifeSoFar {
        LifeSoFar { connected_at, minutes_used: dec!(0), activations: 0, last_activation_at: None, charged_total: dec!(0) }
    }

    #[test]
    fn cat5_days_and_months_end_at_the_time_of_connection() {
        let l = Lifetime { days: Some(10), ..Lifetime::default() };
        let so_far = life(at(1, 31, 14));
        assert_eq!(ends_at(&l, so_far.connected_at), Some(at(2, 10, 14)));
        assert_eq!(is_over(&l, &so_far, at(2, 10, 13)), None);
        assert_eq!(is_over(&l, &so_far, at(2, 10, 14)), Some(LifetimeEnd::Days));
        let m = Lifetime { months: Some(1), ..Lifetime::default() };
        assert_eq!(ends_at(&m, so_far.connected_at), Some(at(2, 28, 14)));
        assert_eq!(is_over(&m, &so_far, at(2, 28, 14)), Some(LifetimeEnd::Months));
    }

    #[test]
    fn cat5_minutes_activations_and_total_sum() {
        let l = Lifetime { minutes: Some(600), activations: Some(3), total_sum: Some(dec!(500)), ..Lifetime::default() };
        let mut s = life(at(3, 1, 0));
        assert_eq!(is_over(&l, &s, at(3, 2, 0)), None);
        s.minutes_used = dec!(599.9999);
        assert_eq!(is_over(&l, &s, at(3, 2, 0)), None);
        s.minutes_used = dec!(600);
        assert_eq!(is_over(&l, &s, at(3, 2, 0)), Some(LifetimeEnd::Minutes));
        s.minutes_used = dec!(0);
        s.activations = 3;
        s.last_activation_at = Some(at(3, 5, 20));
        assert_eq!(is_over(&l, &s, at(3, 5, 23)), None, "not before the next day");
        assert_eq!(is_over(&l, &s, at(3, 6, 0)), Some(LifetimeEnd::Activations));
        s.activations = 0;
        s.charged_total = dec!(500.0000);
        assert_eq!(is_over(&l, &s, at(3, 6, 0)), Some(LifetimeEnd::TotalSum));
    }
}
