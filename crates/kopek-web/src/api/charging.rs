//! Subscriptions, the charge run, usage records and promised payments
//! (CHG-1 … CHG-8, SVC-1).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use kopek_engine::billing::paid_period::{PaidPeriodOrder, Renewal, RenewalByMethod, RenewalSettings};
use kopek_engine::catalog::tariff_change::TariffChange;
use kopek_engine::charging::promised::{PromiseInput, Promised};
use kopek_engine::charging::run::RunReport;
use kopek_engine::charging::subscriptions::{ConnectInput, Reason, StateChange, Subscription};
use kopek_engine::charging::usage::{UsageReceipt, UsageRecord};
use kopek_engine::core::views::Payment;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Caller};

#[utoipa::path(get, path = "/clients/{id}/subscriptions", tag = "charging", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Subscription>), (status = 404, body = ErrorBody)))]
pub async fn list_subscriptions(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Subscription>>> {
    Ok(Json(state.engine.subscriptions(&ctx, id).await?))
}

/// Connect a service; what is due is charged at once. A client's user
/// connects only what the portal offers (CAT-10), without a tariff or a
/// discount, and a service marked "check funds" only when the balance
/// covers its first charge (409 `insufficient_funds`).
#[utoipa::path(post, path = "/clients/{id}/subscriptions", tag = "charging", params(("id" = i64, Path)), request_body = ConnectInput,
    responses((status = 201, body = Subscription), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn connect(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ConnectInput>,
) -> ApiResult<(StatusCode, Json<Subscription>)> {
    Ok((StatusCode::CREATED, Json(state.engine.connect(&ctx, id, input).await?)))
}

/// Change the client's tariff (the 15th rule of CAT-6).
#[utoipa::path(post, path = "/clients/{id}/tariff-change", tag = "charging", params(("id" = i64, Path)), request_body = TariffChange,
    responses((status = 201, body = Vec<Subscription>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change_tariff(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<TariffChange>,
) -> ApiResult<(StatusCode, Json<Vec<Subscription>>)> {
    Ok((StatusCode::CREATED, Json(state.engine.change_tariff(&ctx, id, input).await?)))
}

#[utoipa::path(get, path = "/subscriptions/{id}", tag = "charging", params(("id" = i64, Path)),
    responses((status = 200, body = Subscription), (status = 404, body = ErrorBody)))]
pub async fn get_subscription(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Subscription>> {
    Ok(Json(state.engine.subscription(&ctx, id).await?))
}

#[utoipa::path(get, path = "/subscriptions/{id}/history", tag = "charging", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<StateChange>), (status = 404, body = ErrorBody)))]
pub async fn subscription_history(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<StateChange>>> {
    Ok(Json(state.engine.subscription_history(&ctx, id).await?))
}

/// Stop for a while (by the client, or by staff).
#[utoipa::path(post, path = "/subscriptions/{id}/stop", tag = "charging", params(("id" = i64, Path)), request_body = Reason,
    responses((status = 200, body = Subscription), (status = 409, body = ErrorBody)))]
pub async fn stop(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<Reason>,
) -> ApiResult<Json<Subscription>> {
    Ok(Json(state.engine.stop(&ctx, id, &r.reason).await?))
}

#[utoipa::path(post, path = "/subscriptions/{id}/resume", tag = "charging", params(("id" = i64, Path)),
    responses((status = 200, body = Subscription), (status = 409, body = ErrorBody)))]
pub async fn resume(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Subscription>> {
    Ok(Json(state.engine.resume(&ctx, id).await?))
}

/// Turn a forsage's boost on (CAT-1): one activation, charged at once at
/// the service's price; the equipment gets the service's speed until the
/// boost ends by itself after the service's minutes. Refused with
/// `not_forsage` (422) for another kind of service, and with `not_active`,
/// `boost_running`, `activations_used_up` or `insufficient_funds` (409).
#[utoipa::path(post, path = "/subscriptions/{id}/boost", tag = "charging", params(("id" = i64, Path)),
    responses((status = 200, body = Subscription), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn boost(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Subscription>> {
    Ok(Json(state.engine.boost(&ctx, id).await?))
}

/// Disconnect; the unused part of a prepaid period is refunded. A client's
/// user cancels only a service cancellable from the portal, once its months
/// have passed (409 `not_cancellable`, `not_cancellable_yet`, CAT-10).
#[utoipa::path(post, path = "/subscriptions/{id}/disconnect", tag = "charging", params(("id" = i64, Path)), request_body = Reason,
    responses((status = 200, body = Subscription), (status = 409, body = ErrorBody)))]
pub async fn disconnect(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<Reason>,
) -> ApiResult<Json<Subscription>> {
    Ok(Json(state.engine.disconnect(&ctx, id, &r.reason).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    /// When the session began; now when left out.
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
}

/// Report a session (CAT-3: starts charging of a service waiting for one).
#[utoipa::path(post, path = "/subscriptions/{id}/sessions", tag = "charging", params(("id" = i64, Path)), request_body = SessionInput,
    responses((status = 200, body = Subscription), (status = 404, body = ErrorBody)))]
pub async fn report_session(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(s): ApiJson<SessionInput>,
) -> ApiResult<Json<Subscription>> {
    Ok(Json(state.engine.report_session(&ctx, id, s.at).await?))
}

/// Report usage records (CHG-6); repeated record ids are ignored.
#[utoipa::path(post, path = "/usage", tag = "charging", request_body = Vec<UsageRecord>,
    responses((status = 201, body = UsageReceipt), (status = 422, body = ErrorBody)))]
pub async fn record_usage(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(records): ApiJson<Vec<UsageRecord>>,
) -> ApiResult<(StatusCode, Json<UsageReceipt>)> {
    Ok((StatusCode::CREATED, Json(state.engine.record_usage(&ctx, records).await?)))
}

/// Import usage as CSV: `subscription_id,record_id,kind,class,quantity,recorded_at`, optionally `,roaming` (true/false).
#[utoipa::path(post, path = "/usage/csv", tag = "charging", request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = UsageReceipt), (status = 422, body = ErrorBody)))]
pub async fn import_usage(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    body: String,
) -> ApiResult<(StatusCode, Json<UsageReceipt>)> {
    Ok((StatusCode::CREATED, Json(state.engine.import_usage_csv(&ctx, &body).await?)))
}

#[utoipa::path(get, path = "/clients/{id}/promised-payments", tag = "charging", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Promised>), (status = 404, body = ErrorBody)))]
pub async fn list_promised(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Promised>>> {
    Ok(Json(state.engine.promised_payments(&ctx, id).await?))
}

/// Take a promised payment (CHG-4).
#[utoipa::path(post, path = "/clients/{id}/promised-payments", tag = "charging", params(("id" = i64, Path)), request_body = PromiseInput,
    responses((status = 201, body = Promised), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn take_promised(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<PromiseInput>,
) -> ApiResult<(StatusCode, Json<Promised>)> {
    Ok((StatusCode::CREATED, Json(state.engine.take_promised_payment(&ctx, id, input).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunInput {
    pub date: NaiveDate,
    /// Show what the run would do and change nothing (CHG-8).
    #[serde(default)]
    pub dry_run: bool,
}

/// Run (or dry-run) the charges of a date.
#[utoipa::path(post, path = "/charge-runs", tag = "charging", request_body = RunInput,
    responses((status = 200, body = RunReport), (status = 403, body = ErrorBody)))]
pub async fn run(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(input): ApiJson<RunInput>,
) -> ApiResult<Json<RunReport>> {
    let report = state.engine.run_charges(&ctx, input.date, input.dry_run).await?;
    Ok(Json(report))
}

/// Order a service paid ahead for a number of months from the balance
/// (hosting style); refused, changing nothing, when the money is short.
#[utoipa::path(post, path = "/clients/{id}/paid-subscriptions", tag = "charging", params(("id" = i64, Path)),
    request_body = PaidPeriodOrder,
    responses((status = 201, body = Subscription), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn order_paid_period(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(order): ApiJson<PaidPeriodOrder>,
) -> ApiResult<(StatusCode, Json<Subscription>)> {
    Ok((StatusCode::CREATED, Json(state.engine.order_paid_period(&ctx, id, order).await?)))
}

/// Renew a paid-period subscription from the end of its paid time.
#[utoipa::path(post, path = "/subscriptions/{id}/renew", tag = "charging", params(("id" = i64, Path)), request_body = Renewal,
    responses((status = 200, body = Subscription), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn renew(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<Renewal>,
) -> ApiResult<Json<Subscription>> {
    Ok(Json(state.engine.renew_subscription(&ctx, id, r).await?))
}

/// Pay a renewal by a method (a card, a bank transfer): the subscription
/// renews when the payment's money arrives (PMT-2, SVC-2).
#[utoipa::path(post, path = "/subscriptions/{id}/renewal-payment", tag = "charging", params(("id" = i64, Path)),
    request_body = RenewalByMethod,
    responses((status = 201, body = Payment), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn renewal_payment(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<RenewalByMethod>,
) -> ApiResult<(StatusCode, Json<Payment>)> {
    Ok((StatusCode::CREATED, Json(state.engine.renew_by_method(&ctx, id, r).await?)))
}

/// Change the renewal period or auto-renewal.
#[utoipa::path(put, path = "/subscriptions/{id}/renewal", tag = "charging", params(("id" = i64, Path)), request_body = RenewalSettings,
    responses((status = 200, body = Subscription), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_renewal(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<RenewalSettings>,
) -> ApiResult<Json<Subscription>> {
    Ok(Json(state.engine.set_renewal(&ctx, id, r).await?))
}
