//! "Товары/Услуги" (SVC-1): the client's services by product type, each
//! with its state, period, expiry, auto-renewal and the actions its state
//! allows.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_domain::product::ProductType;
use kopek_engine::catalog::portal_services::PortalSubscription;
use kopek_engine::service_life::life::ClientService;
use kopek_engine::shop::products::Product;
use serde::{Deserialize, Serialize};

use super::type_key;
use crate::AppState;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::PortalUser;

/// A service with what its product says about it.
#[derive(Serialize)]
pub(super) struct Row {
    pub service: ClientService,
    /// The periods it may be renewed for, in months.
    pub periods: Vec<u32>,
    /// The product lets the client delete it.
    pub deletable: bool,
}

#[derive(Serialize)]
struct Group {
    type_key: String,
    rows: Vec<Row>,
}

#[derive(Serialize)]
struct ListPage {
    groups: Vec<Group>,
    /// The provider's own services (CAT-10).
    isp: Vec<PortalSubscription>,
    /// What the provider tells the client after it ordered one (CAT-10).
    popup: Option<String>,
    /// A refused "Отключить": the service and the refusal.
    refused: Option<(i64, String)>,
}

#[derive(Debug, Deserialize)]
pub struct Shown {
    /// The service just ordered, whose popup text is shown.
    connected: Option<i64>,
}

pub(super) fn row(service: ClientService, product: Option<&Product>) -> Row {
    let periods = match product {
        Some(p) => p.spec.prices.iter().map(|p| p.months).collect(),
        None => vec![service.config.months],
    };
    Row { deletable: product.is_some_and(|p| p.spec.deletion.allowed), periods, service }
}

pub async fn show(State(state): State<AppState>, user: PortalUser, Query(shown): Query<Shown>) -> Response {
    page(&state, &user, StatusCode::OK, shown.connected, None).await
}

/// The list; `connected` shows that service's popup text, `refused` a
/// refusal next to one service's "Отключить".
pub(super) async fn page(
    state: &AppState,
    user: &PortalUser,
    status: StatusCode,
    connected: Option<i64>,
    refused: Option<(i64, String)>,
) -> Response {
    let e = &state.engine;
    let data = async {
        let frame = frame(state, user, "services", "/services").await?;
        let services = e.client_services(&user.ctx, user.client_id).await?;
        let products: BTreeMap<i64, Product> = e.products(&user.ctx).await?.into_iter().map(|p| (p.id, p)).collect();
        let isp = e.portal_subscriptions(&user.ctx, user.client_id).await?;
        Ok((frame, services, products, isp))
    };
    let (frame, services, products, isp) = match data.await {
        Ok(d) => d,
        Err(err) => return error_page(state, user, err),
    };
    let popup = connected.and_then(|id| isp.iter().find(|s| s.subscription_id == id)).and_then(|s| s.popup_text.clone());
    // A service of a withdrawn product is listed under "Прочее".
    let type_of = |s: &ClientService| products.get(&s.product_id).map_or(ProductType::Other, |p| p.spec.product_type);
    let groups = ProductType::ALL
        .iter()
        .map(|t| Group {
            type_key: type_key(*t),
            rows: services.iter().filter(|s| type_of(s) == *t).map(|s| row(s.clone(), products.get(&s.product_id))).collect(),
        })
        .filter(|g| !g.rows.is_empty())
        .collect();
    state.views.render_status(status, "portal/services/list.html", &frame, ListPage { groups, isp, popup, refused })
}
