//! "Пополнить баланс" (PMT-1): an amount, a method and a payer; the
//! commission shown before paying ("Рассчитать" re-renders the form with
//! the engine's quote, so it works without JavaScript); "Оплатить" starts
//! the payment and sends the payer to the gateway's page, which sends them
//! back to the payment's result page.

use axum::extract::State;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kopek_engine::EngineError;
use kopek_engine::core::views::Payment;
use kopek_engine::payments::methods::{PaymentMethod, PaymentQuote};
use kopek_engine::payments::payers::PayerSummary;
use kopek_engine::payments::start::StartPayment;
use serde::Serialize;

use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser, redirect};

/// Remembers the payment a payer went to pay, for the way back from the
/// gateway: the gateway returns to one fixed address, which can't carry
/// the payment's id (it is made after the address is given).
const TOP_UP_COOKIE: &str = "kopek_top_up";
const RETURN_PATH: &str = "/finance/top-up/return";

#[derive(Serialize)]
struct TopUp {
    form: Form,
    /// (id, "ЮKassa — комиссия 5.00% + 10.00, 10.00 … 15000.00").
    method_options: Vec<(i64, String)>,
    payer_options: Vec<(i64, String)>,
    /// A user without the "payers" right can't choose one.
    payers_hidden: bool,
    quote: Option<PaymentQuote>,
    currency: String,
    /// Top-ups started and not yet paid, to pay or cancel.
    waiting: Vec<Payment>,
}

/// The methods and payers to choose from.
async fn choices(state: &AppState, user: &PortalUser) -> Result<(Vec<PaymentMethod>, Option<Vec<PayerSummary>>), EngineError> {
    let methods = state.engine.payment_methods(&user.ctx).await?;
    let payers = match state.engine.payers(&user.ctx, user.client_id).await {
        Ok(p) => Some(p),
        Err(EngineError::Forbidden { .. }) => None,
        Err(e) => return Err(e),
    };
    Ok((methods, payers))
}

async fn render(state: &AppState, user: &PortalUser, form: Form, quote: Option<PaymentQuote>, status: StatusCode) -> Response {
    let data = async {
        let frame = frame(state, user, "top-up", "/finance/top-up").await?;
        let (methods, payers) = choices(state, user).await?;
        let mut waiting = state.engine.payments(&user.ctx, user.client_id).await?;
        waiting.retain(|p| matches!(p.status.as_str(), "new" | "paying"));
        waiting.sort_by_key(|p| std::cmp::Reverse(p.id));
        let currency = state.engine.balance(&user.ctx, user.client_id).await?.currency;
        let payers_hidden = payers.is_none();
        let word = state.views.catalog.text(user.locale, "finance-commission", &[]);
        let method_options = methods
            .iter()
            .map(|m| {
                // The engine's label is English; bounds alone read in both.
                let limits = match (m.min_amount, m.max_amount) {
                    (Some(min), Some(max)) => format!(", {} … {}", min.0, max.0),
                    (Some(min), None) => format!(", ≥ {}", min.0),
                    (None, Some(max)) => format!(", ≤ {}", max.0),
                    (None, None) => String::new(),
                };
                (m.id, format!("{} — {} {}{limits}", m.name, word.to_lowercase(), m.commission_label))
            })
            .collect();
        let payer_options = payers.unwrap_or_default().into_iter().map(|p| (p.id, p.name)).collect();
        Ok((frame, TopUp { form, method_options, payer_options, payers_hidden, quote, currency, waiting }))
    };
    match data.await {
        Ok((frame, page)) => state.views.render_status(status, "portal/finance/top_up.html", &frame, page),
        Err(err) => error_page(state, user, err),
    }
}

pub async fn form(State(state): State<AppState>, user: PortalUser) -> Response {
    // The first method and payer are chosen, as most clients have one.
    let first = choices(&state, &user).await;
    let (method, payer) = match &first {
        Ok((m, p)) => (
            m.first().map(|m| m.id.to_string()).unwrap_or_default(),
            p.as_ref().and_then(|p| p.first()).map(|p| p.id.to_string()).unwrap_or_default(),
        ),
        Err(_) => (String::new(), String::new()),
    };
    let form = Form::with(&[("amount", String::new()), ("method_id", method), ("payer_id", payer)]);
    render(&state, &user, form, None, StatusCode::OK).await
}

pub async fn submit(State(state): State<AppState>, user: PortalUser, data: FormData) -> Response {
    let (catalog, locale) = (&state.views.catalog, user.locale);
    let mut form = Form::from_data(&data);
    let amount = form.amount(&data, "amount", catalog, locale);
    let method_id = form.id(&data, "method_id", catalog, locale);
    let payer_id = form.id(&data, "payer_id", catalog, locale);
    let (Some(amount), Some(method_id), Some(payer_id)) = (amount, method_id, payer_id) else {
        return render(&state, &user, form, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let quote = match state.engine.quote_payment(&user.ctx, user.client_id, payer_id, method_id, amount).await {
        Ok(q) => q,
        Err(err) => return refused(&state, &user, form, err).await,
    };
    if data.text("action") != "pay" {
        return render(&state, &user, form, Some(quote), StatusCode::OK).await;
    }
    let req = StartPayment {
        payer_id,
        method_id,
        amount,
        return_url: Some(RETURN_PATH.into()),
        save_method: false,
        saved_method_id: None,
    };
    match state.engine.start_payment(&user.ctx, user.client_id, req).await {
        Ok(payment) => {
            // A browser won't follow a form's redirect to another site
            // (the CSP's form-action): a gateway elsewhere is reached by
            // the result page's link instead.
            let result = format!("/finance/payments/{}/result", payment.id);
            let to = payment
                .flow
                .as_ref()
                .and_then(|f| f.confirmation_url.clone())
                .filter(|u| state.engine.settings().is_own_url(u))
                .unwrap_or(result);
            let mut res = StatusCode::SEE_OTHER.into_response();
            res.headers_mut().insert(LOCATION, HeaderValue::from_str(&to).unwrap_or(HeaderValue::from_static("/")));
            // Lax, unlike the form cookies: the gateway's page sends the
            // payer back from another site.
            let c = format!("{TOP_UP_COOKIE}={}; HttpOnly; SameSite=Lax; Path=/finance; Max-Age=86400", payment.id);
            res.headers_mut().append(SET_COOKIE, HeaderValue::from_str(&c).expect("digits are ASCII"));
            res
        }
        Err(err) => refused(&state, &user, form, err).await,
    }
}

/// A refusal of the engine next to the field it is about: the payer's
/// when the payer can't pay by the method, else the amount's.
async fn refused(state: &AppState, user: &PortalUser, mut form: Form, err: EngineError) -> Response {
    if matches!(err, EngineError::Forbidden { .. }) || err.is_internal() {
        return error_page(state, user, err);
    }
    let field = match (&err, err.code()) {
        (EngineError::NotFound { what: "payer", .. }, _) | (_, "payer_kind_not_allowed") => "payer_id",
        (EngineError::NotFound { .. }, _) | (_, "method_disabled" | "gateway_not_configured" | "no_exchange_rate") => "method_id",
        _ => "amount",
    };
    form.refusal(&err, Some(field), &state.views.catalog, user.locale);
    render(state, user, form, None, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// The gateway's way back: on to the result of the payment this browser
/// went to pay (the engine refuses another client's).
pub async fn back(headers: HeaderMap, _user: PortalUser) -> Response {
    let id = crate::extract::cookie(&headers, TOP_UP_COOKIE).and_then(|v| v.parse::<i64>().ok());
    match id {
        Some(id) => redirect(&format!("/finance/payments/{id}/result")),
        None => redirect("/finance/payments"),
    }
}
