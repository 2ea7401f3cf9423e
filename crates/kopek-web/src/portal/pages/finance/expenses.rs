//! "Финансы — Расходы" (LED-2): each expense's name, charge date, amount to
//! four places, unpaid part, the payments that paid it and its tax; the
//! totals of what the filter finds; paged on the server with the guide's
//! "Всего: 100, на странице: 100, 1 из 5"; filtered by charge dates.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use kopek_engine::EngineError;
use kopek_engine::core::views::Expense;
use kopek_engine::ledger::expense_list::ExpenseFilter;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{Paging, requested_page};
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

fn four_places(mut d: Decimal) -> Decimal {
    d.rescale(EXPENSE_PLACES);
    d
}

pub async fn list(State(state): State<AppState>, user: PortalUser, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let mut filter =
        Form::with(&[("from", q.get("from").cloned().unwrap_or_default()), ("to", q.get("to").cloned().unwrap_or_default())]);
    let from = day(&mut filter, &q, "from", &state, &user);
    let to = day(&mut filter, &q, "to", &state, &user);
    let (page, per_page) = requested_page(&q);
    let data = async {
        let frame = frame(&state, &user, "expenses", "/finance/expenses").await?;
        let mut ask = ExpenseFilter { from, to, offset: ((page - 1) * per_page) as u64, limit: per_page as u64 };
        let list = match state.engine.expense_list(&user.ctx, user.client_id, ask).await {
            Err(e @ EngineError::Invalid { .. }) => {
                filter.refusal(&e, None, &state.views.catalog, user.locale);
                ask = ExpenseFilter { from: None, to: None, ..ask };
                state.engine.expense_list(&user.ctx, user.client_id, ask).await?
            }
            other => other?,
        };
        let paging = Paging::new(list.found as usize, per_page, page);
        // A page past the end shows the last one.
        let list = if paging.page != page {
            ask.offset = ((paging.page - 1) * per_page) as u64;
            state.engine.expense_list(&user.ctx, user.client_id, ask).await?
        } else {
            list
        };
        let lines = list
            .lines
            .into_iter()
            .map(|l| Line {
                amount: four_places(l.expense.amount.0),
                expense: l.expense,
                charged_on: l.charged_on,
                paid_by: l.paid_by,
                reversed: l.reversed,
            })
            .collect();
        let mut base = String::from("/finance/expenses?");
        for key in ["from", "to"] {
            if let Some(v) = q.get(key).filter(|v| !v.trim().is_empty()) {
                base.push_str(&format!("{key}={}&", crate::portal::session::urlencode(v.trim())));
            }
        }
        let totals = Totals { amount: four_places(list.amount.0), unpaid: list.unpaid.0, tax: list.tax.0 };
        Ok((frame, Expenses { filter, lines, totals, currency: list.currency, paging, base }))
    };
    match data.await {
        Ok((frame, page)) => {
            let status = if page.filter.is_ok() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            state.views.render_status(status, "portal/finance/expenses.html", &frame, page)
        }
        Err(err) => error_page(&state, &user, err),
    }
}
