//! The staff panel's ticket queue (SUP-1, SUP-2, ACC-4): the tickets the
//! actor works with — a support staff member its departments' and the
//! unsorted ones, an admin all — narrowed to one department (or the
//! unsorted ones) and one state.

use kopek_domain::account::StaffRole;
use kopek_domain::support::TicketState;
use serde::{Deserialize, Serialize};

use crate::Engine;
use crate::core::ctx::Ctx;
use crate::core::error::Result;
use crate::core::views::StaffUser;
use crate::support::views::{Ticket, ensure_staff_side};

/// Which department's tickets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum DepartmentFilter {
    #[default]
    Any,
    /// Not sorted into a department yet.
    Unsorted,
    Only(i64),
}

/// The queue's filters; each left at its default narrows nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketFilter {
    pub department: DepartmentFilter,
    pub state: Option<TicketState>,
}

impl TicketFilter {
    pub fn admits(&self, t: &Ticket) -> bool {
        let department = match self.department {
            DepartmentFilter::Any => true,
            DepartmentFilter::Unsorted => t.department_id.is_none(),
            DepartmentFilter::Only(d) => t.department_id == Some(d),
        };
        department && self.state.is_none_or(|s| s == t.state)
    }
}

impl Engine {
    /// The staff a ticket may be given to, or put in a department: the
    /// enabled admins and support staff, by e-mail.
    pub async fn ticket_staff(&self, ctx: &Ctx) -> Result<Vec<StaffUser>> {
        ensure_staff_side(&ctx.actor)?;
        let handles = |s: &StaffUser| s.enabled && StaffRole::parse(&s.role).is_some_and(StaffRole::handles_tickets);
        Ok(self.staff_users(ctx).await?.into_iter().filter(handles).collect())
    }

    /// Staff: the tickets the actor works with that the filter admits,
    /// newest first (as [`Engine::tickets`] lists them).
    pub async fn ticket_queue(&self, ctx: &Ctx, filter: &TicketFilter) -> Result<Vec<Ticket>> {
        ensure_staff_side(&ctx.actor)?;
        Ok(self.tickets(ctx).await?.into_iter().filter(|t| filter.admits(t)).collect())
    }
}
