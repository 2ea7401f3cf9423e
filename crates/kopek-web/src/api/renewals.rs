//! Saved payment methods, auto-renewal of paid-period services,
//! autopayment and the credit limit (PMT-5, PMT-6, PMT-7, CRD).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kopek_engine::billing::autopay::{AutopayForm, AutopayInput};
use kopek_engine::billing::autorenew::{AutoRenewal, RenewalMethod};
use kopek_engine::billing::credit_limit::{CreditDashboard, CreditInvoice};
use kopek_engine::payments::saved_methods::{
    DeletedSavedMethod, NewSavedMethod, Reconfigure, RenameSavedMethod, SavedMethod, SavedMethodSetup, SavedMethods,
};

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Caller};

/// The "Способы оплаты" page: the client's saved methods, and how many
/// auto-renewing services each (and the balance) pays for.
#[utoipa::path(get, path = "/clients/{id}/saved-methods", tag = "renewals", params(("id" = i64, Path)),
    responses((status = 200, body = SavedMethods), (status = 404, body = ErrorBody)))]
pub async fn list_saved_methods(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<SavedMethods>> {
    Ok(Json(state.engine.saved_methods(&ctx, id).await?))
}

/// Save a payment method (PMT-6): written "configuring", with a set-up
/// payment credited to the balance; send the payer to
/// `payment.flow.confirmation_url`. The method works once that payment
/// succeeds.
#[utoipa::path(post, path = "/clients/{id}/saved-methods", tag = "renewals", params(("id" = i64, Path)), request_body = NewSavedMethod,
    responses((status = 201, body = SavedMethodSetup), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create_saved_method(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewSavedMethod>,
) -> ApiResult<(StatusCode, Json<SavedMethodSetup>)> {
    Ok((StatusCode::CREATED, Json(state.engine.create_saved_method(&ctx, id, input).await?)))
}

#[utoipa::path(get, path = "/saved-methods/{id}", tag = "renewals", params(("id" = i64, Path)),
    responses((status = 200, body = SavedMethod), (status = 404, body = ErrorBody)))]
pub async fn get_saved_method(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<SavedMethod>> {
    Ok(Json(state.engine.saved_method(&ctx, id).await?))
}

/// Rename a saved method (1 to 100 characters).
#[utoipa::path(put, path = "/saved-methods/{id}", tag = "renewals", params(("id" = i64, Path)), request_body = RenameSavedMethod,
    responses((status = 200, body = SavedMethod), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn rename_saved_method(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<RenameSavedMethod>,
) -> ApiResult<Json<SavedMethod>> {
    Ok(Json(state.engine.rename_saved_method(&ctx, id, input).await?))
}

/// Delete a saved method: auto-renewal is switched off for every service it
/// paid for (listed in the answer), and so is the autopayment it paid.
#[utoipa::path(delete, path = "/saved-methods/{id}", tag = "renewals", params(("id" = i64, Path)),
    responses((status = 200, body = DeletedSavedMethod), (status = 404, body = ErrorBody)))]
pub async fn delete_saved_method(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<DeletedSavedMethod>> {
    Ok(Json(state.engine.delete_saved_method(&ctx, id).await?))
}

/// "Настроить повторно": back to "configuring" with a new set-up payment.
#[utoipa::path(post, path = "/saved-methods/{id}/reconfigure", tag = "renewals", params(("id" = i64, Path)), request_body = Reconfigure,
    responses((status = 200, body = SavedMethodSetup), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn reconfigure_saved_method(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<Reconfigure>,
) -> ApiResult<Json<SavedMethodSetup>> {
    Ok(Json(state.engine.reconfigure_saved_method(&ctx, id, input).await?))
}

/// "Автопродление услуг": the client's auto-renewing paid-period services,
/// their next renewal day, price and the method that pays it.
#[utoipa::path(get, path = "/clients/{id}/auto-renewals", tag = "renewals", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AutoRenewal>), (status = 404, body = ErrorBody)))]
pub async fn list_auto_renewals(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<AutoRenewal>>> {
    Ok(Json(state.engine.auto_renewals(&ctx, id).await?))
}

/// Choose what renews a paid-period service (PMT-7): a saved method of the
/// client, or the balance when `saved_method_id` is left out.
#[utoipa::path(put, path = "/subscriptions/{id}/renewal-method", tag = "renewals", params(("id" = i64, Path)), request_body = RenewalMethod,
    responses((status = 200, body = AutoRenewal), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn set_renewal_method(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<RenewalMethod>,
) -> ApiResult<Json<AutoRenewal>> {
    Ok(Json(state.engine.set_renewal_method(&ctx, id, input).await?))
}

/// The autopayment form (PMT-5): the month's forecast, the recommended
/// monthly maximum, the methods to choose from and the current settings.
#[utoipa::path(get, path = "/clients/{id}/autopay", tag = "renewals", params(("id" = i64, Path)),
    responses((status = 200, body = AutopayForm), (status = 404, body = ErrorBody)))]
pub async fn autopay_form(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<AutopayForm>> {
    Ok(Json(state.engine.autopay_form(&ctx, id).await?))
}

/// Set the autopayment up, change or switch it off; an unlimited monthly
/// maximum (`null`) takes only a method without amount limits
/// (`method_limited`).
#[utoipa::path(put, path = "/clients/{id}/autopay", tag = "renewals", params(("id" = i64, Path)), request_body = AutopayInput,
    responses((status = 200, body = AutopayForm), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn set_autopay(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<AutopayInput>,
) -> ApiResult<Json<AutopayForm>> {
    Ok(Json(state.engine.set_autopay(&ctx, id, input).await?))
}

/// The dashboard's credit block (CRD-5): limit, available, to pay, overdue,
/// open invoices and the expenses by day.
#[utoipa::path(get, path = "/clients/{id}/credit", tag = "renewals", params(("id" = i64, Path)),
    responses((status = 200, body = CreditDashboard), (status = 404, body = ErrorBody)))]
pub async fn credit_dashboard(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CreditDashboard>> {
    Ok(Json(state.engine.credit_dashboard(&ctx, id).await?))
}

/// The client's credit-limit invoices, newest first, with the reminders sent.
#[utoipa::path(get, path = "/clients/{id}/credit-invoices", tag = "renewals", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<CreditInvoice>), (status = 404, body = ErrorBody)))]
pub async fn credit_invoices(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<CreditInvoice>>> {
    Ok(Json(state.engine.credit_invoices(&ctx, id).await?))
}
