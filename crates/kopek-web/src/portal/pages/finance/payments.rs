//! "Финансы — Платежи" (LED-3): number, date, payer, method, amount,
//! status, newest first, paged; and one payment's result, where the payer
//! lands back from the gateway's page.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use kopek_engine::core::views::{Balance, Payment};
use serde::Serialize;

use super::{Paging, page_of, payer_names};
use crate::AppState;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser, redirect_with_notice};

/// A line of the list as the guide's table shows it.
#[derive(Serialize)]
struct Line {
    payment: Payment,
    payer: String,
    method: String,
    /// What the payer paid, commission included, in the method's
    /// currency; the amount itself for money credited by hand.
    paid: String,
    paid_currency: String,
    /// new, paying: the payer may still pay or cancel it.
    open: bool,
}

#[derive(Serialize)]
struct Payments {
    lines: Vec<Line>,
    paging: Paging,
}

#[derive(Serialize)]
struct Outcome {
    line: Line,
    balance: Balance,
}

/// The payments' lines, with their payers' and methods' names.
async fn lines(state: &AppState, user: &PortalUser, payments: Vec<Payment>) -> Result<Vec<Line>, kopek_engine::EngineError> {
    let payers = payer_names(state, user).await?;
    let methods: BTreeMap<String, String> =
        state.engine.payment_methods(&user.ctx).await?.into_iter().map(|m| (m.prefix, m.name)).collect();
    Ok(payments
        .into_iter()
        .map(|p| {
            let flow = p.flow.as_ref();
            let payer = flow.and_then(|f| f.payer_id).and_then(|id| payers.get(&id).cloned()).unwrap_or_default();
            let method = methods.get(&p.method).cloned().unwrap_or_else(|| p.method.clone());
            let paid = flow.and_then(|f| f.to_pay).map_or(p.amount.0, |a| a.0).to_string();
            let paid_currency = flow.and_then(|f| f.paid_currency.clone()).unwrap_or_else(|| p.currency.clone());
            let open = matches!(p.status.as_str(), "new" | "paying");
            Line { payment: p, payer, method, paid, paid_currency, open }
        })
        .collect())
}

pub async fn list(State(state): State<AppState>, user: PortalUser, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let data = async {
        let frame = frame(&state, &user, "payments", "/finance/payments").await?;
        let mut all = state.engine.payments(&user.ctx, user.client_id).await?;
        all.sort_by_key(|p| std::cmp::Reverse(p.id));
        let (shown, paging) = page_of(all, &q);
        Ok((frame, Payments { lines: lines(&state, &user, shown).await?, paging }))
    };
    match data.await {
        Ok((frame, page)) => state.views.render("portal/finance/payments.html", &frame, page),
        Err(err) => error_page(&state, &user, err),
    }
}

pub async fn result(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>) -> Response {
    let data = async {
        let path = format!("/finance/payments/{id}/result");
        let frame = frame(&state, &user, "payments", &path).await?;
        let payment = state.engine.payment(&user.ctx, id).await?;
        let line = lines(&state, &user, vec![payment]).await?.remove(0);
        let balance = state.engine.balance(&user.ctx, user.client_id).await?;
        Ok((frame, Outcome { line, balance }))
    };
    match data.await {
        Ok((frame, page)) => state.views.render("portal/finance/result.html", &frame, page),
        Err(err) => error_page(&state, &user, err),
    }
}

/// "Отменить": a payment still waiting for money.
pub async fn cancel(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, _data: FormData) -> Response {
    match state.engine.cancel_payment(&user.ctx, id).await {
        Ok(_) => redirect_with_notice(&format!("/finance/payments/{id}/result"), "finance-notice-cancelled"),
        Err(err) => error_page(&state, &user, err),
    }
}
