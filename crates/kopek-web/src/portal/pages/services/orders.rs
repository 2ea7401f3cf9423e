//! "Заказы" (ORD-4): orders awaiting payment and paid ones, each with its
//! items and the state of the service it opened, and an order's own page
//! with the product's instructions once paid.

use axum::extract::{Path, State};
use axum::response::Response;
use kopek_engine::EngineError;

use crate::AppState;
use crate::portal::pages::error_page;
use crate::portal::pages::finance::pay_with::{RETURN_PATH, to_gateway};
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser, redirect, redirect_with_notice};

pub async fn list(State(state): State<AppState>, user: PortalUser) -> Response {
    let data = async {
        let frame = frame(&state, &user, "orders", "/client/orders").await?;
        let orders = state.engine.orders(&user.ctx, user.client_id).await?;
        Ok::<_, EngineError>((frame, orders))
    };
    match data.await {
        Ok((frame, orders)) => state.views.render("portal/services/orders.html", &frame, orders),
        Err(e) => error_page(&state, &user, e),
    }
}

pub async fn show(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>) -> Response {
    let data = async {
        let frame = frame(&state, &user, "orders", &format!("/client/orders/{id}")).await?;
        let order = state.engine.order(&user.ctx, id).await?;
        Ok::<_, EngineError>((frame, order))
    };
    match data.await {
        Ok((frame, order)) => state.views.render("portal/services/order_page.html", &frame, order),
        Err(e) => error_page(&state, &user, e),
    }
}

/// "Оплатить" on an order awaiting payment by a method: its payment,
/// started again if the last one ended unpaid, on its gateway's page.
pub async fn pay(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, _: FormData) -> Response {
    match state.engine.pay_order(&user.ctx, id, Some(RETURN_PATH.into())).await {
        Ok(order) => match &order.payment {
            Some(payment) => to_gateway(&state, payment),
            None => redirect(&format!("/client/orders/{id}")),
        },
        Err(e @ EngineError::Conflict { .. }) => {
            tracing::info!(order = id, code = e.code(), "order not payable");
            redirect_with_notice(&format!("/client/orders/{id}"), "services-notice-order-not-payable")
        }
        Err(e) => error_page(&state, &user, e),
    }
}
