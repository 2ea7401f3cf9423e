//! Who is acting, and from where. Every use case takes a [`Ctx`]; the audit
//! record and the access check read it.

use kopek_domain::account::{Right, Rights, StaffRole};
use serde::{Deserialize, Serialize};

use crate::core::error::{EngineError, Result};

/// An authenticated login, or the system itself (a scheduled job, the CLI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    Staff {
        id: i64,
        email: String,
        role: StaffRole,
    },
    ClientUser {
        id: i64,
        client_id: i64,
        email: String,
        /// ACC-3: what this user may do; every right for the owner and a
        /// user with full access.
        #[serde(default)]
        rights: Rights,
        /// ACC-4, OPS-5: the staff member working in this user's session
        /// for support ("log in as"), by e-mail; the audit names them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        acting_staff: Option<String>,
    },
    System {
        name: String,
    },
}

impl Actor {
    pub fn system(name: impl Into<String>) -> Actor {
        Actor::System { name: name.into() }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Actor::Staff { .. } => "staff",
            Actor::ClientUser { .. } => "client_user",
            Actor::System { .. } => "system",
        }
    }

    pub fn id(&self) -> Option<i64> {
        match self {
            Actor::Staff { id, .. } | Actor::ClientUser { id, .. } => Some(*id),
            Actor::System { .. } => None,
        }
    }

    pub fn label(&self) -> String {
        match self {
            Actor::Staff { email, .. } | Actor::ClientUser { email, .. } => email.clone(),
            Actor::System { name } => name.clone(),
        }
    }

    /// Who the audit names: the login, or the staff member acting in a
    /// client's user's session and that user.
    pub fn audit_label(&self) -> String {
        match self {
            Actor::ClientUser { email, acting_staff: Some(staff), .. } => format!("{staff} → {email}"),
            other => other.label(),
        }
    }

    /// The staff member acting in a client's user's session, if one is.
    pub fn acting_staff(&self) -> Option<&str> {
        match self {
            Actor::ClientUser { acting_staff, .. } => acting_staff.as_deref(),
            _ => None,
        }
    }

    /// SEC-4, the one access check: staff and the system see every client,
    /// a client's user only its own. Anything else is "not found", so ids
    /// of other clients can't be probed.
    pub fn ensure_sees_client(&self, client_id: i64) -> Result<()> {
        match self {
            Actor::ClientUser { client_id: own, .. } if *own != client_id => Err(EngineError::not_found("client", client_id)),
            _ => Ok(()),
        }
    }

    /// The client a client's user is limited to; `None` for staff.
    pub fn own_client(&self) -> Option<i64> {
        match self {
            Actor::ClientUser { client_id, .. } => Some(*client_id),
            _ => None,
        }
    }

    /// ACC-3: a client's user needs the right to the function; staff and
    /// the system are limited by their roles instead.
    pub fn ensure_right(&self, right: Right) -> Result<()> {
        match self {
            Actor::ClientUser { rights, .. } if !rights.has(right) => Err(EngineError::Forbidden {
                code: "no_right",
                message: format!("this user has no right to {right}; the client's owner can grant it"),
            }),
            _ => Ok(()),
        }
    }

    pub fn ensure_may_move_money(&self) -> Result<()> {
        match self {
            Actor::Staff { role, .. } if role.may_move_money() => Ok(()),
            Actor::System { .. } => Ok(()),
            _ => Err(EngineError::forbidden("only admins and accountants move money")),
        }
    }

    /// ACC-4: the money screens are not support's (see [`StaffRole::may_see_money`]).
    pub fn ensure_may_see_money(&self) -> Result<()> {
        match self {
            Actor::Staff { role, .. } if role.may_see_money() => Ok(()),
            Actor::System { .. } => Ok(()),
            _ => Err(EngineError::forbidden("only admins, accountants and read-only staff see the money screens")),
        }
    }

    pub fn ensure_may_manage_accounts(&self) -> Result<()> {
        match self {
            Actor::Staff { role, .. } if role.may_manage_accounts() => Ok(()),
            Actor::System { .. } => Ok(()),
            _ => Err(EngineError::forbidden("only admins and support manage accounts")),
        }
    }

    /// ACC-4: a client's credit limit, disconnection threshold and loyalty
    /// discount are set by admins and accountants.
    pub fn ensure_may_change_limits(&self) -> Result<()> {
        match self {
            Actor::Staff { role, .. } if role.may_change_limits() => Ok(()),
            Actor::System { .. } => Ok(()),
            _ => Err(EngineError::forbidden("only admins and accountants change a client's limits")),
        }
    }

    /// ACC-4: a read-only staff member changes nothing. [`crate::core::uow::Uow::audit`]
    /// asks this of every change, so a use case that forgot its own check
    /// still refuses one.
    pub fn ensure_may_change(&self) -> Result<()> {
        match self {
            Actor::Staff { role, .. } if !role.may_change() => Err(EngineError::Forbidden {
                code: "read_only",
                message: "a read-only staff member sees everything and changes nothing".into(),
            }),
            _ => Ok(()),
        }
    }

    /// ACC-4: what this login may do, for pages to offer only that; the
    /// use cases check again whatever is posted.
    pub fn powers(&self) -> Powers {
        let role = match self {
            Actor::Staff { role, .. } => Some(*role),
            Actor::ClientUser { .. } => return Powers::default(),
            Actor::System { .. } => None,
        };
        let has = |f: fn(StaffRole) -> bool| role.is_none_or(f);
        Powers {
            move_money: has(StaffRole::may_move_money),
            see_money: has(StaffRole::may_see_money),
            change_limits: has(StaffRole::may_change_limits),
            manage_accounts: has(StaffRole::may_manage_accounts),
            admin: has(|r| r == StaffRole::Admin),
            change: has(StaffRole::may_change),
            handle_tickets: has(StaffRole::handles_tickets),
        }
    }

    /// What only the provider's people (or the system) may do or read;
    /// `what` completes "only staff …" in the refusal.
    pub fn ensure_staff(&self, what: &str) -> Result<()> {
        match self {
            Actor::ClientUser { .. } => Err(EngineError::forbidden(format!("only staff {what}"))),
            _ => Ok(()),
        }
    }

    pub fn ensure_admin(&self) -> Result<()> {
        match self {
            Actor::Staff { role: StaffRole::Admin, .. } | Actor::System { .. } => Ok(()),
            _ => Err(EngineError::forbidden("only admins do this")),
        }
    }
}

/// ACC-4: what a login's role lets it do, as [`Actor::powers`] reads it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Powers {
    /// Credit payments, post and reverse expenses.
    pub move_money: bool,
    /// See the money screens: transfers, statements, the night.
    pub see_money: bool,
    /// Set credit limits, thresholds and loyalty discounts.
    pub change_limits: bool,
    /// Create clients and users, block and unblock accounts.
    pub manage_accounts: bool,
    pub admin: bool,
    /// Anything at all: false for read-only staff.
    pub change: bool,
    /// SUP-1, ACC-4: answer, close, move and assign tickets (admins and
    /// support staff).
    pub handle_tickets: bool,
}

/// The context of one call: the actor, the address it came from, and the
/// idempotency key of the request if it carried one.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor: Actor,
    pub source_ip: Option<String>,
    pub idempotency_key: Option<String>,
    /// SEC-2: the one-time (or recovery) code sent with the request, which
    /// a sensitive action asks for when the login has two-step
    /// authentication on.
    pub second_factor: Option<String>,
}

impl Ctx {
    pub fn new(actor: Actor) -> Ctx {
        Ctx { actor, source_ip: None, idempotency_key: None, second_factor: None }
    }

    pub fn system(name: &str) -> Ctx {
        Ctx::new(Actor::system(name))
    }

    pub fn with_ip(mut self, ip: Option<String>) -> Ctx {
        self.source_ip = ip;
        self
    }

    pub fn with_idempotency_key(mut self, key: Option<String>) -> Ctx {
        self.idempotency_key = key;
        self
    }

    pub fn with_second_factor(mut self, code: Option<String>) -> Ctx {
        self.second_factor = code.filter(|c| !c.trim().is_empty());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sec4_a_client_user_sees_only_its_client() {
        let user = Actor::ClientUser { id: 1, client_id: 7, email: "a@b.c".into(), rights: Rights::ALL, acting_staff: None };
        assert!(user.ensure_sees_client(7).is_ok());
        assert!(matches!(user.ensure_sees_client(8), Err(EngineError::NotFound { .. })));
        let staff = Actor::Staff { id: 1, email: "s@b.c".into(), role: StaffRole::ReadOnly };
        assert!(staff.ensure_sees_client(8).is_ok());
        assert!(staff.ensure_may_move_money().is_err());
        assert!(user.ensure_may_move_money().is_err());
    }

    #[test]
    fn acc4_powers_follow_the_role() {
        let of = |role| Actor::Staff { id: 1, email: "s@b.c".into(), role }.powers();
        let accountant = of(StaffRole::Accountant);
        assert!(accountant.move_money && accountant.see_money && accountant.change_limits && !accountant.manage_accounts);
        assert!(accountant.change);
        let support = of(StaffRole::Support);
        assert!(!support.move_money && !support.see_money && !support.change_limits && support.manage_accounts);
        assert!(support.change);
        assert!(support.handle_tickets && !accountant.handle_tickets && of(StaffRole::Admin).handle_tickets);
        // Read-only sees the money screens and may nothing else.
        assert_eq!(of(StaffRole::ReadOnly), Powers { see_money: true, ..Powers::default() });
        let read_only = Actor::Staff { id: 1, email: "r@b.c".into(), role: StaffRole::ReadOnly };
        assert_eq!(read_only.ensure_may_change().unwrap_err().code(), "read_only");
        assert!(read_only.ensure_may_change_limits().is_err());
        assert!(Actor::system("cli").powers().admin);
    }

    #[test]
    fn acc3_a_client_user_without_a_right_is_refused_it() {
        let accountant = Actor::ClientUser {
            id: 2,
            client_id: 7,
            email: "acc@b.c".into(),
            rights: Rights::default().with(Right::Finance).with(Right::Documents),
            acting_staff: None,
        };
        assert!(accountant.ensure_right(Right::Finance).is_ok());
        let refused = accountant.ensure_right(Right::Services).unwrap_err();
        assert_eq!((refused.code(), refused.to_string().contains("services")), ("no_right", true));
        let staff = Actor::Staff { id: 1, email: "s@b.c".into(), role: StaffRole::Support };
        assert!(staff.ensure_right(Right::Users).is_ok());
    }
}
