//! The cart (ORD-2), checkout and orders (ORD-4, ORD-5), and the life of a
//! client's service bought in the portal (SVC-1, SVC-2). A client's service
//! is addressed by its subscription's id under `/client-services`, as
//! `/services` is the catalog's.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kopek_domain::product::life::Action;
use kopek_engine::payments::start::PayByMethod;
use kopek_engine::service_life::changes::{ServiceChange, ServiceChangeResult};
use kopek_engine::service_life::life::ClientService;
use kopek_engine::service_life::questions::{AskQuestion, ServiceQuestion};
use kopek_engine::shop::orders::{Cart, CartInput, Checkout, Order, Orders};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Caller};

/// "Оплатить" on the order form: `item` is what would go in the cart;
/// `method` pays by a payment method instead of the balance.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderNow {
    pub item: CartInput,
    /// None (or left out) pays from the balance and the credit limit.
    #[serde(default)]
    pub method: Option<PayByMethod>,
}

/// "Платеж": a new payment of an order awaiting it, by its method.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayOrder {
    /// Where the gateway sends the payer back.
    #[serde(default)]
    pub return_url: Option<String>,
}

/// What the client may ask of a service itself; renewing, changing and
/// deleting have their own requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceActionKind {
    Stop,
    Start,
    Reboot,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceAction {
    pub action: ServiceActionKind,
}

impl From<ServiceActionKind> for Action {
    fn from(kind: ServiceActionKind) -> Action {
        match kind {
            ServiceActionKind::Stop => Action::Stop,
            ServiceActionKind::Start => Action::Start,
            ServiceActionKind::Reboot => Action::Reboot,
        }
    }
}

/// The cart, each item priced now (or with the reason it can no longer be
/// ordered as it is).
#[utoipa::path(get, path = "/clients/{id}/cart", tag = "orders", params(("id" = i64, Path)),
    responses((status = 200, body = Cart), (status = 404, body = ErrorBody)))]
pub async fn get_cart(State(state): State<AppState>, Caller(ctx): Caller, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<Cart>> {
    Ok(Json(state.engine.cart(&ctx, id).await?))
}

/// "В корзину": the configuration is checked and priced now; the answer is
/// the whole cart.
#[utoipa::path(post, path = "/clients/{id}/cart", tag = "orders", params(("id" = i64, Path)), request_body = CartInput,
    responses((status = 201, body = Cart), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn add_to_cart(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CartInput>,
) -> ApiResult<(StatusCode, Json<Cart>)> {
    Ok((StatusCode::CREATED, Json(state.engine.add_to_cart(&ctx, id, input).await?)))
}

/// "Изменить" an item of the cart: another configuration of the same
/// product; the answer is the whole cart.
#[utoipa::path(put, path = "/cart-items/{id}", tag = "orders", params(("id" = i64, Path)), request_body = CartInput,
    responses((status = 200, body = Cart), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update_cart_item(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CartInput>,
) -> ApiResult<Json<Cart>> {
    Ok(Json(state.engine.update_cart_item(&ctx, id, input).await?))
}

/// "Удалить" an item of the cart; the answer is what is left.
#[utoipa::path(delete, path = "/cart-items/{id}", tag = "orders", params(("id" = i64, Path)),
    responses((status = 200, body = Cart), (status = 404, body = ErrorBody)))]
pub async fn remove_cart_item(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Cart>> {
    Ok(Json(state.engine.remove_from_cart(&ctx, id).await?))
}

/// "Перейти к оформлению": the chosen items become one order, paid from the
/// balance (and credit limit) at once — `insufficient_funds` when it is not
/// enough, the cart unchanged — or by `method`, awaiting its payment.
#[utoipa::path(post, path = "/clients/{id}/checkout", tag = "orders", request_body = Checkout,
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "replays the first answer")),
    responses((status = 201, body = Order), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn checkout(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<Checkout>,
) -> ApiResult<(StatusCode, Json<Order>)> {
    Ok((StatusCode::CREATED, Json(state.engine.checkout(&ctx, id, req).await?)))
}

/// "Оплатить" on the order form: one item ordered at once, without the cart.
#[utoipa::path(post, path = "/clients/{id}/orders", tag = "orders", request_body = OrderNow,
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "replays the first answer")),
    responses((status = 201, body = Order), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn order_now(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<OrderNow>,
) -> ApiResult<(StatusCode, Json<Order>)> {
    Ok((StatusCode::CREATED, Json(state.engine.order_now(&ctx, id, req.item, req.method).await?)))
}

/// The client's orders (ORD-4): "Ждут оплаты" and "Оплаченные услуги".
#[utoipa::path(get, path = "/clients/{id}/orders", tag = "orders", params(("id" = i64, Path)),
    responses((status = 200, body = Orders), (status = 404, body = ErrorBody)))]
pub async fn list_orders(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Orders>> {
    Ok(Json(state.engine.orders(&ctx, id).await?))
}

#[utoipa::path(get, path = "/orders/{id}", tag = "orders", params(("id" = i64, Path)),
    responses((status = 200, body = Order), (status = 404, body = ErrorBody)))]
pub async fn get_order(State(state): State<AppState>, Caller(ctx): Caller, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<Order>> {
    Ok(Json(state.engine.order(&ctx, id).await?))
}

/// "Платеж" (ORD-5): a new payment of an order awaiting it, by the method
/// chosen at checkout (it can't be changed); send the payer to
/// `payment.flow.confirmation_url`.
#[utoipa::path(post, path = "/orders/{id}/pay", tag = "orders", params(("id" = i64, Path)), request_body = PayOrder,
    responses((status = 200, body = Order), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn pay_order(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PayOrder>,
) -> ApiResult<Json<Order>> {
    Ok(Json(state.engine.pay_order(&ctx, id, req.return_url).await?))
}

/// "Товары/Услуги": the client's services bought in the portal (SVC-1).
#[utoipa::path(get, path = "/clients/{id}/client-services", tag = "orders", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ClientService>), (status = 404, body = ErrorBody)))]
pub async fn list_client_services(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<ClientService>>> {
    Ok(Json(state.engine.client_services(&ctx, id).await?))
}

/// "Вопрос" (SVC-2): ask the provider about a service; support answers it
/// in a ticket.
#[utoipa::path(post, path = "/client-services/{id}/questions", tag = "orders", params(("id" = i64, Path)), request_body = AskQuestion,
    responses((status = 201, body = ServiceQuestion), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn ask_question(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(q): ApiJson<AskQuestion>,
) -> ApiResult<(StatusCode, Json<ServiceQuestion>)> {
    Ok((StatusCode::CREATED, Json(state.engine.ask_about_service(&ctx, id, q).await?)))
}

/// The questions asked about a service.
#[utoipa::path(get, path = "/client-services/{id}/questions", tag = "orders", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ServiceQuestion>), (status = 404, body = ErrorBody)))]
pub async fn list_questions(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<ServiceQuestion>>> {
    Ok(Json(state.engine.service_questions(&ctx, id).await?))
}

/// A service bought in the portal (SVC-1): its state, paid time,
/// configuration and operations ("История"). `{id}` is its subscription.
#[utoipa::path(get, path = "/client-services/{id}", tag = "orders", params(("id" = i64, Path)),
    responses((status = 200, body = ClientService), (status = 404, body = ErrorBody)))]
pub async fn get_client_service(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ClientService>> {
    Ok(Json(state.engine.client_service(&ctx, id).await?))
}

/// Stop, start or reboot a service (SVC-2): "processing" until its hook
/// answers, at once for a product without a hook. One operation at a time.
#[utoipa::path(post, path = "/client-services/{id}/actions", tag = "orders", params(("id" = i64, Path)), request_body = ServiceAction,
    responses((status = 200, body = ClientService), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn service_action(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ServiceAction>,
) -> ApiResult<Json<ClientService>> {
    Ok(Json(state.engine.service_action(&ctx, id, req.action.into()).await?))
}

/// "Изменить" (SVC-2): new add-on values to the end of the paid period; the
/// difference for the time left is charged (`difference` positive) or, when
/// the product refunds unused time, given back (negative).
#[utoipa::path(put, path = "/client-services/{id}", tag = "orders", params(("id" = i64, Path)), request_body = ServiceChange,
    responses((status = 200, body = ServiceChangeResult), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn change_service(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(change): ApiJson<ServiceChange>,
) -> ApiResult<Json<ServiceChangeResult>> {
    Ok(Json(state.engine.change_service(&ctx, id, change).await?))
}

/// What "Изменить" (SVC-2) would cost before it is confirmed: the
/// difference for the time left, charged (positive) or given back
/// (negative); nothing changes.
#[utoipa::path(post, path = "/client-services/{id}/change-preview", tag = "orders", params(("id" = i64, Path)),
    request_body = ServiceChange,
    responses((status = 200, body = ChangePreview), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn preview_service_change(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(change): ApiJson<ServiceChange>,
) -> ApiResult<Json<ChangePreview>> {
    Ok(Json(ChangePreview { difference: state.engine.preview_service_change(&ctx, id, change).await? }))
}

/// The answer of a change's preview.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChangePreview {
    /// Charged now (positive) or given back to the balance (negative).
    pub difference: kopek_engine::core::amount::Amount,
}

/// "Удалить" (SVC-2), as the product allows: no more renewals, and the
/// unused part of the period back (`difference`, negative) when the product
/// refunds it.
#[utoipa::path(delete, path = "/client-services/{id}", tag = "orders", params(("id" = i64, Path)),
    responses((status = 200, body = ServiceChangeResult), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn delete_service(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ServiceChangeResult>> {
    Ok(Json(state.engine.delete_service(&ctx, id).await?))
}
