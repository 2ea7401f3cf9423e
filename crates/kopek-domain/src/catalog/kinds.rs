//! The options that belong to one kind of service (CAT-1, CAT-5): a refund
//! in full is a one-time service's, a boost's duration and an activation
//! count a forsage's.

use super::{ServiceKind, ServiceSpec};
use crate::DomainError;
use crate::charging::calendar::CalendarRule;

impl ServiceSpec {
    /// The options that belong to one kind of service (CAT-1, CAT-5).
    pub(super) fn validate_kind(&self) -> Result<(), DomainError> {
        let kind = self.main.kind;
        if kind == ServiceKind::OneTime && self.calendar != CalendarRule::Standard {
            return Err(DomainError::invalid("calendar", "a one-time service is charged once, with no calendar"));
        }
        if self.fee.refund_on_disconnect && kind != ServiceKind::OneTime {
            return Err(DomainError::invalid(
                "fee.refund_on_disconnect",
                "only a one-time service is refunded in full; time-based fees refund the unused part",
            ));
        }
        match (kind, self.conditions.boost_minutes) {
            (ServiceKind::Forsage, None) => {
                return Err(DomainError::invalid("conditions.boost_minutes", "a forsage service needs the boost's duration"));
            }
            (ServiceKind::Forsage, Some(m)) if !(1..=10_080).contains(&m) => {
                return Err(DomainError::invalid("conditions.boost_minutes", "1 to 10080 minutes"));
            }
            (ServiceKind::Forsage, Some(_)) if self.conditions.speed.is_none() && !self.prices_usage() => {
                return Err(DomainError::invalid(
                    "conditions.speed",
                    "a forsage service boosts to its shaper's speed, or gives traffic at its usage rates during the boost",
                ));
            }
            (k, Some(_)) if k != ServiceKind::Forsage => {
                return Err(DomainError::invalid("conditions.boost_minutes", "only a forsage service has a boost duration"));
            }
            _ => {}
        }
        if self.lifetime.activations.is_some() && kind != ServiceKind::Forsage {
            return Err(DomainError::invalid("lifetime.activations", "only a forsage service counts activations"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Speed;

    fn internet() -> ServiceSpec {
        serde_json::from_value(serde_json::json!({
            "main": { "name": "Internet 100", "kind": "periodic" },
            "fee": { "price": "600.00", "write_off": "daily", "currency": "RUB", "vat_percent": "20" }
        }))
        .unwrap()
    }

    /// CAT-1, CAT-5: a refund in full is a one-time service's, a boost's
    /// duration and an activation count a forsage's, and a forsage boosts
    /// to a speed.
    #[test]
    fn cat1_options_of_one_kind_are_refused_on_another() {
        let mut s = internet();
        s.fee.refund_on_disconnect = true;
        assert_eq!(s.validate().unwrap_err().field(), Some("fee.refund_on_disconnect"));
        s.main.kind = ServiceKind::OneTime;
        assert!(s.validate().is_ok());
        s.calendar = CalendarRule::AlwaysWholeMonth;
        assert_eq!(s.validate().unwrap_err().field(), Some("calendar"));
        let mut f = internet();
        f.main.kind = ServiceKind::Forsage;
        assert_eq!(f.validate().unwrap_err().field(), Some("conditions.boost_minutes"));
        f.conditions.boost_minutes = Some(60);
        assert_eq!(f.validate().unwrap_err().field(), Some("conditions.speed"));
        f.conditions.speed = Some(Speed { in_kbps: 200_000, out_kbps: 100_000 });
        f.lifetime.activations = Some(2);
        assert!(f.validate().is_ok());
        f.conditions.boost_minutes = Some(10_081);
        assert_eq!(f.validate().unwrap_err().field(), Some("conditions.boost_minutes"));
        let mut p = internet();
        p.lifetime.activations = Some(2);
        assert_eq!(p.validate().unwrap_err().field(), Some("lifetime.activations"));
        p.lifetime.activations = None;
        p.conditions.boost_minutes = Some(60);
        assert_eq!(p.validate().unwrap_err().field(), Some("conditions.boost_minutes"));
    }
}
