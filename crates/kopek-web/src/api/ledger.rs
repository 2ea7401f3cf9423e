//! Payments, expenses, reversals and balances (LED-1 … LED-3, CHG-7).
//! Writes that move money honour an `Idempotency-Key` header.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kopek_engine::core::views::{Balance, Expense, Payment};
use kopek_engine::ledger::entries::{CreditPayment, PostExpense, Reversal};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};

#[utoipa::path(get, path = "/clients/{id}/payments", tag = "ledger", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Payment>), (status = 404, body = ErrorBody)))]
pub async fn list_payments(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Payment>>> {
    Ok(Json(state.engine.payments(&ctx, id).await?))
}

/// Credit a payment to the client's balance; it pays the oldest unpaid
/// expenses first.
#[utoipa::path(post, path = "/clients/{id}/payments", tag = "ledger", request_body = CreditPayment,
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "replays the first answer")),
    responses((status = 201, body = Payment), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn credit_payment(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CreditPayment>,
) -> ApiResult<(StatusCode, Json<Payment>)> {
    Ok((StatusCode::CREATED, Json(state.engine.credit_payment(&ctx, id, req).await?)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExpensePage {
    /// Return expenses with ids after this one.
    #[serde(default)]
    pub after: i64,
    /// At most this many (1…1000); every expense when left out.
    #[serde(default)]
    pub limit: Option<i64>,
}

/// The client's expenses in id order, each with the payments that paid
/// it; with `limit`, one page of them after `after`.
#[utoipa::path(get, path = "/clients/{id}/expenses", tag = "ledger", params(("id" = i64, Path), ExpensePage),
    responses((status = 200, body = Vec<Expense>), (status = 404, body = ErrorBody)))]
pub async fn list_expenses(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(page): ApiQuery<ExpensePage>,
) -> ApiResult<Json<Vec<Expense>>> {
    Ok(Json(match page.limit {
        Some(limit) => state.engine.expenses_page(&ctx, id, page.after, limit).await?,
        None if page.after == 0 => state.engine.expenses(&ctx, id).await?,
        None => state.engine.expenses_page(&ctx, id, page.after, 1000).await?,
    }))
}

/// Post an expense against the client; open money pays it at once.
#[utoipa::path(post, path = "/clients/{id}/expenses", tag = "ledger", request_body = PostExpense,
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "replays the first answer")),
    responses((status = 201, body = Expense), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn post_expense(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PostExpense>,
) -> ApiResult<(StatusCode, Json<Expense>)> {
    Ok((StatusCode::CREATED, Json(state.engine.post_expense(&ctx, id, req).await?)))
}

#[utoipa::path(get, path = "/clients/{id}/balance", tag = "ledger", params(("id" = i64, Path)),
    responses((status = 200, body = Balance), (status = 404, body = ErrorBody)))]
pub async fn balance(State(state): State<AppState>, Caller(ctx): Caller, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<Balance>> {
    Ok(Json(state.engine.balance(&ctx, id).await?))
}

#[utoipa::path(get, path = "/payments/{id}", tag = "ledger", params(("id" = i64, Path)),
    responses((status = 200, body = Payment), (status = 404, body = ErrorBody)))]
pub async fn get_payment(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Payment>> {
    Ok(Json(state.engine.payment(&ctx, id).await?))
}

/// Reverse (refund) a credited payment with a reason.
#[utoipa::path(post, path = "/payments/{id}/reversal", tag = "ledger", request_body = Reversal,
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "replays the first answer")),
    responses((status = 201, body = Payment), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn reverse_payment(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<Reversal>,
) -> ApiResult<(StatusCode, Json<Payment>)> {
    Ok((StatusCode::CREATED, Json(state.engine.reverse_payment(&ctx, id, req).await?)))
}

#[utoipa::path(get, path = "/expenses/{id}", tag = "ledger", params(("id" = i64, Path)),
    responses((status = 200, body = Expense), (status = 404, body = ErrorBody)))]
pub async fn get_expense(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Expense>> {
    Ok(Json(state.engine.expense(&ctx, id).await?))
}

/// Reverse a posted expense with a reason.
#[utoipa::path(post, path = "/expenses/{id}/reversal", tag = "ledger", request_body = Reversal,
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "replays the first answer")),
    responses((status = 201, body = Expense), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn reverse_expense(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<Reversal>,
) -> ApiResult<(StatusCode, Json<Expense>)> {
    Ok((StatusCode::CREATED, Json(state.engine.reverse_expense(&ctx, id, req).await?)))
}
