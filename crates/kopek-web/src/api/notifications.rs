//! NTF-4 for staff: the delivery log with its filters and "send again";
//! for a client's user, its own inbox (what the portal's "Поддержка —
//! Уведомления" shows); staff's own templates (NTF-3).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kopek_engine::billing::low_balance::{LowBalanceInput, LowBalanceSetting};
use kopek_engine::notifications::inbox::{InboxItem, InboxPage};
use kopek_engine::notifications::log::{Delivery, DeliveryQuery};
use kopek_engine::notifications::templates::{NotificationTemplate, TemplateInput};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};

/// The delivery log, newest first, 50 to a page: each delivery's user,
/// channel, address, status, tries, last error and the provider's id.
#[utoipa::path(get, path = "/notification-deliveries", tag = "notifications", params(DeliveryQuery),
    responses((status = 200, body = Vec<Delivery>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_deliveries(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiQuery(q): ApiQuery<DeliveryQuery>,
) -> ApiResult<Json<Vec<Delivery>>> {
    Ok(Json(state.engine.notification_deliveries(&ctx, &q).await?))
}

/// "Send again": a failed or dead delivery is queued for now.
#[utoipa::path(post, path = "/notification-deliveries/{id}/resend", tag = "notifications", params(("id" = i64, Path)),
    responses((status = 200, body = Delivery), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn resend_delivery(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Delivery>> {
    Ok(Json(state.engine.resend_delivery(&ctx, id).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InboxQuery {
    /// From 1.
    pub page: Option<i64>,
}

/// The caller's own notifications, 20 to a page, with the unread count.
#[utoipa::path(get, path = "/me/notifications", tag = "notifications", params(InboxQuery),
    responses((status = 200, body = InboxPage), (status = 403, body = ErrorBody)))]
pub async fn my_notifications(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiQuery(q): ApiQuery<InboxQuery>,
) -> ApiResult<Json<InboxPage>> {
    Ok(Json(state.engine.my_notifications(&ctx, q.page.unwrap_or(1)).await?))
}

/// One of the caller's notifications, marked read.
#[utoipa::path(get, path = "/me/notifications/{id}", tag = "notifications", params(("id" = i64, Path)),
    responses((status = 200, body = InboxItem), (status = 404, body = ErrorBody)))]
pub async fn open_my_notification(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<InboxItem>> {
    Ok(Json(state.engine.open_my_notification(&ctx, id).await?))
}

/// NTF-3: staff's own template of an event in a language (ru, en).
#[utoipa::path(get, path = "/notification-templates/{event}/{locale}", tag = "notifications",
    params(("event" = String, Path), ("locale" = String, Path)),
    responses((status = 200, body = NotificationTemplate), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn get_template(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath((event, locale)): ApiPath<(String, String)>,
) -> ApiResult<Json<NotificationTemplate>> {
    Ok(Json(state.engine.notification_template(&ctx, &event, &locale).await?))
}

/// Stores staff's template; one that does not render (a syntax error, a
/// value the event does not carry) is refused with `template_invalid`
/// naming its part and line.
#[utoipa::path(put, path = "/notification-templates/{event}/{locale}", tag = "notifications",
    params(("event" = String, Path), ("locale" = String, Path)), request_body = TemplateInput,
    responses((status = 200, body = NotificationTemplate), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_template(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath((event, locale)): ApiPath<(String, String)>,
    ApiJson(input): ApiJson<TemplateInput>,
) -> ApiResult<Json<NotificationTemplate>> {
    Ok(Json(state.engine.save_notification_template(&ctx, &event, &locale, input).await?))
}

/// Removes staff's template: the one shipped with Kopek is used again.
#[utoipa::path(delete, path = "/notification-templates/{event}/{locale}", tag = "notifications",
    params(("event" = String, Path), ("locale" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_template(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath((event, locale)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    state.engine.delete_notification_template(&ctx, &event, &locale).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// NTF-1: the client's low-balance threshold (none: the notice is off).
#[utoipa::path(get, path = "/clients/{id}/low-balance", tag = "notifications", params(("id" = i64, Path)),
    responses((status = 200, body = LowBalanceSetting), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_low_balance(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<LowBalanceSetting>> {
    Ok(Json(state.engine.low_balance(&ctx, id).await?))
}

/// NTF-1: sets the threshold below which the client's users are told, once
/// per fall, with the days the money lasts; `null` switches it off. Below
/// zero (`invalid_field`), finer than the currency's minor unit
/// (`amount_too_precise`) or too large (`amount_too_large`) is refused
/// with 422 on the field `threshold`, changing nothing.
#[utoipa::path(put, path = "/clients/{id}/low-balance", tag = "notifications", params(("id" = i64, Path)),
    request_body = LowBalanceInput,
    responses((status = 200, body = LowBalanceSetting), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn set_low_balance(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<LowBalanceInput>,
) -> ApiResult<Json<LowBalanceSetting>> {
    Ok(Json(state.engine.set_low_balance(&ctx, id, input).await?))
}
