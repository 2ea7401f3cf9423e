//! Russian payer identifiers checked by their real check digits (PAY-2), and
//! the IBAN that foreign payers give instead of a settlement account. A typo
//! in one of these ends up on every invoice and act, and the bank refuses the
//! transfer, so it is caught when the payer is saved.

use std::fmt;

/// Why an identifier was refused; the caller names the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdError {
    NotDigits,
    Length(usize),
    CheckDigit,
    /// The shape is wrong in a way digits and length don't describe.
    Format(&'static str),
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdError::NotDigits => f.write_str("must contain digits only"),
            IdError::Length(n) => write!(f, "must be exactly {n} digits"),
            IdError::CheckDigit => f.write_str("check digit does not match: look for a typo"),
            IdError::Format(why) => f.write_str(why),
        }
    }
}

type IdResult = Result<(), IdError>;

fn digits(s: &str, len: usize) -> Result<Vec<u32>, IdError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdError::NotDigits);
    }
    if s.len() != len {
        return Err(IdError::Length(len));
    }
    Ok(s.bytes().map(|b| u32::from(b - b'0')).collect())
}

fn weighted(d: &[u32], weights: &[u32]) -> u32 {
    d.iter().zip(weights).map(|(a, w)| a * w).sum()
}

const INN10_WEIGHTS: [u32; 9] = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN11_WEIGHTS: [u32; 10] = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_WEIGHTS: [u32; 11] = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

/// INN of a legal entity: 10 digits, the last a weighted sum mod 11 mod 10.
pub fn check_inn10(inn: &str) -> IdResult {
    let d = digits(inn, 10)?;
    if weighted(&d, &INN10_WEIGHTS) % 11 % 10 == d[9] { Ok(()) } else { Err(IdError::CheckDigit) }
}

/// INN of a person or a sole proprietor: 12 digits, two check digits.
pub fn check_inn12(inn: &str) -> IdResult {
    let d = digits(inn, 12)?;
    let ok = weighted(&d, &INN11_WEIGHTS) % 11 % 10 == d[10] && weighted(&d, &INN12_WEIGHTS) % 11 % 10 == d[11];
    if ok { Ok(()) } else { Err(IdError::CheckDigit) }
}

/// KPP has no check digit: 4 digits (tax office), 2 digits or capital Latin
/// letters (reason), 3 digits (serial).
pub fn check_kpp(kpp: &str) -> IdResult {
    let b = kpp.as_bytes();
    if b.len() != 9 {
        return Err(IdError::Format("must be 9 characters: 4 digits, 2 digits or capital Latin letters, 3 digits"));
    }
    let ok = b[..4].iter().all(u8::is_ascii_digit)
        && b[4..6].iter().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        && b[6..].iter().all(u8::is_ascii_digit);
    if ok { Ok(()) } else { Err(IdError::Format("must be 4 digits, 2 digits or capital Latin letters, 3 digits")) }
}

/// The first `n` digits as a number mod `m`, digit by digit so 14 digits
/// never need more than a u64 anyway and the intent stays visible.
fn prefix_mod(d: &[u32], n: usize, m: u64) -> u64 {
    d[..n].iter().fold(0u64, |acc, &x| (acc * 10 + u64::from(x)) % m)
}

/// OGRN: 13 digits, the last = (first 12 mod 11) mod 10.
pub fn check_ogrn(ogrn: &str) -> IdResult {
    let d = digits(ogrn, 13)?;
    if prefix_mod(&d, 12, 11) % 10 == u64::from(d[12]) { Ok(()) } else { Err(IdError::CheckDigit) }
}

/// OGRNIP: 15 digits, the last = (first 14 mod 13) mod 10.
pub fn check_ogrnip(ogrnip: &str) -> IdResult {
    let d = digits(ogrnip, 15)?;
    if prefix_mod(&d, 14, 13) % 10 == u64::from(d[14]) { Ok(()) } else { Err(IdError::CheckDigit) }
}

/// BIK of a Russian bank: 9 digits, country code 04. It has no check digit;
/// the accounts are keyed by it instead.
pub fn check_bik(bik: &str) -> IdResult {
    digits(bik, 9)?;
    if bik.starts_with("04") { Ok(()) } else { Err(IdError::Format("a Russian BIK starts with 04")) }
}

fn needs_bik(bik: &str) -> IdResult {
    check_bik(bik).map_err(|_| IdError::Format("can't be checked without a valid BIK"))
}

const ACCOUNT_WEIGHTS: [u32; 3] = [7, 1, 3];

/// The Bank of Russia key: 3 digits from the BIK, then the 20 account
/// digits, weights 7,1,3 repeating; the sum must end in 0.
fn keyed(key: &str, account: &[u32]) -> bool {
    let key = key.bytes().map(|b| u32::from(b - b'0'));
    let sum: u32 = key.chain(account.iter().copied()).zip(ACCOUNT_WEIGHTS.iter().cycle()).map(|(d, w)| d * w % 10).sum();
    sum.is_multiple_of(10)
}

/// Settlement account ("расчетный счет"): 20 digits keyed with the last
/// three digits of the bank's BIK.
pub fn check_settlement_account(account: &str, bik: &str) -> IdResult {
    let d = digits(account, 20)?;
    needs_bik(bik)?;
    if keyed(&bik[6..9], &d) { Ok(()) } else { Err(IdError::CheckDigit) }
}

/// Correspondent account of the bank at the Bank of Russia: 20 digits
/// starting with 301, keyed with "0" and digits 5-6 of the BIK, and ending
/// with the BIK's last three digits.
pub fn check_correspondent_account(account: &str, bik: &str) -> IdResult {
    let d = digits(account, 20)?;
    needs_bik(bik)?;
    if !account.starts_with("301") {
        return Err(IdError::Format("a correspondent account starts with 301"));
    }
    if account[17..] != bik[6..9] {
        return Err(IdError::Format("must end with the last three digits of the BIK"));
    }
    let key = format!("0{}", &bik[4..6]);
    if keyed(&key, &d) { Ok(()) } else { Err(IdError::CheckDigit) }
}

/// Series and number of a Russian passport as printed: "1111 111111".
/// Spaces are the reader's choice, so only the ten digits count.
pub fn check_ru_passport(passport: &str) -> IdResult {
    let compact: String = passport.chars().filter(|c| *c != ' ').collect();
    digits(&compact, 10).map(|_| ())
}

/// IBAN (ISO 13616): 15 to 34 characters, country letters, check digits,
/// and the whole moved-and-lettered number is 1 mod 97.
pub fn check_iban(iban: &str) -> IdResult {
    let b = iban.as_bytes();
    if !(15..=34).contains(&b.len()) || !b.iter().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()) {
        return Err(IdError::Format("must be 15 to 34 capital letters and digits"));
    }
    if !b[..2].iter().all(u8::is_ascii_uppercase) || !b[2..4].iter().all(u8::is_ascii_digit) {
        return Err(IdError::Format("must start with a country code and two check digits"));
    }
    let rem = b[4..].iter().chain(&b[..4]).fold(0u32, |acc, &c| {
        if c.is_ascii_digit() { (acc * 10 + u32::from(c - b'0')) % 97 } else { (acc * 100 + u32::from(c - b'A') + 10) % 97 }
    });
    if rem == 1 { Ok(()) } else { Err(IdError::CheckDigit) }
}

/// SWIFT/BIC: 8 or 11 characters, bank (4 letters), country (2 letters),
/// location and branch (letters or digits).
pub fn check_swift(swift: &str) -> IdResult {
    let b = swift.as_bytes();
    let ok = (b.len() == 8 || b.len() == 11)
        && b[..6].iter().all(u8::is_ascii_uppercase)
        && b[6..].iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if ok { Ok(()) } else { Err(IdError::Format("must be 8 or 11 characters: AAAABBCC or AAAABBCCDDD")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SBER_BIK: &str = "044525225";

    /// Builds a settlement account for a BIK by solving the key for the
    /// check digit (position 9), the way banks issue them.
    fn settlement_for(bik: &str, mask: &str) -> String {
        assert_eq!(mask.len(), 20);
        (0..10)
            .map(|k| format!("{}{k}{}", &mask[..8], &mask[9..]))
            .find(|acc| check_settlement_account(acc, bik).is_ok())
            .unwrap()
    }

    #[test]
    fn pay2_inn10_valid_sberbank() {
        assert_eq!(check_inn10("7707083893"), Ok(()));
        // Yandex, a second real one.
        assert_eq!(check_inn10("7736207543"), Ok(()));
    }

    #[test]
    fn pay2_inn10_wrong_check_digit_length_or_letters_refused() {
        assert_eq!(check_inn10("7707083894"), Err(IdError::CheckDigit));
        assert_eq!(check_inn10("770708389"), Err(IdError::Length(10)));
        assert_eq!(check_inn10("770708389312"), Err(IdError::Length(10)));
        assert_eq!(check_inn10("77070838a3"), Err(IdError::NotDigits));
        assert_eq!(check_inn10(""), Err(IdError::NotDigits));
    }

    #[test]
    fn pay2_inn12_valid_person() {
        assert_eq!(check_inn12("500100732259"), Ok(()));
        assert_eq!(check_inn12("773370857141"), Ok(()));
    }

    #[test]
    fn pay2_inn12_either_check_digit_wrong_is_refused() {
        assert_eq!(check_inn12("500100732269"), Err(IdError::CheckDigit));
        assert_eq!(check_inn12("500100732258"), Err(IdError::CheckDigit));
        assert_eq!(check_inn12("7707083893"), Err(IdError::Length(12)));
    }

    #[test]
    fn pay2_kpp_shape() {
        assert_eq!(check_kpp("773601001"), Ok(()));
        assert_eq!(check_kpp("7736AB001"), Ok(()));
        assert!(check_kpp("7736ab001").is_err());
        assert!(check_kpp("77360100").is_err());
        assert!(check_kpp("77A601001").is_err());
        assert!(check_kpp("7736010Z1").is_err());
    }

    #[test]
    fn pay2_ogrn13_valid_sberbank_and_wrong_check_digit() {
        assert_eq!(check_ogrn("1027700132195"), Ok(()));
        assert_eq!(check_ogrn("1027700132196"), Err(IdError::CheckDigit));
        assert_eq!(check_ogrn("102770013219"), Err(IdError::Length(13)));
    }

    #[test]
    fn pay2_ogrnip15_valid_and_wrong_check_digit() {
        assert_eq!(check_ogrnip("304500116000157"), Ok(()));
        assert_eq!(check_ogrnip("304500116000158"), Err(IdError::CheckDigit));
        assert_eq!(check_ogrnip("1027700132195"), Err(IdError::Length(15)));
    }

    #[test]
    fn pay2_bik_is_9_digits_starting_04() {
        assert_eq!(check_bik(SBER_BIK), Ok(()));
        assert!(check_bik("144525225").is_err());
        assert_eq!(check_bik("04452522"), Err(IdError::Length(9)));
        assert_eq!(check_bik("04452522x"), Err(IdError::NotDigits));
    }

    #[test]
    fn pay2_correspondent_account_sberbank_keyed_by_bik() {
        assert_eq!(check_correspondent_account("30101810400000000225", SBER_BIK), Ok(()));
        assert_eq!(check_correspondent_account("30101810500000000225", SBER_BIK), Err(IdError::CheckDigit));
        // Alfa-Bank's pair, keyed with a different BIK region.
        assert_eq!(check_correspondent_account("30101810200000000593", "044525593"), Ok(()));
        assert!(check_correspondent_account("30101810400000000225", "044525593").is_err());
        assert!(check_correspondent_account("40101810400000000225", SBER_BIK).is_err());
    }

    #[test]
    fn pay2_settlement_account_keyed_by_bik_last_three_digits() {
        // Solved for the check digit, then pinned: the key is the BIK's "225".
        let acc = settlement_for(SBER_BIK, "40702810038000000001");
        assert_eq!(acc, "40702810938000000001");
        assert_eq!(check_settlement_account("40702810938000000001", SBER_BIK), Ok(()));
        // One digit off breaks the key.
        assert_eq!(check_settlement_account("40702810938000000000", SBER_BIK), Err(IdError::CheckDigit));
        assert_eq!(check_settlement_account("40702810938000000002", SBER_BIK), Err(IdError::CheckDigit));
        // The same digits under another bank's BIK no longer key.
        assert_eq!(check_settlement_account(&acc, "044525593"), Err(IdError::CheckDigit));
        assert_eq!(check_settlement_account("4070281093800000000", SBER_BIK), Err(IdError::Length(20)));
        assert_eq!(check_settlement_account("4070281093800000000O", SBER_BIK), Err(IdError::NotDigits));
    }

    #[test]
    fn pay2_accounts_need_a_valid_bik_and_never_panic_without_one() {
        let need = Err(IdError::Format("can't be checked without a valid BIK"));
        assert_eq!(check_settlement_account("40702810938000000001", "225"), need);
        assert_eq!(check_correspondent_account("30101810400000000225", "04452522Ж"), need);
    }

    #[test]
    fn pay2_ru_passport_series_and_number() {
        assert_eq!(check_ru_passport("1111 111111"), Ok(()));
        assert_eq!(check_ru_passport("1111111111"), Ok(()));
        assert_eq!(check_ru_passport("1111 11111"), Err(IdError::Length(10)));
        assert_eq!(check_ru_passport("11AB 111111"), Err(IdError::NotDigits));
    }

    #[test]
    fn pay2_foreign_iban_and_swift() {
        assert_eq!(check_iban("DE89370400440532013000"), Ok(()));
        assert_eq!(check_iban("GB82WEST12345698765432"), Ok(()));
        assert_eq!(check_iban("DE89370400440532013001"), Err(IdError::CheckDigit));
        assert!(check_iban("de89370400440532013000").is_err());
        assert_eq!(check_swift("DEUTDEFF"), Ok(()));
        assert_eq!(check_swift("DEUTDEFF500"), Ok(()));
        assert!(check_swift("DEUTDEF").is_err());
    }
}
