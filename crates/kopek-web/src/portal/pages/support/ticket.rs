//! One ticket in the portal (SUP-1, SUP-2): its messages oldest first, who
//! wrote each (the staff member's name on the provider's), the files as
//! downloads; reading it marks the provider's answer read. The client
//! replies with files, and puts away a ticket that awaits its reply.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::EngineError;
use kopek_engine::support::tickets::ReplyTicket;
use kopek_engine::support::views::TicketDetail;
use serde::Serialize;

use super::tickets::LIST;
use super::uploads;
use crate::AppState;
use crate::api::support::attachment;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser, redirect_with_notice};

#[derive(Serialize)]
struct TicketPage {
    detail: TicketDetail,
    /// "Поместить в архив" is offered: the ticket awaits the client.
    archivable: bool,
    form: Form,
}

pub async fn show(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>) -> Response {
    render(&state, &user, id, Form::default(), StatusCode::OK).await
}

/// "Отправить": the reply and its files; a refusal next to its field.
pub async fn reply(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, data: FormData) -> Response {
    let (catalog, locale) = (&state.views.catalog, user.locale);
    let mut form = Form::from_data(&data);
    let text = form.required(&data, "text", catalog, locale);
    if form.is_ok() {
        match state.engine.reply_ticket(&user.ctx, id, ReplyTicket { text, internal: false }, uploads(&data)).await {
            Ok(_) => return redirect_with_notice(&format!("{LIST}/{id}"), "support-notice-sent"),
            Err(e @ (EngineError::Invalid { .. } | EngineError::Conflict { .. })) => form.refusal(&e, None, catalog, locale),
            Err(e) => return error_page(&state, &user, e),
        }
    }
    render(&state, &user, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// "Поместить в архив".
pub async fn archive(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, _: FormData) -> Response {
    match state.engine.archive_ticket(&user.ctx, id).await {
        Ok(_) => redirect_with_notice(LIST, "support-notice-archived"),
        Err(e @ (EngineError::Invalid { .. } | EngineError::Conflict { .. })) => {
            let mut form = Form::default();
            form.refusal(&e, None, &state.views.catalog, user.locale);
            render(&state, &user, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => error_page(&state, &user, e),
    }
}

/// A ticket's file, always as a download with the type its bytes were
/// found to be.
pub async fn file(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>) -> Response {
    match state.engine.ticket_file(&user.ctx, id).await {
        Ok(file) => attachment(file),
        Err(e) => error_page(&state, &user, e),
    }
}

async fn render(state: &AppState, user: &PortalUser, id: i64, form: Form, status: StatusCode) -> Response {
    let data = async {
        let frame = frame(state, user, "tickets", &format!("{LIST}/{id}")).await?;
        let detail = state.engine.ticket(&user.ctx, id).await?;
        let archivable = detail.ticket.state.awaits_client();
        Ok((frame, TicketPage { detail, archivable, form }))
    };
    match data.await {
        Ok((frame, page)) => state.views.render_status(status, "portal/support/ticket.html", &frame, page),
        Err(err) => error_page(state, user, err),
    }
}
