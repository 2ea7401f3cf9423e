//! When recurring jobs run. A schedule is a row with its next due time; this
//! module computes the next due time after a run, in the provider's offset
//! from UTC (the nightly run is at 02:00 provider time, CAT-7).

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "every", rename_all = "snake_case")]
pub enum Recurrence {
    /// Every N seconds after the previous due time.
    Seconds { seconds: i64 },
    /// Every day at a local time.
    Daily { at: NaiveTime },
    /// Every month on a day (clamped to the month's last day) at a local time.
    Monthly { day: u32, at: NaiveTime },
}

impl Recurrence {
    /// The first due time strictly after `after`, in `offset` local time.
    pub fn next_after(&self, after: DateTime<Utc>, offset: FixedOffset) -> DateTime<Utc> {
        match self {
            Recurrence::Seconds { seconds } => after + Duration::seconds((*seconds).max(1)),
            Recurrence::Daily { at } => {
                let local = after.with_timezone(&offset);
                let mut date = local.date_naive();
                loop {
                    let candidate = local_to_utc(offset, date.and_time(*at));
                    if candidate > after {
                        return candidate;
                    }
                    date = date.succ_opt().expect("date in range");
                }
            }
            Recurrence::Monthly { day, at } => {
                let local = after.with_timezone(&offset);
                let (mut year, mut month) = (local.year(), local.month());
                loop {
                    let last = last_day_of_month(year, month);
                    let date = chrono::NaiveDate::from_ymd_opt(year, month, (*day).clamp(1, last)).expect("valid date");
                    let candidate = local_to_utc(offset, date.and_time(*at));
                    if candidate > after {
                        return candidate;
                    }
                    (year, month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
                }
            }
        }
    }
}

fn local_to_utc(offset: FixedOffset, local: chrono::NaiveDateTime) -> DateTime<Utc> {
    offset.from_local_datetime(&local).single().expect("a fixed offset maps every local time once").with_timezone(&Utc)
}

pub fn last_day_of_month(year: i32, month: u32) -> u32 {
    let (ny, nm) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    chrono::NaiveDate::from_ymd_opt(ny, nm, 1).and_then(|d| d.pred_opt()).map(|d| d.day()).expect("valid month")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn moscow() -> FixedOffset {
        FixedOffset::east_opt(3 * 3600).unwrap()
    }

    #[test]
    fn daily_at_two_provider_time() {
        let r = Recurrence::Daily { at: NaiveTime::from_hms_opt(2, 0, 0).unwrap() };
        // 02:00 Moscow is 23:00 UTC the day before.
        assert_eq!(r.next_after(utc(2026, 3, 1, 12, 0), moscow()), utc(2026, 3, 1, 23, 0));
        assert_eq!(r.next_after(utc(2026, 3, 1, 23, 0), moscow()), utc(2026, 3, 2, 23, 0));
        assert_eq!(r.next_after(utc(2026, 3, 1, 22, 59), moscow()), utc(2026, 3, 1, 23, 0));
    }

    #[test]
    fn monthly_clamps_to_the_last_day() {
        let r = Recurrence::Monthly { day: 30, at: NaiveTime::from_hms_opt(0, 0, 0).unwrap() };
        let utc0 = FixedOffset::east_opt(0).unwrap();
        assert_eq!(r.next_after(utc(2027, 1, 30, 0, 0), utc0), utc(2027, 2, 28, 0, 0));
        assert_eq!(r.next_after(utc(2027, 2, 28, 0, 0), utc0), utc(2027, 3, 30, 0, 0));
        assert_eq!(r.next_after(utc(2028, 1, 31, 0, 0), utc0), utc(2028, 2, 29, 0, 0));
    }

    #[test]
    fn every_n_seconds() {
        let r = Recurrence::Seconds { seconds: 90 };
        assert_eq!(r.next_after(utc(2026, 3, 1, 0, 0), moscow()), utc(2026, 3, 1, 0, 1) + Duration::seconds(30));
    }
}
