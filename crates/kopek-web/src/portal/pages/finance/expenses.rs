//! "Финансы — Расходы" (LED-2): each expense's name, charge date, amount to
//! four places, unpaid part, the payments that paid it and its tax; the
//! totals of what the filter finds; paged on the server with the guide's
//! "Всего: 100, на странице: 100, 1 из 5"; filtered by charge dates.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use kopek_engine::core::views::Expense;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{Paging, page_of};
use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::PortalUser;

/// The guide writes every expense to four places (22.4137 ₽).
const EXPENSE_PLACES: u32 = 4;

#[derive(Serialize)]
struct Line {
    expense: Expense,
    amount: Decimal,
    /// "Дата списания", in the provider's time.
    charged_on: NaiveDate,
    /// The numbers of the payments that paid it ("pfx/5635").
    paid_by: Vec<String>,
    reversed: bool,
}

#[derive(Serialize)]
struct Totals {
    amount: Decimal,
    unpaid: Decimal,
    tax: Decimal,
}

#[derive(Serialize)]
struct Expenses {
    filter: Form,
    lines: Vec<Line>,
    totals: Totals,
    currency: String,
    paging: Paging,
    /// The list's address with its filter, for the pager's links.
    base: String,
}

/// A day typed in the filter, or an error next to its field.
fn day(filter: &mut Form, q: &BTreeMap<String, String>, field: &str, state: &AppState, user: &PortalUser) -> Option<NaiveDate> {
    let raw = q.get(field).map(|s| s.trim()).unwrap_or("");
    if raw.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            filter.error(field, state.views.catalog.text(user.locale, "finance-error-date", &[]));
            None
        }
    }
}

pub async fn list(State(state): State<AppState>, user: PortalUser, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let mut filter =
        Form::with(&[("from", q.get("from").cloned().unwrap_or_default()), ("to", q.get("to").cloned().unwrap_or_default())]);
    let from = day(&mut filter, &q, "from", &state, &user);
    let to = day(&mut filter, &q, "to", &state, &user);
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        filter.error("to", state.views.catalog.text(user.locale, "finance-error-date-order", &[]));
    }
    let status = if filter.is_ok() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let data =
        async {
            let frame = frame(&state, &user, "expenses", "/finance/expenses").await?;
            let currency = state.engine.balance(&user.ctx, user.client_id).await?.currency;
            let numbers: BTreeMap<i64, String> =
                state.engine.payments(&user.ctx, user.client_id).await?.into_iter().map(|p| (p.id, p.number)).collect();
            let mut found: Vec<Expense> = state
                .engine
                .expenses(&user.ctx, user.client_id)
                .await?
                .into_iter()
                .filter(|e| {
                    let on = state.engine.to_local(e.charged_at).date();
                    from.is_none_or(|f| on >= f) && to.is_none_or(|t| on <= t)
                })
                .collect();
            found.sort_by_key(|e| std::cmp::Reverse((e.charged_at, e.id)));
            // A reversed expense is shown, marked, but no longer counts.
            let counted = found.iter().filter(|e| e.status != "reversed");
            let totals = counted.fold(Totals { amount: Decimal::ZERO, unpaid: Decimal::ZERO, tax: Decimal::ZERO }, |t, e| {
                Totals { amount: t.amount + e.amount.0, unpaid: t.unpaid + e.unpaid.0, tax: t.tax + e.tax.0 }
            });
            let (shown, paging) = page_of(found, &q);
            let lines = shown
                .into_iter()
                .map(|e| {
                    let mut amount = e.amount.0;
                    amount.rescale(EXPENSE_PLACES);
                    let mut paid_by: Vec<String> = e.paid_by.iter().filter_map(|a| numbers.get(&a.payment_id).cloned()).collect();
                    paid_by.dedup();
                    let reversed = e.status == "reversed";
                    let charged_on = state.engine.to_local(e.charged_at).date();
                    Line { expense: e, amount, charged_on, paid_by, reversed }
                })
                .collect();
            let mut base = String::from("/finance/expenses?");
            for key in ["from", "to"] {
                if let Some(v) = q.get(key).filter(|v| !v.trim().is_empty()) {
                    base.push_str(&format!("{key}={}&", crate::portal::session::urlencode(v.trim())));
                }
            }
            let mut totals = totals;
            totals.amount.rescale(EXPENSE_PLACES);
            Ok((frame, Expenses { filter, lines, totals, currency, paging, base }))
        };
    match data.await {
        Ok((frame, page)) => state.views.render_status(status, "portal/finance/expenses.html", &frame, page),
        Err(err) => error_page(&state, &user, err),
    }
}
