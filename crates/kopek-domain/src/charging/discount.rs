//! Discounts and markups (CHG-3): the client's loyalty percent and a
//! percent set on one subscription. Positive is a discount, negative a
//! markup. "No discounts" (CAT-4) keeps loyalty off a service; "discount
//! only for tariff services" (CAT-2) gives it only inside a tariff.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountRules {
    /// CAT-4: loyalty discounts and markups don't apply to the service.
    pub no_discounts: bool,
    /// CAT-2: loyalty applies only when the service is part of a tariff.
    pub only_in_tariff: bool,
}

/// The percent that applies to one charge.
pub fn effective_percent(
    client_percent: Decimal,
    subscription_percent: Decimal,
    rules: DiscountRules,
    in_tariff: bool,
) -> Decimal {
    let loyalty = if rules.no_discounts || (rules.only_in_tariff && !in_tariff) { Decimal::ZERO } else { client_percent };
    (loyalty + subscription_percent).min(Decimal::ONE_HUNDRED)
}

/// `price` after `percent` off (or on, when negative), exact. The run
/// prices a period's parts from the discounted price and rounds each part
/// once, as it does an undiscounted one, so the parts of a discounted month
/// add up to the discounted fee; discounting each rounded part and
/// rounding again would not.
pub fn discounted(price: Decimal, percent: Decimal) -> Decimal {
    price * (Decimal::ONE_HUNDRED - percent) / Decimal::ONE_HUNDRED
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charging::{Activity, CalendarRule, ChargeTerms, PeriodUnit, WriteOff, due_periods};
    use rust_decimal_macros::dec;

    #[test]
    fn chg3_loyalty_discount_and_markup() {
        let plain = DiscountRules::default();
        assert_eq!(discounted(dec!(9.6774), effective_percent(dec!(10), dec!(0), plain, false)), dec!(8.70966));
        assert_eq!(discounted(dec!(300), effective_percent(dec!(-5), dec!(0), plain, false)), dec!(315));
        assert_eq!(discounted(dec!(300), effective_percent(dec!(10), dec!(5), plain, false)), dec!(255));
        assert_eq!(discounted(dec!(300), effective_percent(dec!(80), dec!(50), plain, false)), dec!(0));
    }

    #[test]
    fn chg3_no_discounts_and_only_in_tariff() {
        let none = DiscountRules { no_discounts: true, only_in_tariff: false };
        assert_eq!(effective_percent(dec!(10), dec!(0), none, true), dec!(0));
        assert_eq!(effective_percent(dec!(10), dec!(3), none, true), dec!(3), "a subscription's own percent still applies");
        let tariff = DiscountRules { no_discounts: false, only_in_tariff: true };
        assert_eq!(effective_percent(dec!(10), dec!(0), tariff, false), dec!(0));
        assert_eq!(effective_percent(dec!(10), dec!(0), tariff, true), dec!(10));
    }

    /// CHG-3: 300.00 a month with 10 % off is 270.00 a month. The nights
    /// are parts of the discounted price, rounded once each: discounting
    /// January's 9.6774 and 9.6775 nights and rounding again would make
    /// 25 × 8.7097 + 6 × 8.7098 = 270.0013.
    #[test]
    fn chg3_a_discounted_month_of_daily_parts_totals_the_discounted_fee() {
        let t = ChargeTerms {
            write_off: WriteOff::Daily,
            unit: PeriodUnit::Month,
            calendar: CalendarRule::Standard,
            shift_minutes: 0,
            anchor: None,
            once: false,
        };
        let at = |d: u32, h: u32| chrono::NaiveDate::from_ymd_opt(2026, 1, d).unwrap().and_hms_opt(h, 0, 0).unwrap();
        let a = Activity { from: at(1, 0), until: None };
        let price = |_| discounted(dec!(300.00), dec!(10));
        let jan = due_periods(&t, a, None, at(31, 2), &price);
        assert_eq!((jan.len(), jan.iter().map(|d| d.amount).sum::<Decimal>()), (31, dec!(270.0000)));
        assert!(jan.iter().all(|d| d.amount == dec!(8.7097) || d.amount == dec!(8.7096)));
    }
}
