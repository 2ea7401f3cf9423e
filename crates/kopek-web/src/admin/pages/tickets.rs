//! Support (SUP-1, SUP-2, ACC-4): the ticket queue by department and
//! state, and a ticket's page — its messages with the internal notes, the
//! staff's reply or note, close, move to a department and assign to a
//! staff member — through the use cases the API's `/api/v1/support/…`
//! calls. Admins see every ticket; a support staff member its
//! departments' and the unsorted ones; the engine refuses anyone else.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_domain::support::{TicketState, TicketStatus};
use kopek_engine::EngineError;
use kopek_engine::core::views::StaffUser as Member;
use kopek_engine::support::departments::Department;
use kopek_engine::support::queue::{DepartmentFilter, TicketFilter};
use kopek_engine::support::tickets::ReplyTicket;
use kopek_engine::support::views::{Ticket, TicketDetail};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::admin::frame::{error_page, frame};
use crate::admin::pages::labels::{Labelled, labelled};
use crate::admin::session::StaffUser;
use crate::error::status_of;
use crate::portal::form::Form;
use crate::portal::session::{FormData, redirect_with_notice};

const PATH: &str = "/admin/tickets";
const STATES: [&str; 5] = ["under_review", "new_messages", "awaiting_reply", "closed", "archived"];

/// The queue's filters as the GET form sends them: empty is "any"; the
/// department "none" is the unsorted tickets.
#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    department: String,
    #[serde(default)]
    state: String,
}

#[derive(Serialize)]
struct QueuePage {
    departments: Vec<Department>,
    states: [&'static str; 5],
    filter: Form,
    tickets: Vec<Labelled<Ticket>>,
}

fn filter_of(state: &AppState, user: &StaffUser, q: &QueueQuery) -> (Form, TicketFilter) {
    let (catalog, locale) = (&state.views.catalog, user.locale);
    let mut form = Form::with(&[("department", q.department.clone()), ("state", q.state.clone())]);
    let department = match q.department.trim() {
        "" => DepartmentFilter::Any,
        "none" => DepartmentFilter::Unsorted,
        d => d.parse().map(DepartmentFilter::Only).unwrap_or_else(|_| {
            form.error("department", catalog.text(locale, "error-choose", &[]));
            DepartmentFilter::Any
        }),
    };
    let ticket_state = match q.state.trim() {
        "" => None,
        s => TicketState::parse(s).or_else(|| {
            form.error("state", catalog.text(locale, "error-choose", &[]));
            None
        }),
    };
    (form, TicketFilter { department, state: ticket_state })
}

pub async fn queue(State(state): State<AppState>, user: StaffUser, Query(q): Query<QueueQuery>) -> Response {
    let (form, filter) = filter_of(&state, &user, &q);
    let status = if form.is_ok() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let listed = async {
        let departments = state.engine.departments(&user.ctx).await?;
        let tickets = if form.is_ok() { state.engine.ticket_queue(&user.ctx, &filter).await? } else { Vec::new() };
        Ok::<_, EngineError>((departments, labelled(&state, &user.ctx, tickets, |t| t.client_id).await?))
    };
    match listed.await {
        Ok((departments, tickets)) => {
            let page = QueuePage { departments, states: STATES, filter: form, tickets };
            state.views.render_status(status, "admin/tickets/queue.html", &frame(&state, &user, "tickets", PATH), page)
        }
        Err(e) => error_page(&state, &user, e),
    }
}

/// The forms of a ticket's page, each with its values and errors.
#[derive(Serialize, Default)]
struct TicketForms {
    reply: Form,
    moving: Form,
    assign: Form,
}

#[derive(Serialize)]
struct TicketPage {
    detail: TicketDetail,
    client: Option<kopek_engine::accounts::client_card::ClientLabel>,
    departments: Vec<Department>,
    staff: Vec<Member>,
    /// The ticket is open: it may be closed.
    open: bool,
    forms: TicketForms,
}

async fn show(state: &AppState, user: &StaffUser, id: i64, status: StatusCode, forms: TicketForms) -> Response {
    let loaded = async {
        let detail = state.engine.ticket(&user.ctx, id).await?;
        let client = state.engine.client_labels(&user.ctx, &[detail.ticket.client_id]).await?.remove(&detail.ticket.client_id);
        let departments = state.engine.departments(&user.ctx).await?;
        let staff = state.engine.ticket_staff(&user.ctx).await?;
        Ok::<_, EngineError>((detail, client, departments, staff))
    };
    match loaded.await {
        Ok((detail, client, departments, staff)) => {
            let open = detail.ticket.status == TicketStatus::Open;
            let page = TicketPage { detail, client, departments, staff, open, forms };
            let path = format!("{PATH}/{id}");
            state.views.render_status(status, "admin/tickets/ticket.html", &frame(state, user, "tickets", &path), page)
        }
        Err(e) => error_page(state, user, e),
    }
}

pub async fn ticket(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>) -> Response {
    show(&state, &user, id, StatusCode::OK, TicketForms::default()).await
}

/// A refusal of one of the page's forms, next to `field`, nothing changed;
/// a ticket the staff member may not see is the error page.
async fn refused(
    state: &AppState,
    user: &StaffUser,
    id: i64,
    e: EngineError,
    field: Option<&str>,
    mut form: Form,
    put: fn(&mut TicketForms, Form),
) -> Response {
    if e.is_internal() || matches!(e, EngineError::NotFound { .. } | EngineError::Forbidden { .. }) {
        return error_page(state, user, e);
    }
    form.refusal(&e, field, &state.views.catalog, user.locale);
    let mut forms = TicketForms::default();
    put(&mut forms, form);
    show(state, user, id, status_of(&e), forms).await
}

/// «Ответить» or «Внутренняя заметка»: a reply the client sees, or a note
/// only staff read.
pub async fn reply(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, data: FormData) -> Response {
    let internal = data.text("internal") == "1";
    let input = ReplyTicket { text: data.get("text").unwrap_or_default().to_string(), internal };
    match state.engine.reply_ticket(&user.ctx, id, input, Vec::new()).await {
        Ok(_) => {
            let notice = if internal { "desk-notice-noted" } else { "desk-notice-replied" };
            redirect_with_notice(&format!("{PATH}/{id}"), notice)
        }
        Err(e) => refused(&state, &user, id, e, Some("text"), Form::from_data(&data), |f, form| f.reply = form).await,
    }
}

/// «Закрыть».
pub async fn close(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, _: FormData) -> Response {
    match state.engine.close_ticket(&user.ctx, id).await {
        Ok(_) => redirect_with_notice(&format!("{PATH}/{id}"), "desk-notice-closed"),
        Err(e) => refused(&state, &user, id, e, None, Form::default(), |f, form| f.reply = form).await,
    }
}

/// An id from a select; empty is "none" (unsorted, nobody).
fn optional_id(state: &AppState, user: &StaffUser, data: &FormData, field: &str, form: &mut Form) -> Option<Option<i64>> {
    match data.text(field) {
        v if v.is_empty() => Some(None),
        _ => form.id(data, field, &state.views.catalog, user.locale).map(Some),
    }
}

/// «Передать в отдел».
pub async fn move_to(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, data: FormData) -> Response {
    let mut form = Form::from_data(&data);
    let Some(department) = optional_id(&state, &user, &data, "department_id", &mut form) else {
        let forms = TicketForms { moving: form, ..TicketForms::default() };
        return show(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, forms).await;
    };
    match state.engine.move_ticket(&user.ctx, id, department).await {
        Ok(_) => redirect_with_notice(&format!("{PATH}/{id}"), "desk-notice-moved"),
        Err(e) => refused(&state, &user, id, e, Some("department_id"), form, |f, form| f.moving = form).await,
    }
}

/// «Назначить».
pub async fn assign(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, data: FormData) -> Response {
    let mut form = Form::from_data(&data);
    let Some(staff) = optional_id(&state, &user, &data, "assignee_id", &mut form) else {
        let forms = TicketForms { assign: form, ..TicketForms::default() };
        return show(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, forms).await;
    };
    match state.engine.assign_ticket(&user.ctx, id, staff).await {
        Ok(_) => redirect_with_notice(&format!("{PATH}/{id}"), "desk-notice-assigned"),
        Err(e) => refused(&state, &user, id, e, Some("assignee_id"), form, |f, form| f.assign = form).await,
    }
}
