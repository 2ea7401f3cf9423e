//! Promo codes (ORD-3, CHG-3): a percent or a sum off the first payment of
//! an order, valid between two dates, limited in total uses and uses per
//! client, for some products or all. A code that does not apply says why,
//! in a code the portal can show in the client's words.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::money::round_half_up;

/// What a promo code takes off: `{"kind": "percent", "value": "15"}` or
/// `{"kind": "fixed", "value": "100.00"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum PromoValue {
    /// Percent off, 0 < p ≤ 100.
    Percent(Decimal),
    /// A sum off, in the product's currency; never more than the price.
    Fixed(Decimal),
}

/// A promo code as staff define it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PromoCode {
    /// What the client types, compared without case.
    pub code: String,
    /// What it takes off the first payment.
    pub value: PromoValue,
    /// The first day it works.
    pub valid_from: NaiveDate,
    /// The last day it works; none is open-ended.
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    /// How many orders may use it in all; none is unlimited.
    #[serde(default)]
    pub max_uses: Option<u32>,
    /// How many orders of one client may use it; none is unlimited.
    #[serde(default)]
    pub max_uses_per_client: Option<u32>,
    /// Products it applies to; empty is every product.
    #[serde(default)]
    pub products: Vec<i64>,
}

/// Why a code does not apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum PromoRefusal {
    NotYetValid { valid_from: NaiveDate },
    Expired { valid_to: NaiveDate },
    UsedUp,
    UsedUpByClient,
    NotForProduct,
}

impl PromoRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            PromoRefusal::NotYetValid { .. } => "promo_not_yet_valid",
            PromoRefusal::Expired { .. } => "promo_expired",
            PromoRefusal::UsedUp => "promo_used_up",
            PromoRefusal::UsedUpByClient => "promo_used_by_client",
            PromoRefusal::NotForProduct => "promo_not_for_product",
        }
    }

    pub fn message(&self) -> String {
        match self {
            PromoRefusal::NotYetValid { valid_from } => format!("the promo code works from {valid_from}"),
            PromoRefusal::Expired { valid_to } => format!("the promo code expired on {valid_to}"),
            PromoRefusal::UsedUp => "the promo code has been used as many times as it may".into(),
            PromoRefusal::UsedUpByClient => "you have already used this promo code as many times as it allows".into(),
            PromoRefusal::NotForProduct => "the promo code does not apply to this product".into(),
        }
    }
}

/// How often a code was used, in total and by the client ordering.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromoUses {
    pub total: u32,
    pub by_client: u32,
}

impl PromoCode {
    pub fn validate(&self) -> Result<(), DomainError> {
        let ok = !self.code.trim().is_empty()
            && self.code.len() <= 40
            && self.code.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if !ok {
            return Err(DomainError::invalid("code", "1 to 40 letters, digits, - or _"));
        }
        match self.value {
            PromoValue::Percent(p) if p <= Decimal::ZERO || p > Decimal::ONE_HUNDRED => {
                return Err(DomainError::invalid("value", "a percent above 0, up to 100"));
            }
            PromoValue::Fixed(a) if a <= Decimal::ZERO || a.normalize().scale() > 4 => {
                return Err(DomainError::invalid("value", "a positive sum"));
            }
            _ => {}
        }
        if let PromoValue::Fixed(a) = self.value {
            crate::money::decimal_to_units(a)?;
        }
        if self.valid_to.is_some_and(|to| to < self.valid_from) {
            return Err(DomainError::invalid("valid_to", "must not be before valid_from"));
        }
        if self.max_uses == Some(0) || self.max_uses_per_client == Some(0) {
            return Err(DomainError::invalid("max_uses", "a limit is at least 1, or none"));
        }
        Ok(())
    }

    /// Whether the code applies to `product_id` on `day` after `uses`.
    pub fn check(&self, day: NaiveDate, product_id: i64, uses: PromoUses) -> Result<(), PromoRefusal> {
        if day < self.valid_from {
            return Err(PromoRefusal::NotYetValid { valid_from: self.valid_from });
        }
        if let Some(valid_to) = self.valid_to.filter(|to| day > *to) {
            return Err(PromoRefusal::Expired { valid_to });
        }
        if !self.products.is_empty() && !self.products.contains(&product_id) {
            return Err(PromoRefusal::NotForProduct);
        }
        if self.max_uses.is_some_and(|m| uses.total >= m) {
            return Err(PromoRefusal::UsedUp);
        }
        if self.max_uses_per_client.is_some_and(|m| uses.by_client >= m) {
            return Err(PromoRefusal::UsedUpByClient);
        }
        Ok(())
    }

    /// The discount on `amount`, to the currency's minor unit: a percent
    /// rounded half-up, a sum no more than the amount.
    pub fn discount(&self, amount: Decimal, digits: u32) -> Decimal {
        match self.value {
            PromoValue::Percent(p) => round_half_up(amount * p / Decimal::ONE_HUNDRED, digits),
            PromoValue::Fixed(a) => a.min(amount),
        }
        .max(Decimal::ZERO)
    }

    /// Codes are typed by people: compared without case or spaces around.
    pub fn matches(&self, typed: &str) -> bool {
        self.code.to_lowercase() == typed.trim().to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::product::quote::{OrderConfig, quote};
    use crate::product::tests::dci6;
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn spring(value: PromoValue) -> PromoCode {
        PromoCode {
            code: "SPRING".into(),
            value,
            valid_from: d(2026, 3, 1),
            valid_to: Some(d(2026, 5, 31)),
            max_uses: Some(100),
            max_uses_per_client: Some(1),
            products: vec![7],
        }
    }

    #[test]
    fn ord3_a_code_applies_only_in_its_dates_limits_and_products() {
        let p = spring(PromoValue::Percent(dec!(15)));
        p.validate().unwrap();
        let fresh = PromoUses::default();
        assert_eq!(p.check(d(2026, 3, 1), 7, fresh), Ok(()));
        assert_eq!(p.check(d(2026, 5, 31), 7, fresh), Ok(()), "the last day still counts");
        let late = p.check(d(2026, 6, 1), 7, fresh).unwrap_err();
        assert_eq!((late.code(), late.message()), ("promo_expired", "the promo code expired on 2026-05-31".to_string()));
        assert_eq!(p.check(d(2026, 2, 28), 7, fresh).unwrap_err().code(), "promo_not_yet_valid");
        assert_eq!(p.check(d(2026, 4, 1), 8, fresh).unwrap_err().code(), "promo_not_for_product");
        assert_eq!(p.check(d(2026, 4, 1), 7, PromoUses { total: 100, by_client: 0 }).unwrap_err().code(), "promo_used_up");
        assert_eq!(p.check(d(2026, 4, 1), 7, PromoUses { total: 5, by_client: 1 }).unwrap_err().code(), "promo_used_by_client");
        assert!(p.matches(" spring "));
        assert!(!p.matches("SPRING1"));
    }

    #[test]
    fn ord3_percent_and_money_off_the_first_payment_before_tax() {
        let start = NaiveDate::from_ymd_opt(2023, 4, 1).unwrap().and_hms_opt(23, 13, 0).unwrap();
        let cfg = OrderConfig { months: 1, addons: Default::default(), domain: Some("myserver123".into()) };
        // 585.57 for April; 15% off is 87.84 (87.8355 half-up).
        let pct = spring(PromoValue::Percent(dec!(15)));
        let q = quote(&dci6(), &cfg, start, Some(&pct)).unwrap();
        assert_eq!((q.first_period, q.discount, q.tax, q.to_pay), (dec!(585.57), dec!(87.84), dec!(49.77), dec!(547.50)));
        let money = spring(PromoValue::Fixed(dec!(100.00)));
        let q = quote(&dci6(), &cfg, start, Some(&money)).unwrap();
        assert_eq!((q.discount, q.tax, q.to_pay), (dec!(100.00), dec!(48.56), dec!(534.13)));
        // A sum above the price leaves nothing to pay, never a credit.
        assert_eq!(spring(PromoValue::Fixed(dec!(1000.00))).discount(dec!(585.57), 2), dec!(585.57));
    }

    #[test]
    fn ord3_bad_codes_are_refused_when_created() {
        let mut p = spring(PromoValue::Percent(dec!(101)));
        assert_eq!(p.validate().unwrap_err().field(), Some("value"));
        p.value = PromoValue::Fixed(dec!(0));
        assert!(p.validate().is_err());
        p = spring(PromoValue::Percent(dec!(10)));
        p.valid_to = Some(d(2026, 2, 1));
        assert_eq!(p.validate().unwrap_err().field(), Some("valid_to"));
        p = spring(PromoValue::Percent(dec!(10)));
        p.code = "SPR ING".into();
        assert_eq!(p.validate().unwrap_err().field(), Some("code"));
        p = spring(PromoValue::Percent(dec!(10)));
        p.max_uses = Some(0);
        assert!(p.validate().is_err());
    }
}
