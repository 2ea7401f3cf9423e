//! Money (PMT-4, OPS-5): the bank transfers awaiting their money, each with
//! «Зачислить», which calls the use case the API's
//! `POST /api/v1/payments/{id}/credit` calls; the engine lets only admins
//! and accountants move money (ACC-4).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::payments::bank_transfer::AwaitingTransfer;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::admin::frame::{error_page, frame};
use crate::admin::session::{StaffUser, admin_path};
use crate::error::status_of;
use crate::portal::form::message;
use crate::portal::session::{FormData, redirect_with_notice};

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    after: Option<i64>,
}

#[derive(Serialize)]
struct AwaitingPage {
    payments: Vec<AwaitingTransfer>,
    next: Option<String>,
    /// Why the last «Зачислить» was refused.
    error: Option<String>,
}

async fn show(state: &AppState, user: &StaffUser, after: i64, status: StatusCode, error: Option<String>) -> Response {
    match state.engine.awaiting_transfers(&user.ctx, None, after).await {
        Ok(found) => {
            let next = found.next_after.map(|a| format!("/admin/payments?after={a}"));
            let page = AwaitingPage { payments: found.payments, next, error };
            let frame = frame(state, user, "payments", "/admin/payments");
            state.views.render_status(status, "admin/payments/awaiting.html", &frame, page)
        }
        Err(e) => error_page(state, user, e),
    }
}

pub async fn awaiting(State(state): State<AppState>, user: StaffUser, Query(q): Query<PageQuery>) -> Response {
    show(&state, &user, q.after.unwrap_or(0), StatusCode::OK, None).await
}

/// «Зачислить»: credits the payment, then back to where the button was
/// (the list, or the client's card) with the result; a refusal (already
/// credited, not awaiting, a role that may not) is shown on the list and
/// changes nothing.
pub async fn credit(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, data: FormData) -> Response {
    match state.engine.credit_awaiting_payment(&user.ctx, id).await {
        Ok(_) => redirect_with_notice(&admin_path(data.get("next")), "admin-notice-credited"),
        Err(e) if e.is_internal() => error_page(&state, &user, e),
        Err(e) => {
            let status = status_of(&e);
            let text = message(&e, None, &state.views.catalog, user.locale);
            show(&state, &user, 0, status, Some(text)).await
        }
    }
}
