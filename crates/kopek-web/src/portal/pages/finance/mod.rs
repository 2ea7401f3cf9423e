//! "Финансы" (PMT-1, PMT-5, PMT-7, LED-2, LED-3, CRD-5): payments, top-ups,
//! expenses, auto-renewals, autopayment and the credit limit, one file per
//! screen. Every screen needs the "finance" right; the engine checks it.

pub mod auto_renewals;
pub mod autopay;
pub mod credit;
pub mod documents;
pub mod expenses;
pub mod pay_with;
pub mod payments;
pub mod top_up;

use std::collections::BTreeMap;

use axum::Router;
use axum::routing::{get, post};
use kopek_engine::EngineError;
use serde::Serialize;

use crate::AppState;
use crate::portal::session::PortalUser;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/finance/payments", get(payments::list))
        .route("/finance/payments/{id}/result", get(payments::result))
        .route("/finance/payments/{id}/cancel", post(payments::cancel))
        .route("/finance/payments/{id}/invoice", get(documents::payment_invoice))
        .route("/finance/acts", get(documents::acts))
        .route("/client/contracts", get(documents::contracts))
        .route("/documents/{id}", get(documents::document))
        .route("/finance/top-up", get(top_up::form).post(top_up::submit))
        .route(pay_with::RETURN_PATH, get(pay_with::back))
        .route("/finance/expenses", get(expenses::list))
        .route("/finance/auto-renewals", get(auto_renewals::list))
        .route("/finance/auto-renewals/{id}/method", post(auto_renewals::set_method))
        .route("/finance/autopay", get(autopay::form).post(autopay::submit))
        .route("/finance/credit", get(credit::show))
}

/// Sizes a list page may have; the guide's lists offer up to 100.
const PER_PAGE: [usize; 4] = [10, 25, 50, 100];

/// "Всего: 100, на странице: 100, 1 из 5": where a list page is.
#[derive(Debug, Clone, Serialize)]
pub struct Paging {
    pub total: usize,
    pub per_page: usize,
    pub page: usize,
    pub pages: usize,
    pub sizes: [usize; 4],
}

/// The page and page size a list's query asks for: `?page=` (from 1) and
/// `?per=` (one of [`PER_PAGE`], 100 otherwise).
pub fn requested_page(query: &BTreeMap<String, String>) -> (usize, usize) {
    let per_page = query.get("per").and_then(|p| p.parse().ok()).filter(|p| PER_PAGE.contains(p)).unwrap_or(100);
    let page = query.get("page").and_then(|p| p.parse::<usize>().ok()).unwrap_or(1).max(1);
    (page, per_page)
}

impl Paging {
    /// Where page `page` of `total` items lies; a page past the end is the
    /// last.
    pub fn new(total: usize, per_page: usize, page: usize) -> Paging {
        let pages = total.div_ceil(per_page).max(1);
        Paging { total, per_page, page: page.clamp(1, pages), pages, sizes: PER_PAGE }
    }
}

/// The page `?page=` of `items`, `?per=` to a page.
pub fn page_of<T>(items: Vec<T>, query: &BTreeMap<String, String>) -> (Vec<T>, Paging) {
    let (page, per_page) = requested_page(query);
    let paging = Paging::new(items.len(), per_page, page);
    let shown = items.into_iter().skip((paging.page - 1) * per_page).take(per_page).collect();
    (shown, paging)
}

/// The client's payers by id, to name a payment's payer. A user without
/// the "payers" right sees payments without their payers' names.
pub async fn payer_names(state: &AppState, user: &PortalUser) -> Result<BTreeMap<i64, String>, EngineError> {
    match state.engine.payers(&user.ctx, user.client_id).await {
        Ok(list) => Ok(list.into_iter().map(|p| (p.id, p.name)).collect()),
        Err(EngineError::Forbidden { .. }) => Ok(BTreeMap::new()),
        Err(e) => Err(e),
    }
}
