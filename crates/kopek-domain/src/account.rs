//! States and roles of accounts and logins (ACC-1, ACC-4), the statuses of
//! payments (LED-3) and the states of subscriptions (SVC-1), as closed sets
//! with their stored names.

use serde::{Deserialize, Serialize};

macro_rules! stored_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

stored_enum! {
    /// SVC-1, CHG-5: the state of a subscription. `awaiting_session`
    /// waits for the first session (CAT-3).
    SubscriptionState {
        Active = "active",
        AwaitingSession = "awaiting_session",
        StoppedByClient = "stopped_by_client",
        StoppedByAdmin = "stopped_by_admin",
        BlockedForDebt = "blocked_for_debt",
        DeactivatedByThreshold = "deactivated_by_threshold",
        Expired = "expired",
        Disconnected = "disconnected",
    }
}

stored_enum! {
    /// ACC-1: the state of a client account.
    ClientState {
        Active = "active",
        BlockedByAdmin = "blocked_by_admin",
        BlockedByClient = "blocked_by_client",
        BlockedForDebt = "blocked_for_debt",
    }
}

stored_enum! {
    /// ACC-4: what a staff user may do.
    StaffRole {
        Admin = "admin",
        Accountant = "accountant",
        Support = "support",
        ReadOnly = "read_only",
    }
}

impl StaffRole {
    /// Crediting payments, posting expenses and reversing them.
    pub fn may_move_money(self) -> bool {
        matches!(self, StaffRole::Admin | StaffRole::Accountant)
    }

    /// Creating clients, their users and staff users.
    pub fn may_manage_accounts(self) -> bool {
        matches!(self, StaffRole::Admin | StaffRole::Support)
    }
}

stored_enum! {
    /// LED-3: where a payment is in its life.
    PaymentStatus {
        New = "new",
        Paying = "paying",
        Credited = "credited",
        Failed = "failed",
        Cancelled = "cancelled",
        Refunded = "refunded",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip() {
        for s in ClientState::ALL {
            assert_eq!(ClientState::parse(s.as_str()), Some(*s));
        }
        for r in StaffRole::ALL {
            assert_eq!(StaffRole::parse(r.as_str()), Some(*r));
        }
        for p in PaymentStatus::ALL {
            assert_eq!(PaymentStatus::parse(p.as_str()), Some(*p));
        }
        for s in SubscriptionState::ALL {
            assert_eq!(SubscriptionState::parse(s.as_str()), Some(*s));
        }
        assert_eq!(ClientState::parse("frozen"), None);
    }

    #[test]
    fn acc4_roles_gate_money_and_accounts() {
        assert!(StaffRole::Admin.may_move_money());
        assert!(StaffRole::Accountant.may_move_money());
        assert!(!StaffRole::Support.may_move_money());
        assert!(!StaffRole::ReadOnly.may_move_money());
        assert!(StaffRole::Support.may_manage_accounts());
        assert!(!StaffRole::ReadOnly.may_manage_accounts());
    }
}
