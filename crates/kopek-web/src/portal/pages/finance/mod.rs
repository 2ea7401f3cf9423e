//! "Финансы" (PMT-1, PMT-5, PMT-7, LED-2, LED-3, CRD-5): payments, top-ups,
//! expenses, auto-renewals, autopayment and the credit limit, one file per
//! screen. Every screen needs the "finance" right; the engine checks it.

pub mod auto_renewals;
pub mod autopay;
pub mod credit;
pub mod expenses;
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
        .route("/finance/top-up", get(top_up::form).post(top_up::submit))
        .route("/finance/top-up/return", get(top_up::back))
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

/// The page `?page=` of `items`, `?per=` to a page (one of [`PER_PAGE`],
/// 100 otherwise); a page past the end shows the last.
pub fn page_of<T>(items: Vec<T>, query: &BTreeMap<String, String>) -> (Vec<T>, Paging) {
    let per_page = query.get("per").and_then(|p| p.parse().ok()).filter(|p| PER_PAGE.contains(p)).unwrap_or(100);
    let total = items.len();
    let pages = total.div_ceil(per_page).max(1);
    let page = query.get("page").and_then(|p| p.parse::<usize>().ok()).unwrap_or(1).clamp(1, pages);
    let shown = items.into_iter().skip((page - 1) * per_page).take(per_page).collect();
    (shown, Paging { total, per_page, page, pages, sizes: PER_PAGE })
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
