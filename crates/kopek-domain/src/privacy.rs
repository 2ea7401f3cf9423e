//! ACC-6: a user's requests about its personal data, and the deadline the
//! law gives the provider to answer them.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::stored::stored_enum;

stored_enum! {
    /// What the user asks the provider to do with its personal data.
    PrivacyRequestKind {
        /// "Запрос на удаление персональных данных".
        Delete = "delete",
        /// "Запрос на забвение/ограничение использования персональных данных".
        Restrict = "restrict",
    }
}

stored_enum! {
    PrivacyRequestStatus {
        /// Waiting for the provider's staff.
        Open = "open",
        /// Carried out.
        Done = "done",
        /// Refused, with a reason.
        Refused = "refused",
    }
}

/// Working days the provider has to answer: 152-FZ art. 20 part 3.
pub const ANSWER_WITHIN_WORKING_DAYS: u32 = 10;

/// The last day to answer a request filed on `filed_on`: the tenth working
/// day after it. A working day is Monday to Friday and not one of
/// `days_off` (the provider's non-working holidays); the filing day itself
/// does not count.
pub fn answer_due(filed_on: NaiveDate, days_off: &[NaiveDate]) -> NaiveDate {
    let mut day = filed_on;
    let mut left = ANSWER_WITHIN_WORKING_DAYS;
    while left > 0 {
        day = day.checked_add_days(Days::new(1)).unwrap_or(day);
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        if !weekend && !days_off.contains(&day) {
            left -= 1;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn acc6_ten_working_days_skip_weekends() {
        // Monday 2026-11-30: two weeks later, Monday 2026-12-14.
        assert_eq!(answer_due(d("2026-11-30"), &[]), d("2026-12-14"));
        // Filed on a Saturday: the count starts on Monday.
        assert_eq!(answer_due(d("2026-12-05"), &[]), d("2026-12-18"));
    }

    #[test]
    fn acc6_the_providers_days_off_do_not_count() {
        // The New Year holidays of 2027 (1–8 January) push it past them.
        let off: Vec<NaiveDate> = (1..=8).map(|day| NaiveDate::from_ymd_opt(2027, 1, day).unwrap()).collect();
        assert_eq!(answer_due(d("2026-12-28"), &off), d("2027-01-19"));
        assert_eq!(answer_due(d("2026-12-28"), &[]), d("2027-01-11"));
    }
}
