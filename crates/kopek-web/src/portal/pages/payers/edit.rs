//! "Редактирование плательщика" (PAY-3): the payer's fields as the wizard's
//! last step has them, kind and country kept. Another client's payer is the
//! engine's "not found".

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_domain::payer::PayerKind;
use kopek_engine::EngineError;
use kopek_engine::payments::payers::PayerInput;
use serde::Serialize;

use super::{PayerForm, page_error};
use crate::AppState;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser, redirect_with_notice};

#[derive(Serialize)]
struct EditPage {
    id: i64,
    /// The name as stored, for the heading while the form is refused.
    title: String,
    payer: PayerForm,
}

fn kind_of(code: &str) -> Result<PayerKind, EngineError> {
    PayerKind::parse(code).ok_or_else(|| EngineError::Internal(format!("stored payer kind {code:?}")))
}

async fn render(state: &AppState, user: &PortalUser, status: StatusCode, page: EditPage) -> Response {
    match frame(state, user, "payers", &format!("/client/payers/{}/edit", page.id)).await {
        Ok(frame) => state.views.render_status(status, "portal/payers/edit.html", &frame, page),
        Err(err) => error_page(state, user, err),
    }
}

pub async fn show(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>) -> Response {
    let payer = match state.engine.payer(&user.ctx, id).await {
        Ok(p) => p,
        Err(err) => return error_page(&state, &user, err),
    };
    match kind_of(&payer.kind) {
        Ok(kind) => {
            let page = EditPage { id, title: payer.details.name.clone(), payer: PayerForm::of(kind, &payer.details) };
            render(&state, &user, StatusCode::OK, page).await
        }
        Err(err) => error_page(&state, &user, err),
    }
}

/// "Сохранить": the kind and country stay the payer's; a refusal comes back
/// next to its field with what was typed.
pub async fn save(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, data: FormData) -> Response {
    let catalog = &state.views.catalog;
    let payer = match state.engine.payer(&user.ctx, id).await {
        Ok(p) => p,
        Err(err) => return error_page(&state, &user, err),
    };
    let kind = match kind_of(&payer.kind) {
        Ok(k) => k,
        Err(err) => return error_page(&state, &user, err),
    };
    let (mut form, details) = PayerForm::read(&data, kind, payer.details.country.clone(), catalog, user.locale);
    if form.form.is_ok() {
        let input = PayerInput { kind: payer.kind.clone(), details };
        match state.engine.update_payer(&user.ctx, id, input).await {
            Ok(_) => return redirect_with_notice("/client/payers", "notice-saved"),
            Err(e) if page_error(&e) => return error_page(&state, &user, e),
            Err(e) => form.refusal(&e, catalog, user.locale),
        }
    }
    render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, EditPage { id, title: payer.details.name, payer: form }).await
}
