//! The portal's two languages (OPS-5): Russian and English texts from
//! fluent files embedded in the binary, the locale chosen by the user's
//! setting, then the language switcher's cookie, then the browser's
//! `Accept-Language`; and money and dates written the way each language
//! writes them ("1 234,56 ₽" and "22,4137 ₽" in Russian, "₽1,234.56" in
//! English).

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::embedded::LOCALES;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    Ru,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Ru, Locale::En];

    pub fn code(self) -> &'static str {
        match self {
            Locale::Ru => "ru",
            Locale::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Locale> {
        match s.trim().to_ascii_lowercase().split(['-', '_']).next() {
            Some("ru") => Some(Locale::Ru),
            Some("en") => Some(Locale::En),
            _ => None,
        }
    }

    /// The first language of an `Accept-Language` header that the portal
    /// speaks, by the weights the browser gives; Russian when none is.
    pub fn from_accept_language(header: Option<&str>) -> Locale {
        let Some(header) = header else { return Locale::Ru };
        let mut wanted: Vec<(Locale, u32)> = header
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let locale = Locale::parse(it.next()?)?;
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<Decimal>().ok())
                    .map_or(1000, |q| (q * Decimal::from(1000)).try_into().unwrap_or(0u32));
                Some((locale, q))
            })
            .collect();
        wanted.sort_by_key(|w| std::cmp::Reverse(w.1));
        wanted.first().map_or(Locale::Ru, |w| w.0)
    }
}

/// The texts of every language, loaded once.
pub struct Catalog {
    bundles: HashMap<Locale, FluentBundle<FluentResource>>,
}

impl Catalog {
    pub fn load() -> Catalog {
        let mut bundles = HashMap::new();
        for locale in Locale::ALL {
            let id = locale.code().parse().expect("a valid language id");
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Isolation marks would show up in form values and tests; the
            // portal has no right-to-left text to isolate.
            bundle.set_use_isolating(false);
            for (name, text) in LOCALES.iter().filter(|(n, _)| n.starts_with(&format!("{}/", locale.code()))) {
                let resource = FluentResource::try_new(text.to_string())
                    .unwrap_or_else(|(_, errors)| panic!("{name} does not parse: {errors:?}"));
                bundle.add_resource(resource).unwrap_or_else(|errors| panic!("{name} repeats a message: {errors:?}"));
            }
            bundles.insert(locale, bundle);
        }
        Catalog { bundles }
    }

    /// The text of `key`, or `None` when the language has no such message.
    pub fn try_text(&self, locale: Locale, key: &str, args: &[(&str, String)]) -> Option<String> {
        let bundle = self.bundles.get(&locale)?;
        let pattern = bundle.get_message(key)?.value()?;
        let mut fargs = FluentArgs::new();
        for (name, value) in args {
            fargs.set(*name, FluentValue::from(value.clone()));
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
        Some(text.into_owned())
    }

    /// The text of `key`; a missing message shows its key, so it is seen
    /// and fixed rather than silently blank.
    pub fn text(&self, locale: Locale, key: &str, args: &[(&str, String)]) -> String {
        self.try_text(locale, key, args).unwrap_or_else(|| key.to_string())
    }

    /// The message keys of a language, for the test that both languages
    /// say everything.
    pub fn keys(&self, locale: Locale) -> Vec<String> {
        let mut keys: Vec<String> = LOCALES
            .iter()
            .filter(|(n, _)| n.starts_with(&format!("{}/", locale.code())))
            .flat_map(|(_, text)| {
                text.lines()
                    .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
                    .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
                    .collect::<Vec<_>>()
            })
            .collect();
        keys.sort();
        keys
    }
}

fn symbol(currency: &str) -> Option<&'static str> {
    match currency {
        "RUB" => Some("₽"),
        "USD" => Some("$"),
        "EUR" => Some("€"),
        "KZT" => Some("₸"),
        _ => None,
    }
}

/// An amount as the language writes it, with as many decimals as it has
/// (kopecks, or the four places of an expense).
pub fn money(amount: Decimal, currency: &str, locale: Locale) -> String {
    let number = number(amount, locale);
    match (locale, symbol(currency)) {
        (Locale::Ru, Some(s)) => format!("{number}\u{a0}{s}"),
        (Locale::En, Some(s)) if number.starts_with('-') => format!("-{s}{}", &number[1..]),
        (Locale::En, Some(s)) => format!("{s}{number}"),
        (_, None) => format!("{number}\u{a0}{currency}"),
    }
}

/// A number with its digits grouped by thousands: "1 234,56" in Russian
/// (no-break spaces), "1,234.56" in English.
pub fn number(amount: Decimal, locale: Locale) -> String {
    let text = amount.to_string();
    let (sign, digits) = text.strip_prefix('-').map_or(("", text.as_str()), |d| ("-", d));
    let (whole, fraction) = digits.split_once('.').map_or((digits, None), |(w, f)| (w, Some(f)));
    let (group, point) = match locale {
        Locale::Ru => ('\u{a0}', ','),
        Locale::En => (',', '.'),
    };
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(c);
    }
    match fraction {
        Some(f) => format!("{sign}{grouped}{point}{f}"),
        None => format!("{sign}{grouped}"),
    }
}

pub fn date(d: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::Ru => d.format("%d.%m.%Y").to_string(),
        Locale::En => d.format("%b %-d, %Y").to_string(),
    }
}

/// A moment in the provider's time.
pub fn datetime(t: DateTime<Utc>, offset: FixedOffset, locale: Locale) -> String {
    let local = t.with_timezone(&offset);
    match locale {
        Locale::Ru => local.format("%d.%m.%Y %H:%M").to_string(),
        Locale::En => local.format("%b %-d, %Y %H:%M").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn ops5_money_is_written_the_way_each_language_writes_it() {
        assert_eq!(money(dec!(1234.56), "RUB", Locale::Ru), "1\u{a0}234,56\u{a0}₽");
        assert_eq!(money(dec!(22.4137), "RUB", Locale::Ru), "22,4137\u{a0}₽");
        assert_eq!(money(dec!(-1234567.5), "RUB", Locale::Ru), "-1\u{a0}234\u{a0}567,5\u{a0}₽");
        assert_eq!(money(dec!(1234.56), "RUB", Locale::En), "₽1,234.56");
        assert_eq!(money(dec!(-300.00), "USD", Locale::En), "-$300.00");
        assert_eq!(money(dec!(100), "CHF", Locale::En), "100\u{a0}CHF");
        assert_eq!(date(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), Locale::Ru), "01.03.2026");
        assert_eq!(date(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), Locale::En), "Mar 1, 2026");
    }

    #[test]
    fn ops5_the_browser_s_languages_choose_by_weight() {
        assert_eq!(Locale::from_accept_language(Some("en-US,en;q=0.9,ru;q=0.8")), Locale::En);
        assert_eq!(Locale::from_accept_language(Some("de-DE,ru;q=0.5,en;q=0.7")), Locale::En);
        assert_eq!(Locale::from_accept_language(Some("ru-RU")), Locale::Ru);
        assert_eq!(Locale::from_accept_language(Some("fr")), Locale::Ru);
        assert_eq!(Locale::from_accept_language(None), Locale::Ru);
    }

    #[test]
    fn ops5_both_languages_say_everything() {
        let catalog = Catalog::load();
        let (ru, en) = (catalog.keys(Locale::Ru), catalog.keys(Locale::En));
        let only_ru: Vec<_> = ru.iter().filter(|k| !en.contains(k)).collect();
        let only_en: Vec<_> = en.iter().filter(|k| !ru.contains(k)).collect();
        assert!(only_ru.is_empty() && only_en.is_empty(), "only in ru: {only_ru:?}; only in en: {only_en:?}");
        assert_eq!(catalog.text(Locale::Ru, "nav-dashboard", &[]), "Главная");
        assert_eq!(catalog.text(Locale::En, "nav-dashboard", &[]), "Dashboard");
    }
}
