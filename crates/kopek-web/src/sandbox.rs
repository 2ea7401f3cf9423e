//! The sandbox gateway's hosted payment page (PMT-4): for demos and tests,
//! the payer chooses to pay or to have the card declined (and may then pay
//! again on the same page), and the sandbox's signed callback is
//! delivered to Kopek's own webhook handling, as a real gateway would.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kopek_engine::payments::gateway::{GatewayKind, WebhookRequest};
use kopek_integrations::SandboxOutcome;
use serde::Deserialize;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiPath;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub async fn page(State(state): State<AppState>, ApiPath(id): ApiPath<String>) -> ApiResult<Html<String>> {
    let sandbox = state.sandbox.as_ref().ok_or_else(off)?;
    let c = sandbox.checkout(&id).ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such sandbox payment"))?;
    let id = escape(&id);
    Ok(Html(format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Sandbox payment</title>\
         <h1>Sandbox payment {number}</h1><p>{desc}</p><p>Amount: <b>{amount} {currency}</b> (status: {status})</p>\
         <form method=\"post\" action=\"/sandbox/pay/{id}\"><button name=\"outcome\" value=\"succeed\">Pay</button> \
         <button name=\"outcome\" value=\"decline\">Decline</button></form></html>",
        number = escape(&c.payment_id),
        desc = escape(&c.description),
        amount = c.payment.amount,
        currency = escape(&c.payment.currency),
        status = c.payment.status.as_str(),
    )))
}

#[derive(Debug, Deserialize)]
pub struct Choice {
    outcome: String,
}

/// Settles the payment and delivers the signed callback, then sends the
/// payer back where the shop asked.
pub async fn settle(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    Form(choice): Form<Choice>,
) -> ApiResult<Response> {
    let sandbox = state.sandbox.as_ref().ok_or_else(off)?;
    let outcome = match choice.outcome.as_str() {
        "succeed" => SandboxOutcome::Succeed,
        "decline" => SandboxOutcome::Decline,
        _ => return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", "outcome: succeed or decline")),
    };
    let now = state.engine.now();
    let return_url = sandbox.checkout(&id).map(|c| c.return_url).unwrap_or_default();
    let callback = sandbox.settle(&id, outcome, now).map_err(|e| ApiError::new(StatusCode::CONFLICT, e.code(), e.to_string()))?;
    let req = WebhookRequest { headers: &callback.headers, body: &callback.body, remote_ip: None, now };
    let done = state.engine.gateway_webhook(GatewayKind::Sandbox, &req).await?;
    if state.engine.settings().is_own_url(&return_url) {
        return Ok(Redirect::to(&return_url).into_response());
    }
    Ok(Html(format!("<!doctype html><p>Payment {}: {}</p>", escape(&id), escape(&done.outcome))).into_response())
}

fn off() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "the sandbox gateway is switched off")
}
