//! Payers and their contracts (PAY-1 … PAY-5).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kopek_engine::payments::payers::{Contract, ContractInput, MergePlan, MergeRequest, Payer, PayerInput, PayerSummary};

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Caller};

#[utoipa::path(get, path = "/clients/{id}/payers", tag = "payers", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<PayerSummary>), (status = 404, body = ErrorBody)))]
pub async fn list_payers(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<PayerSummary>>> {
    Ok(Json(state.engine.payers(&ctx, id).await?))
}

/// Add a payer: country first, then the kind's fields; Russian identifiers
/// are checked by their check digits.
#[utoipa::path(post, path = "/clients/{id}/payers", tag = "payers", request_body = PayerInput, params(("id" = i64, Path)),
    responses((status = 201, body = Payer), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_payer(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<PayerInput>,
) -> ApiResult<(StatusCode, Json<Payer>)> {
    Ok((StatusCode::CREATED, Json(state.engine.create_payer(&ctx, id, input).await?)))
}

#[utoipa::path(get, path = "/payers/{id}", tag = "payers", params(("id" = i64, Path)),
    responses((status = 200, body = Payer), (status = 404, body = ErrorBody)))]
pub async fn get_payer(State(state): State<AppState>, Caller(ctx): Caller, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<Payer>> {
    Ok(Json(state.engine.payer(&ctx, id).await?))
}

#[utoipa::path(put, path = "/payers/{id}", tag = "payers", request_body = PayerInput, params(("id" = i64, Path)),
    responses((status = 200, body = Payer), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_payer(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<PayerInput>,
) -> ApiResult<Json<Payer>> {
    Ok(Json(state.engine.update_payer(&ctx, id, input).await?))
}

/// Delete a payer; refused while payments from it wait for money.
#[utoipa::path(delete, path = "/payers/{id}", tag = "payers", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_payer(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    state.engine.delete_payer(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The actions a merge would take, changing nothing.
#[utoipa::path(post, path = "/payers/merge/preview", tag = "payers", request_body = MergeRequest,
    responses((status = 200, body = MergePlan), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn merge_preview(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(req): ApiJson<MergeRequest>,
) -> ApiResult<Json<MergePlan>> {
    Ok(Json(state.engine.merge_preview(&ctx, req).await?))
}

/// Merge two payers: payments and contracts go to the main one, the merged
/// one is gone.
#[utoipa::path(post, path = "/payers/merge", tag = "payers", request_body = MergeRequest,
    responses((status = 200, body = MergePlan), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn merge(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(req): ApiJson<MergeRequest>,
) -> ApiResult<Json<MergePlan>> {
    Ok(Json(state.engine.merge_payers(&ctx, req).await?))
}

#[utoipa::path(get, path = "/payers/{id}/contracts", tag = "payers", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Contract>), (status = 404, body = ErrorBody)))]
pub async fn list_contracts(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Contract>>> {
    Ok(Json(state.engine.contracts(&ctx, id).await?))
}

#[utoipa::path(post, path = "/payers/{id}/contracts", tag = "payers", request_body = ContractInput, params(("id" = i64, Path)),
    responses((status = 201, body = Contract), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_contract(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ContractInput>,
) -> ApiResult<(StatusCode, Json<Contract>)> {
    Ok((StatusCode::CREATED, Json(state.engine.add_contract(&ctx, id, input).await?)))
}
