//! Usage rating (CHG-6): traffic in and out by subnet class, minutes and
//! other units, priced by the service's rates. Telephony (CAT-1): minutes
//! are priced by direction (the class: "local", "intercity",
//! "international", "mobile"…), and a roaming record by the service's
//! roaming rates — which only a roaming telephony service carries.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::money::round_half_up;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsageKind {
    TrafficIn,
    TrafficOut,
    Minutes,
    Units,
}

impl UsageKind {
    pub fn parse(s: &str) -> Option<UsageKind> {
        Some(match s {
            "traffic_in" => UsageKind::TrafficIn,
            "traffic_out" => UsageKind::TrafficOut,
            "minutes" => UsageKind::Minutes,
            "units" => UsageKind::Units,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            UsageKind::TrafficIn => "traffic_in",
            UsageKind::TrafficOut => "traffic_out",
            UsageKind::Minutes => "minutes",
            UsageKind::Units => "units",
        }
    }
}

crate::stored::stored_from_string!(UsageKind);

/// Prices per unit by kind and subnet class, keyed `<kind>:<class>` (kinds:
/// traffic_in, traffic_out, minutes, units); the class `""` is the default
/// for a kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsageRates(pub BTreeMap<String, Decimal>);

impl UsageRates {
    fn key(kind: UsageKind, class: &str) -> String {
        format!("{}:{}", kind.as_str(), class)
    }

    pub fn set(&mut self, kind: UsageKind, class: &str, price: Decimal) {
        self.0.insert(Self::key(kind, class), price);
    }

    /// The price of one unit: the class's own, else the kind's default.
    pub fn price(&self, kind: UsageKind, class: &str) -> Option<Decimal> {
        self.0.get(&Self::key(kind, class)).or_else(|| self.0.get(&Self::key(kind, ""))).copied()
    }
}

/// One usage record's quantity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    pub kind: UsageKind,
    pub class: String,
    pub quantity: Decimal,
    /// Used in roaming (telephony): priced by the roaming rates.
    pub roaming: bool,
}

/// A service's usage prices: at home and in roaming.
#[derive(Debug, Clone, Copy)]
pub struct ServiceRates<'a> {
    pub home: &'a UsageRates,
    pub roaming: &'a UsageRates,
}

impl ServiceRates<'_> {
    /// The price of one unit of `u`: a roaming record only by the roaming rates.
    pub fn price(&self, u: &Usage) -> Option<Decimal> {
        if u.roaming { self.roaming.price(u.kind, &u.class) } else { self.home.price(u.kind, &u.class) }
    }
}

/// The cost of `usage` at `rates`, to four places. A record no rate prices
/// is an error, so nothing is given away silently.
pub fn rate(usage: &[Usage], rates: &UsageRates) -> Result<Decimal, DomainError> {
    rate_by(usage, |_, u| rates.price(u.kind, &u.class))
}

/// The cost of `usage`, each record at the unit price `price` gives it
/// (by its index; see `window::pick_rates`), to four places; a record
/// without a price is an error.
pub fn rate_by(usage: &[Usage], price: impl Fn(usize, &Usage) -> Option<Decimal>) -> Result<Decimal, DomainError> {
    let mut total = Decimal::ZERO;
    for (i, u) in usage.iter().enumerate() {
        let price = price(i, u).ok_or_else(|| {
            let roaming = if u.roaming { "roaming " } else { "" };
            DomainError::invalid("usage", format!("no {roaming}price for {} in class {:?}", u.kind.as_str(), u.class))
        })?;
        // Rates and quantities are capped one by one; their products and
        // sum are not, so they are checked rather than left to panic.
        total = price
            .checked_mul(u.quantity)
            .and_then(|cost| total.checked_add(cost))
            .ok_or_else(|| DomainError::Overflow(format!("usage of {} in class {:?}", u.kind.as_str(), u.class)))?;
    }
    Ok(round_half_up(total, 4))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn chg6_traffic_by_class_and_direction_minutes_and_units() {
        let mut rates = UsageRates::default();
        rates.set(UsageKind::TrafficIn, "", dec!(1.50));
        rates.set(UsageKind::TrafficIn, "local", dec!(0));
        rates.set(UsageKind::TrafficOut, "", dec!(0.75));
        rates.set(UsageKind::Minutes, "", dec!(0.012));
        let usage = vec![
            Usage { kind: UsageKind::TrafficIn, class: "world".into(), quantity: dec!(12.5), roaming: false },
            Usage { kind: UsageKind::TrafficIn, class: "local".into(), quantity: dec!(300), roaming: false },
            Usage { kind: UsageKind::TrafficOut, class: "world".into(), quantity: dec!(2.333), roaming: false },
            Usage { kind: UsageKind::Minutes, class: "".into(), quantity: dec!(17), roaming: false },
        ];
        // 18.75 + 0 + 1.74975 + 0.204
        assert_eq!(rate(&usage, &rates).unwrap(), dec!(20.7038));
        let unpriced = vec![Usage { kind: UsageKind::Units, class: "".into(), quantity: dec!(1), roaming: false }];
        assert!(rate(&unpriced, &rates).is_err());
    }

    #[test]
    fn cat5_roaming_minutes_are_priced_by_the_roaming_rates_only() {
        let mut home = UsageRates::default();
        home.set(UsageKind::Minutes, "local", dec!(0.50));
        home.set(UsageKind::Minutes, "international", dec!(9.90));
        let mut roaming = UsageRates::default();
        roaming.set(UsageKind::Minutes, "", dec!(29.00));
        let rates = ServiceRates { home: &home, roaming: &roaming };
        let call = |class: &str, quantity, roaming| Usage { kind: UsageKind::Minutes, class: class.into(), quantity, roaming };
        let usage =
            vec![call("local", dec!(12), false), call("international", dec!(3.5), false), call("local", dec!(2.25), true)];
        // 6.00 + 34.65 + 65.25
        assert_eq!(rate_by(&usage, |_, u| rates.price(u)).unwrap(), dec!(105.9000));
        let none = UsageRates::default();
        let home_only = ServiceRates { home: &home, roaming: &none };
        let err = rate_by(&[call("local", dec!(1), true)], |_, u| home_only.price(u)).unwrap_err();
        assert_eq!(err.to_string(), "usage: no roaming price for minutes in class \"local\"");
    }
}
