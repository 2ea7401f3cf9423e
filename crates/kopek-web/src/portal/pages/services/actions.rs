//! The buttons of a service (SVC-2): each calls its engine use case and
//! goes back with a notice, or shows the service's page again with the
//! refusal next to what was sent.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_domain::product::life::Action;
use kopek_engine::EngineError;
use kopek_engine::billing::paid_period::{Renewal, RenewalSettings};
use kopek_engine::service_life::changes::ServiceChange;
use kopek_engine::service_life::questions::AskQuestion;

use super::config::{place_refusal, read_addons, refusal_text, refuse};
use super::order::page_problem;
use super::service::{Forms, render};
use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::session::{FormData, PortalUser, local_path, redirect_with_notice};

/// Where a button sends the browser back to: the page it was on (the list
/// or the service's page).
fn back(data: &FormData, id: i64) -> String {
    match data.get("back") {
        Some(b) if !b.is_empty() => local_path(Some(b)),
        _ => format!("/services/{id}"),
    }
}

/// The service's page again with a refusal of a button without fields.
async fn refused(state: &AppState, user: &PortalUser, id: i64, e: EngineError) -> Response {
    if page_problem(&e) {
        return error_page(state, user, e);
    }
    let forms = Forms { general: Some(refusal_text(&e, e.field(), &state.views.catalog, user.locale)), ..Forms::default() };
    render(state, user, id, StatusCode::UNPROCESSABLE_ENTITY, forms).await
}

/// "Продлить" for the period chosen, from the balance.
pub async fn renew(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, data: FormData) -> Response {
    let catalog = &state.views.catalog;
    let mut form = Form::from_data(&data);
    let months = match data.text("months").parse::<u32>() {
        Ok(m) => Some(m),
        Err(_) => {
            form.error("months", catalog.text(user.locale, "error-choose", &[]));
            None
        }
    };
    if let Some(months) = months {
        match state.engine.renew_subscription(&user.ctx, id, Renewal { months: Some(months) }).await {
            Ok(_) => return redirect_with_notice(&back(&data, id), "services-notice-renewed"),
            Err(e) if page_problem(&e) => return error_page(&state, &user, e),
            Err(e) => refuse(&mut form, &e, None, catalog, user.locale),
        }
    }
    render(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, Forms { renew: form, ..Forms::default() }).await
}

/// "Выкл." / "Вкл.".
pub async fn power(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, data: FormData) -> Response {
    let action = match data.text("do").as_str() {
        "stop" => Action::Stop,
        "start" => Action::Start,
        "reboot" => Action::Reboot,
        _ => {
            let bad = kopek_domain::DomainError::invalid("action", "stop, start or reboot").into();
            return refused(&state, &user, id, bad).await;
        }
    };
    match state.engine.service_action(&user.ctx, id, action).await {
        Ok(_) => redirect_with_notice(&back(&data, id), "notice-saved"),
        Err(e) => refused(&state, &user, id, e).await,
    }
}

/// The auto-renewal switch.
pub async fn auto_renew(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, data: FormData) -> Response {
    let settings = RenewalSettings { months: None, auto_renew: Some(data.text("auto_renew") == "on") };
    match state.engine.set_renewal(&user.ctx, id, settings).await {
        Ok(_) => redirect_with_notice(&back(&data, id), "notice-saved"),
        Err(e) => refused(&state, &user, id, e).await,
    }
}

/// "Изменить": first the difference is shown ("Рассчитать"), then the
/// change is made ("Подтвердить").
pub async fn change(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, data: FormData) -> Response {
    let catalog = &state.views.catalog;
    let e = &state.engine;
    let product = match e.client_service(&user.ctx, id).await {
        Ok(s) => e.product(&user.ctx, s.product_id).await,
        Err(err) => Err(err),
    };
    let product = match product {
        Ok(p) => p,
        Err(err) => return error_page(&state, &user, err),
    };
    let mut form = Form::from_data(&data);
    let addons = read_addons(&data, &product.spec, &mut form, catalog, user.locale);
    let mut preview = None;
    if form.is_ok() {
        let change = ServiceChange { addons: addons.clone() };
        let done = if data.text("do") == "confirm" {
            e.change_service(&user.ctx, id, change).await.map(|_| true)
        } else {
            e.preview_service_change(&user.ctx, id, change).await.map(|d| {
                preview = Some(d);
                false
            })
        };
        match done {
            Ok(true) => return redirect_with_notice(&format!("/services/{id}"), "services-notice-changed"),
            Ok(false) => {}
            Err(err) if page_problem(&err) => return error_page(&state, &user, err),
            Err(err) => place_refusal(&mut form, &err, &product.spec, &addons, "addons", catalog, user.locale),
        }
    }
    let status = if form.is_ok() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(&state, &user, id, status, Forms { change: form, preview, ..Forms::default() }).await
}

/// "Удалить", as the product's rule allows.
pub async fn delete(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, _: FormData) -> Response {
    match state.engine.delete_service(&user.ctx, id).await {
        Ok(_) => redirect_with_notice("/services", "services-notice-deleted"),
        Err(e) => refused(&state, &user, id, e).await,
    }
}

/// "Вопрос": a question about the service for the provider's support.
pub async fn question(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, data: FormData) -> Response {
    let catalog = &state.views.catalog;
    let mut form = Form::from_data(&data);
    let text = form.required(&data, "text", catalog, user.locale);
    if form.is_ok() {
        match state.engine.ask_about_service(&user.ctx, id, AskQuestion { text }).await {
            Ok(_) => return redirect_with_notice(&format!("/services/{id}"), "services-notice-asked"),
            Err(e) if page_problem(&e) => return error_page(&state, &user, e),
            Err(e) => refuse(&mut form, &e, Some("text"), catalog, user.locale),
        }
    }
    render(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, Forms { question: form, ..Forms::default() }).await
}
