//! Payment methods and exchange rates (PMT-1, PMT-2, PMT-3, OPS-5): the
//! methods with their gateway, currency, commission, limits, cashback and
//! payer kinds, a method's form (admins), and the exchange rates with the
//! form that sets a day's rate (admins and accountants) — through the use
//! cases the API's `/payment-methods` and `/exchange-rates` call.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::EngineError;
use kopek_engine::payments::methods::{MethodInput, PaymentMethod, Rate, RateInput};
use serde::Serialize;

use crate::AppState;
use crate::admin::frame::{error_page, frame};
use crate::admin::session::StaffUser;
use crate::error::status_of;
use crate::portal::form::Form;
use crate::portal::session::{FormData, redirect_with_notice};

const PATH: &str = "/admin/methods";
const GATEWAYS: [&str; 4] = ["bank_transfer", "sandbox", "yookassa", "stripe"];
const PAYER_KINDS: [&str; 3] = ["individual", "legal_entity", "sole_proprietor"];

#[derive(Serialize)]
struct ListPage {
    methods: Vec<PaymentMethod>,
    rates: Vec<Rate>,
    rate_form: Form,
}

#[derive(Serialize)]
struct MethodPage {
    /// None for a new method.
    id: Option<i64>,
    form: Form,
    gateways: [&'static str; 4],
    payer_kinds: [&'static str; 3],
    /// The payer kinds ticked.
    kinds: Vec<String>,
}

async fn show_list(state: &AppState, user: &StaffUser, status: StatusCode, rate_form: Form) -> Response {
    let listed =
        async { Ok::<_, EngineError>((state.engine.payment_methods(&user.ctx).await?, state.engine.exchange_rates().await?)) };
    match listed.await {
        Ok((methods, rates)) => {
            let page = ListPage { methods, rates, rate_form };
            state.views.render_status(status, "admin/methods/list.html", &frame(state, user, "methods", PATH), page)
        }
        Err(e) => error_page(state, user, e),
    }
}

pub async fn list(State(state): State<AppState>, user: StaffUser) -> Response {
    if let Err(e) = user.ctx.actor.ensure_may_see_money() {
        return error_page(&state, &user, e);
    }
    let today = state.engine.local_today().to_string();
    show_list(&state, &user, StatusCode::OK, Form::with(&[("day", today), ("quote", "RUB".into())])).await
}

fn show_method(
    state: &AppState,
    user: &StaffUser,
    status: StatusCode,
    id: Option<i64>,
    form: Form,
    kinds: Vec<String>,
) -> Response {
    let path = id.map_or_else(|| format!("{PATH}/new"), |id| format!("{PATH}/{id}"));
    let page = MethodPage { id, form, gateways: GATEWAYS, payer_kinds: PAYER_KINDS, kinds };
    state.views.render_status(status, "admin/methods/form.html", &frame(state, user, "methods", &path), page)
}

pub async fn new_form(State(state): State<AppState>, user: StaffUser) -> Response {
    let form = Form::with(&[("currency", "RUB".into()), ("enabled", "1".into())]);
    show_method(&state, &user, StatusCode::OK, None, form, PAYER_KINDS.iter().map(|k| k.to_string()).collect())
}

pub async fn edit_form(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>) -> Response {
    let methods = match state.engine.payment_methods(&user.ctx).await {
        Ok(m) => m,
        Err(e) => return error_page(&state, &user, e),
    };
    let Some(m) = methods.into_iter().find(|m| m.id == id) else {
        return error_page(&state, &user, EngineError::not_found("payment_method", id));
    };
    let text = |a: Option<kopek_engine::core::amount::Amount>| a.map(|a| a.0.normalize().to_string()).unwrap_or_default();
    let form = Form::with(&[
        ("prefix", m.prefix.clone()),
        ("name", m.name.clone()),
        ("gateway", m.gateway.clone()),
        ("currency", m.currency.clone()),
        ("commission_percent", text(Some(m.commission_percent))),
        ("commission_fixed", text(Some(m.commission_fixed))),
        ("min_amount", text(m.min_amount)),
        ("max_amount", text(m.max_amount)),
        ("cashback_percent", text(Some(m.cashback_percent))),
        ("instructions", m.instructions.clone()),
        ("enabled", if m.enabled { "1".into() } else { String::new() }),
    ]);
    show_method(&state, &user, StatusCode::OK, Some(id), form, m.payer_kinds)
}

/// The method as typed, or the form with each error next to its field.
fn method_input(state: &AppState, user: &StaffUser, data: &FormData) -> (Form, Option<MethodInput>) {
    let (catalog, locale) = (&state.views.catalog, user.locale);
    let mut form = Form::from_data(data);
    let mut amount = |field: &str| form.optional_amount(data, field, catalog, locale);
    let (commission_percent, commission_fixed) = (amount("commission_percent"), amount("commission_fixed"));
    let (min_amount, max_amount, cashback_percent) = (amount("min_amount"), amount("max_amount"), amount("cashback_percent"));
    let input = MethodInput {
        prefix: form.required(data, "prefix", catalog, locale),
        name: form.required(data, "name", catalog, locale),
        gateway: data.text("gateway"),
        currency: form.required(data, "currency", catalog, locale).to_uppercase(),
        commission_percent,
        commission_fixed,
        min_amount,
        max_amount,
        cashback_percent,
        payer_kinds: data.all("payer_kinds"),
        enabled: data.checked("enabled"),
        instructions: data.text("instructions"),
    };
    let ok = form.is_ok();
    (form, ok.then_some(input))
}

/// A new method (admins).
pub async fn create(State(state): State<AppState>, user: StaffUser, data: FormData) -> Response {
    save(&state, &user, None, &data).await
}

/// A method changed (admins); its prefix stays.
pub async fn update(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, data: FormData) -> Response {
    save(&state, &user, Some(id), &data).await
}

async fn save(state: &AppState, user: &StaffUser, id: Option<i64>, data: &FormData) -> Response {
    let (mut form, input) = method_input(state, user, data);
    let kinds = data.all("payer_kinds");
    let Some(input) = input else { return show_method(state, user, StatusCode::UNPROCESSABLE_ENTITY, id, form, kinds) };
    let saved = match id {
        Some(id) => state.engine.update_payment_method(&user.ctx, id, input).await,
        None => state.engine.create_payment_method(&user.ctx, input).await,
    };
    match saved {
        Ok(_) => redirect_with_notice(PATH, "admin-notice-method-saved"),
        Err(e) if e.is_internal() => error_page(state, user, e),
        Err(e) => {
            let fallback = (e.code() == "prefix_taken").then_some("prefix");
            form.refusal(&e, fallback, &state.views.catalog, user.locale);
            show_method(state, user, status_of(&e), id, form, kinds)
        }
    }
}

/// A day's rate (admins and accountants).
pub async fn set_rate(State(state): State<AppState>, user: StaffUser, data: FormData) -> Response {
    let (catalog, locale) = (&state.views.catalog, user.locale);
    let mut form = Form::from_data(&data);
    let base = form.required(&data, "base", catalog, locale).to_uppercase();
    let quote = form.required(&data, "quote", catalog, locale).to_uppercase();
    let day = form.date(&data, "day", catalog, locale);
    let rate = form.amount(&data, "rate", catalog, locale);
    let (Some(day), Some(rate)) = (day, rate) else {
        return show_list(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, form).await;
    };
    if !form.is_ok() {
        return show_list(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, form).await;
    }
    match state.engine.set_exchange_rate(&user.ctx, RateInput { base, quote, day, rate }).await {
        Ok(_) => redirect_with_notice(PATH, "admin-notice-rate-set"),
        Err(e) if e.is_internal() => error_page(&state, &user, e),
        Err(e) => {
            form.refusal(&e, Some("rate"), catalog, locale);
            show_list(&state, &user, status_of(&e), form).await
        }
    }
}
