//! Clients (OPS-5): the search, the client's card, and the forms that
//! change a client's money terms and state through `update_client`, which
//! checks the role (ACC-4).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_domain::account::ClientState;
use kopek_engine::accounts::clients::ClientChanges;
use kopek_engine::payments::bank_transfer::AwaitingTransfer;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::admin::frame::{error_page, frame};
use crate::admin::session::StaffUser;
use crate::error::status_of;
use crate::portal::form::Form;
use crate::portal::session::{FormData, redirect, redirect_with_notice};

#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    after: Option<i64>,
}

#[derive(Serialize)]
struct SearchPage {
    q: String,
    clients: Vec<kopek_engine::core::views::Client>,
    /// The address of the next page, when there is one.
    next: Option<String>,
    error: Option<String>,
}

pub async fn search(State(state): State<AppState>, user: StaffUser, Query(query): Query<SearchQuery>) -> Response {
    let q = query.q.unwrap_or_default();
    let frame = frame(&state, &user, "clients", "/admin/clients");
    match state.engine.search_clients(&user.ctx, &q, query.after.unwrap_or(0)).await {
        Ok(found) => {
            let next =
                found.next_after.map(|after| format!("/admin/clients?q={}&after={after}", crate::portal::session::urlencode(&q)));
            state.views.render("admin/clients/list.html", &frame, SearchPage { q, clients: found.clients, next, error: None })
        }
        Err(e) if e.field().is_some() => {
            let mut form = Form::default();
            form.refusal(&e, Some("q"), &state.views.catalog, user.locale);
            let page = SearchPage { q, clients: Vec::new(), next: None, error: form.errors.remove("q") };
            state.views.render_status(StatusCode::UNPROCESSABLE_ENTITY, "admin/clients/list.html", &frame, page)
        }
        Err(e) => error_page(&state, &user, e),
    }
}

#[derive(Serialize)]
struct CardPage {
    card: kopek_engine::accounts::client_card::ClientCard,
    awaiting: Vec<AwaitingTransfer>,
    limits: Form,
    state: Form,
    promised: Form,
    states: Vec<&'static str>,
}

/// The card's forms as typed (and refused); the others start fresh.
#[derive(Default)]
struct Typed {
    limits: Option<Form>,
    state: Option<Form>,
    promised: Option<Form>,
}

/// The card, with its forms as typed or fresh.
async fn show_card(state: &AppState, user: &StaffUser, id: i64, status: StatusCode, typed: Typed) -> Response {
    let Typed { limits, state: state_form, promised } = typed;
    let card = match state.engine.client_card(&user.ctx, id).await {
        Ok(c) => c,
        Err(e) => return error_page(state, user, e),
    };
    // ACC-4: the transfers awaiting money are a money screen's, shown to
    // the roles that see those.
    let awaiting = if user.ctx.actor.powers().see_money {
        match state.engine.awaiting_transfers(&user.ctx, Some(id), 0).await {
            Ok(a) => a.payments,
            Err(e) => return error_page(state, user, e),
        }
    } else {
        Vec::new()
    };
    let c = &card.client;
    let limits = limits.unwrap_or_else(|| {
        Form::with(&[
            ("credit_limit", c.credit_limit.0.to_string()),
            ("disconnect_threshold", c.disconnect_threshold.0.to_string()),
            ("loyalty_percent", c.loyalty_percent.0.normalize().to_string()),
        ])
    });
    let state_form = state_form.unwrap_or_else(|| Form::with(&[("state", c.state.clone())]));
    let states = ClientState::ALL.iter().map(|s| s.as_str()).collect();
    let path = format!("/admin/clients/{id}");
    let promised = promised.unwrap_or_default();
    let page = CardPage { card, awaiting, limits, state: state_form, promised, states };
    state.views.render_status(status, "admin/clients/card.html", &frame(state, user, "clients", &path), page)
}

pub async fn card(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>) -> Response {
    show_card(&state, &user, id, StatusCode::OK, Typed::default()).await
}

/// ACC-4: the credit limit, the disconnection threshold and the loyalty
/// discount; the engine lets admins and accountants change them.
pub async fn change_limits(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, data: FormData) -> Response {
    let catalog = &state.views.catalog;
    let mut form = Form::from_data(&data);
    let credit_limit = form.amount(&data, "credit_limit", catalog, user.locale);
    let disconnect_threshold = form.amount(&data, "disconnect_threshold", catalog, user.locale);
    let loyalty_percent = form.amount(&data, "loyalty_percent", catalog, user.locale);
    if !form.is_ok() {
        return show_card(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, Typed { limits: Some(form), ..Typed::default() })
            .await;
    }
    let changes = ClientChanges { credit_limit, disconnect_threshold, loyalty_percent, state: None };
    match state.engine.update_client(&user.ctx, id, changes).await {
        Ok(_) => redirect_with_notice(&format!("/admin/clients/{id}"), "notice-saved"),
        Err(e) => {
            form.refusal(&e, None, catalog, user.locale);
            show_card(&state, &user, id, status_of(&e), Typed { limits: Some(form), ..Typed::default() }).await
        }
    }
}

/// ACC-1, ACC-4: blocking and unblocking the account; the engine lets
/// admins and support do it.
pub async fn change_state(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, data: FormData) -> Response {
    let catalog = &state.views.catalog;
    let mut form = Form::from_data(&data);
    let new_state = form.required(&data, "state", catalog, user.locale);
    if !form.is_ok() {
        return show_card(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, Typed { state: Some(form), ..Typed::default() })
            .await;
    }
    let changes = ClientChanges { state: Some(new_state), ..ClientChanges::default() };
    match state.engine.update_client(&user.ctx, id, changes).await {
        Ok(_) => redirect_with_notice(&format!("/admin/clients/{id}"), "notice-saved"),
        Err(e) => {
            let at = if matches!(e, kopek_engine::EngineError::Forbidden { .. }) { None } else { Some("state") };
            form.refusal(&e, at, catalog, user.locale);
            show_card(&state, &user, id, status_of(&e), Typed { state: Some(form), ..Typed::default() }).await
        }
    }
}

/// CHG-4: a promised payment given to the client by staff, on the terms
/// the provider's promised-payment service sets.
pub async fn give_promised(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, data: FormData) -> Response {
    let catalog = &state.views.catalog;
    let mut form = Form::from_data(&data);
    let Some(amount) = form.amount(&data, "amount", catalog, user.locale) else {
        return show_card(
            &state,
            &user,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Typed { promised: Some(form), ..Typed::default() },
        )
        .await;
    };
    let input = kopek_engine::charging::promised::PromiseInput { amount };
    match state.engine.take_promised_payment(&user.ctx, id, input).await {
        Ok(_) => redirect_with_notice(&format!("/admin/clients/{id}"), "admin-notice-promised"),
        Err(e) if e.is_internal() => error_page(&state, &user, e),
        Err(e) => {
            let status = status_of(&e);
            form.refusal(&e, Some("amount"), catalog, user.locale);
            show_card(&state, &user, id, status, Typed { promised: Some(form), ..Typed::default() }).await
        }
    }
}

/// «Войти как» (OPS-5): the portal opened as the client's user, for an
/// hour, with a banner saying who is acting; the client reads it in its
/// action log.
pub async fn log_in_as(
    State(state): State<AppState>,
    user: StaffUser,
    Path((id, user_id)): Path<(i64, i64)>,
    _: FormData,
) -> Response {
    match state.engine.log_in_as(&user.ctx, id, user_id).await {
        Ok(session) => {
            let mut res = redirect("/");
            let ttl = kopek_engine::accounts::log_in_as::ACTING_SESSION.min(state.engine.settings().session_ttl);
            let cookie = crate::extract::login_cookie_header_for(
                state.engine.settings(),
                crate::extract::SESSION_COOKIE,
                "/",
                &session.token,
                ttl,
            );
            res.headers_mut()
                .append(axum::http::header::SET_COOKIE, axum::http::HeaderValue::from_str(&cookie).expect("a cookie is ASCII"));
            res
        }
        Err(e) => error_page(&state, &user, e),
    }
}
