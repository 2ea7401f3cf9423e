//! Paying by a method (PMT-1, PMT-2): the methods and payers a form offers,
//! the choice read back from a form ("Лицевой счёт" or a method, with its
//! payer and "Запомнить способ оплаты"), and the way to the gateway's page
//! and back to the payment's result, shared by the top-up, the cart and an
//! order awaiting payment.

use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kopek_engine::EngineError;
use kopek_engine::core::views::Payment;
use kopek_engine::payments::start::PayByMethod;
use serde::Serialize;

use crate::AppState;
use crate::portal::form::Form;
use crate::portal::session::{FormData, PortalUser, redirect};

/// Remembers the payment a payer went to pay, for the way back from the
/// gateway: the gateway returns to one fixed address, which can't carry
/// the payment's id (it is made after the address is given).
const PAYING_COOKIE: &str = "kopek_paying";
/// Where every gateway sends the payer back.
pub const RETURN_PATH: &str = "/finance/top-up/return";
/// The form's value for "from the balance" in the `pay_with` choice.
const BALANCE: &str = "balance";

/// What a payment form offers.
#[derive(Debug, Clone, Serialize)]
pub struct Choices {
    /// (id, "ЮKassa — комиссия 5.00% + 10.00, 10.00 … 15000.00").
    pub method_options: Vec<(i64, String)>,
    pub payer_options: Vec<(i64, String)>,
    /// A user without the "payers" right can't choose one.
    pub payers_hidden: bool,
    /// "Лицевой счёт" and then each method, for paying an order.
    pub pay_options: Vec<(String, String)>,
}

impl Choices {
    /// The methods the client may use and its payers, labelled in the
    /// user's language.
    pub async fn of(state: &AppState, user: &PortalUser) -> Result<Choices, EngineError> {
        let methods = state.engine.payment_methods(&user.ctx).await?;
        let payers = match state.engine.payers(&user.ctx, user.client_id).await {
            Ok(p) => Some(p),
            Err(EngineError::Forbidden { .. }) => None,
            Err(e) => return Err(e),
        };
        let word = state.views.catalog.text(user.locale, "finance-commission", &[]);
        let method_options: Vec<(i64, String)> = methods
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
        let balance = state.views.catalog.text(user.locale, "finance-pay-from-balance", &[]);
        let pay_options = std::iter::once((BALANCE.to_string(), balance))
            .chain(method_options.iter().map(|(id, label)| (id.to_string(), label.clone())))
            .collect();
        Ok(Choices {
            pay_options,
            method_options,
            payers_hidden: payers.is_none(),
            payer_options: payers.unwrap_or_default().into_iter().map(|p| (p.id, p.name)).collect(),
        })
    }

    /// The first method and payer, chosen for a new form as most clients
    /// have one.
    pub fn first(&self) -> (String, String) {
        let first = |o: &[(i64, String)]| o.first().map(|(id, _)| id.to_string()).unwrap_or_default();
        (first(&self.method_options), first(&self.payer_options))
    }
}

/// The form's choice between the balance and a method: `None` for the
/// balance; a method without its payer is an error next to the payer.
pub fn read_choice(form: &mut Form, data: &FormData, state: &AppState, user: &PortalUser) -> Option<Option<PayByMethod>> {
    let chosen = data.text("pay_with");
    if chosen.is_empty() || chosen == BALANCE {
        return Some(None);
    }
    let (catalog, locale) = (&state.views.catalog, user.locale);
    let method_id = form.id(data, "pay_with", catalog, locale);
    let payer_id = form.id(data, "payer_id", catalog, locale);
    let (method_id, payer_id) = (method_id?, payer_id?);
    Some(Some(PayByMethod {
        method_id,
        payer_id,
        save_method: data.checked("save_method"),
        return_url: Some(RETURN_PATH.into()),
    }))
}

/// The field of a pay-with form that an engine refusal is about, when it
/// is about the payer or the method rather than what is bought.
pub fn refused_field(e: &EngineError) -> Option<&'static str> {
    match (e, e.code()) {
        (EngineError::NotFound { what: "payer", .. }, _) | (_, "payer_kind_not_allowed") => Some("payer_id"),
        (EngineError::NotFound { what: "payment_method", .. }, _)
        | (
            _,
            "method_disabled" | "gateway_not_configured" | "no_exchange_rate" | "amount_below_minimum" | "amount_above_maximum",
        ) => Some("pay_with"),
        _ => None,
    }
}

/// On to the gateway's page for `payment`, remembering it for the way
/// back. A browser won't follow a form's redirect to another site (the
/// CSP's form-action): a gateway elsewhere is reached by the result page's
/// link instead.
pub fn to_gateway(state: &AppState, payment: &Payment) -> Response {
    let result = format!("/finance/payments/{}/result", payment.id);
    let to = payment
        .flow
        .as_ref()
        .and_then(|f| f.confirmation_url.clone())
        .filter(|u| state.engine.settings().is_own_url(u))
        .unwrap_or(result);
    let mut res = StatusCode::SEE_OTHER.into_response();
    res.headers_mut().insert(LOCATION, HeaderValue::from_str(&to).unwrap_or(HeaderValue::from_static("/")));
    // Lax, unlike the form cookies: the gateway's page sends the payer
    // back from another site.
    let c = format!("{PAYING_COOKIE}={}; HttpOnly; SameSite=Lax; Path=/finance; Max-Age=86400", payment.id);
    res.headers_mut().append(SET_COOKIE, HeaderValue::from_str(&c).expect("digits are ASCII"));
    res
}

/// The gateway's way back: on to the result of the payment this browser
/// went to pay (the engine refuses another client's).
pub async fn back(headers: HeaderMap, _user: PortalUser) -> Response {
    let id = crate::extract::cookie(&headers, PAYING_COOKIE).and_then(|v| v.parse::<i64>().ok());
    match id {
        Some(id) => redirect(&format!("/finance/payments/{id}/result")),
        None => redirect("/finance/payments"),
    }
}
