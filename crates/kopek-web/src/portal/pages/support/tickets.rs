//! "Поддержка — Запросы" (SUP-1, SUP-2): the client's tickets, newest
//! first, each with its state as the guide names it and unread ones
//! marked, paged; and "Запрос", the form that opens one: subject,
//! department, the service it is about, the message and files. A refused
//! field or file is shown next to it and nothing is stored.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_domain::account::Right;
use kopek_engine::EngineError;
use kopek_engine::service_life::life::ClientService;
use kopek_engine::support::departments::Department;
use kopek_engine::support::tickets::OpenTicket;
use kopek_engine::support::views::Ticket;
use serde::Serialize;

use super::uploads;
use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::pages::finance::{Paging, page_of};
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser, redirect_with_notice};

pub const LIST: &str = "/support/tickets";

#[derive(Serialize)]
struct Tickets {
    tickets: Vec<Ticket>,
    paging: Paging,
}

#[derive(Serialize)]
struct NewTicket {
    form: Form,
    departments: Vec<Department>,
    services: Vec<ClientService>,
}

pub async fn list(State(state): State<AppState>, user: PortalUser, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let data = async {
        let frame = frame(&state, &user, "tickets", LIST).await?;
        let all = state.engine.tickets(&user.ctx).await?;
        let (tickets, paging) = page_of(all, &q);
        Ok((frame, Tickets { tickets, paging }))
    };
    match data.await {
        Ok((frame, page)) => state.views.render("portal/support/tickets.html", &frame, page),
        Err(err) => error_page(&state, &user, err),
    }
}

/// "Задать вопрос": the empty form; `?service=` (from the dashboard's
/// quick link or a service's page) chooses the service beforehand.
pub async fn new_form(State(state): State<AppState>, user: PortalUser, Query(q): Query<BTreeMap<String, String>>) -> Response {
    if let Err(e) = user.ctx.actor.ensure_right(Right::Support) {
        return error_page(&state, &user, e);
    }
    let service = q.get("service").cloned().unwrap_or_default();
    let form = Form::with(&[("subscription_id", service)]);
    render(&state, &user, form, StatusCode::OK).await
}

/// "Отправить": the ticket is opened and its page shown; a refusal is
/// shown next to its field with what was typed (the files are chosen
/// again: a browser never keeps them).
pub async fn create(State(state): State<AppState>, user: PortalUser, data: FormData) -> Response {
    let (catalog, locale) = (&state.views.catalog, user.locale);
    let mut form = Form::from_data(&data);
    let subject = form.required(&data, "subject", catalog, locale);
    let text = form.required(&data, "text", catalog, locale);
    let department_id = optional_id(&mut form, &data, "department_id", &state, &user);
    let subscription_id = optional_id(&mut form, &data, "subscription_id", &state, &user);
    if form.is_ok() {
        let input = OpenTicket { department_id, subscription_id, subject, text };
        match state.engine.open_ticket(&user.ctx, input, uploads(&data)).await {
            Ok(detail) => return redirect_with_notice(&format!("{LIST}/{}", detail.ticket.id), "support-notice-sent"),
            Err(e @ (EngineError::Invalid { .. } | EngineError::Conflict { .. })) => {
                form.refusal(&e, None, catalog, locale);
            }
            Err(e) => return error_page(&state, &user, e),
        }
    }
    render(&state, &user, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// A select's chosen id; its empty choice is none.
fn optional_id(form: &mut Form, data: &FormData, field: &str, state: &AppState, user: &PortalUser) -> Option<i64> {
    if data.text(field).is_empty() {
        return None;
    }
    form.id(data, field, &state.views.catalog, user.locale)
}

async fn render(state: &AppState, user: &PortalUser, form: Form, status: StatusCode) -> Response {
    let data = async {
        let frame = frame(state, user, "tickets", "/support/tickets/new").await?;
        let departments = state.engine.departments(&user.ctx).await?;
        // A user without the "services" right asks without naming one.
        let services = match state.engine.client_services(&user.ctx, user.client_id).await {
            Ok(list) => list,
            Err(EngineError::Forbidden { .. }) => Vec::new(),
            Err(e) => return Err(e),
        };
        Ok((frame, NewTicket { form, departments, services }))
    };
    match data.await {
        Ok((frame, page)) => state.views.render_status(status, "portal/support/ticket_new.html", &frame, page),
        Err(err) => error_page(state, user, err),
    }
}
