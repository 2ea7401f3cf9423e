//! Accounting documents through the API (DOC-1 … DOC-5): lists, the
//! invoice of a payment, the file of a document as HTML or PDF, the
//! reconciliation act of a payer, the provider's details and staff's
//! corrections.

use axum::Json;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use kopek_documents::Lang;
use kopek_documents::render::{Format, Layouts};
use kopek_domain::document::{DocumentKind, ProviderDetails, ReconciliationInput};
use kopek_engine::documents::acts::ActsReport;
use kopek_engine::documents::views::{DocumentSummary, IssuedDocument};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KindQuery {
    /// invoice, act or contract.
    #[param(value_type = DocumentKind, inline)]
    pub kind: String,
}

fn kind_of(s: &str) -> Result<DocumentKind, ApiError> {
    DocumentKind::parse(s).ok_or_else(|| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", format!("kind: invoice, act or contract, not {s:?}"))
    })
}

fn format_of(s: Option<&str>) -> Result<Format, ApiError> {
    let s = s.unwrap_or("pdf");
    Format::parse(s).ok_or_else(|| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", format!("format: html or pdf, not {s:?}"))
    })
}

/// The paper's language: `?lang=ru` (the default) or `?lang=en`.
fn lang_of(s: Option<&str>) -> Result<Lang, ApiError> {
    let s = s.unwrap_or("ru");
    Lang::parse(s)
        .ok_or_else(|| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", format!("lang: ru or en, not {s:?}")))
}

/// The bytes of a document as a response: a PDF is a download named by
/// the document, a page opens in the tab.
pub(crate) fn file_response(bytes: Vec<u8>, format: Format, name: &str) -> Response {
    let mut res = bytes.into_response();
    res.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    let disposition = match format {
        Format::Pdf => format!("attachment; filename=\"{name}.pdf\""),
        Format::Html => "inline".to_string(),
    };
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(CONTENT_DISPOSITION, v);
    }
    res
}

/// An issued document laid out as asked, in `lang`, with the logo it was
/// issued with.
pub(crate) fn render_issued(layouts: &Layouts, doc: &IssuedDocument, format: Format, lang: Lang) -> Result<Response, ApiError> {
    let bytes = layouts
        .document(doc.summary.kind, &doc.data, format, lang, doc.logo.as_ref())
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "render_failed", e.to_string()))?;
    Ok(file_response(bytes, format, &format!("{}-{}", doc.summary.kind, doc.summary.number)))
}

/// A reconciliation act laid out as asked, in `lang`, with the provider's
/// logo.
pub(crate) async fn render_reconciliation(
    state: &AppState,
    ctx: &kopek_engine::Ctx,
    r: &ReconciliationInput,
    format: Format,
    lang: Lang,
) -> Result<Response, ApiError> {
    let logo = state.engine.document_logo(ctx, r.seller_logo.as_deref()).await?;
    let bytes = state
        .documents
        .reconciliation(r, format, lang, logo.as_ref())
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "render_failed", e.to_string()))?;
    Ok(file_response(bytes, format, &format!("reconciliation-{}-{}", r.from, r.to)))
}

/// A client's current documents of a kind, newest first.
#[utoipa::path(get, path = "/clients/{id}/documents", tag = "documents", params(("id" = i64, Path), KindQuery),
    responses((status = 200, body = Vec<DocumentSummary>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_documents(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<KindQuery>,
) -> ApiResult<Json<Vec<DocumentSummary>>> {
    Ok(Json(state.engine.documents(&ctx, id, kind_of(&q.kind)?).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AllQuery {
    /// invoice, act or contract.
    pub kind: String,
    /// At most this many, newest first (1 to 1000; 100 when left out).
    pub limit: Option<i64>,
}

/// Staff: every client's current documents of a kind, newest first.
#[utoipa::path(get, path = "/documents", tag = "documents", params(AllQuery),
    responses((status = 200, body = Vec<DocumentSummary>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn all_documents(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiQuery(q): ApiQuery<AllQuery>,
) -> ApiResult<Json<Vec<DocumentSummary>>> {
    Ok(Json(state.engine.all_documents(&ctx, kind_of(&q.kind)?, q.limit.unwrap_or(100)).await?))
}

#[utoipa::path(get, path = "/documents/{id}", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, body = DocumentSummary), (status = 404, body = ErrorBody)))]
pub async fn get_document(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<DocumentSummary>> {
    Ok(Json(state.engine.document(&ctx, id).await?.summary))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// pdf (a download, the default) or html (a page to print).
    #[param(pattern = "^(pdf|html)$")]
    pub format: Option<String>,
    /// The paper's language: ru (the default) or en. What was issued is
    /// the same; only its words change.
    #[param(pattern = "^(ru|en)$")]
    pub lang: Option<String>,
}

/// The document as issued, as a PDF or a printable page.
#[utoipa::path(get, path = "/documents/{id}/file", tag = "documents", params(("id" = i64, Path), FormatQuery),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn document_file(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> ApiResult<Response> {
    let (format, lang) = (format_of(q.format.as_deref())?, lang_of(q.lang.as_deref())?);
    render_issued(&state.documents, &state.engine.document(&ctx, id).await?, format, lang)
}

/// The invoice of a payment, issued now if it has none (DOC-1).
#[utoipa::path(post, path = "/payments/{id}/invoice", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, body = DocumentSummary), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn payment_invoice(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<DocumentSummary>> {
    Ok(Json(state.engine.payment_invoice(&ctx, id).await?.summary))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// json (the default), html or pdf.
    pub format: Option<String>,
    /// The paper's language (html, pdf): ru (the default) or en.
    pub lang: Option<String>,
}

/// The reconciliation act of a payer for a period (DOC-3).
#[utoipa::path(get, path = "/payers/{id}/reconciliation", tag = "documents", params(("id" = i64, Path), PeriodQuery),
    responses((status = 200, description = "the act as JSON, a page or a PDF"), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "`provider_details_missing`: documents wait for the provider's details"),
              (status = 422, body = ErrorBody)))]
pub async fn reconciliation(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Response> {
    let format = match q.format.as_deref() {
        None | Some("json") => None,
        Some(other) => Some(format_of(Some(other))?),
    };
    let lang = lang_of(q.lang.as_deref())?;
    let act = state.engine.reconciliation(&ctx, id, q.from, q.to).await?;
    Ok(match format {
        None => Json(act).into_response(),
        Some(f) => render_reconciliation(&state, &ctx, &act, f, lang).await?,
    })
}

#[utoipa::path(get, path = "/provider/details", tag = "documents",
    responses((status = 200, body = ProviderDetails), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_provider_details(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<ProviderDetails>> {
    let details = state.engine.provider_details(&ctx).await?;
    Ok(Json(details.ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "the provider's details are not set"))?))
}

/// The provider's details every document issued from now on copies.
#[utoipa::path(put, path = "/provider/details", tag = "documents", request_body = ProviderDetails,
    responses((status = 200, body = ProviderDetails), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_provider_details(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(details): ApiJson<ProviderDetails>,
) -> ApiResult<Json<ProviderDetails>> {
    Ok(Json(state.engine.set_provider_details(&ctx, details).await?))
}

/// Sets the provider's logo from the body's bytes: a PNG or JPEG (judged by
/// its content, sent with its Content-Type) of at most 512 KiB, shown in
/// the header of every document issued from now on. Refusals (422):
/// `file_kind_refused`, `file_too_large`, `logo_unreadable` (the bytes do
/// not lay out as a picture); `provider_details_missing` (409) before the
/// details are set.
#[utoipa::path(put, path = "/provider/logo", tag = "documents",
    request_body(content = Vec<u8>, content_type = "image/png", description = "the logo's bytes (image/png or image/jpeg)"),
    responses((status = 200, body = ProviderDetails, description = "the details, naming the logo by its SHA-256"),
              (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_provider_logo(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<ProviderDetails>> {
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let lays_out = |logo: &kopek_domain::document::Logo| state.documents.try_logo(logo).map_err(|e| e.to_string());
    Ok(Json(state.engine.set_provider_logo(&ctx, content_type, &body, lays_out).await?))
}

/// Removes the provider's logo from the documents issued from now on.
#[utoipa::path(delete, path = "/provider/logo", tag = "documents",
    responses((status = 200, body = ProviderDetails), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_provider_logo(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<ProviderDetails>> {
    Ok(Json(state.engine.remove_provider_logo(&ctx).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reissue {
    /// The payer of the new act; the same one when left out.
    #[serde(default)]
    pub payer_id: Option<i64>,
}

/// Staff correct an act: a new act replaces it, the old one is kept.
#[utoipa::path(post, path = "/documents/{id}/reissue", tag = "documents", request_body = Reissue, params(("id" = i64, Path)),
    responses((status = 200, body = DocumentSummary), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
pub async fn reissue(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<Reissue>,
) -> ApiResult<Json<DocumentSummary>> {
    Ok(Json(state.engine.reissue_act(&ctx, id, req.payer_id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueActs {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Staff issue the acts of a period now (the night of the 1st does last
/// month's by itself); expenses already in an act are left as they are.
#[utoipa::path(post, path = "/documents/acts", tag = "documents", request_body = IssueActs,
    responses((status = 200, body = inline(Object)), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn issue_acts(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(req): ApiJson<IssueActs>,
) -> ApiResult<Json<ActsReport>> {
    Ok(Json(state.engine.issue_acts(&ctx, (req.from, req.to)).await?))
}
