//! Payment methods as staff configure them (PMT-3): commission, amount
//! limits, cashback and the payer kinds that may use them; a payment's
//! statuses and id (LED-3); and the conversion of a payment into the
//! client's currency by the rate of the day (LED-4).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::money::{Currency, Money, format_amount, parse_payment_amount, round_half_up};
use crate::payer::PayerKind;

pub use crate::account::PaymentStatus;

fn percent_of(amount: Decimal, percent: Decimal) -> Decimal {
    amount * percent / Decimal::ONE_HUNDRED
}

fn check_percent(field: &'static str, p: Decimal) -> Result<(), DomainError> {
    if p < Decimal::ZERO || p > Decimal::ONE_HUNDRED {
        return Err(DomainError::invalid(field, format!("{p} is not between 0 and 100")));
    }
    Ok(())
}

fn check_minor(field: &'static str, d: Decimal, currency: Currency) -> Result<(), DomainError> {
    if d.normalize().scale() > currency.minor_digits() {
        return Err(DomainError::invalid(field, format!("{d} has more decimals than {currency} allows")));
    }
    Ok(())
}

/// What the payer pays on top: a percent of the amount plus a fixed sum in
/// the method's currency ("Комиссия 5.00% + 10.00 ₽").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Commission {
    pub percent: Decimal,
    pub fixed: Decimal,
}

impl Commission {
    pub fn validate(&self, currency: Currency) -> Result<(), DomainError> {
        check_percent("commission.percent", self.percent)?;
        if self.fixed < Decimal::ZERO {
            return Err(DomainError::invalid("commission.fixed", "must not be negative"));
        }
        check_minor("commission.fixed", self.fixed, currency)
    }

    /// "К оплате": amount + percent + fixed, rounded half-up to the minor
    /// unit once, on the total, so the payer sees one rounding.
    pub fn cost(&self, amount: Money) -> Money {
        let total = amount.amount + percent_of(amount.amount, self.percent) + self.fixed;
        Money::new(round_half_up(total, amount.currency.minor_digits()), amount.currency)
    }

    /// The commission alone: what `cost` adds to the amount.
    pub fn fee(&self, amount: Money) -> Money {
        Money::new(self.cost(amount).amount - amount.amount, amount.currency)
    }

    /// As the checkout shows it: "5.00% + 10.00".
    pub fn label(&self, currency: Currency) -> String {
        format!("{}% + {}", format_amount(self.percent, 2), format_amount(self.fixed, currency.minor_digits()))
    }
}

/// "Сумма от 10.00 до 3000.00": bounds of one payment, both optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AmountLimits {
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
}

impl AmountLimits {
    pub fn validate(&self, currency: Currency) -> Result<(), DomainError> {
        for (field, v) in [("limits.min", self.min), ("limits.max", self.max)] {
            if let Some(v) = v {
                if v <= Decimal::ZERO {
                    return Err(DomainError::invalid(field, "must be positive"));
                }
                check_minor(field, v, currency)?;
            }
        }
        match (self.min, self.max) {
            (Some(min), Some(max)) if min > max => {
                Err(DomainError::invalid("limits.max", format!("{max} is below the minimum {min}")))
            }
            _ => Ok(()),
        }
    }

    /// The allowed range in words, for error messages and the checkout.
    pub fn describe(&self, currency: Currency) -> String {
        let f = |d: Decimal| format_amount(d, currency.minor_digits());
        match (self.min, self.max) {
            (Some(min), Some(max)) => format!("{} … {}", f(min), f(max)),
            (Some(min), None) => format!("from {}", f(min)),
            (None, Some(max)) => format!("up to {}", f(max)),
            (None, None) => "any amount".to_string(),
        }
    }

    /// The bounds apply to the amount asked for, before commission: the
    /// checkout shows them under "Сумма", next to the commission.
    pub fn check(&self, amount: Money) -> Result<(), DomainError> {
        let digits = amount.currency.minor_digits();
        let allowed = self.describe(amount.currency);
        if let Some(min) = self.min.filter(|m| amount.amount < *m) {
            return Err(DomainError::AmountBelowMinimum {
                amount: format_amount(amount.amount, digits),
                min: format_amount(min, digits),
                allowed,
            });
        }
        if let Some(max) = self.max.filter(|m| amount.amount > *m) {
            return Err(DomainError::AmountAboveMaximum {
                amount: format_amount(amount.amount, digits),
                max: format_amount(max, digits),
                allowed,
            });
        }
        Ok(())
    }
}

/// Cashback for a payment, rounded half-up to the minor unit.
pub fn cashback(amount: Money, percent: Decimal) -> Money {
    Money::new(round_half_up(percent_of(amount.amount, percent), amount.currency.minor_digits()), amount.currency)
}

/// A payment method's money terms as staff set them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodTerms {
    /// The currency the gateway takes; amounts are converted into the
    /// client's currency by [`convert`].
    pub currency: Currency,
    #[serde(default)]
    pub commission: Commission,
    #[serde(default)]
    pub limits: AmountLimits,
    #[serde(default)]
    pub cashback_percent: Decimal,
    /// "Enabled payer kinds".
    pub allowed_kinds: Vec<PayerKind>,
    /// The part before "/" in payment ids ("pfx/1186").
    #[serde(default)]
    pub id_prefix: String,
}

/// What the checkout shows for one amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub amount: Money,
    pub commission: Money,
    /// "К оплате": what the payer is charged.
    pub to_pay: Money,
    /// Paid back as a separate "cashback/…" payment.
    pub cashback: Money,
}

impl MethodTerms {
    pub fn validate(&self) -> Result<(), DomainError> {
        self.commission.validate(self.currency)?;
        self.limits.validate(self.currency)?;
        check_percent("cashback_percent", self.cashback_percent)?;
        if self.allowed_kinds.is_empty() {
            return Err(DomainError::invalid("allowed_kinds", "enable at least one payer kind"));
        }
        check_prefix(&self.id_prefix)
    }

    pub fn check_payer_kind(&self, kind: PayerKind) -> Result<(), DomainError> {
        if self.allowed_kinds.contains(&kind) {
            return Ok(());
        }
        let allowed: Vec<&str> = self.allowed_kinds.iter().map(|k| k.as_str()).collect();
        Err(DomainError::PayerKindNotAllowed { kind: kind.to_string(), allowed: allowed.join(", ") })
    }

    /// Checks an amount for this method and a payer of `kind`, and prices it.
    /// Cashback is a percent of what is paid, commission included: the
    /// guide's 115.00 payment (pfx/1186) brought 11.50 at 10% (cashback/11).
    pub fn quote(&self, amount: Money, kind: PayerKind) -> Result<Quote, DomainError> {
        Money::zero(self.currency).same_currency(&amount)?;
        parse_payment_amount(amount.amount, amount.currency)?;
        self.check_payer_kind(kind)?;
        self.limits.check(amount)?;
        let to_pay = self.commission.cost(amount);
        Ok(Quote { amount, commission: self.commission.fee(amount), to_pay, cashback: cashback(to_pay, self.cashback_percent) })
    }
}

/// LED-4: how many units of `to` one unit of `from` buys, from `date` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRate {
    pub date: NaiveDate,
    pub from: Currency,
    pub to: Currency,
    pub rate: Decimal,
}

impl ExchangeRate {
    pub fn new(date: NaiveDate, from: Currency, to: Currency, rate: Decimal) -> Result<Self, DomainError> {
        if from == to {
            return Err(DomainError::invalid("to", "a rate needs two different currencies"));
        }
        if rate <= Decimal::ZERO {
            return Err(DomainError::invalid("rate", format!("{rate} must be positive")));
        }
        Ok(ExchangeRate { date, from, to, rate })
    }

    /// `amount` (in `from`) in `to`, rounded half-up to `to`'s minor unit.
    pub fn apply(&self, amount: Money) -> Result<Money, DomainError> {
        Money::zero(self.from).same_currency(&amount)?;
        let converted = amount
            .amount
            .checked_mul(self.rate)
            .ok_or_else(|| DomainError::Overflow(format!("{} * {}", amount.amount, self.rate)))?;
        Ok(Money::new(round_half_up(converted, self.to.minor_digits()), self.to))
    }
}

/// The rate in force on `day`: the latest one dated on or before it. Rates
/// are never inverted: USD→RUB doesn't answer RUB→USD, because the inverse
/// would round differently from what the provider published.
pub fn rate_on(rates: &[ExchangeRate], from: Currency, to: Currency, day: NaiveDate) -> Result<&ExchangeRate, DomainError> {
    rates
        .iter()
        .filter(|r| r.from == from && r.to == to && r.date <= day)
        .max_by_key(|r| r.date)
        .ok_or_else(|| DomainError::NoExchangeRate { from: from.to_string(), to: to.to_string(), date: day.to_string() })
}

/// LED-3's "amount in the account's currency": the payment converted by the
/// rate of its day; the same currency needs no rate.
pub fn convert(amount: Money, to: Currency, rates: &[ExchangeRate], day: NaiveDate) -> Result<Money, DomainError> {
    if amount.currency == to {
        return Ok(amount);
    }
    rate_on(rates, amount.currency, to, day)?.apply(amount)
}

impl PaymentStatus {
    /// LED-3: new → paying; new or paying → credited, failed or cancelled;
    /// failed or cancelled → credited; credited → refunded. A gateway's
    /// proven success means it took the money, whatever Kopek had concluded
    /// before (PMT-4), so a closed payment is still credited once. Staying in
    /// the same status is not a transition: a repeated gateway notice is the
    /// caller's no-op to detect.
    pub fn can_become(self, to: PaymentStatus) -> bool {
        use PaymentStatus::*;
        matches!(
            (self, to),
            (New, Paying)
                | (New | Paying | Failed | Cancelled, Credited)
                | (New | Paying, Failed)
                | (New | Paying, Cancelled)
                | (Credited, Refunded)
        )
    }

    /// No status follows.
    pub fn is_final(self) -> bool {
        PaymentStatus::ALL.iter().all(|&to| !self.can_become(to))
    }
}

pub fn transition(from: PaymentStatus, to: PaymentStatus) -> Result<PaymentStatus, DomainError> {
    if from.can_become(to) { Ok(to) } else { Err(DomainError::InvalidTransition { from: from.to_string(), to: to.to_string() }) }
}

/// The prefix of cashback payments' ids ("cashback/11"); no method may
/// take it, so ids stay unique across methods.
pub const CASHBACK_PREFIX: &str = "cashback";

/// The prefix of a discount service's bonuses ("bonus/12", CAT-1): money
/// the provider gives, which no payer paid; reserved as cashback's is.
pub const BONUS_PREFIX: &str = "bonus";

/// A method's id prefix: up to 16 letters, digits, '-' or '_'; empty means
/// bare numbers.
pub fn check_prefix(prefix: &str) -> Result<(), DomainError> {
    let ok = prefix.len() <= 16 && prefix.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok {
        return Err(DomainError::invalid("id_prefix", "up to 16 letters, digits, '-' or '_'"));
    }
    for (reserved, what) in [(CASHBACK_PREFIX, "cashback payments"), (BONUS_PREFIX, "discount services' bonuses")] {
        if prefix.eq_ignore_ascii_case(reserved) {
            return Err(DomainError::invalid("id_prefix", format!("{reserved:?} is reserved for {what}")));
        }
    }
    Ok(())
}

/// "pfx/1186". A trailing "/" in the configured prefix is tolerated.
pub fn format_payment_id(prefix: &str, number: u64) -> String {
    let prefix = prefix.strip_suffix('/').unwrap_or(prefix);
    if prefix.is_empty() { number.to_string() } else { format!("{prefix}/{number}") }
}

/// "cashback/11".
pub fn cashback_payment_id(number: u64) -> String {
    format_payment_id(CASHBACK_PREFIX, number)
}

/// Splits "pfx/1186" into ("pfx", 1186); a bare "1186" has an empty prefix.
pub fn parse_payment_id(id: &str) -> Result<(&str, u64), DomainError> {
    let (prefix, number) = id.rsplit_once('/').unwrap_or(("", id));
    let shape_ok = prefix.len() <= 16
        && prefix.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit());
    match number.parse::<u64>() {
        Ok(n) if shape_ok => Ok((prefix, n)),
        _ => Err(DomainError::invalid("payment_id", format!("{id:?} is not a payment id such as pfx/1186"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn rub(a: Decimal) -> Money {
        Money::new(a, Currency::RUB)
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// The guide's YooKassa: 5% + 10.00 ₽, 10.00 … 3000.00 ₽, cashback 10%.
    fn yookassa() -> MethodTerms {
        MethodTerms {
            currency: Currency::RUB,
            commission: Commission { percent: dec!(5), fixed: dec!(10.00) },
            limits: AmountLimits { min: Some(dec!(10.00)), max: Some(dec!(3000.00)) },
            cashback_percent: dec!(10),
            allowed_kinds: PayerKind::ALL.to_vec(),
            id_prefix: "pfx".into(),
        }
    }

    const FIVE_PLUS_TEN: Commission = Commission { percent: dec!(5), fixed: dec!(10.00) };

    #[test]
    fn pmt3_commission_5_percent_plus_10_on_100_costs_115() {
        assert_eq!(FIVE_PLUS_TEN.cost(rub(dec!(100.00))), rub(dec!(115.00)));
        assert_eq!(FIVE_PLUS_TEN.fee(rub(dec!(100.00))), rub(dec!(15.00)));
    }

    #[test]
    fn pmt3_commission_5_percent_plus_10_on_20_costs_31() {
        assert_eq!(FIVE_PLUS_TEN.cost(rub(dec!(20.00))), rub(dec!(31.00)));
        assert_eq!(FIVE_PLUS_TEN.label(Currency::RUB), "5.00% + 10.00");
    }

    #[test]
    fn pmt3_commission_rounds_half_up_to_kopecks() {
        // 10.10 * 5% = 0.505 → 0.51.
        assert_eq!(FIVE_PLUS_TEN.cost(rub(dec!(10.10))), rub(dec!(20.61)));
        // 10.30 * 2.5% = 0.2575 → 0.26.
        let c = Commission { percent: dec!(2.5), fixed: dec!(0) };
        assert_eq!(c.cost(rub(dec!(10.30))), rub(dec!(10.56)));
        assert_eq!(Commission::default().cost(rub(dec!(99.99))), rub(dec!(99.99)));
    }

    #[test]
    fn pmt3_commission_settings_checked() {
        assert!(FIVE_PLUS_TEN.validate(Currency::RUB).is_ok());
        let e = Commission { percent: dec!(-1), fixed: dec!(0) }.validate(Currency::RUB).unwrap_err();
        assert_eq!(e.field(), Some("commission.percent"));
        let e = Commission { percent: dec!(1), fixed: dec!(0.001) }.validate(Currency::RUB).unwrap_err();
        assert_eq!(e.field(), Some("commission.fixed"));
    }

    #[test]
    fn pmt3_amount_below_minimum_gives_the_limits() {
        let limits = AmountLimits { min: Some(dec!(10.00)), max: Some(dec!(15000.00)) };
        let e = limits.check(rub(dec!(5.00))).unwrap_err();
        assert_eq!(e.code(), "amount_below_minimum");
        assert_eq!(e.to_string(), "amount 5.00 is below the method's minimum 10.00 (allowed 10.00 … 15000.00)");
        assert_eq!(limits.check(rub(dec!(10.00))), Ok(()));
        assert_eq!(limits.check(rub(dec!(15000.00))), Ok(()));
    }

    #[test]
    fn pmt3_amount_above_maximum_gives_the_limits() {
        let e = yookassa().limits.check(rub(dec!(3000.01))).unwrap_err();
        assert_eq!(e.code(), "amount_above_maximum");
        assert_eq!(e.to_string(), "amount 3000.01 is above the method's maximum 3000.00 (allowed 10.00 … 3000.00)");
        let only_max = AmountLimits { min: None, max: Some(dec!(50)) };
        assert_eq!(
            only_max.check(rub(dec!(60))).unwrap_err().to_string(),
            "amount 60.00 is above the method's maximum 50.00 (allowed up to 50.00)"
        );
        assert_eq!(AmountLimits::default().check(rub(dec!(1000000))), Ok(()));
    }

    #[test]
    fn pmt3_limits_settings_checked() {
        let bad = AmountLimits { min: Some(dec!(100)), max: Some(dec!(10)) };
        assert_eq!(bad.validate(Currency::RUB).unwrap_err().field(), Some("limits.max"));
        let zero = AmountLimits { min: Some(dec!(0)), max: None };
        assert_eq!(zero.validate(Currency::RUB).unwrap_err().field(), Some("limits.min"));
    }

    #[test]
    fn pmt3_cashback_10_percent_of_paid_115_is_11_50() {
        assert_eq!(cashback(rub(dec!(115.00)), dec!(10)), rub(dec!(11.50)));
        assert_eq!(cashback(rub(dec!(31.00)), dec!(10)), rub(dec!(3.10)));
        // 0.05 * 10% = 0.005 → 0.01, half-up.
        assert_eq!(cashback(rub(dec!(0.05)), dec!(10)), rub(dec!(0.01)));
        assert_eq!(cashback(rub(dec!(115.00)), dec!(0)), rub(dec!(0.00)));
    }

    #[test]
    fn pmt3_quote_for_the_guides_100_order() {
        let q = yookassa().quote(rub(dec!(100.00)), PayerKind::LegalEntity).unwrap();
        assert_eq!(q.amount, rub(dec!(100.00)));
        assert_eq!(q.commission, rub(dec!(15.00)));
        assert_eq!(q.to_pay, rub(dec!(115.00)));
        assert_eq!(q.cashback, rub(dec!(11.50)));
        let q = yookassa().quote(rub(dec!(20.00)), PayerKind::Individual).unwrap();
        assert_eq!(q.to_pay, rub(dec!(31.00)));
    }

    #[test]
    fn pmt3_quote_refuses_other_currency_bad_amount_and_limits() {
        let t = yookassa();
        let usd = Money::new(dec!(100), Currency::USD);
        assert_eq!(t.quote(usd, PayerKind::Individual).unwrap_err().code(), "currency_mismatch");
        assert_eq!(t.quote(rub(dec!(100.001)), PayerKind::Individual).unwrap_err().code(), "amount_too_precise");
        assert_eq!(t.quote(rub(dec!(-5)), PayerKind::Individual).unwrap_err().code(), "amount_not_positive");
        assert_eq!(t.quote(rub(dec!(9.99)), PayerKind::Individual).unwrap_err().code(), "amount_below_minimum");
    }

    #[test]
    fn pmt3_only_enabled_payer_kinds_may_use_a_method() {
        let t = MethodTerms { allowed_kinds: vec![PayerKind::LegalEntity, PayerKind::SoleProprietor], ..yookassa() };
        assert_eq!(t.check_payer_kind(PayerKind::LegalEntity), Ok(()));
        let e = t.quote(rub(dec!(100)), PayerKind::Individual).unwrap_err();
        assert_eq!(e.code(), "payer_kind_not_allowed");
        assert_eq!(
            e.to_string(),
            "this payment method is not available to payers of kind individual (available to: legal_entity, sole_proprietor)"
        );
        let none = MethodTerms { allowed_kinds: vec![], ..yookassa() };
        assert_eq!(none.validate().unwrap_err().field(), Some("allowed_kinds"));
        assert_eq!(yookassa().validate(), Ok(()));
    }

    #[test]
    fn pmt3_terms_read_from_json_with_defaults() {
        let t: MethodTerms = serde_json::from_str(r#"{"currency":"RUB","allowed_kinds":["individual"]}"#).unwrap();
        assert_eq!(t.commission, Commission::default());
        assert_eq!(t.limits, AmountLimits::default());
        assert_eq!(t.cashback_percent, Decimal::ZERO);
        assert_eq!(t.quote(rub(dec!(1)), PayerKind::Individual).unwrap().to_pay, rub(dec!(1)));
    }

    fn rates() -> Vec<ExchangeRate> {
        vec![
            ExchangeRate::new(day(2024, 2, 1), Currency::USD, Currency::RUB, dec!(90.1234)).unwrap(),
            ExchangeRate::new(day(2024, 2, 20), Currency::USD, Currency::RUB, dec!(92.5012)).unwrap(),
            ExchangeRate::new(day(2024, 2, 10), Currency::EUR, Currency::RUB, dec!(98.00)).unwrap(),
        ]
    }

    #[test]
    fn led4_rate_is_the_latest_on_or_before_the_day() {
        let r = rates();
        assert_eq!(rate_on(&r, Currency::USD, Currency::RUB, day(2024, 2, 19)).unwrap().rate, dec!(90.1234));
        assert_eq!(rate_on(&r, Currency::USD, Currency::RUB, day(2024, 2, 20)).unwrap().rate, dec!(92.5012));
        assert_eq!(rate_on(&r, Currency::USD, Currency::RUB, day(2025, 1, 1)).unwrap().rate, dec!(92.5012));
    }

    #[test]
    fn led4_no_rate_before_the_first_or_for_the_inverse_pair() {
        let r = rates();
        let e = rate_on(&r, Currency::USD, Currency::RUB, day(2024, 1, 31)).unwrap_err();
        assert_eq!(e.code(), "no_exchange_rate");
        assert_eq!(e.to_string(), "no exchange rate from USD to RUB on or before 2024-01-31");
        let e = convert(rub(dec!(100)), Currency::USD, &r, day(2024, 3, 1)).unwrap_err();
        assert_eq!(e.code(), "no_exchange_rate");
    }

    #[test]
    fn led4_convert_rounds_half_up_to_the_client_currency() {
        let r = rates();
        let usd = |a| Money::new(a, Currency::USD);
        // 1.05 * 90.1234 = 94.62957 → 94.63.
        assert_eq!(convert(usd(dec!(1.05)), Currency::RUB, &r, day(2024, 2, 5)).unwrap(), rub(dec!(94.63)));
        // 10.00 * 92.5012 = 925.012 → 925.01.
        assert_eq!(convert(usd(dec!(10.00)), Currency::RUB, &r, day(2024, 2, 25)).unwrap(), rub(dec!(925.01)));
        // 0.50 * 1.01 = 0.505 → 0.51.
        let one = [ExchangeRate::new(day(2024, 1, 1), Currency::USD, Currency::EUR, dec!(1.01)).unwrap()];
        assert_eq!(
            convert(usd(dec!(0.50)), Currency::EUR, &one, day(2024, 1, 1)).unwrap(),
            Money::new(dec!(0.51), Currency::EUR)
        );
        assert_eq!(convert(rub(dec!(115.00)), Currency::RUB, &[], day(2024, 1, 1)).unwrap(), rub(dec!(115.00)));
    }

    #[test]
    fn led4_convert_to_a_currency_without_minor_units() {
        let jpy: Currency = "JPY".parse().unwrap();
        let r = [ExchangeRate::new(day(2024, 1, 1), Currency::USD, jpy, dec!(148.25)).unwrap()];
        // 3.10 * 148.25 = 459.575 → 460.
        let got = convert(Money::new(dec!(3.10), Currency::USD), jpy, &r, day(2024, 1, 2)).unwrap();
        assert_eq!(got, Money::new(dec!(460), jpy));
    }

    #[test]
    fn led4_rates_must_be_positive_between_two_currencies() {
        let d = day(2024, 1, 1);
        assert_eq!(ExchangeRate::new(d, Currency::USD, Currency::RUB, dec!(0)).unwrap_err().field(), Some("rate"));
        assert_eq!(ExchangeRate::new(d, Currency::RUB, Currency::RUB, dec!(1)).unwrap_err().field(), Some("to"));
        let r = ExchangeRate::new(d, Currency::USD, Currency::RUB, dec!(90)).unwrap();
        assert_eq!(r.apply(rub(dec!(1))).unwrap_err().code(), "currency_mismatch");
    }

    #[test]
    fn led3_payment_status_transitions() {
        use PaymentStatus::*;
        let allowed = [
            (New, Paying),
            (New, Credited),
            (Paying, Credited),
            (Failed, Credited),
            (Cancelled, Credited),
            (New, Failed),
            (Paying, Failed),
            (New, Cancelled),
            (Paying, Cancelled),
            (Credited, Refunded),
        ];
        for &from in PaymentStatus::ALL {
            for &to in PaymentStatus::ALL {
                assert_eq!(transition(from, to).is_ok(), allowed.contains(&(from, to)), "{from} → {to}");
            }
        }
        let e = transition(Credited, Paying).unwrap_err();
        assert_eq!(e.code(), "invalid_status_transition");
        assert_eq!(e.to_string(), "payment status can't change from credited to paying");
        assert!(Refunded.is_final());
        assert!(!New.is_final() && !Paying.is_final() && !Credited.is_final());
        assert!(!Failed.is_final() && !Cancelled.is_final(), "a gateway's later success is still credited");
    }

    #[test]
    fn led3_payment_ids_carry_the_method_prefix() {
        assert_eq!(format_payment_id("pfx", 1186), "pfx/1186");
        assert_eq!(format_payment_id("pfx/", 1186), "pfx/1186");
        assert_eq!(format_payment_id("", 1186), "1186");
        assert_eq!(cashback_payment_id(11), "cashback/11");
        assert_eq!(parse_payment_id("pfx/1186").unwrap(), ("pfx", 1186));
        assert_eq!(parse_payment_id("cashback/11").unwrap(), ("cashback", 11));
        assert_eq!(parse_payment_id("1186").unwrap(), ("", 1186));
        for bad in ["pfx/", "pfx/+1", "pfx/1a", "a b/1", ""] {
            assert_eq!(parse_payment_id(bad).unwrap_err().field(), Some("payment_id"), "{bad}");
        }
    }

    #[test]
    fn led3_method_prefix_shape_and_cashback_reserved() {
        assert_eq!(check_prefix("pfx"), Ok(()));
        assert_eq!(check_prefix(""), Ok(()));
        assert_eq!(check_prefix("Cashback").unwrap_err().field(), Some("id_prefix"));
        assert_eq!(check_prefix("p/x").unwrap_err().field(), Some("id_prefix"));
        assert_eq!(check_prefix(&"p".repeat(17)).unwrap_err().field(), Some("id_prefix"));
    }
}
