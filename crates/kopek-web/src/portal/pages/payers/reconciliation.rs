//! "Клиент — Плательщики — Акт сверки" (DOC-3): the period form, then the
//! reconciliation act as a page to print or a PDF to download.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use kopek_documents::render::Format;
use serde::Serialize;

use crate::AppState;
use crate::api::documents::render_reconciliation;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::pages::paper_lang;
use crate::portal::session::PortalUser;

#[derive(Serialize)]
struct ReconciliationForm {
    payer_id: i64,
    payer: String,
    form: Form,
}

/// "Акт сверки" of a payer: the period form; "Печать" opens the act as a
/// page, "Скачать" downloads its PDF. A wrong period is said next to its
/// field.
pub async fn reconciliation(
    State(state): State<AppState>,
    user: PortalUser,
    Path(id): Path<i64>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let (catalog, locale) = (&state.views.catalog, user.locale);
    let today = state.engine.local_today();
    let asked = q.contains_key("from") || q.contains_key("to");
    let text = |k: &str, default: String| q.get(k).cloned().unwrap_or(default);
    let mut form = Form::with(&[
        ("from", text("from", NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today).to_string())),
        ("to", text("to", today.to_string())),
    ]);
    if asked {
        let mut date = |field: &str| match form.values.get(field).map(|v| v.trim().parse::<NaiveDate>()) {
            Some(Ok(d)) => Some(d),
            _ => {
                form.error(field, catalog.text(locale, "error-not-a-date", &[]));
                None
            }
        };
        let (from, to) = (date("from"), date("to"));
        if let (Some(from), Some(to)) = (from, to) {
            let format = q.get("format").and_then(|f| Format::parse(f)).unwrap_or(Format::Html);
            match state.engine.reconciliation(&user.ctx, id, from, to).await {
                Ok(act) => {
                    return render_reconciliation(&state, &user.ctx, &act, format, paper_lang(locale))
                        .await
                        .unwrap_or_else(IntoResponse::into_response);
                }
                Err(e) if e.field().is_some() => form.refusal(&e, None, catalog, locale),
                Err(e) => return error_page(&state, &user, e),
            }
        }
    }
    let data = async {
        let frame = frame(&state, &user, "payers", &format!("/client/payers/{id}/reconciliation")).await?;
        let payer = state.engine.payer(&user.ctx, id).await?;
        Ok((frame, ReconciliationForm { payer_id: id, payer: payer.details.name, form }))
    };
    match data.await {
        Ok((frame, page)) => state.views.render("portal/payers/reconciliation.html", &frame, page),
        Err(err) => error_page(&state, &user, err),
    }
}
