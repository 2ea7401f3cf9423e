//! The night through the API (OPS-5, CHG-1, CHG-8): its schedule and last
//! runs, the dry run of a date per client, and a run of a night that has
//! come, and the credit-limit invoices the night issues. The money screens
//! are not support's (ACC-4).

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use kopek_engine::billing::credit_limit::CreditInvoicePage;
use kopek_engine::jobs::night_runs::{NightDone, NightRehearsal, NightRuns};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Caller};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RunsQuery {
    /// The `next_before` of the previous page (runs, or invoices).
    pub before: Option<i64>,
}

/// The schedule of the night and its runs, newest first: when, who, how
/// long, what each step did, the error a run stopped on.
#[utoipa::path(get, path = "/night-runs", tag = "charging", params(RunsQuery),
    responses((status = 200, body = NightRuns), (status = 403, body = ErrorBody)))]
pub async fn night_runs(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiQuery(q): ApiQuery<RunsQuery>,
) -> ApiResult<Json<NightRuns>> {
    Ok(Json(state.engine.night_runs(&ctx, q.before).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NightInput {
    pub date: NaiveDate,
}

/// The dry run of a night: run and rolled back, in total and per client.
#[utoipa::path(post, path = "/nights/rehearsal", tag = "charging", request_body = NightInput,
    responses((status = 200, body = NightRehearsal), (status = 403, body = ErrorBody)))]
pub async fn rehearse_night(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(input): ApiJson<NightInput>,
) -> ApiResult<Json<NightRehearsal>> {
    Ok(Json(state.engine.rehearse_night(&ctx, input.date).await?))
}

/// Run the night of a date whose 02:00 has come (`night_not_come`
/// otherwise), as the schedule would; running it again changes nothing.
#[utoipa::path(post, path = "/nights", tag = "charging", request_body = NightInput,
    responses((status = 200, body = NightDone), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn run_night(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(input): ApiJson<NightInput>,
) -> ApiResult<Json<NightDone>> {
    Ok(Json(state.engine.start_night(&ctx, input.date).await?))
}

/// Every client's credit-limit invoices with their states (to_pay,
/// partly_paid, paid), newest first; `before` pages on.
#[utoipa::path(get, path = "/credit-invoices", operation_id = "all_credit_invoices", tag = "charging", params(RunsQuery),
    responses((status = 200, body = CreditInvoicePage), (status = 403, body = ErrorBody)))]
pub async fn credit_invoices(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiQuery(q): ApiQuery<RunsQuery>,
) -> ApiResult<Json<CreditInvoicePage>> {
    Ok(Json(state.engine.all_credit_invoices(&ctx, q.before).await?))
}
