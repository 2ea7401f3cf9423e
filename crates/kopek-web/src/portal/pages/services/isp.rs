//! The provider's own services in the portal (CAT-10): "Подключить" on the
//! order menu, and "Отключить" and a forsage's "Включить" (CAT-1) on the
//! services list, each one engine use case (connect, disconnect, boost)
//! whose rules — what the portal offers, "check funds", "cancellable after
//! N months", what a boost costs and how often — are the engine's. After an
//! order the list shows the service's popup text.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::charging::subscriptions::ConnectInput;

use super::config::refusal_text;
use super::list;
use super::order::{catalog_page, page_problem};
use crate::AppState;
use crate::portal::pages::error_page;
use crate::portal::session::{FormData, PortalUser, redirect_with_notice};

/// "Подключить": connects the service for the user's client, then the
/// services list with the service's popup text.
pub async fn connect(State(state): State<AppState>, user: PortalUser, data: FormData) -> Response {
    let service_id = data.text("service_id").parse::<i64>().unwrap_or(0);
    let input = ConnectInput { service_id, tariff_id: None, discount_percent: None };
    match state.engine.connect(&user.ctx, user.client_id, input).await {
        Ok(sub) => redirect_with_notice(&format!("/services?connected={}", sub.id), "services-notice-connected"),
        Err(e) if page_problem(&e) => error_page(&state, &user, e),
        Err(e) => {
            let text = refusal_text(&e, None, &state.views.catalog, user.locale);
            catalog_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, Some((service_id, text))).await
        }
    }
}

/// "Отключить".
pub async fn cancel(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, _: FormData) -> Response {
    match state.engine.disconnect(&user.ctx, id, "cancelled in the portal").await {
        Ok(_) => redirect_with_notice("/services", "services-notice-cancelled"),
        Err(e) if page_problem(&e) => error_page(&state, &user, e),
        Err(e) => {
            let text = refusal_text(&e, None, &state.views.catalog, user.locale);
            list::page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, None, Some((id, text))).await
        }
    }
}

/// A forsage's "Включить": one boost, charged at once.
pub async fn boost(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, _: FormData) -> Response {
    match state.engine.boost(&user.ctx, id).await {
        Ok(_) => redirect_with_notice("/services", "services-notice-boosted"),
        Err(e) if page_problem(&e) => error_page(&state, &user, e),
        Err(e) => {
            let text = refusal_text(&e, None, &state.views.catalog, user.locale);
            list::page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, None, Some((id, text))).await
        }
    }
}
