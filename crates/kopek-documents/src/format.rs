//! How accounting papers write amounts, dates, units and addresses, in
//! Russian ("1 234,56", "31 января 2026 г.", «усл.») or in English
//! ("1,234.56", "31 January 2026", "svc").

use chrono::{Datelike, NaiveDate};
use kopek_domain::document::SERVICE_UNIT;
use kopek_domain::money::round_half_up;
use kopek_domain::payer::Address;
use rust_decimal::Decimal;

use crate::lang::Lang;

const MONTHS_GENITIVE: [&str; 12] =
    ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"];
const MONTHS_EN: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// An amount in roubles to the kopeck, its thousands apart: "1 234,56"
/// in Russian, "1,234.56" in English.
pub fn amount(value: Decimal, lang: Lang) -> String {
    let rounded = round_half_up(value, 2);
    let text = format!("{:.2}", rounded.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    let (thousands, point) = match lang {
        Lang::Ru => (' ', ','),
        Lang::En => (',', '.'),
    };
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(thousands);
        }
        grouped.push(c);
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() { "-" } else { "" };
    format!("{sign}{grouped}{point}{fraction}")
}

/// A quantity as few digits as it needs: "1", "2,5", "0,125" ("2.5").
pub fn quantity(value: Decimal, lang: Lang) -> String {
    let text = value.normalize().to_string();
    match lang {
        Lang::Ru => text.replace('.', ","),
        Lang::En => text,
    }
}

/// A date as a document heads it: "31 января 2026 г.", "31 January 2026".
pub fn date(day: NaiveDate, lang: Lang) -> String {
    let month = day.month0() as usize;
    match lang {
        Lang::Ru => format!("{} {} {} г.", day.day(), MONTHS_GENITIVE[month], day.year()),
        Lang::En => format!("{} {} {}", day.day(), MONTHS_EN[month], day.year()),
    }
}

/// A date in a table's cell: "01.03.2026" in either language (a paper
/// from Russia; the English reader gets the day first, as the heading
/// spells it out).
pub fn short_date(day: NaiveDate) -> String {
    day.format("%d.%m.%Y").to_string()
}

/// A line's unit: a service is «усл.» or "svc" (papers issued before the
/// unit was kept as a code stored «усл.» itself); any other unit as sold.
pub fn unit(stored: &str, lang: Lang) -> String {
    match stored {
        SERVICE_UNIT | "усл." => lang.pick("усл.", "svc").to_string(),
        other => other.to_string(),
    }
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
        let ru = Lang::Ru;
        assert_eq!(amount(dec!(1234.56), ru), "1 234,56");
        assert_eq!(amount(dec!(1234567.005), ru), "1 234 567,01");
        assert_eq!(amount(dec!(22.4137), ru), "22,41");
        assert_eq!(amount(dec!(0), ru), "0,00");
        assert_eq!(amount(dec!(-300), ru), "-300,00");
        assert_eq!(amount(dec!(999), ru), "999,00");
        assert_eq!(quantity(dec!(2.500), ru), "2,5");
        assert_eq!(quantity(dec!(3), ru), "3");
        assert_eq!(date(NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(), ru), "31 января 2026 г.");
        assert_eq!(date(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), ru), "1 декабря 2026 г.");
        assert_eq!((unit("service", ru), unit("усл.", ru), unit("ГиБ", ru)), ("усл.".into(), "усл.".into(), "ГиБ".into()));
        let a = Address {
            country: Some("RU".into()),
            postcode: Some("123456".into()),
            city: Some("Москва".into()),
            address: Some("ул. Ленина, 1".into()),
        };
        assert_eq!(address(&a), "123456, Москва, ул. Ленина, 1");
    }

    #[test]
    fn doc1_amounts_dates_and_units_in_english() {
        let en = Lang::En;
        assert_eq!(amount(dec!(1234567.005), en), "1,234,567.01");
        assert_eq!(amount(dec!(-300), en), "-300.00");
        assert_eq!(quantity(dec!(2.500), en), "2.5");
        assert_eq!(date(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), en), "1 March 2026");
        assert_eq!((unit("service", en), unit("усл.", en), unit("GiB", en)), ("svc".into(), "svc".into(), "GiB".into()));
    }
}
