//! Payment methods, exchange rates, payments by a method, gateway webhooks
//! and bank statements (PMT-1 … PMT-4, LED-3, LED-4).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use kopek_engine::Ctx;
use kopek_engine::core::views::Payment;
use kopek_engine::ledger::entries::Reversal;
use kopek_engine::payments::bank_transfer::{StatementLine, StatementReport};
use kopek_engine::payments::gateway::{GatewayKind, WebhookRequest};
use kopek_engine::payments::methods::{MethodInput, PaymentMethod, PaymentQuote, Rate, RateInput};
use kopek_engine::payments::start::StartPayment;
use kopek_engine::payments::webhook::{RefusedWebhook, WebhookOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};

#[utoipa::path(get, path = "/payment-methods", tag = "payments",
    responses((status = 200, body = Vec<PaymentMethod>)))]
pub async fn list_methods(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<Vec<PaymentMethod>>> {
    Ok(Json(state.engine.payment_methods(&ctx).await?))
}

/// Configure a payment method (staff).
#[utoipa::path(post, path = "/payment-methods", tag = "payments", request_body = MethodInput,
    responses((status = 201, body = PaymentMethod), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create_method(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(input): ApiJson<MethodInput>,
) -> ApiResult<(StatusCode, Json<PaymentMethod>)> {
    Ok((StatusCode::CREATED, Json(state.engine.create_payment_method(&ctx, input).await?)))
}

#[utoipa::path(put, path = "/payment-methods/{id}", tag = "payments", request_body = MethodInput, params(("id" = i64, Path)),
    responses((status = 200, body = PaymentMethod), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_method(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<MethodInput>,
) -> ApiResult<Json<PaymentMethod>> {
    Ok(Json(state.engine.update_payment_method(&ctx, id, input).await?))
}

#[utoipa::path(get, path = "/exchange-rates", tag = "payments", responses((status = 200, body = Vec<Rate>)))]
pub async fn list_rates(State(state): State<AppState>, Caller(_ctx): Caller) -> ApiResult<Json<Vec<Rate>>> {
    Ok(Json(state.engine.exchange_rates().await?))
}

/// Set the rate of a currency pair from a day on (LED-4).
#[utoipa::path(post, path = "/exchange-rates", tag = "payments", request_body = RateInput,
    responses((status = 201, body = Rate), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_rate(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(input): ApiJson<RateInput>,
) -> ApiResult<(StatusCode, Json<Rate>)> {
    Ok((StatusCode::CREATED, Json(state.engine.set_exchange_rate(&ctx, input).await?)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuoteQuery {
    pub payer_id: i64,
    pub method_id: i64,
    pub amount: String,
}

/// What a payment by a method costs: commission, total, cashback, and what
/// reaches the balance.
#[utoipa::path(get, path = "/clients/{id}/payment-quote", tag = "payments", params(("id" = i64, Path), QuoteQuery),
    responses((status = 200, body = PaymentQuote), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn quote(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<QuoteQuery>,
) -> ApiResult<Json<PaymentQuote>> {
    let amount = q
        .amount
        .trim()
        .parse()
        .map_err(|_| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", "amount: a decimal like 100.00"))?;
    Ok(Json(state.engine.quote_payment(&ctx, id, q.payer_id, q.method_id, kopek_engine::core::amount::Amount(amount)).await?))
}

/// Top up the balance by a method (PMT-1): the answer carries where to pay
/// (`flow.confirmation_url`), or waits for a bank transfer.
#[utoipa::path(post, path = "/clients/{id}/payments/start", tag = "payments", request_body = StartPayment,
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "replays the first answer")),
    responses((status = 201, body = Payment), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn start(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<StartPayment>,
) -> ApiResult<(StatusCode, Json<Payment>)> {
    Ok((StatusCode::CREATED, Json(state.engine.start_payment(&ctx, id, req).await?)))
}

/// Credit a payment that waited for a bank transfer (staff).
#[utoipa::path(post, path = "/payments/{id}/credit", tag = "payments", params(("id" = i64, Path)),
    responses((status = 200, body = Payment), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn credit(State(state): State<AppState>, Caller(ctx): Caller, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<Payment>> {
    Ok(Json(state.engine.credit_awaiting_payment(&ctx, id).await?))
}

#[utoipa::path(post, path = "/payments/{id}/cancel", tag = "payments", params(("id" = i64, Path)),
    responses((status = 200, body = Payment), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn cancel(State(state): State<AppState>, Caller(ctx): Caller, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<Payment>> {
    Ok(Json(state.engine.cancel_payment(&ctx, id).await?))
}

/// Refund a credited payment through its gateway, then reverse it (staff).
#[utoipa::path(post, path = "/payments/{id}/refund", tag = "payments", request_body = Reversal, params(("id" = i64, Path)),
    responses((status = 200, body = Payment), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn refund(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<Reversal>,
) -> ApiResult<Json<Payment>> {
    Ok(Json(state.engine.refund_payment(&ctx, id, &req.reason).await?))
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GatewayEvent {
    pub id: i64,
    pub gateway: String,
    pub external_id: Option<String>,
    pub payment_id: Option<i64>,
    pub status: Option<String>,
    pub outcome: String,
    pub reason: String,
    pub received_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    pub payment_id: Option<i64>,
}

/// Every webhook and statement line with what it did (staff).
#[utoipa::path(get, path = "/gateway-events", tag = "payments", params(EventsQuery),
    responses((status = 200, body = Vec<GatewayEvent>), (status = 403, body = ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> ApiResult<Json<Vec<GatewayEvent>>> {
    let rows = state.engine.gateway_events(&ctx, q.payment_id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| GatewayEvent {
                id: r.id,
                gateway: r.gateway,
                external_id: r.external_id,
                payment_id: r.payment_id,
                status: r.status,
                outcome: r.outcome,
                reason: r.reason,
                received_at: r.received_at,
            })
            .collect(),
    ))
}

/// The latest webhooks refused because their gateway did not vouch for
/// them, newest first (staff; at most the last 500 are kept).
#[utoipa::path(get, path = "/gateway-events/refused", tag = "payments",
    responses((status = 200, body = Vec<RefusedWebhook>), (status = 403, body = ErrorBody)))]
pub async fn refused_webhooks(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<Vec<RefusedWebhook>>> {
    Ok(Json(state.engine.refused_webhooks(&ctx).await?))
}

/// A gateway's notification. No login: the gateway proves itself by its
/// signature (or, for YooKassa, by Kopek fetching the payment back).
#[utoipa::path(post, path = "/webhooks/{gateway}", tag = "payments", params(("gateway" = String, Path)),
    request_body(content = String, content_type = "application/json"), security(()),
    responses((status = 200, body = WebhookOutcome), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn webhook(
    State(state): State<AppState>,
    ApiPath(gateway): ApiPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<WebhookOutcome>> {
    let kind = GatewayKind::parse(&gateway)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no gateway {gateway}")))?;
    let headers: Vec<(String, String)> =
        headers.iter().filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str().to_string(), v.to_string()))).collect();
    let req = WebhookRequest { headers: &headers, body: &body, remote_ip: None, now: state.engine.now() };
    Ok(Json(state.engine.gateway_webhook(kind, &req).await?))
}

/// Import a 1C client-bank statement (`1CClientBankExchange`, UTF-8 or
/// Windows-1251): matching transfers are credited, the rest reported.
#[utoipa::path(post, path = "/bank-statements", tag = "payments", request_body(content = String, content_type = "text/plain"),
    responses((status = 200, body = StatementReport), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn import_statement(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    body: Bytes,
) -> ApiResult<Json<StatementReport>> {
    let lines = staff_statement(&ctx, &body)?;
    Ok(Json(state.engine.import_bank_statement(&ctx, lines).await?))
}

/// What importing the statement would do, line by line (`matched` where
/// the import would credit), crediting nothing.
#[utoipa::path(post, path = "/bank-statements/preview", tag = "payments",
    request_body(content = String, content_type = "text/plain"),
    responses((status = 200, body = StatementReport), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn preview_statement(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    body: Bytes,
) -> ApiResult<Json<StatementReport>> {
    let lines = staff_statement(&ctx, &body)?;
    Ok(Json(state.engine.preview_bank_statement(&ctx, lines).await?))
}

/// A statement staff sent: its incoming payments, or why it is refused.
fn staff_statement(ctx: &Ctx, body: &[u8]) -> ApiResult<Vec<StatementLine>> {
    forbid_clients(ctx)?;
    statement_lines(body).map_err(|why| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_statement", why))
}

/// The incoming payments of a 1C statement, or why the file is not one.
pub(crate) fn statement_lines(file: &[u8]) -> Result<Vec<StatementLine>, String> {
    let docs = kopek_integrations::parse_statement(file).map_err(|e| e.to_string())?;
    Ok(docs
        .into_iter()
        .map(|d| StatementLine {
            line: d.line,
            number: d.number,
            date: d.received_on.unwrap_or(d.date),
            amount: kopek_engine::core::amount::Amount(d.amount),
            payer: d.payer_name,
            purpose: d.purpose,
        })
        .collect())
}

fn forbid_clients(ctx: &Ctx) -> ApiResult<()> {
    if ctx.actor.own_client().is_some() {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "forbidden", "only staff do this"));
    }
    Ok(())
}
