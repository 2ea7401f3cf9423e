//! Products for sale in the portal (CAT-13), promo codes (ORD-3) and the
//! order form's prices (ORD-1). Everyone logged in sees the products on
//! sale; staff also see archived ones and the provisioning hooks. Admins
//! create and change products and promo codes.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kopek_engine::shop::products::{OrderQuote, Product, ProductInput, Promo, PromoInput, QuoteRequest};

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Caller};

/// The products on sale; staff also see archived ones and their hooks.
#[utoipa::path(get, path = "/products", tag = "orders", responses((status = 200, body = Vec<Product>)))]
pub async fn list_products(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<Vec<Product>>> {
    Ok(Json(state.engine.products(&ctx).await?))
}

/// Create a product (admins): `spec` is the product's card, prices, add-ons,
/// tax and deletion rule; `hook` how its services are provisioned (none:
/// they are active as soon as paid).
#[utoipa::path(post, path = "/products", tag = "orders", request_body = ProductInput,
    responses((status = 201, body = Product), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_product(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(input): ApiJson<ProductInput>,
) -> ApiResult<(StatusCode, Json<Product>)> {
    Ok((StatusCode::CREATED, Json(state.engine.create_product(&ctx, input).await?)))
}

/// A product; clients see only those on sale.
#[utoipa::path(get, path = "/products/{id}", tag = "orders", params(("id" = i64, Path)),
    responses((status = 200, body = Product), (status = 404, body = ErrorBody)))]
pub async fn get_product(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Product>> {
    Ok(Json(state.engine.product(&ctx, id).await?))
}

/// Change a product (admins); its services renew at the new prices.
/// `"archived": true` withdraws it from sale.
#[utoipa::path(put, path = "/products/{id}", tag = "orders", params(("id" = i64, Path)), request_body = ProductInput,
    responses((status = 200, body = Product), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update_product(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ProductInput>,
) -> ApiResult<Json<Product>> {
    Ok(Json(state.engine.update_product(&ctx, id, input).await?))
}

/// Every promo code with how often it was used (staff).
#[utoipa::path(get, path = "/promo-codes", tag = "orders",
    responses((status = 200, body = Vec<Promo>), (status = 403, body = ErrorBody)))]
pub async fn list_promos(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<Vec<Promo>>> {
    Ok(Json(state.engine.promos(&ctx).await?))
}

/// Create a promo code (admins): a percent or a sum off the first payment,
/// between two days, limited in uses, for some products or all.
#[utoipa::path(post, path = "/promo-codes", tag = "orders", request_body = PromoInput,
    responses((status = 201, body = Promo), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create_promo(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(input): ApiJson<PromoInput>,
) -> ApiResult<(StatusCode, Json<Promo>)> {
    Ok((StatusCode::CREATED, Json(state.engine.create_promo(&ctx, input).await?)))
}

/// Archive a promo code (admins): it no longer applies; its uses stay.
#[utoipa::path(delete, path = "/promo-codes/{id}", tag = "orders", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn archive_promo(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    state.engine.archive_promo(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The order form (ORD-1): a configuration of a product priced now for the
/// client, line by line, with a promo code's discount. A configuration
/// outside the product is refused (`invalid_field`), and so is a promo code
/// that does not apply, with its reason (`promo_expired`,
/// `promo_not_for_product`, `promo_used_up`, `promo_unknown`…).
#[utoipa::path(post, path = "/clients/{id}/order-quote", tag = "orders", params(("id" = i64, Path)), request_body = QuoteRequest,
    responses((status = 200, body = OrderQuote), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn quote_order(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<QuoteRequest>,
) -> ApiResult<Json<OrderQuote>> {
    Ok(Json(state.engine.quote_order(&ctx, id, req).await?))
}
