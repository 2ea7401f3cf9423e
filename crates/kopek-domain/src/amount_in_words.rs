//! DOC-1 … DOC-4: «сумма прописью», the amount in Russian words that every
//! invoice and act carries: "Сто двадцать три рубля 78 копеек". Roubles
//! are written out, with the gender each order of magnitude takes (одна
//! тысяча, один миллион, два рубля) and the plural form the number asks
//! for; kopecks stay in digits, as Russian accounting papers write them.

use rust_decimal::{Decimal, RoundingStrategy};

const UNITS_MASCULINE: [&str; 10] = ["", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"];
const UNITS_FEMININE: [&str; 10] = ["", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"];
const TEENS: [&str; 10] = [
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
];
const TENS: [&str; 10] =
    ["", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"];
const HUNDREDS: [&str; 10] =
    ["", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"];

/// An order of magnitude: its forms for one, two to four, and five, and
/// whether its numbers agree in the feminine (тысяча) or masculine.
struct Scale {
    forms: [&'static str; 3],
    feminine: bool,
}

/// Thousands, millions, billions, trillions: enough for any sum a billing
/// system holds.
const SCALES: [Scale; 4] = [
    Scale { forms: ["тысяча", "тысячи", "тысяч"], feminine: true },
    Scale { forms: ["миллион", "миллиона", "миллионов"], feminine: false },
    Scale { forms: ["миллиард", "миллиарда", "миллиардов"], feminine: false },
    Scale { forms: ["триллион", "триллиона", "триллионов"], feminine: false },
];

const ROUBLE: [&str; 3] = ["рубль", "рубля", "рублей"];
const KOPECK: [&str; 3] = ["копейка", "копейки", "копеек"];

/// Which of the three Russian forms goes with `n`: 1, 21 → the first;
/// 2–4, 22–24 → the second; 0, 5–20, 25–30 → the third.
pub fn plural_form(n: u64) -> usize {
    match (n % 10, n % 100) {
        (_, 11..=14) => 2,
        (1, _) => 0,
        (2..=4, _) => 1,
        _ => 2,
    }
}

/// A number below a thousand in words, in the gender asked for.
fn triple(n: u64, feminine: bool) -> Vec<&'static str> {
    let units = if feminine { &UNITS_FEMININE } else { &UNITS_MASCULINE };
    let (h, rest) = ((n / 100) as usize, n % 100);
    let mut words = vec![HUNDREDS[h]];
    if (10..20).contains(&rest) {
        words.push(TEENS[(rest - 10) as usize]);
    } else {
        words.push(TENS[(rest / 10) as usize]);
        words.push(units[(rest % 10) as usize]);
    }
    words.retain(|w| !w.is_empty());
    words
}

/// A whole number of roubles in words, masculine as «рубль» wants, with
/// no word for the currency: "сто двадцать три", "ноль".
pub fn number_in_words(n: u64) -> String {
    if n == 0 {
        return "ноль".into();
    }
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    let mut words: Vec<&str> = Vec::new();
    for (i, &g) in groups.iter().enumerate().rev() {
        if g == 0 {
            continue;
        }
        match i.checked_sub(1).and_then(|s| SCALES.get(s)) {
            Some(scale) => {
                words.extend(triple(g, scale.feminine));
                words.push(scale.forms[plural_form(g)]);
            }
            None => words.extend(triple(g, false)),
        }
    }
    words.join(" ")
}

/// «Сумма прописью» of an amount in roubles, rounded to the kopeck as the
/// document shows it: "Сто двадцать три рубля 78 копеек", "Минус пять
/// рублей 00 копеек".
pub fn roubles_in_words(amount: Decimal) -> String {
    let amount = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let kopecks_total = (amount.abs() * Decimal::from(100)).trunc();
    let kopecks_total = u128::try_from(kopecks_total).unwrap_or(u128::MAX);
    let roubles = u64::try_from(kopecks_total / 100).unwrap_or(u64::MAX);
    let kopecks = (kopecks_total % 100) as u64;
    let sign = if amount.is_sign_negative() && !amount.is_zero() { "минус " } else { "" };
    let text = format!(
        "{sign}{} {} {kopecks:02} {}",
        number_in_words(roubles),
        ROUBLE[plural_form(roubles)],
        KOPECK[plural_form(kopecks)]
    );
    capitalised(&text)
}

const ONES_EN: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS_EN: [&str; 10] = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const SCALES_EN: [&str; 5] = ["", "thousand", "million", "billion", "trillion"];

/// Below a thousand in English words: "one hundred twenty-three".
fn below_thousand_en(n: u64) -> String {
    let (hundreds, rest) = (n / 100, n % 100);
    let mut parts = Vec::new();
    if hundreds > 0 {
        parts.push(format!("{} hundred", ONES_EN[hundreds as usize]));
    }
    if rest >= 20 {
        let (tens, ones) = (rest / 10, rest % 10);
        parts.push(if ones == 0 {
            TENS_EN[tens as usize].to_string()
        } else {
            format!("{}-{}", TENS_EN[tens as usize], ONES_EN[ones as usize])
        });
    } else if rest > 0 {
        parts.push(ONES_EN[rest as usize].to_string());
    }
    parts.join(" ")
}

/// A whole number in English words: "one million two hundred thousand".
pub fn number_in_words_en(n: u64) -> String {
    if n == 0 {
        return "zero".to_string();
    }
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    let mut words = Vec::new();
    for (scale, g) in groups.iter().enumerate().rev() {
        if *g == 0 {
            continue;
        }
        words.push(below_thousand_en(*g));
        if let Some(name) = SCALES_EN.get(scale).filter(|s| !s.is_empty()) {
            words.push((*name).to_string());
        }
    }
    words.join(" ")
}

/// The amount in words on an English document: "One thousand two hundred
/// fifty roubles 00 kopecks", "One rouble 01 kopeck".
pub fn roubles_in_words_en(amount: Decimal) -> String {
    let amount = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let kopecks_total = u128::try_from((amount.abs() * Decimal::from(100)).trunc()).unwrap_or(u128::MAX);
    let roubles = u64::try_from(kopecks_total / 100).unwrap_or(u64::MAX);
    let kopecks = (kopecks_total % 100) as u64;
    let sign = if amount.is_sign_negative() && !amount.is_zero() { "minus " } else { "" };
    let rouble = if roubles == 1 { "rouble" } else { "roubles" };
    let kopeck = if kopecks == 1 { "kopeck" } else { "kopecks" };
    capitalised(&format!("{sign}{} {rouble} {kopecks:02} {kopeck}", number_in_words_en(roubles)))
}

/// «Сумма прописью» in the document's language.
pub fn amount_in_words(amount: Decimal, locale: &str) -> String {
    if locale.starts_with("en") { roubles_in_words_en(amount) } else { roubles_in_words(amount) }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> String {
        roubles_in_words(s.parse().unwrap())
    }

    #[test]
    fn doc1_known_sums_in_words() {
        for (amount, expected) in [
            ("123.78", "Сто двадцать три рубля 78 копеек"),
            ("0", "Ноль рублей 00 копеек"),
            ("0.01", "Ноль рублей 01 копейка"),
            ("1", "Один рубль 00 копеек"),
            ("2.02", "Два рубля 02 копейки"),
            ("11.11", "Одиннадцать рублей 11 копеек"),
            ("21.21", "Двадцать один рубль 21 копейка"),
            ("112", "Сто двенадцать рублей 00 копеек"),
            ("1000", "Одна тысяча рублей 00 копеек"),
            ("2000", "Две тысячи рублей 00 копеек"),
            ("5000", "Пять тысяч рублей 00 копеек"),
            ("11000", "Одиннадцать тысяч рублей 00 копеек"),
            ("21001", "Двадцать одна тысяча один рубль 00 копеек"),
            ("1234.56", "Одна тысяча двести тридцать четыре рубля 56 копеек"),
            ("1000000", "Один миллион рублей 00 копеек"),
            ("2002002", "Два миллиона две тысячи два рубля 00 копеек"),
            ("1000000000", "Один миллиард рублей 00 копеек"),
            (
                "999999999999.99",
                "Девятьсот девяносто девять миллиардов девятьсот девяносто девять миллионов девятьсот девяносто девять тысяч девятьсот девяносто девять рублей 99 копеек",
            ),
            ("-5", "Минус пять рублей 00 копеек"),
            ("22.4137", "Двадцать два рубля 41 копейка"),
            ("0.005", "Ноль рублей 01 копейка"),
            ("300.00", "Триста рублей 00 копеек"),
            ("14", "Четырнадцать рублей 00 копеек"),
        ] {
            assert_eq!(words(amount), expected, "{amount}");
        }
    }

    #[test]
    fn doc1_the_plural_forms_follow_the_last_two_digits() {
        let forms: Vec<usize> = [0, 1, 2, 4, 5, 11, 12, 14, 15, 20, 21, 22, 25, 101, 111, 1001].map(plural_form).to_vec();
        assert_eq!(forms, vec![2, 0, 1, 1, 2, 2, 2, 2, 2, 2, 0, 1, 2, 0, 2, 0]);
    }

    #[test]
    fn doc1_every_number_below_a_million_has_words_and_no_double_spaces() {
        for n in (0..1_000_000u64).step_by(997) {
            let w = number_in_words(n);
            assert!(!w.is_empty() && !w.contains("  ") && !w.starts_with(' ') && !w.ends_with(' '), "{n}: {w:?}");
        }
    }

    /// DOC-1: the sums the documents issue names, in both languages.
    #[test]
    fn doc1_the_issue_s_sums_in_russian_and_english() {
        for (amount, ru, en) in [
            ("0.01", "Ноль рублей 01 копейка", "Zero roubles 01 kopeck"),
            ("1.00", "Один рубль 00 копеек", "One rouble 00 kopecks"),
            ("21.00", "Двадцать один рубль 00 копеек", "Twenty-one roubles 00 kopecks"),
            ("1000000.00", "Один миллион рублей 00 копеек", "One million roubles 00 kopecks"),
            (
                "1234567.89",
                "Один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей 89 копеек",
                "One million two hundred thirty-four thousand five hundred sixty-seven roubles 89 kopecks",
            ),
            ("1250", "Одна тысяча двести пятьдесят рублей 00 копеек", "One thousand two hundred fifty roubles 00 kopecks"),
        ] {
            let a: Decimal = amount.parse().unwrap();
            assert_eq!(amount_in_words(a, "ru"), ru, "{amount}");
            assert_eq!(amount_in_words(a, "en"), en, "{amount}");
        }
    }
}
