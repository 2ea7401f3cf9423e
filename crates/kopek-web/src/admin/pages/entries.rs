//! A payment's and an expense's page (LED-2, LED-4, PMT-4, OPS-5): what it
//! is, what it paid or what paid it, and its correction with the reason
//! staff give — a reversal (the ledger's own entry against it), or for a
//! payment through a card gateway a refund (the gateway returns the money,
//! then the reversal) — through the use cases the API's `/payments/{id}/…`
//! and `/expenses/{id}/reverse` call. A missing reason stands next to its
//! field and changes nothing.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::EngineError;
use kopek_engine::core::views::{Expense, Payment};
use kopek_engine::ledger::entries::Reversal;
use serde::Serialize;

use crate::AppState;
use crate::admin::frame::{error_page, frame};
use crate::admin::session::StaffUser;
use crate::error::status_of;
use crate::portal::form::Form;
use crate::portal::session::{FormData, redirect_with_notice};

#[derive(Serialize, Default)]
struct EntryPage {
    payment: Option<Payment>,
    expense: Option<Expense>,
    /// The correction form, with its error when one was refused.
    form: Form,
    /// Which correction the form was sent for: reverse or refund.
    tried: Option<&'static str>,
}

enum Entry {
    Payment(i64),
    Expense(i64),
}

async fn show(
    state: &AppState,
    user: &StaffUser,
    entry: Entry,
    status: StatusCode,
    form: Form,
    tried: Option<&'static str>,
) -> Response {
    let (page, path) = match entry {
        Entry::Payment(id) => match state.engine.payment(&user.ctx, id).await {
            Ok(p) => (EntryPage { payment: Some(p), form, tried, ..EntryPage::default() }, format!("/admin/payments/{id}")),
            Err(e) => return error_page(state, user, e),
        },
        Entry::Expense(id) => match state.engine.expense(&user.ctx, id).await {
            Ok(x) => (EntryPage { expense: Some(x), form, tried, ..EntryPage::default() }, format!("/admin/expenses/{id}")),
            Err(e) => return error_page(state, user, e),
        },
    };
    state.views.render_status(status, "admin/payments/entry.html", &frame(state, user, "clients", &path), page)
}

pub async fn payment(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>) -> Response {
    show(&state, &user, Entry::Payment(id), StatusCode::OK, Form::default(), None).await
}

pub async fn expense(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>) -> Response {
    show(&state, &user, Entry::Expense(id), StatusCode::OK, Form::default(), None).await
}

/// Back to the entry with the notice, or the form again with the refusal
/// next to the reason.
async fn corrected<T>(
    state: &AppState,
    user: &StaffUser,
    entry: Entry,
    tried: &'static str,
    data: &FormData,
    done: Result<T, EngineError>,
) -> Response {
    let path = match entry {
        Entry::Payment(id) => format!("/admin/payments/{id}"),
        Entry::Expense(id) => format!("/admin/expenses/{id}"),
    };
    match done {
        Ok(_) => redirect_with_notice(&path, "admin-notice-corrected"),
        Err(e) if e.is_internal() => error_page(state, user, e),
        Err(e) => {
            let status = status_of(&e);
            let mut form = Form::from_data(data);
            form.refusal(&e, Some("reason"), &state.views.catalog, user.locale);
            show(state, user, entry, status, form, Some(tried)).await
        }
    }
}

fn reason(data: &FormData) -> Reversal {
    Reversal { reason: data.text("reason") }
}

/// «Сторнировать» a payment: it leaves the balance, what it paid is unpaid again.
pub async fn reverse_payment(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, data: FormData) -> Response {
    let done = state.engine.reverse_payment(&user.ctx, id, reason(&data)).await;
    corrected(&state, &user, Entry::Payment(id), "reverse", &data, done).await
}

/// «Вернуть»: the gateway returns the money, then the payment is reversed.
pub async fn refund_payment(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, data: FormData) -> Response {
    let done = state.engine.refund_payment(&user.ctx, id, &data.text("reason")).await;
    corrected(&state, &user, Entry::Payment(id), "refund", &data, done).await
}

/// «Сторнировать» an expense: its money returns to the balance.
pub async fn reverse_expense(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, data: FormData) -> Response {
    let done = state.engine.reverse_expense(&user.ctx, id, reason(&data)).await;
    corrected(&state, &user, Entry::Expense(id), "reverse", &data, done).await
}
