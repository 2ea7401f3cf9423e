//! SUP-1, SUP-2: a ticket's life. A client's user opens one with its first
//! message and files; either side replies (staff may leave an internal
//! note); the client reads and archives; staff close, reopen, move and
//! assign; the nightly run closes tickets the client left unanswered.

use kopek_domain::DomainError;
use kopek_domain::support::{
    self as rules, AuthorKind, SUBJECT_MAX_CHARS, TEXT_MAX_CHARS, TicketAction, TicketStatus, auto_close_due,
};
use kopek_store::support::{self as store, NewMessage, NewTicket, TicketRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::core::ctx::{Actor, Ctx};
use crate::core::error::{EngineError, Result};
use crate::core::notify::{NewTicketNotice, notify_client, notify_staff_of_ticket};
use crate::core::uow::Uow;
use crate::support::files::FileToKeep;
use crate::support::views::{
    Scope, Ticket, TicketDetail, TicketFile, TicketMessage, Upload, ensure_staff_side, scope, state_of, ticket_view,
    visible_ticket,
};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenTicket {
    /// Required when the provider has departments.
    #[serde(default)]
    pub department_id: Option<i64>,
    /// One of the client's services the question is about.
    #[serde(default)]
    pub subscription_id: Option<i64>,
    pub subject: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyTicket {
    pub text: String,
    /// Staff only: a note the client never sees.
    #[serde(default)]
    pub internal: bool,
}

/// What the nightly auto-close did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AutoCloseReport {
    pub closed: Vec<i64>,
}

impl Engine {
    /// A client's user opens a ticket with its first message and files.
    pub async fn open_ticket(&self, ctx: &Ctx, input: OpenTicket, files: Vec<Upload>) -> Result<TicketDetail> {
        let Scope::Client(client_id) = scope(&ctx.actor)? else {
            return Err(EngineError::forbidden("only a client's users open tickets"));
        };
        let subject = rules::check_text("subject", &input.subject, SUBJECT_MAX_CHARS)?;
        let text = rules::check_text("text", &input.text, TEXT_MAX_CHARS)?;
        let mut uow = self.begin(ctx).await?;
        let department_id = self.checked_department(&mut uow, input.department_id).await?;
        if let Some(sub) = input.subscription_id {
            let life = kopek_store::service_life::life(&mut uow.conn, sub).await?;
            if life.is_none_or(|l| l.client_id != client_id) {
                return Err(EngineError::invalid_field(
                    "subscription_id",
                    "unknown_service",
                    format!("no service {sub} of this client"),
                ));
            }
        }
        let id = self.insert_ticket(&mut uow, client_id, department_id, input.subscription_id, &subject, &text, &files).await?;
        let row = reread(&mut uow.conn, id).await?;
        let detail = load_detail(&mut uow.conn, &ctx.actor, row).await?;
        uow.finish(detail).await
    }

    /// Writes a ticket, its first message and files, the audit record and
    /// the staff's notice: shared by [`Engine::open_ticket`] and a service
    /// question (SVC-2).
    #[allow(clippy::too_many_arguments, reason = "one ticket's parts, each named; a struct would only rename them")]
    pub(crate) async fn insert_ticket(
        &self,
        uow: &mut Uow<'_>,
        client_id: i64,
        department_id: Option<i64>,
        subscription_id: Option<i64>,
        subject: &str,
        text: &str,
        files: &[Upload],
    ) -> Result<i64> {
        let actor = uow.ctx().actor.clone();
        let label = actor.label();
        let new = NewTicket { client_id, department_id, subscription_id, subject, created_by: &label };
        let row = store::insert_ticket(&mut uow.conn, &new, uow.now).await?;
        self.add_message(uow, &row, AuthorKind::Client, text, false, files).await?;
        let (staff, department) = match department_id {
            Some(d) => (
                store::department_staff(&mut uow.conn, d).await?,
                store::department(&mut uow.conn, d).await?.map(|d| d.name).unwrap_or_default(),
            ),
            None => (Vec::new(), String::new()),
        };
        let client = kopek_store::clients::get(&mut uow.conn, client_id).await?.map(|c| c.name).unwrap_or_default();
        let notice = NewTicketNotice {
            ticket_id: row.id,
            client_id,
            department_id,
            subject: subject.to_string(),
            staff,
            client,
            department,
        };
        notify_staff_of_ticket(uow, &notice).await?;
        let audit =
            serde_json::json!({ "department_id": department_id, "subscription_id": subscription_id, "files": files.len() });
        uow.audit("support.ticket_opened", "ticket", row.id, Some(client_id), audit).await?;
        Ok(row.id)
    }

    /// A message from either side. A staff reply the client can see tells
    /// the client's users (NTF-4 "support.reply").
    pub async fn reply_ticket(&self, ctx: &Ctx, id: i64, input: ReplyTicket, files: Vec<Upload>) -> Result<TicketDetail> {
        let text = rules::check_text("text", &input.text, TEXT_MAX_CHARS)?;
        let author = author_kind(&ctx.actor);
        if input.internal && author == AuthorKind::Client {
            return Err(EngineError::forbidden("only staff write internal notes"));
        }
        let mut uow = self.begin(ctx).await?;
        let row = visible_ticket(&mut uow.conn, &ctx.actor, id).await?;
        let message_id = self.add_message(&mut uow, &row, author, &text, input.internal, &files).await?;
        if author == AuthorKind::Staff && !input.internal {
            let data = serde_json::json!({ "ticket_id": row.id, "subject": row.subject });
            notify_client(&mut uow, row.client_id, "support.reply", data, &format!("message-{message_id}")).await?;
        }
        let audit = serde_json::json!({ "message_id": message_id, "internal": input.internal, "files": files.len() });
        uow.audit("support.ticket_replied", "ticket", row.id, Some(row.client_id), audit).await?;
        let row = reread(&mut uow.conn, id).await?;
        let detail = load_detail(&mut uow.conn, &ctx.actor, row).await?;
        uow.finish(detail).await
    }

    /// Inserts a message and its checked files, and moves the ticket on:
    /// open again, with its last author and read mark (an internal note
    /// changes neither).
    async fn add_message(
        &self,
        uow: &mut Uow<'_>,
        row: &TicketRow,
        author: AuthorKind,
        text: &str,
        internal: bool,
        files: &[Upload],
    ) -> Result<i64> {
        let pairs: Vec<(&str, &[u8])> = files.iter().map(|f| (f.name.as_str(), f.bytes.as_slice())).collect();
        let checked = self.settings.support.check_files("files", &pairs)?;
        // Every refusal comes before a file is written to a files directory.
        let status = if internal { None } else { Some(rules::transition(state_of(row), row.status, TicketAction::Reply)?) };
        let actor = &uow.ctx().actor;
        let label = actor.label();
        let new =
            NewMessage { ticket_id: row.id, author_kind: author, author_id: actor.id(), author_label: &label, text, internal };
        let message = store::insert_message(&mut uow.conn, &new, uow.now).await?;
        for (file, upload) in checked.iter().zip(files) {
            let keep = FileToKeep {
                ticket_id: row.id,
                message_id: message.id,
                name: &file.name,
                content_type: file.kind.content_type(),
                bytes: &upload.bytes,
            };
            self.settings.support_files.keep(&mut uow.conn, keep, uow.now).await?;
        }
        if let Some(status) = status {
            store::touch_ticket(&mut uow.conn, row.id, status, author, author == AuthorKind::Client, uow.now).await?;
        }
        Ok(message.id)
    }

    /// The tickets the actor works with, newest first.
    pub async fn tickets(&self, ctx: &Ctx) -> Result<Vec<Ticket>> {
        let mut conn = self.store.conn().await?;
        let rows = match scope(&ctx.actor)? {
            Scope::Client(client_id) => store::client_tickets(&mut conn, client_id).await?,
            Scope::Departments(staff_id) => store::staff_tickets(&mut conn, staff_id).await?,
            Scope::All => store::all_tickets(&mut conn).await?,
        };
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(ticket_view(&mut conn, row).await?);
        }
        Ok(out)
    }

    /// One ticket with its messages. A client's user reading it has read
    /// the staff's answer: "new messages" becomes "awaiting your reply".
    pub async fn ticket(&self, ctx: &Ctx, id: i64) -> Result<TicketDetail> {
        let mut uow = self.begin(ctx).await?;
        let mut row = visible_ticket(&mut uow.conn, &ctx.actor, id).await?;
        let client_reads = matches!(ctx.actor, Actor::ClientUser { .. });
        let marked = client_reads && store::mark_read(&mut uow.conn, id).await?;
        if marked {
            row.client_read = true;
            uow.audit("support.ticket_read", "ticket", id, Some(row.client_id), serde_json::json!({})).await?;
        }
        let detail = load_detail(&mut uow.conn, &ctx.actor, row).await?;
        if marked {
            return uow.finish(detail).await;
        }
        // Nothing changed: the transaction is dropped, not committed.
        Ok(detail)
    }

    /// The client puts away a ticket that awaits its reply.
    pub async fn archive_ticket(&self, ctx: &Ctx, id: i64) -> Result<Ticket> {
        let Scope::Client(_) = scope(&ctx.actor)? else {
            return Err(EngineError::forbidden("only the client archives its ticket"));
        };
        self.change_status(ctx, id, TicketAction::Archive, "support.ticket_archived").await
    }

    pub async fn close_ticket(&self, ctx: &Ctx, id: i64) -> Result<Ticket> {
        ensure_staff_side(&ctx.actor)?;
        self.change_status(ctx, id, TicketAction::Close, "support.ticket_closed").await
    }

    pub async fn reopen_ticket(&self, ctx: &Ctx, id: i64) -> Result<Ticket> {
        ensure_staff_side(&ctx.actor)?;
        self.change_status(ctx, id, TicketAction::Reopen, "support.ticket_reopened").await
    }

    async fn change_status(&self, ctx: &Ctx, id: i64, action: TicketAction, audit: &str) -> Result<Ticket> {
        let mut uow = self.begin(ctx).await?;
        let mut row = visible_ticket(&mut uow.conn, &ctx.actor, id).await?;
        let status = rules::transition(state_of(&row), row.status, action)?;
        store::set_status(&mut uow.conn, id, status).await?;
        let details = serde_json::json!({ "from": row.status, "to": status });
        uow.audit(audit, "ticket", id, Some(row.client_id), details).await?;
        row.status = status;
        let view = ticket_view(&mut uow.conn, row).await?;
        uow.finish(view).await
    }

    /// Staff move a ticket to another department (None: unsorted).
    pub async fn move_ticket(&self, ctx: &Ctx, id: i64, department_id: Option<i64>) -> Result<Ticket> {
        ensure_staff_side(&ctx.actor)?;
        let mut uow = self.begin(ctx).await?;
        let mut row = visible_ticket(&mut uow.conn, &ctx.actor, id).await?;
        let department_id = self.checked_department(&mut uow, department_id).await?;
        store::set_department(&mut uow.conn, id, department_id).await?;
        let details = serde_json::json!({ "from": row.department_id, "to": department_id });
        uow.audit("support.ticket_moved", "ticket", id, Some(row.client_id), details).await?;
        row.department_id = department_id;
        let view = ticket_view(&mut uow.conn, row).await?;
        uow.finish(view).await
    }

    /// Staff give a ticket to a staff member of admin or support role (None:
    /// nobody).
    pub async fn assign_ticket(&self, ctx: &Ctx, id: i64, staff_id: Option<i64>) -> Result<Ticket> {
        ensure_staff_side(&ctx.actor)?;
        let mut uow = self.begin(ctx).await?;
        let mut row = visible_ticket(&mut uow.conn, &ctx.actor, id).await?;
        if let Some(s) = staff_id {
            let staff = kopek_store::users::staff_user(&mut uow.conn, s).await?;
            let handles = staff.is_some_and(|u| u.enabled && u.role.handles_tickets());
            if !handles {
                return Err(EngineError::invalid_field(
                    "assignee_id",
                    "unknown_assignee",
                    format!("no admin or support staff user {s}"),
                ));
            }
        }
        store::set_assignee(&mut uow.conn, id, staff_id).await?;
        uow.audit("support.ticket_assigned", "ticket", id, Some(row.client_id), serde_json::json!({ "assignee_id": staff_id }))
            .await?;
        row.assignee_id = staff_id;
        let view = ticket_view(&mut uow.conn, row).await?;
        uow.finish(view).await
    }

    /// SUP-2: closes every open ticket left awaiting the client's reply
    /// for the provider's number of days. Idempotent: a closed ticket is
    /// not looked at again.
    pub async fn auto_close_tickets(&self, ctx: &Ctx) -> Result<AutoCloseReport> {
        let days = self.settings.support.auto_close_days;
        let mut report = AutoCloseReport::default();
        if days == 0 {
            return Ok(report);
        }
        let mut uow = self.begin(ctx).await?;
        let now = uow.now;
        let cutoff = now - chrono::Duration::days(i64::from(days));
        for row in store::awaiting_client_since(&mut uow.conn, cutoff).await? {
            if auto_close_due(state_of(&row), row.last_message_at, now, days) {
                store::set_status(&mut uow.conn, row.id, TicketStatus::Closed).await?;
                uow.audit(
                    "support.ticket_auto_closed",
                    "ticket",
                    row.id,
                    Some(row.client_id),
                    serde_json::json!({ "days": days }),
                )
                .await?;
                report.closed.push(row.id);
            }
        }
        if report.closed.is_empty() {
            return Ok(report);
        }
        uow.finish(report).await
    }

    /// The department a ticket goes to: an enabled one, or none while the
    /// provider has no departments at all.
    async fn checked_department(&self, uow: &mut Uow<'_>, department_id: Option<i64>) -> Result<Option<i64>> {
        let all = store::departments(&mut uow.conn).await?;
        match department_id {
            Some(d) if all.iter().any(|x| x.id == d && x.enabled) => Ok(Some(d)),
            Some(d) => Err(EngineError::invalid_field("department_id", "unknown_department", format!("no department {d}"))),
            None if all.iter().any(|x| x.enabled) => {
                Err(DomainError::invalid("department_id", "choose the department to write to").into())
            }
            None => Ok(None),
        }
    }
}

fn author_kind(actor: &Actor) -> AuthorKind {
    match actor {
        Actor::ClientUser { .. } => AuthorKind::Client,
        _ => AuthorKind::Staff,
    }
}

/// The ticket just written, read back in the same transaction.
async fn reread(conn: &mut kopek_store::Conn, id: i64) -> Result<TicketRow> {
    store::ticket(conn, id).await?.ok_or_else(|| EngineError::Internal(format!("ticket {id} vanished in its own transaction")))
}

/// The ticket's view with its messages; a client's user never gets the
/// internal notes.
async fn load_detail(conn: &mut kopek_store::Conn, actor: &Actor, row: TicketRow) -> Result<TicketDetail> {
    let staff = !matches!(actor, Actor::ClientUser { .. });
    let messages = store::messages(conn, row.id, staff).await?;
    let files = store::files(conn, row.id).await?;
    let mut named = Vec::with_capacity(messages.len());
    for m in messages {
        let author = author_name(conn, staff, &m).await?;
        named.push((m, author));
    }
    let messages = named
        .into_iter()
        .map(|(m, author)| TicketMessage {
            files: files
                .iter()
                .filter(|f| f.message_id == m.id)
                .map(|f| TicketFile { id: f.id, name: f.name.clone(), content_type: f.content_type.clone(), size: f.size })
                .collect(),
            id: m.id,
            author_kind: m.author_kind,
            author,
            text: m.text,
            internal: m.internal,
            created_at: m.created_at,
        })
        .collect();
    Ok(TicketDetail { ticket: ticket_view(conn, row).await?, messages })
}

/// Who wrote a message as the reader sees it: staff see the author's
/// login; a client's user sees a staff member by name, never its login.
async fn author_name(conn: &mut kopek_store::Conn, staff_reads: bool, m: &store::MessageRow) -> Result<String> {
    if staff_reads || m.author_kind != AuthorKind::Staff {
        return Ok(m.author_label.clone());
    }
    let Some(id) = m.author_id else { return Ok(m.author_label.clone()) };
    Ok(kopek_store::users::staff_user(conn, id).await?.map_or_else(|| m.author_label.clone(), |u| u.full_name))
}
