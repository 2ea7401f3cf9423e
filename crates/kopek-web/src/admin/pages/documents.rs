//! Documents (DOC-1 … DOC-5, OPS-5): every client's issued documents of a
//! kind, newest first, a page at a time, each with its PDF; «Перевыпустить»
//! on an act, through the use cases the API's `/api/v1/documents`,
//! `/documents/{id}/file` and `/documents/{id}/reissue` call. The engine
//! lets only admins and accountants reissue (ACC-4).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_documents::Lang;
use kopek_documents::render::Format;
use kopek_domain::document::DocumentKind;
use kopek_engine::EngineError;
use kopek_engine::documents::views::DocumentSummary;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::admin::frame::{error_page, frame};
use crate::admin::pages::labels::{Labelled, labelled};
use crate::admin::session::StaffUser;
use crate::error::status_of;
use crate::portal::form::message;
use crate::portal::i18n::Locale;
use crate::portal::session::{FormData, redirect_with_notice};

const PATH: &str = "/admin/documents";
const KINDS: [&str; 3] = ["invoice", "act", "contract"];

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    kind: Option<String>,
    page: Option<i64>,
}

#[derive(Serialize)]
struct DocumentsPage {
    kinds: [&'static str; 3],
    kind: String,
    /// The kind asked for is not one Kopek issues: next to the select.
    kind_error: Option<String>,
    documents: Vec<Labelled<DocumentSummary>>,
    next: Option<String>,
    /// Why the last «Перевыпустить» was refused.
    error: Option<String>,
}

async fn show(state: &AppState, user: &StaffUser, q: ListQuery, status: StatusCode, error: Option<String>) -> Response {
    let kind_name = q.kind.unwrap_or_else(|| "invoice".into());
    let frame = frame(state, user, "documents", PATH);
    let Some(kind) = DocumentKind::parse(&kind_name) else {
        let text = state.views.catalog.text(user.locale, "error-choose", &[]);
        let page =
            DocumentsPage { kinds: KINDS, kind: kind_name, kind_error: Some(text), documents: Vec::new(), next: None, error };
        return state.views.render_status(StatusCode::UNPROCESSABLE_ENTITY, "admin/documents/list.html", &frame, page);
    };
    let listed = async {
        let found = state.engine.documents_page(&user.ctx, kind, q.page.unwrap_or(1).max(1)).await?;
        let next = found.next_page;
        Ok::<_, EngineError>((labelled(state, &user.ctx, found.documents, |d| d.client_id).await?, next))
    };
    match listed.await {
        Ok((documents, next)) => {
            let next = next.map(|p| format!("{PATH}?kind={}&page={p}", kind.as_str()));
            let page = DocumentsPage { kinds: KINDS, kind: kind.as_str().to_string(), kind_error: None, documents, next, error };
            state.views.render_status(status, "admin/documents/list.html", &frame, page)
        }
        Err(e) => error_page(state, user, e),
    }
}

pub async fn list(State(state): State<AppState>, user: StaffUser, Query(q): Query<ListQuery>) -> Response {
    show(&state, &user, q, StatusCode::OK, None).await
}

/// The document's PDF as issued, in the staff member's language: the same
/// bytes as the API's `/api/v1/documents/{id}/file`.
pub async fn file(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>) -> Response {
    let doc = match state.engine.document(&user.ctx, id).await {
        Ok(doc) => doc,
        Err(e) => return error_page(&state, &user, e),
    };
    let lang = if user.locale == Locale::En { Lang::En } else { Lang::Ru };
    match crate::api::documents::render_issued(&state.documents, &doc, Format::Pdf, lang) {
        Ok(res) => res,
        Err(e) => error_page(&state, &user, EngineError::Internal(e.message)),
    }
}

/// «Перевыпустить»: a new act of the same expenses to the same payer, the
/// old one kept and replaced; back to the acts with the result.
pub async fn reissue(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, _: FormData) -> Response {
    match state.engine.reissue_act(&user.ctx, id, None).await {
        Ok(_) => redirect_with_notice(&format!("{PATH}?kind=act"), "desk-notice-reissued"),
        Err(e) if e.is_internal() => error_page(&state, &user, e),
        Err(e) => {
            let status = status_of(&e);
            let text = message(&e, None, &state.views.catalog, user.locale);
            show(&state, &user, ListQuery { kind: Some("act".into()), page: None }, status, Some(text)).await
        }
    }
}
