//! The price of an order (ORD-1, ORD-2) before anything is bought: each
//! line (the tariff's base, every add-on) priced "until <the first period's
//! end>" and "then per period", the configuration's share, the total, the
//! tax included or added, a promo code's discount. A product aligned to the
//! 1st of the month pays its first period for the part left, to the second
//! (the cart's "До 2023-05-01 … 479.04 ₽, далее за 1 месяц 495.00 ₽").
//! Times are the provider's local time.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::promo::PromoCode;
use super::{ProductSpec, check_domain_name};
use crate::DomainError;
use crate::money::round_half_up;

/// What the client chose on the order form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrderConfig {
    /// "Период оплаты": one of the product's periods.
    pub months: u32,
    /// Add-on values by code; an add-on left out takes its default.
    #[serde(default)]
    pub addons: BTreeMap<String, u32>,
    /// The domain name, when the product asks for one ("myserver123").
    #[serde(default)]
    pub domain: Option<String>,
}

/// The configuration checked against the product: every add-on's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolved {
    pub months: u32,
    pub base: Decimal,
    pub addons: BTreeMap<String, u32>,
    pub domain: Option<String>,
}

/// Checks a configuration: a period the product is sold by, add-on values
/// within their limits, a domain name when the product needs one.
pub fn resolve(spec: &ProductSpec, config: &OrderConfig) -> Result<Resolved, DomainError> {
    let base = spec.price_for(config.months).ok_or_else(|| {
        let sold: Vec<String> = spec.prices.iter().map(|p| p.months.to_string()).collect();
        DomainError::invalid("months", format!("{} is sold for {} month(s)", spec.name, sold.join(", ")))
    })?;
    if let Some(unknown) = config.addons.keys().find(|k| spec.addon(k).is_none()) {
        return Err(DomainError::invalid("addons", format!("{} has no add-on {unknown}", spec.name)));
    }
    let mut addons = BTreeMap::new();
    for a in &spec.addons {
        let value = config.addons.get(&a.code).copied().unwrap_or(a.default);
        if !a.allows(value) {
            return Err(DomainError::invalid("addons", format!("{}: {value} {} is outside {}", a.name, a.unit, a.limit())));
        }
        addons.insert(a.code.clone(), value);
    }
    let domain = match (&config.domain, spec.needs_domain) {
        (Some(d), _) => Some(check_domain_name(d)?),
        (None, true) => return Err(DomainError::invalid("domain", "the order needs a domain name, e.g. myserver123")),
        (None, false) => None,
    };
    Ok(Resolved { months: config.months, base, addons, domain })
}

/// One line of the order: the base or an add-on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuoteLine {
    /// None for the tariff's base ("Базовая").
    pub code: Option<String>,
    /// The product's name for the base, the add-on's otherwise.
    pub name: String,
    /// "5120 ГиБ".
    pub value: Option<String>,
    /// "Лимит".
    pub limit: Option<String>,
    /// "До <first_period_ends>".
    pub until_end: Decimal,
    /// "Далее за <months> месяц(ев)".
    pub per_period: Decimal,
}

/// The price of an order before it is bought: each line, the first payment
/// and what each renewal costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Quote {
    /// The period chosen, in months.
    pub months: u32,
    /// When the service starts, provider time (no offset).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$", example = "2026-03-01T12:00:00"))]
    pub starts_at: NaiveDateTime,
    /// The first period's end: the paid time of the first payment,
    /// provider time (no offset).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$", example = "2026-03-01T12:00:00"))]
    pub first_period_ends: NaiveDateTime,
    /// The first period is a free trial.
    pub trial: bool,
    /// The base and each add-on.
    pub lines: Vec<QuoteLine>,
    /// "Базовая стоимость" per period.
    pub base: Decimal,
    /// "За конфигурацию" per period.
    pub configuration: Decimal,
    /// Base and configuration, per period.
    pub per_period: Decimal,
    /// The lines' "until" prices together.
    pub first_period: Decimal,
    /// A promo code's discount on the first payment.
    pub discount: Decimal,
    /// The product's tax, in percent.
    pub tax_percent: Decimal,
    /// The prices include the tax.
    pub tax_included: bool,
    /// "В том числе налоги" or "Налог не включен в стоимость".
    pub tax: Decimal,
    /// What the first payment is: the first period less the discount, with
    /// the tax when it is not included.
    pub to_pay: Decimal,
    /// What each renewal costs, tax included.
    pub then_per_period: Decimal,
}

/// The end of the first period from `start`: `months` on, or the 1st of a
/// month for aligned products (the 1st after `start`, plus the rest of the
/// months), or the trial's end.
pub fn first_period_end(spec: &ProductSpec, months: u32, start: NaiveDateTime) -> Result<NaiveDateTime, DomainError> {
    let too_far = || DomainError::invalid("months", "the period ends too far away");
    if let Some(days) = spec.trial_days {
        return Ok(start + Duration::days(i64::from(days)));
    }
    if !spec.align_to_month_start {
        return start.checked_add_months(Months::new(months)).ok_or_else(too_far);
    }
    let first = NaiveDate::from_ymd_opt(start.year(), start.month(), 1).expect("the 1st exists");
    let next = first.checked_add_months(Months::new(1)).ok_or_else(too_far)?;
    let end = next.checked_add_months(Months::new(months - 1)).ok_or_else(too_far)?;
    Ok(end.and_hms_opt(0, 0, 0).expect("midnight exists"))
}

/// The share of a full period the first one is: 1 unless aligned, then
/// the seconds left over the seconds of the period ending at the same end.
fn first_share(months: u32, start: NaiveDateTime, end: NaiveDateTime) -> Decimal {
    let full_start = end.checked_sub_months(Months::new(months)).unwrap_or(start);
    let full = (end - full_start).num_seconds();
    let left = (end - start).num_seconds().clamp(0, full);
    if full <= 0 { Decimal::ONE } else { Decimal::from(left) / Decimal::from(full) }
}

/// Prices an order starting at `start`, with a promo code already checked
/// for this client and product (see [`super::promo::check`]).
pub fn quote(
    spec: &ProductSpec,
    config: &OrderConfig,
    start: NaiveDateTime,
    promo: Option<&PromoCode>,
) -> Result<Quote, DomainError> {
    let r = resolve(spec, config)?;
    let digits = spec.currency.minor_digits();
    let end = first_period_end(spec, r.months, start)?;
    let trial = spec.trial_days.is_some();
    let share = if trial { Decimal::ZERO } else { first_share(r.months, start, end) };
    let line =
        |code: Option<String>, name: String, value: Option<String>, limit: Option<String>, per_period: Decimal| QuoteLine {
            code,
            name,
            value,
            limit,
            until_end: round_half_up(per_period * share, digits),
            per_period: round_half_up(per_period, digits),
        };
    let mut lines = vec![line(None, spec.name.clone(), Some("Базовая".into()), None, r.base)];
    for a in &spec.addons {
        let value = r.addons[&a.code];
        lines.push(line(
            Some(a.code.clone()),
            a.name.clone(),
            Some(format!("{value} {}", a.unit)),
            Some(a.limit()),
            a.price(value, r.months),
        ));
    }
    let base = lines[0].per_period;
    let configuration: Decimal = lines[1..].iter().map(|l| l.per_period).sum();
    let first_period: Decimal = lines.iter().map(|l| l.until_end).sum();
    let discount = promo.map_or(Decimal::ZERO, |p| p.discount(first_period, digits));
    let net = first_period - discount;
    let (tax, to_pay) = taxed(net, spec.tax_percent, spec.tax_included, digits);
    let then_per_period = taxed(base + configuration, spec.tax_percent, spec.tax_included, digits).1;
    Ok(Quote {
        months: r.months,
        starts_at: start,
        first_period_ends: end,
        trial,
        lines,
        base,
        configuration,
        per_period: base + configuration,
        first_period,
        discount,
        tax_percent: spec.tax_percent,
        tax_included: spec.tax_included,
        tax,
        to_pay,
        then_per_period,
    })
}

/// What a whole period of `months` of this configuration costs, the tax
/// included (added when the product's prices don't include it): the price
/// of a renewal.
pub fn period_price(spec: &ProductSpec, config: &OrderConfig, months: u32) -> Result<Decimal, DomainError> {
    let r = resolve(spec, &OrderConfig { months, ..config.clone() })?;
    let addons: Decimal =
        spec.addons.iter().map(|a| round_half_up(a.price(r.addons[&a.code], months), spec.currency.minor_digits())).sum();
    let digits = spec.currency.minor_digits();
    Ok(taxed(round_half_up(r.base, digits) + addons, spec.tax_percent, spec.tax_included, digits).1)
}

/// (tax, total to pay) of `net`: the tax inside it, or on top of it.
pub fn taxed(net: Decimal, percent: Decimal, included: bool, digits: u32) -> (Decimal, Decimal) {
    if included {
        (round_half_up(net * percent / (Decimal::ONE_HUNDRED + percent), digits), net)
    } else {
        let tax = round_half_up(net * percent / Decimal::ONE_HUNDRED, digits);
        (tax, net + tax)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::product::tests::dci6;
    use crate::product::{Addon, PeriodPrice, ProductType};
    use rust_decimal_macros::dec;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, s).unwrap()
    }

    fn config(months: u32, addons: &[(&str, u32)]) -> OrderConfig {
        OrderConfig {
            months,
            addons: addons.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            domain: Some("myserver123".into()),
        }
    }

    #[test]
    fn ord2_the_guides_cart_prorates_each_line_to_the_1st_of_may_to_the_second() {
        // Ordered on 1 April 2023 at 23:13: 2,508,420 of April's 2,592,000
        // seconds are left.
        let q = quote(&dci6(), &config(1, &[("ipv4", 3), ("traffic", 5120)]), at(2023, 4, 1, 23, 13, 0), None).unwrap();
        assert_eq!(q.first_period_ends, at(2023, 5, 1, 0, 0, 0));
        let cells: Vec<(Option<&str>, Decimal, Decimal)> =
            q.lines.iter().map(|l| (l.code.as_deref(), l.until_end, l.per_period)).collect();
        assert_eq!(
            cells,
            vec![
                (None, dec!(479.04), dec!(495.00)),
                (Some("ipv4"), dec!(0.00), dec!(0.00)),
                (Some("traffic"), dec!(106.53), dec!(110.08)),
            ]
        );
        assert_eq!(q.lines[2].value.as_deref(), Some("5120 ГиБ"));
        assert_eq!((q.base, q.configuration, q.per_period), (dec!(495.00), dec!(110.08), dec!(605.08)));
        // "Налог не включен в стоимость": 10% on top.
        assert_eq!((q.first_period, q.tax, q.to_pay), (dec!(585.57), dec!(58.56), dec!(644.13)));
        assert_eq!(q.then_per_period, dec!(665.59));
        assert_eq!(period_price(&dci6(), &config(1, &[("ipv4", 3), ("traffic", 5120)]), 1).unwrap(), dec!(665.59));
        // A year: 5346.00 + one more IPv4 (1800.00) + traffic (1320.96) = 8466.96, 10% on top.
        assert_eq!(period_price(&dci6(), &config(1, &[("ipv4", 4)]), 12).unwrap(), dec!(9313.66));
        assert!(period_price(&dci6(), &config(1, &[]), 3).is_err());
    }

    #[test]
    fn ord1_the_dns_order_form_with_tax_included() {
        // "Итого 250.00 ₽, В том числе налоги 20% 41.67 ₽".
        let dns = ProductSpec {
            name: "DNS".into(),
            product_type: ProductType::DnsHosting,
            prices: vec![PeriodPrice { months: 1, price: dec!(250.00) }],
            addons: vec![Addon {
                code: "domains".into(),
                name: "Лимит доменов".into(),
                unit: "Шт.".into(),
                unit_price: dec!(5.00),
                included: 10,
                min: 10,
                max: 100,
                default: 10,
            }],
            tax_percent: dec!(20),
            tax_included: true,
            needs_domain: false,
            align_to_month_start: false,
            ..dci6()
        };
        let start = at(2024, 2, 21, 15, 0, 0);
        let q = quote(&dns, &OrderConfig { months: 1, ..OrderConfig::default() }, start, None).unwrap();
        assert_eq!((q.base, q.configuration, q.to_pay, q.tax), (dec!(250.00), dec!(0.00), dec!(250.00), dec!(41.67)));
        assert_eq!(q.first_period_ends, at(2024, 3, 21, 15, 0, 0), "renews on the 21st, as the form says");
        let more = OrderConfig { months: 1, addons: [("domains".to_string(), 14)].into(), domain: None };
        let q = quote(&dns, &more, start, None).unwrap();
        assert_eq!((q.configuration, q.to_pay, q.tax), (dec!(20.00), dec!(270.00), dec!(45.00)));
    }

    #[test]
    fn ord1_a_trial_is_free_for_its_days_then_priced_per_period() {
        let vps = ProductSpec { trial_days: Some(30), align_to_month_start: false, ..dci6() };
        let q = quote(&vps, &config(1, &[]), at(2026, 3, 10, 12, 0, 0), None).unwrap();
        assert!(q.trial);
        assert_eq!((q.first_period_ends, q.to_pay, q.tax), (at(2026, 4, 9, 12, 0, 0), dec!(0.00), dec!(0.00)));
        assert_eq!(q.then_per_period, dec!(665.59));
    }

    #[test]
    fn ord1_a_configuration_outside_the_product_is_refused_with_its_reason() {
        let p = dci6();
        let start = at(2026, 3, 10, 12, 0, 0);
        let err = quote(&p, &config(3, &[]), start, None).unwrap_err();
        assert_eq!((err.field(), err.to_string().contains("1, 12")), (Some("months"), true));
        assert_eq!(quote(&p, &config(1, &[("ipv4", 9)]), start, None).unwrap_err().field(), Some("addons"));
        assert_eq!(quote(&p, &config(1, &[("gpu", 1)]), start, None).unwrap_err().field(), Some("addons"));
        let no_domain = OrderConfig { domain: None, ..config(1, &[]) };
        assert_eq!(quote(&p, &no_domain, start, None).unwrap_err().field(), Some("domain"));
        // A year aligned to the 1st: the first period ends on 1 March 2027.
        let q = quote(&p, &config(12, &[]), start, None).unwrap();
        assert_eq!(q.first_period_ends, at(2027, 3, 1, 0, 0, 0));
        assert!(q.first_period < q.per_period);
    }
}
