//! One service (SVC-2): its configuration and history, and the forms that
//! renew it, switch it off and on, change its add-ons (the difference shown
//! before it is confirmed), delete it as its product allows, and ask the
//! provider about it. Another client's service is "not found".

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::EngineError;
use kopek_engine::core::amount::Amount;
use serde::Serialize;

use super::list::{Row, row};
use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::PortalUser;

#[derive(Serialize, Default)]
pub(super) struct Forms {
    pub renew: Form,
    pub change: Form,
    pub question: Form,
    /// A refusal of a button without fields (stop, start, delete…).
    pub general: Option<String>,
    /// "Изменить": what the change costs now, shown before it is confirmed.
    #[serde(skip)]
    pub preview: Option<Amount>,
}

/// Which way the money of a change goes.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum Direction {
    Charge,
    Refund,
    Free,
}

/// A change's difference as the page words it.
#[derive(Serialize)]
struct Difference {
    direction: Direction,
    /// Without its sign.
    amount: Amount,
}

#[derive(Serialize)]
struct ServicePage {
    #[serde(flatten)]
    row: Row,
    /// The product's add-ons with their limits, for the change form.
    addons: Vec<kopek_domain::product::Addon>,
    currency: String,
    forms: Forms,
    difference: Option<Difference>,
}

pub async fn show(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>) -> Response {
    render(&state, &user, id, StatusCode::OK, Forms::default()).await
}

/// The service's page with `forms` as they were sent.
pub(super) async fn render(state: &AppState, user: &PortalUser, id: i64, status: StatusCode, mut forms: Forms) -> Response {
    let e = &state.engine;
    let path = format!("/services/{id}");
    let data = async {
        let frame = frame(state, user, "services", &path).await?;
        let service = e.client_service(&user.ctx, id).await?;
        let product = e.product(&user.ctx, service.product_id).await.ok();
        let balance = e.balance(&user.ctx, user.client_id).await?;
        Ok::<_, EngineError>((frame, service, product, balance.currency))
    };
    let (frame, service, product, currency) = match data.await {
        Ok(d) => d,
        Err(err) => return error_page(state, user, err),
    };
    if forms.change.values.is_empty() {
        for (code, value) in &service.config.addons {
            forms.change.values.insert(super::config::addon_field(code), value.to_string());
        }
    }
    if forms.renew.values.is_empty() {
        forms.renew.values.insert("months".into(), service.config.months.to_string());
    }
    let addons = product.as_ref().map(|p| p.spec.addons.clone()).unwrap_or_default();
    let difference = forms.preview.map(|d| Difference {
        direction: match d.0.cmp(&rust_decimal::Decimal::ZERO) {
            std::cmp::Ordering::Greater => Direction::Charge,
            std::cmp::Ordering::Less => Direction::Refund,
            std::cmp::Ordering::Equal => Direction::Free,
        },
        amount: Amount(d.0.abs()),
    });
    let page = ServicePage { row: row(service, product.as_ref()), addons, currency, forms, difference };
    state.views.render_status(status, "portal/services/service.html", &frame, page)
}
