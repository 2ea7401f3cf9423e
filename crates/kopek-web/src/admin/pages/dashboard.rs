//! The dashboard (OPS-5), the panel's first page: money in and charged
//! today and this month with the month drawn day by day, clients per
//! state, failed deliveries, hooks and the outbox's waiting work — the
//! engine's `staff_dashboard`, which the API's `/api/v1/dashboard` serves.

use axum::extract::State;
use axum::response::Response;
use kopek_engine::ledger::dashboard::StaffDashboard;
use serde::Serialize;

use crate::AppState;
use crate::admin::charts::{Chart, clients_by_state, money_by_day};
use crate::admin::frame::{error_page, frame};
use crate::admin::session::StaffUser;

#[derive(Serialize)]
struct DashboardPage {
    board: StaffDashboard,
    /// One chart per currency, in the order of `board.money`.
    money_charts: Vec<Chart>,
    clients_chart: Chart,
}

pub async fn page(State(state): State<AppState>, user: StaffUser) -> Response {
    match state.engine.staff_dashboard(&user.ctx).await {
        Ok(board) => {
            let money_charts = board.money.iter().map(|m| money_by_day(&m.days)).collect();
            let clients_chart = clients_by_state(&board.clients);
            let page = DashboardPage { board, money_charts, clients_chart };
            state.views.render("admin/dashboard.html", &frame(&state, &user, "dashboard", "/admin"), page)
        }
        Err(e) => error_page(&state, &user, e),
    }
}
