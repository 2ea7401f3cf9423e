//! SEC-2: time-based one-time passwords (RFC 6238 over RFC 4226's HOTP,
//! HMAC-SHA-1, 6 digits, 30-second steps), the base32 form authenticator
//! apps read secrets in, their `otpauth://` address, and recovery codes.
//! Randomness is the caller's: a secret or a recovery code is made here
//! from bytes it is given.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds a code lives (the authenticator apps' default).
pub const STEP_SECONDS: i64 = 30;
/// Digits in a code.
pub const DIGITS: u32 = 6;
/// Bytes of a secret: 160 bits, the length RFC 4226 recommends for SHA-1.
pub const SECRET_BYTES: usize = 20;
/// Bytes of randomness in a recovery code: 48 bits, ten base32 letters.
pub const RECOVERY_BYTES: usize = 6;

/// Why a code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not the code of the current step, nor of one either side.
    Invalid,
    /// The code of a step that was already used (or an earlier one): a
    /// code seen over a shoulder or in a log can't be replayed.
    Reused,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Invalid => "invalid_code",
            Refusal::Reused => "code_reused",
        }
    }
}

/// The time step `at` falls in.
pub fn step_at(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(STEP_SECONDS)
}

/// RFC 4226: the HMAC-SHA-1 of the counter, dynamically truncated to
/// `digits` decimal digits.
fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC accepts a key of any length");
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[hash.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([hash[offset] & 0x7f, hash[offset + 1], hash[offset + 2], hash[offset + 3]]);
    binary % 10u32.pow(digits)
}

/// The code of one time step, zero-padded to six digits.
pub fn code_at_step(secret: &[u8], step: i64) -> String {
    let counter = u64::try_from(step).unwrap_or(0);
    format!("{:0width$}", hotp(secret, counter, DIGITS), width = DIGITS as usize)
}

/// The code an authenticator shows at `at`.
pub fn code_at(secret: &[u8], at: DateTime<Utc>) -> String {
    code_at_step(secret, step_at(at))
}

/// Checks a code typed at `at`: the current step and one either side are
/// accepted (a phone's clock drifts, and typing takes time). Returns the
/// step it matched, to be stored as the last used; a step at or before
/// `last_used` is refused as reused.
pub fn check(secret: &[u8], typed: &str, at: DateTime<Utc>, last_used: Option<i64>) -> Result<i64, Refusal> {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != DIGITS as usize || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Refusal::Invalid);
    }
    let now = step_at(at);
    let matched = (now - 1..=now + 1).find(|step| same(code_at_step(secret, *step).as_bytes(), typed.as_bytes()));
    match matched {
        Some(step) if last_used.is_some_and(|last| step <= last) => Err(Refusal::Reused),
        Some(step) => Ok(step),
        None => Err(Refusal::Invalid),
    }
}

/// Compares without stopping at the first difference, so the time taken
/// says nothing about how many digits were right.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding, as authenticator apps take secrets.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Reads base32 in either case, with spaces or padding; `None` when a
/// character is not base32.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let upper = c.to_ascii_uppercase();
        let value = BASE32.iter().position(|b| char::from(*b) == upper)?;
        buffer = (buffer << 5) | value as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The `otpauth://` address an authenticator app reads from the QR code:
/// the provider as issuer and the login's email as the account.
pub fn otpauth_uri(issuer: &str, account: &str, secret_base32: &str) -> String {
    let issuer = percent(issuer);
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret_base32}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        account = percent(account),
    )
}

fn percent(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A recovery code from `RECOVERY_BYTES` random bytes: ten base32 letters
/// in two groups, lower case to read out ("abcde-fghij").
pub fn recovery_code(random: &[u8; RECOVERY_BYTES]) -> String {
    let letters = base32_encode(random).to_ascii_lowercase();
    format!("{}-{}", &letters[..5], &letters[5..10])
}

/// A typed recovery code in the form it is hashed in: lower case, without
/// the dash or spaces people add or leave out.
pub fn normalize_recovery_code(typed: &str) -> String {
    typed.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// Whether what was typed looks like a recovery code rather than a
/// six-digit code.
pub fn looks_like_recovery_code(typed: &str) -> bool {
    normalize_recovery_code(typed).len() == 10
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    /// RFC 6238 appendix B's SHA-1 secret.
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(secs, 0).single().unwrap()
    }

    /// SEC-2: RFC 6238's SHA-1 test vectors (eight digits there; the
    /// six-digit codes are their last six).
    #[test]
    fn sec2_rfc6238_test_vectors() {
        let vectors = [
            (59, 94_287_082),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ];
        for (secs, eight) in vectors {
            let step = u64::try_from(step_at(at(secs))).unwrap();
            assert_eq!(hotp(RFC_SECRET, step, 8), eight, "T = {secs}");
            assert_eq!(code_at(RFC_SECRET, at(secs)), format!("{:06}", eight % 1_000_000), "T = {secs}");
        }
        assert_eq!(code_at(RFC_SECRET, at(1_234_567_890)), "005924", "zero-padded");
    }

    /// SEC-2: the current step and one either side are accepted, two away
    /// is not, and the matched step is returned.
    #[test]
    fn sec2_a_code_is_accepted_one_step_either_side() {
        let now = at(1_111_111_111);
        let step = step_at(now);
        assert_eq!(check(RFC_SECRET, "050471", now, None), Ok(step));
        assert_eq!(check(RFC_SECRET, &code_at_step(RFC_SECRET, step - 1), now, None), Ok(step - 1));
        assert_eq!(check(RFC_SECRET, &code_at_step(RFC_SECRET, step + 1), now, None), Ok(step + 1));
        assert_eq!(check(RFC_SECRET, &code_at_step(RFC_SECRET, step - 2), now, None), Err(Refusal::Invalid));
        assert_eq!(check(RFC_SECRET, &code_at_step(RFC_SECRET, step + 2), now, None), Err(Refusal::Invalid));
        assert_eq!(check(RFC_SECRET, "050 471", now, None), Ok(step), "spaces are ignored");
        for bad in ["", "05047", "0504711", "05047a", "abcdef"] {
            assert_eq!(check(RFC_SECRET, bad, now, None), Err(Refusal::Invalid), "{bad:?}");
        }
    }

    /// SEC-2: a step once used, or an earlier one, is refused as reused.
    #[test]
    fn sec2_a_used_step_is_refused() {
        let now = at(1_111_111_111);
        let step = step_at(now);
        assert_eq!(check(RFC_SECRET, "050471", now, Some(step)), Err(Refusal::Reused));
        assert_eq!(check(RFC_SECRET, &code_at_step(RFC_SECRET, step - 1), now, Some(step)), Err(Refusal::Reused));
        assert_eq!(check(RFC_SECRET, &code_at_step(RFC_SECRET, step + 1), now, Some(step)), Ok(step + 1));
        assert_eq!(Refusal::Reused.code(), "code_reused");
    }

    #[test]
    fn sec2_base32_round_trips_rfc4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32_encode(plain.as_bytes()), encoded);
            assert_eq!(base32_decode(encoded).unwrap(), plain.as_bytes());
        }
        assert_eq!(base32_decode("mzxw 6ytb oi==").unwrap(), b"foobar");
        assert_eq!(base32_decode("MZ1W"), None);
        assert_eq!(base32_encode(RFC_SECRET), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    }

    #[test]
    fn sec2_the_otpauth_address_names_the_issuer_and_the_account() {
        assert_eq!(
            otpauth_uri("ООО Ромашка", "ivanov@romashka.example", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/%D0%9E%D0%9E%D0%9E%20%D0%A0%D0%BE%D0%BC%D0%B0%D1%88%D0%BA%D0%B0:ivanov%40romashka.example\
             ?secret=JBSWY3DPEHPK3PXP&issuer=%D0%9E%D0%9E%D0%9E%20%D0%A0%D0%BE%D0%BC%D0%B0%D1%88%D0%BA%D0%B0\
             &algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn sec2_recovery_codes_read_the_same_however_typed() {
        let code = recovery_code(&[0xff, 0, 0x12, 0x34, 0x56, 0x78]);
        assert_eq!(code, "74abe-ncwpa");
        assert_eq!(normalize_recovery_code(" 74ABE NCWPA "), "74abencwpa");
        assert_eq!(normalize_recovery_code(&code), "74abencwpa");
        assert!(looks_like_recovery_code("74ABE-NCWPA") && !looks_like_recovery_code("123456"));
    }
}
