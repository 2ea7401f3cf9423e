//! "Финансы — Акты выполненных работ", "Клиент — Договоры", the invoice
//! behind "Печать" on a payment and a document's page or PDF (DOC-1,
//! DOC-2, DOC-4): thin pages over
//! the engine's documents, laid out by `kopek-documents` exactly as the
//! API hands them out.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use kopek_documents::render::Format;
use kopek_domain::document::DocumentKind;
use kopek_engine::documents::views::DocumentSummary;
use serde::Serialize;

use super::payer_names;
use crate::AppState;
use crate::api::documents::render_issued;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::pages::paper_lang;
use crate::portal::session::PortalUser;

#[derive(Serialize)]
struct Line {
    doc: DocumentSummary,
    payer: String,
}

#[derive(Serialize)]
struct Documents {
    /// "act" or "contract".
    kind: DocumentKind,
    /// The catalog keys of the page's title and of its empty list.
    title: &'static str,
    empty: &'static str,
    lines: Vec<Line>,
}

/// A list of the client's documents of a kind, each with its payer and
/// "Печать" and "PDF".
async fn list(state: &AppState, user: &PortalUser, kind: DocumentKind, nav: &'static str, path: &str) -> Response {
    let data = async {
        let frame = frame(state, user, nav, path).await?;
        let docs = state.engine.documents(&user.ctx, user.client_id, kind).await?;
        let payers = payer_names(state, user).await?;
        let lines =
            docs.into_iter().map(|doc| Line { payer: payers.get(&doc.payer_id).cloned().unwrap_or_default(), doc }).collect();
        let (title, empty) = match kind {
            DocumentKind::Contract => ("nav-contracts", "documents-no-contracts"),
            _ => ("documents-acts-title", "documents-no-acts"),
        };
        Ok((frame, Documents { kind, title, empty, lines }))
    };
    match data.await {
        Ok((frame, page)) => state.views.render("portal/finance/documents.html", &frame, page),
        Err(err) => error_page(state, user, err),
    }
}

/// "Финансы — Акты выполненных работ": number, date, period, payer, amount.
pub async fn acts(State(state): State<AppState>, user: PortalUser) -> Response {
    list(&state, &user, DocumentKind::Act, "acts", "/finance/acts").await
}

/// "Клиент — Договоры": made with each payer's first payment.
pub async fn contracts(State(state): State<AppState>, user: PortalUser) -> Response {
    list(&state, &user, DocumentKind::Contract, "contracts", "/client/contracts").await
}

/// A document of the client as a page to print (`?format=html`, the
/// default) or a PDF (`?format=pdf`).
pub async fn document(
    State(state): State<AppState>,
    user: PortalUser,
    Path(id): Path<i64>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let format = q.get("format").and_then(|f| Format::parse(f)).unwrap_or(Format::Html);
    match state.engine.document(&user.ctx, id).await {
        Ok(doc) => {
            render_issued(&state.documents, &doc, format, paper_lang(user.locale)).unwrap_or_else(IntoResponse::into_response)
        }
        Err(err) => error_page(&state, &user, err),
    }
}

/// "Печать" on a payment: its invoice, issued now if it had none.
pub async fn payment_invoice(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>) -> Response {
    match state.engine.payment_invoice(&user.ctx, id).await {
        Ok(doc) => render_issued(&state.documents, &doc, Format::Html, paper_lang(user.locale))
            .unwrap_or_else(IntoResponse::into_response),
        Err(err) => error_page(&state, &user, err),
    }
}
