//! "Пополнить баланс" (PMT-1): an amount, a method and a payer; the
//! commission shown before paying ("Рассчитать" re-renders the form with
//! the engine's quote, so it works without JavaScript); "Оплатить" starts
//! the payment and sends the payer to the gateway's page, which sends them
//! back to the payment's result page.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::EngineError;
use kopek_engine::core::views::Payment;
use kopek_engine::payments::methods::PaymentQuote;
use kopek_engine::payments::start::StartPayment;
use serde::Serialize;

use super::pay_with::{Choices, RETURN_PATH, to_gateway};
use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser};

#[derive(Serialize)]
struct TopUp {
    form: Form,
    #[serde(flatten)]
    choices: Choices,
    quote: Option<PaymentQuote>,
    currency: String,
    /// Top-ups started and not yet paid, to pay or cancel.
    waiting: Vec<Payment>,
}

async fn render(state: &AppState, user: &PortalUser, form: Form, quote: Option<PaymentQuote>, status: StatusCode) -> Response {
    let data = async {
        let frame = frame(state, user, "top-up", "/finance/top-up").await?;
        let choices = Choices::of(state, user).await?;
        let mut waiting = state.engine.payments(&user.ctx, user.client_id).await?;
        waiting.retain(|p| matches!(p.status.as_str(), "new" | "paying"));
        waiting.sort_by_key(|p| std::cmp::Reverse(p.id));
        let currency = state.engine.balance(&user.ctx, user.client_id).await?.currency;
        Ok((frame, TopUp { form, choices, quote, currency, waiting }))
    };
    match data.await {
        Ok((frame, page)) => state.views.render_status(status, "portal/finance/top_up.html", &frame, page),
        Err(err) => error_page(state, user, err),
    }
}

pub async fn form(State(state): State<AppState>, user: PortalUser) -> Response {
    let (method, payer) = Choices::of(&state, &user).await.map(|c| c.first()).unwrap_or_default();
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
        Ok(payment) => to_gateway(&state, &payment),
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
