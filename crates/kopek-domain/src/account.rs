//! States and roles of accounts and logins (ACC-1, ACC-4), the statuses of
//! payments (LED-3) and the states of subscriptions (SVC-1), as closed sets
//! with their stored names.

use crate::stored::stored_enum;

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
    /// How a subscription is paid: charged from the balance each period (the
    /// ISP's way), or paid ahead for a period and renewed (hosting's way).
    SubscriptionStyle {
        Balance = "balance",
        PaidPeriod = "paid_period",
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

impl PaymentStatus {
    /// Still waiting for its money: the only states money may arrive in.
    pub fn is_awaiting(self) -> bool {
        matches!(self, PaymentStatus::New | PaymentStatus::Paying)
    }
}

stored_enum! {
    /// LED-2: an expense is posted, or reversed by a later entry (CHG-7).
    ExpenseStatus {
        Posted = "posted",
        Reversed = "reversed",
    }
}

stored_enum! {
    /// Why a payment by a method is made; its webhook finishes what it was
    /// for.
    PurposeKind {
        TopUp = "top_up",
        /// The set-up payment of a saved method (PMT-6).
        MethodSetup = "method_setup",
        /// An auto-renewal by the subscription's saved method (PMT-7).
        Renewal = "renewal",
        /// A top-up when the balance runs low (PMT-5).
        Autopay = "autopay",
        /// An order paid directly by a method (PMT-2, ORD-5).
        Order = "order",
    }
}

impl PurposeKind {
    /// A payment made without the payer at the keyboard: a cancellation is
    /// as bad as a decline for its saved method.
    pub fn is_unattended(self) -> bool {
        matches!(self, PurposeKind::Renewal | PurposeKind::Autopay)
    }
}

stored_enum! {
    /// ORD-4: an order waits for its payment, is paid, or was cancelled.
    OrderStatus {
        AwaitingPayment = "awaiting_payment",
        Paid = "paid",
        Cancelled = "cancelled",
    }
}

stored_enum! {
    /// PMT-2: an order is paid from the balance or by a method.
    OrderPayBy {
        Balance = "balance",
        Method = "method",
    }
}

stored_enum! {
    /// CHG-4: a promised payment is open until repaid or expired.
    PromisedStatus {
        Open = "open",
        Repaid = "repaid",
        Expired = "expired",
    }
}

stored_enum! {
    /// SVC-3: where a provisioning operation is: waiting for its hook (or
    /// its next try), answered, or given up.
    OperationStatus {
        Pending = "pending",
        Done = "done",
        Failed = "failed",
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
        for s in SubscriptionStyle::ALL.iter().map(|v| v.as_str()).chain(PurposeKind::ALL.iter().map(|v| v.as_str())) {
            assert!(SubscriptionStyle::parse(s).is_some() || PurposeKind::parse(s).is_some());
        }
        assert_eq!(ClientState::parse("frozen"), None);
        let err = SubscriptionState::try_from("frozen".to_string()).unwrap_err();
        assert_eq!(err.to_string(), "unknown SubscriptionState \"frozen\" in the database");
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
