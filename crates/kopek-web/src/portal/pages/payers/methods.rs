//! "Клиент — Способы оплаты" (PMT-6): the saved methods with their status
//! and how many auto-renewing services each pays, the balance's own line,
//! rename, and delete after a page that names the services whose
//! auto-renewal the deletion switches off.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::EngineError;
use kopek_engine::payments::saved_methods::{RenameSavedMethod, SavedMethod, SavedMethods};
use serde::Serialize;

use super::{page_error, refusal};
use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser, redirect_with_notice};

const LIST: &str = "/client/payment-methods";

async fn render<T: Serialize>(
    state: &AppState,
    user: &PortalUser,
    status: StatusCode,
    path: &str,
    template: &str,
    page: T,
) -> Response {
    match frame(state, user, "methods", path).await {
        Ok(frame) => state.views.render_status(status, template, &frame, page),
        Err(err) => error_page(state, user, err),
    }
}

pub async fn show(State(state): State<AppState>, user: PortalUser) -> Response {
    match state.engine.saved_methods(&user.ctx, user.client_id).await {
        Ok(list) => render::<SavedMethods>(&state, &user, StatusCode::OK, LIST, "portal/payers/methods.html", list).await,
        Err(err) => error_page(&state, &user, err),
    }
}

#[derive(Serialize)]
struct RenamePage {
    method: SavedMethod,
    form: Form,
}

fn rename_path(id: i64) -> String {
    format!("{LIST}/{id}/rename")
}

pub async fn rename_form(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>) -> Response {
    match state.engine.saved_method(&user.ctx, id).await {
        Ok(method) => {
            let form = Form::with(&[("name", method.name.clone())]);
            let page = RenamePage { method, form };
            render(&state, &user, StatusCode::OK, &rename_path(id), "portal/payers/method_rename.html", page).await
        }
        Err(err) => error_page(&state, &user, err),
    }
}

/// "Изменить — Ok": the new name, or the form again with the message next
/// to the name.
pub async fn rename(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, data: FormData) -> Response {
    let method = match state.engine.saved_method(&user.ctx, id).await {
        Ok(m) => m,
        Err(err) => return error_page(&state, &user, err),
    };
    let mut form = Form::from_data(&data);
    let req = RenameSavedMethod { name: data.get("name").unwrap_or("").to_string() };
    match state.engine.rename_saved_method(&user.ctx, id, req).await {
        Ok(_) => redirect_with_notice(LIST, "notice-saved"),
        Err(e) if page_error(&e) => error_page(&state, &user, e),
        Err(e) => {
            let catalog = &state.views.catalog;
            match e.field() {
                // The method's name, with rules of its own, not a payer's.
                Some("name") => form.error("name", catalog.text(user.locale, "payers-method-error-name", &[])),
                _ => refusal(&mut form, &e, &[], catalog, user.locale),
            }
            let page = RenamePage { method, form };
            render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, &rename_path(id), "portal/payers/method_rename.html", page)
                .await
        }
    }
}

#[derive(Serialize)]
struct DeletePage {
    method: SavedMethod,
    /// The services whose auto-renewal the deletion switches off.
    services: Vec<String>,
    /// SEC-2: the form asks for a fresh code.
    two_factor: bool,
    code_error: String,
}

pub async fn confirm_delete(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>) -> Response {
    delete_page(&state, &user, id, StatusCode::OK, String::new()).await
}

async fn delete_page(state: &AppState, user: &PortalUser, id: i64, status: StatusCode, code_error: String) -> Response {
    let e = &state.engine;
    let data = async {
        let method = e.saved_method(&user.ctx, id).await?;
        let renewals = e.auto_renewals(&user.ctx, user.client_id).await?;
        let services = renewals.into_iter().filter(|r| r.saved_method_id == Some(id)).map(|r| r.service_name).collect();
        let two_factor = e.two_factor_status(&user.ctx).await?.enabled;
        Ok::<_, EngineError>(DeletePage { method, services, two_factor, code_error })
    };
    match data.await {
        Ok(page) => render(state, user, status, &format!("{LIST}/{id}/delete"), "portal/payers/method_delete.html", page).await,
        Err(err) => error_page(state, user, err),
    }
}

/// The method goes and the auto-renewal of every service it paid is off;
/// with two-step authentication on, only with a fresh code (SEC-2).
pub async fn delete(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, data: FormData) -> Response {
    let ctx = user.ctx.clone().with_second_factor(data.get("code").map(str::to_string));
    match state.engine.delete_saved_method(&ctx, id).await {
        Ok(done) if done.auto_renew_switched_off.is_empty() => redirect_with_notice(LIST, "payers-notice-method-deleted"),
        Ok(_) => redirect_with_notice(LIST, "payers-notice-method-deleted-renewals-off"),
        Err(err) if err.field() == Some("code") => {
            let text = crate::portal::form::message(&err, Some("code"), &state.views.catalog, user.locale);
            delete_page(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, text).await
        }
        Err(err) => error_page(&state, &user, err),
    }
}
