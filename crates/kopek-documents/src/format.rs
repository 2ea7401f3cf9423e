//! How Russian accounting papers write amounts, dates and addresses:
//! "1 234,56", "31 января 2026 г.", "123456, Москва, ул. Ленина, 1".

use chrono::{Datelike, NaiveDate};
use kopek_domain::money::round_half_up;
use kopek_domain::payer::Address;
use rust_decimal::Decimal;

const MONTHS_GENITIVE: [&str; 12] =
    ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"];

/// An amount in roubles to the kopeck, its thousands apart: "1 234,56".
pub fn amount(value: Decimal) -> String {
    let rounded = round_half_up(value, 2);
    let text = format!("{:.2}", rounded.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() { "-" } else { "" };
    format!("{sign}{grouped},{fraction}")
}

/// A quantity as few digits as it needs: "1", "2,5", "0,125".
pub fn quantity(value: Decimal) -> String {
    value.normalize().to_string().replace('.', ",")
}

/// A date as a document heads it: "31 января 2026 г.".
pub fn date(day: NaiveDate) -> String {
    format!("{} {} {} г.", day.day(), MONTHS_GENITIVE[day.month0() as usize], day.year())
}

/// A date in a table's cell: "01.03.2026".
pub fn short_date(day: NaiveDate) -> String {
    day.format("%d.%m.%Y").to_string()
}

/// An address on one line, the parts that are filled in.
pub fn address(a: &Address) -> String {
    [&a.postcode, &a.city, &a.address]
        .into_iter()
        .filter_map(|p| p.as_deref().map(str::trim).filter(|p| !p.is_empty()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn doc1_amounts_dates_and_quantities_as_papers_write_them() {
        assert_eq!(amount(dec!(1234.56)), "1 234,56");
        assert_eq!(amount(dec!(1234567.005)), "1 234 567,01");
        assert_eq!(amount(dec!(22.4137)), "22,41");
        assert_eq!(amount(dec!(0)), "0,00");
        assert_eq!(amount(dec!(-300)), "-300,00");
        assert_eq!(amount(dec!(999)), "999,00");
        assert_eq!(quantity(dec!(2.500)), "2,5");
        assert_eq!(quantity(dec!(3)), "3");
        assert_eq!(date(NaiveDate::from_ymd_opt(2026, 1, 31).unwrap()), "31 января 2026 г.");
        assert_eq!(date(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()), "1 декабря 2026 г.");
        let a = Address {
            country: Some("RU".into()),
            postcode: Some("123456".into()),
            city: Some("Москва".into()),
            address: Some("ул. Ленина, 1".into()),
        };
        assert_eq!(address(&a), "123456, Москва, ул. Ленина, 1");
    }
}
