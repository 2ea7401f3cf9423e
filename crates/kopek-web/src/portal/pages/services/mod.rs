//! "Товары/Услуги" (SVC-1, SVC-2), the order form (ORD-1), the cart
//! (ORD-2, ORD-3) and the orders (ORD-4): one file per screen, over the
//! engine's shop and service-life use cases.

mod actions;
mod cart;
mod config;
mod isp;
mod list;
mod order;
mod orders;
mod service;

use axum::Router;
use axum::routing::{get, post};
use kopek_domain::product::ProductType;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/services", get(list::show))
        .route("/services/order", get(order::show).post(order::send))
        .route("/services/connect", post(isp::connect))
        .route("/services/isp/{id}/cancel", post(isp::cancel))
        .route("/services/isp/{id}/boost", post(isp::boost))
        .route("/services/{id}", get(service::show))
        .route("/services/{id}/renew", post(actions::renew))
        .route("/services/{id}/power", post(actions::power))
        .route("/services/{id}/auto-renew", post(actions::auto_renew))
        .route("/services/{id}/change", post(actions::change))
        .route("/services/{id}/delete", post(actions::delete))
        .route("/services/{id}/question", post(actions::question))
        .route("/client/cart", get(cart::show))
        .route("/client/cart/checkout", post(cart::checkout))
        .route("/client/cart/{id}", get(cart::edit).post(cart::save))
        .route("/client/cart/{id}/promo", post(cart::promo))
        .route("/client/cart/{id}/remove", post(cart::remove))
        .route("/client/orders", get(orders::list))
        .route("/client/orders/{id}", get(orders::show))
        .route("/client/orders/{id}/pay", post(orders::pay))
}

/// The catalog key of a product type's name ("services-type-virtual-server").
fn type_key(t: ProductType) -> String {
    let name = serde_json::to_value(t).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    format!("services-type-{}", name.replace('_', "-"))
}
