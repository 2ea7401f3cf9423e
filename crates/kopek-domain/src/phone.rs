//! ACC-2: confirming a phone number by a code sent to it by SMS. The
//! limits that keep the SMS bill and guessing in check live here, as do
//! what a code is for and how a number is shown half hidden.

use chrono::{DateTime, Duration, Utc};

use crate::stored::stored_enum;

stored_enum! {
    /// What a code, once entered, does.
    PhoneCodePurpose {
        /// Confirms the number the user has: the code went to it.
        Confirm = "confirm",
        /// Replaces a confirmed number with a new one: the code went to
        /// the old number, so whoever holds the account alone can't take
        /// the number over. The new number is then confirmed in its turn.
        Change = "change",
    }
}

/// How long a code works.
pub const CODE_LIFETIME: Duration = Duration::minutes(10);
/// Wrong tries before a code stops working.
pub const MAX_TRIES: i64 = 5;
/// The wait before another code may be asked for.
pub const RESEND_AFTER: Duration = Duration::seconds(60);
/// Codes a user may ask for in a day.
pub const MAX_CODES_PER_DAY: i64 = 5;
/// Digits in a code.
pub const CODE_DIGITS: u32 = 6;

/// Why another code is not sent now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendRefusal {
    /// The last one went out less than [`RESEND_AFTER`] ago.
    TooSoon { wait_seconds: i64 },
    /// [`MAX_CODES_PER_DAY`] went out in the last 24 hours.
    DailyLimit,
}

/// Whether a new code may go out at `now`, after the last one sent at
/// `last_sent` and `sent_in_a_day` codes in the last 24 hours.
pub fn may_send(last_sent: Option<DateTime<Utc>>, sent_in_a_day: i64, now: DateTime<Utc>) -> Result<(), SendRefusal> {
    if let Some(last) = last_sent {
        let next = last + RESEND_AFTER;
        if now < next {
            return Err(SendRefusal::TooSoon { wait_seconds: (next - now).num_seconds().max(1) });
        }
    }
    if sent_in_a_day >= MAX_CODES_PER_DAY {
        return Err(SendRefusal::DailyLimit);
    }
    Ok(())
}

/// A number as a page shows where a code went: `+7 *** ***-**-89`.
pub fn masked(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 6 {
        return "***".into();
    }
    let (head, tail) = (digits[0], &digits[digits.len() - 2..]);
    format!("+{head} *** ***-**-{}{}", tail[0], tail[1])
}

/// A code from a random number below 10^[`CODE_DIGITS`], with its leading
/// zeros.
pub fn code_of(random: u32) -> String {
    format!("{:0width$}", random % 10u32.pow(CODE_DIGITS), width = CODE_DIGITS as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn acc2_a_code_waits_a_minute_and_five_a_day() {
        let now = at("2026-03-01T10:00:00Z");
        assert_eq!(may_send(None, 0, now), Ok(()));
        assert_eq!(may_send(Some(at("2026-03-01T09:59:20Z")), 1, now), Err(SendRefusal::TooSoon { wait_seconds: 20 }));
        assert_eq!(may_send(Some(at("2026-03-01T09:59:00Z")), 1, now), Ok(()));
        assert_eq!(may_send(Some(at("2026-03-01T09:00:00Z")), 5, now), Err(SendRefusal::DailyLimit));
    }

    #[test]
    fn acc2_a_number_is_shown_half_hidden_and_codes_keep_their_zeros() {
        assert_eq!(masked("+79123456789"), "+7 *** ***-**-89");
        assert_eq!(masked("12"), "***");
        assert_eq!(code_of(42), "000042");
        assert_eq!(code_of(1_234_567), "234567");
    }
}
