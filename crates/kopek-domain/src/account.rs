//! States and roles of accounts and logins (ACC-1, ACC-4), the statuses of
//! payments (LED-3) and the states of subscriptions (SVC-1), as closed sets
//! with their stored names.

use serde::{Deserialize, Serialize};

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

    /// A client's money terms: the credit limit, the disconnection
    /// threshold and the loyalty discount. An accountant's work, not
    /// support's: they decide how much a client may owe.
    pub fn may_change_limits(self) -> bool {
        matches!(self, StaffRole::Admin | StaffRole::Accountant)
    }

    /// The money screens — transfers awaiting money, bank statements, the
    /// night's runs: everyone but support, whose work is the clients'
    /// questions, not the books.
    pub fn may_see_money(self) -> bool {
        !matches!(self, StaffRole::Support)
    }

    /// Read-only staff see every screen and change nothing.
    pub fn may_change(self) -> bool {
        !matches!(self, StaffRole::ReadOnly)
    }

    /// SUP-1, ACC-4: answering tickets, sitting in a department and being
    /// given a ticket: admins and support staff.
    pub fn handles_tickets(self) -> bool {
        matches!(self, StaffRole::Admin | StaffRole::Support)
    }
}

stored_enum! {
    /// ACC-3: a function of the portal a client's user may be given or
    /// refused ("Права"); the owner and a user with full access have all.
    Right {
        /// Payments, top-ups, expenses, saved methods, autopayment,
        /// auto-renewal, the credit limit, promised payments.
        Finance = "finance",
        /// Invoices, acts, reconciliation acts, contracts.
        Documents = "documents",
        /// The order form, the cart and orders.
        Orders = "orders",
        /// The client's services and subscriptions, and their actions.
        Services = "services",
        /// Tickets and questions about a service.
        Support = "support",
        /// The client's users and their rights.
        Users = "users",
        /// Payers and their contracts.
        Payers = "payers",
    }
}

/// ACC-3: the rights a client's user holds, stored as their names joined
/// by commas ("finance,orders").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "Vec<Right>", from = "Vec<Right>")]
pub struct Rights(u16);

impl Rights {
    pub const ALL: Rights = Rights((1 << Right::ALL.len()) - 1);

    fn bit(right: Right) -> u16 {
        1 << Right::ALL.iter().position(|r| *r == right).unwrap_or(0)
    }

    pub fn has(self, right: Right) -> bool {
        self.0 & Rights::bit(right) != 0
    }

    pub fn with(self, right: Right) -> Rights {
        Rights(self.0 | Rights::bit(right))
    }

    pub fn list(self) -> Vec<Right> {
        Right::ALL.iter().copied().filter(|r| self.has(*r)).collect()
    }

    /// The stored form.
    pub fn stored(self) -> String {
        self.list().iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
    }
}

impl From<Vec<Right>> for Rights {
    fn from(rights: Vec<Right>) -> Rights {
        rights.into_iter().fold(Rights::default(), Rights::with)
    }
}

impl From<Rights> for Vec<Right> {
    fn from(r: Rights) -> Vec<Right> {
        r.list()
    }
}

impl TryFrom<String> for Rights {
    type Error = crate::stored::UnknownStored;

    fn try_from(value: String) -> Result<Rights, Self::Error> {
        value.split(',').map(str::trim).filter(|s| !s.is_empty()).try_fold(Rights::default(), |acc, name| {
            Right::parse(name)
                .map(|r| acc.with(r))
                .ok_or_else(|| crate::stored::UnknownStored { what: "Right", value: value.clone() })
        })
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

stored_enum! {
    /// NTF-2: what a notification is about ("Получать финансовые
    /// уведомления", "…новостные…", "…по услугам", "…центра поддержки").
    NotificationCategory {
        Finance = "finance",
        News = "news",
        Services = "services",
        Support = "support",
    }
}

stored_enum! {
    /// NTF-2: how a notification reaches a user.
    NotificationChannel {
        Email = "email",
        /// The messenger: Telegram (NTF-5).
        Messenger = "messenger",
        Sms = "sms",
        /// The portal's own list of notifications.
        Portal = "portal",
    }
}

impl NotificationChannel {
    /// What a user gets before choosing: every category by email only.
    pub fn on_by_default(self) -> bool {
        self == NotificationChannel::Email
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
    fn acc3_rights_are_stored_by_name_and_read_back() {
        let r = Rights::default().with(Right::Finance).with(Right::Orders);
        assert_eq!(r.stored(), "finance,orders");
        assert_eq!(Rights::try_from("orders,finance".to_string()).unwrap(), r);
        assert_eq!(Rights::try_from(String::new()).unwrap(), Rights::default());
        assert!(Rights::try_from("finance,root".to_string()).is_err());
        assert!(Rights::ALL.has(Right::Payers) && !r.has(Right::Users));
        assert_eq!(serde_json::to_value(r).unwrap(), serde_json::json!(["finance", "orders"]));
    }

    #[test]
    fn acc4_roles_gate_money_and_accounts() {
        assert!(StaffRole::Admin.may_move_money());
        assert!(StaffRole::Accountant.may_move_money());
        assert!(!StaffRole::Support.may_move_money());
        assert!(!StaffRole::ReadOnly.may_move_money());
        assert!(StaffRole::Support.handles_tickets() && !StaffRole::Accountant.handles_tickets());
        assert!(StaffRole::Support.may_manage_accounts());
        assert!(!StaffRole::ReadOnly.may_manage_accounts());
        assert!(!StaffRole::Accountant.may_manage_accounts());
        assert!(StaffRole::Accountant.may_change_limits() && StaffRole::Admin.may_change_limits());
        assert!(!StaffRole::Support.may_change_limits() && !StaffRole::ReadOnly.may_change_limits());
        let changers: Vec<_> = StaffRole::ALL.iter().filter(|r| r.may_change()).collect();
        assert_eq!(changers, [&StaffRole::Admin, &StaffRole::Accountant, &StaffRole::Support]);
    }
}
