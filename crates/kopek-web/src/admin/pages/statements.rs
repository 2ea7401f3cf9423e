//! A 1C bank statement (PMT-4, OPS-5): staff upload the file, read what it
//! would credit line by line, and credit the matched transfers with one
//! button — through the use cases the API's `POST /api/v1/bank-statements`
//! (and its `/preview`) call. The preview carries the file on in its form,
//! so the credit step reads exactly what was previewed; importing a
//! statement twice credits nothing twice.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::payments::bank_transfer::{StatementLine, StatementReport};
use serde::Serialize;

use crate::AppState;
use crate::admin::frame::{error_page, frame};
use crate::admin::session::StaffUser;
use crate::api::payments::statement_lines;
use crate::portal::form::Form;
use crate::portal::session::FormData;

const PATH: &str = "/admin/payments/statement";

#[derive(Serialize, Default)]
struct StatementPage {
    form: Form,
    /// The report: a preview before crediting, the result after.
    report: Option<StatementReport>,
    /// The file, hex-encoded, for the credit step to send back.
    file: Option<String>,
}

fn show(state: &AppState, user: &StaffUser, status: StatusCode, page: StatementPage) -> Response {
    let frame = frame(state, user, "payments", PATH);
    state.views.render_status(status, "admin/payments/statement.html", &frame, page)
}

/// The upload form.
pub async fn form(State(state): State<AppState>, user: StaffUser) -> Response {
    if let Err(e) = user.ctx.actor.ensure_may_see_money() {
        return error_page(&state, &user, e);
    }
    show(&state, &user, StatusCode::OK, StatementPage::default())
}

/// The file read, or the reason it can't be, next to the file field.
fn read(state: &AppState, user: &StaffUser, file: Option<Vec<u8>>, form: &mut Form) -> Option<(Vec<u8>, Vec<StatementLine>)> {
    let (catalog, locale) = (&state.views.catalog, user.locale);
    let Some(bytes) = file else {
        form.error("statement", catalog.text(locale, "admin-statement-choose", &[]));
        return None;
    };
    match statement_lines(&bytes) {
        Ok(lines) => Some((bytes, lines)),
        Err(why) => {
            form.error("statement", catalog.text(locale, "admin-statement-unreadable", &[("why", why)]));
            None
        }
    }
}

/// The file uploaded: what it would credit, crediting nothing.
pub async fn preview(State(state): State<AppState>, user: StaffUser, data: FormData) -> Response {
    let mut form = Form::default();
    let Some((bytes, lines)) = read(&state, &user, data.file("statement").map(<[u8]>::to_vec), &mut form) else {
        return show(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, StatementPage { form, ..StatementPage::default() });
    };
    match state.engine.preview_bank_statement(&user.ctx, lines).await {
        Ok(report) => {
            let page = StatementPage { form, report: Some(report), file: Some(hex::encode(bytes)) };
            show(&state, &user, StatusCode::OK, page)
        }
        Err(e) => error_page(&state, &user, e),
    }
}

/// «Зачислить»: the previewed file imported; the report says what was
/// credited and what was left for staff.
pub async fn credit(State(state): State<AppState>, user: StaffUser, data: FormData) -> Response {
    let mut form = Form::default();
    let file = hex::decode(data.text("file")).ok().filter(|b| !b.is_empty());
    let Some((_, lines)) = read(&state, &user, file, &mut form) else {
        return show(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, StatementPage { form, ..StatementPage::default() });
    };
    match state.engine.import_bank_statement(&user.ctx, lines).await {
        Ok(report) => show(&state, &user, StatusCode::OK, StatementPage { form, report: Some(report), file: None }),
        Err(e) => error_page(&state, &user, e),
    }
}
