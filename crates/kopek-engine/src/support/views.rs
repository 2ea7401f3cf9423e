//! What support's use cases answer and who sees a ticket: a client's user
//! with the "support" right sees its client's; a support staff user its
//! departments' (and the unsorted ones); an admin all. Anything else is
//! "not found", so ids can't be probed.

use chrono::{DateTime, Utc};
use kopek_domain::account::{Right, StaffRole};
use kopek_domain::support::{AuthorKind, TicketState, TicketStatus};
use kopek_store::Conn;
use kopek_store::support::{self as store, TicketRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::core::ctx::Actor;
use crate::core::error::{EngineError, Result};

/// A ticket as a list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Ticket {
    pub id: i64,
    pub client_id: i64,
    /// None: not sorted into a department yet.
    pub department_id: Option<i64>,
    pub department: Option<String>,
    pub subscription_id: Option<i64>,
    pub subject: String,
    #[schema(value_type = String)]
    pub status: TicketStatus,
    /// SUP-2: what the client sees (new_messages, under_review,
    /// awaiting_reply, closed, archived).
    #[schema(value_type = String)]
    pub state: TicketState,
    /// The provider answered and the client has not read it.
    pub unread: bool,
    pub assignee_id: Option<i64>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub last_message_at: DateTime<Utc>,
}

/// One message with its files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TicketMessage {
    pub id: i64,
    #[schema(value_type = String)]
    pub author_kind: AuthorKind,
    pub author: String,
    pub text: String,
    /// A staff note the client never sees.
    pub internal: bool,
    pub created_at: DateTime<Utc>,
    pub files: Vec<TicketFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TicketFile {
    pub id: i64,
    pub name: String,
    pub content_type: String,
    pub size: i64,
}

/// A ticket with its messages, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TicketDetail {
    pub ticket: Ticket,
    pub messages: Vec<TicketMessage>,
}

/// An uploaded file, as a form or request carried it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Which tickets an actor works with.
pub(crate) enum Scope {
    Client(i64),
    Departments(i64),
    All,
}

/// The actor's scope: a client's user needs the "support" right; of staff
/// only admins and support staff handle tickets.
pub(crate) fn scope(actor: &Actor) -> Result<Scope> {
    match actor {
        Actor::ClientUser { client_id, .. } => {
            actor.ensure_right(Right::Support)?;
            Ok(Scope::Client(*client_id))
        }
        Actor::Staff { role: StaffRole::Admin, .. } | Actor::System { .. } => Ok(Scope::All),
        Actor::Staff { role: StaffRole::Support, id, .. } => Ok(Scope::Departments(*id)),
        Actor::Staff { .. } => Err(EngineError::forbidden("only admins and support staff handle tickets")),
    }
}

/// The ticket, if the actor may see it; "not found" otherwise.
pub(crate) async fn visible_ticket(conn: &mut Conn, actor: &Actor, id: i64) -> Result<TicketRow> {
    let scope = scope(actor)?;
    let row = store::ticket(conn, id).await?.ok_or_else(|| EngineError::not_found("ticket", id))?;
    let sees = match scope {
        Scope::Client(client_id) => row.client_id == client_id,
        Scope::All => true,
        Scope::Departments(staff_id) => match row.department_id {
            None => true,
            Some(d) => store::departments_of_staff(conn, staff_id).await?.contains(&d),
        },
    };
    if sees { Ok(row) } else { Err(EngineError::not_found("ticket", id)) }
}

/// Staff only: a client's user is refused what only the provider does.
pub(crate) fn ensure_staff_side(actor: &Actor) -> Result<()> {
    actor.ensure_staff("handle tickets this way")
}

pub(crate) fn state_of(row: &TicketRow) -> TicketState {
    TicketState::of(row.status, row.last_author, row.client_read)
}

pub(crate) async fn ticket_view(conn: &mut Conn, row: TicketRow) -> Result<Ticket> {
    let department = match row.department_id {
        Some(d) => store::department(conn, d).await?.map(|d| d.name),
        None => None,
    };
    let state = state_of(&row);
    Ok(Ticket {
        id: row.id,
        client_id: row.client_id,
        department_id: row.department_id,
        department,
        subscription_id: row.subscription_id,
        subject: row.subject,
        status: row.status,
        state,
        unread: state.unread(),
        assignee_id: row.assignee_id,
        created_by: row.created_by,
        created_at: row.created_at,
        last_message_at: row.last_message_at,
    })
}
