//! Usage rating (CHG-6): traffic in and out by subnet class, minutes and
//! other units, priced by the service's rates.

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
}

/// The cost of `usage` at `rates`, to four places. A record no rate prices
/// is an error, so nothing is given away silently.
pub fn rate(usage: &[Usage], rates: &UsageRates) -> Result<Decimal, DomainError> {
    let mut total = Decimal::ZERO;
    for u in usage {
        let price = rates
            .price(u.kind, &u.class)
            .ok_or_else(|| DomainError::invalid("usage", format!("no price for {} in class {:?}", u.kind.as_str(), u.class)))?;
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
            Usage { kind: UsageKind::TrafficIn, class: "world".into(), quantity: dec!(12.5) },
            Usage { kind: UsageKind::TrafficIn, class: "local".into(), quantity: dec!(300) },
            Usage { kind: UsageKind::TrafficOut, class: "world".into(), quantity: dec!(2.333) },
            Usage { kind: UsageKind::Minutes, class: "".into(), quantity: dec!(17) },
        ];
        // 18.75 + 0 + 1.74975 + 0.204
        assert_eq!(rate(&usage, &rates).unwrap(), dec!(20.7038));
        let unpriced = vec![Usage { kind: UsageKind::Units, class: "".into(), quantity: dec!(1) }];
        assert!(rate(&unpriced, &rates).is_err());
    }
}
