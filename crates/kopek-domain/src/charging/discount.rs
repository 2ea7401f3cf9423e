//! Discounts and markups (CHG-3): the client's loyalty percent and a
//! percent set on one subscription. Positive is a discount, negative a
//! markup. "No discounts" (CAT-4) keeps loyalty off a service; "discount
//! only for tariff services" (CAT-2) gives it only inside a tariff.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::round_half_up;

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

/// `amount` after `percent` off (or on, when negative), to four places.
pub fn apply(amount: Decimal, percent: Decimal) -> Decimal {
    round_half_up(amount * (Decimal::ONE_HUNDRED - percent) / Decimal::ONE_HUNDRED, 4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn chg3_loyalty_discount_and_markup() {
        let plain = DiscountRules::default();
        assert_eq!(apply(dec!(9.6774), effective_percent(dec!(10), dec!(0), plain, false)), dec!(8.7097));
        assert_eq!(apply(dec!(300), effective_percent(dec!(-5), dec!(0), plain, false)), dec!(315));
        assert_eq!(apply(dec!(300), effective_percent(dec!(10), dec!(5), plain, false)), dec!(255));
        assert_eq!(apply(dec!(300), effective_percent(dec!(80), dec!(50), plain, false)), dec!(0));
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
}
