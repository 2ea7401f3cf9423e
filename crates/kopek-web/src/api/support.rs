//! SUP-1, SUP-2, ACC-4: support tickets through the API, for a client's
//! users and for staff. Opening a ticket and replying take
//! `multipart/form-data` (text fields plus any number of `files` parts),
//! so files travel as they are; everything else is JSON. A file is served
//! as an attachment with the type its bytes were found to be, never inline.

use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kopek_engine::support::departments::{Department, DepartmentInput};
use kopek_engine::support::tickets::{OpenTicket, ReplyTicket};
use kopek_engine::support::views::{Ticket, TicketDetail, Upload};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiMultipart, ApiPath, Caller};

/// The fields of a multipart ticket form, and its files.
#[derive(Default)]
struct Form {
    fields: Vec<(String, String)>,
    files: Vec<Upload>,
}

impl Form {
    fn text(&self, name: &str) -> String {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    fn id(&self, name: &'static str) -> Result<Option<i64>, ApiError> {
        let v = self.text(name);
        let v = v.trim();
        if v.is_empty() {
            return Ok(None);
        }
        v.parse().map(Some).map_err(|_| bad(format!("{name}: not a number")))
    }
}

fn bad(message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
}

async fn read_form(mut multipart: Multipart) -> Result<Form, ApiError> {
    let mut form = Form::default();
    while let Some(field) = multipart.next_field().await.map_err(|e| bad(e.body_text()))? {
        let name = field.name().unwrap_or("").to_string();
        if name == "files" {
            let file_name = field.file_name().unwrap_or("file").to_string();
            let bytes = field.bytes().await.map_err(|e| bad(e.body_text()))?;
            // A browser sends an empty part when no file was chosen.
            if !bytes.is_empty() {
                form.files.push(Upload { name: file_name, bytes: bytes.to_vec() });
            }
        } else {
            let text = field.text().await.map_err(|e| bad(e.body_text()))?;
            form.fields.push((name, text));
        }
    }
    Ok(form)
}

/// The fields of `POST /support/tickets` (multipart/form-data).
#[derive(ToSchema)]
#[allow(dead_code, reason = "read only by the OpenAPI document: the handler parses the multipart body itself")]
struct OpenTicketForm {
    department_id: Option<i64>,
    subscription_id: Option<i64>,
    subject: String,
    text: String,
    /// Any number of parts; each checked by its bytes against the
    /// provider's kinds and limits.
    files: Vec<Vec<u8>>,
}

/// The fields of `POST /support/tickets/{id}/messages` (multipart/form-data).
#[derive(ToSchema)]
#[allow(dead_code, reason = "read only by the OpenAPI document: the handler parses the multipart body itself")]
struct ReplyForm {
    text: String,
    /// "true": a staff note the client never sees.
    internal: Option<bool>,
    files: Vec<Vec<u8>>,
}

/// The tickets the caller works with: a client's user its client's, a
/// support staff user its departments' and the unsorted, an admin all.
#[utoipa::path(get, path = "/support/tickets", tag = "support",
    responses((status = 200, body = Vec<Ticket>), (status = 403, body = ErrorBody, description = "no \"support\" right, or a staff role that does not handle tickets")))]
pub async fn list_tickets(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<Vec<Ticket>>> {
    Ok(Json(state.engine.tickets(&ctx).await?))
}

/// A client's user opens a ticket with its first message and files.
/// Refusals (422): `invalid_field`, `unknown_department`, `unknown_service`,
/// `file_too_large`, `attachments_too_large`, `too_many_files`,
/// `file_kind_refused`.
#[utoipa::path(post, path = "/support/tickets", tag = "support",
    request_body(content = inline(OpenTicketForm), content_type = "multipart/form-data"),
    responses((status = 201, body = TicketDetail), (status = 400, body = ErrorBody, description = "not a multipart form"),
              (status = 403, body = ErrorBody, description = "staff, or no \"support\" right"),
              (status = 422, body = ErrorBody, description = "a field or a file refused; nothing stored")))]
pub async fn open_ticket(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiMultipart(multipart): ApiMultipart,
) -> ApiResult<(StatusCode, Json<TicketDetail>)> {
    let form = read_form(multipart).await?;
    let input = OpenTicket {
        department_id: form.id("department_id")?,
        subscription_id: form.id("subscription_id")?,
        subject: form.text("subject"),
        text: form.text("text"),
    };
    Ok((StatusCode::CREATED, Json(state.engine.open_ticket(&ctx, input, form.files).await?)))
}

/// A ticket with its messages; a client's user reading it marks the
/// staff's answer read (and never sees internal notes).
#[utoipa::path(get, path = "/support/tickets/{id}", tag = "support", params(("id" = i64, Path)),
    responses((status = 200, body = TicketDetail), (status = 404, body = ErrorBody, description = "no such ticket the caller sees")))]
pub async fn get_ticket(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<TicketDetail>> {
    Ok(Json(state.engine.ticket(&ctx, id).await?))
}

/// A reply from either side, with files. A closed or archived ticket is
/// open again.
#[utoipa::path(post, path = "/support/tickets/{id}/messages", tag = "support", params(("id" = i64, Path)),
    request_body(content = inline(ReplyForm), content_type = "multipart/form-data"),
    responses((status = 201, body = TicketDetail), (status = 400, body = ErrorBody, description = "not a multipart form"),
              (status = 403, body = ErrorBody, description = "an internal note from a client's user"),
              (status = 404, body = ErrorBody, description = "no such ticket the caller sees"),
              (status = 422, body = ErrorBody, description = "a field or a file refused; nothing stored")))]
pub async fn reply_ticket(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiMultipart(multipart): ApiMultipart,
) -> ApiResult<(StatusCode, Json<TicketDetail>)> {
    let form = read_form(multipart).await?;
    let internal = matches!(form.text("internal").trim(), "true" | "1" | "on");
    let input = ReplyTicket { text: form.text("text"), internal };
    Ok((StatusCode::CREATED, Json(state.engine.reply_ticket(&ctx, id, input, form.files).await?)))
}

/// The client archives a ticket awaiting its reply (`ticket_action_refused`
/// otherwise).
#[utoipa::path(post, path = "/support/tickets/{id}/archive", tag = "support", params(("id" = i64, Path)),
    responses((status = 200, body = Ticket), (status = 403, body = ErrorBody, description = "staff"),
              (status = 404, body = ErrorBody, description = "no such ticket the caller sees"),
              (status = 422, body = ErrorBody, description = "the ticket does not await the client's reply")))]
pub async fn archive_ticket(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Ticket>> {
    Ok(Json(state.engine.archive_ticket(&ctx, id).await?))
}

/// Staff close an open ticket.
#[utoipa::path(post, path = "/support/tickets/{id}/close", tag = "support", params(("id" = i64, Path)),
    responses((status = 200, body = Ticket), (status = 403, body = ErrorBody, description = "not staff handling tickets"),
              (status = 404, body = ErrorBody, description = "no such ticket the caller sees"),
              (status = 422, body = ErrorBody, description = "not open")))]
pub async fn close_ticket(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Ticket>> {
    Ok(Json(state.engine.close_ticket(&ctx, id).await?))
}

/// Staff open a closed or archived ticket again.
#[utoipa::path(post, path = "/support/tickets/{id}/reopen", tag = "support", params(("id" = i64, Path)),
    responses((status = 200, body = Ticket), (status = 403, body = ErrorBody, description = "not staff handling tickets"),
              (status = 404, body = ErrorBody, description = "no such ticket the caller sees"),
              (status = 422, body = ErrorBody, description = "already open")))]
pub async fn reopen_ticket(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Ticket>> {
    Ok(Json(state.engine.reopen_ticket(&ctx, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveTicket {
    /// null: not sorted into a department.
    pub department_id: Option<i64>,
}

/// Staff move a ticket to another department.
#[utoipa::path(put, path = "/support/tickets/{id}/department", tag = "support", params(("id" = i64, Path)), request_body = MoveTicket,
    responses((status = 200, body = Ticket), (status = 403, body = ErrorBody, description = "not staff handling tickets"),
              (status = 404, body = ErrorBody, description = "no such ticket the caller sees"),
              (status = 422, body = ErrorBody, description = "`unknown_department`")))]
pub async fn move_ticket(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<MoveTicket>,
) -> ApiResult<Json<Ticket>> {
    Ok(Json(state.engine.move_ticket(&ctx, id, req.department_id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignTicket {
    /// null: nobody.
    pub assignee_id: Option<i64>,
}

/// Staff give a ticket to an admin or support staff user.
#[utoipa::path(put, path = "/support/tickets/{id}/assignee", tag = "support", params(("id" = i64, Path)), request_body = AssignTicket,
    responses((status = 200, body = Ticket), (status = 403, body = ErrorBody, description = "not staff handling tickets"),
              (status = 404, body = ErrorBody, description = "no such ticket the caller sees"),
              (status = 422, body = ErrorBody, description = "`unknown_assignee`")))]
pub async fn assign_ticket(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<AssignTicket>,
) -> ApiResult<Json<Ticket>> {
    Ok(Json(state.engine.assign_ticket(&ctx, id, req.assignee_id).await?))
}

/// A ticket's file, always as a download.
#[utoipa::path(get, path = "/support/files/{id}", tag = "support", params(("id" = i64, Path)),
    responses((status = 200, description = "the file, as an attachment with its sniffed type", content_type = "application/octet-stream"),
              (status = 404, body = ErrorBody, description = "no such file the caller sees")))]
pub async fn get_file(State(state): State<AppState>, Caller(ctx): Caller, ApiPath(id): ApiPath<i64>) -> ApiResult<Response> {
    let file = state.engine.ticket_file(&ctx, id).await?;
    Ok(attachment(file))
}

/// A file as a download: its sniffed type, `nosniff`, and a disposition
/// that never lets a browser show it inline.
pub fn attachment(file: kopek_engine::support::files::FileDownload) -> Response {
    let ct = HeaderValue::from_str(&file.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let ascii: String = file.name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let encoded: String = file
        .name
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b".-_".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut res = file.bytes.into_response();
    let headers = res.headers_mut();
    headers.insert(CONTENT_TYPE, ct);
    headers.insert(CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    res
}

/// The departments: every one with its staff for staff, the enabled ones
/// for a client's user.
#[utoipa::path(get, path = "/support/departments", tag = "support", responses((status = 200, body = Vec<Department>)))]
pub async fn list_departments(State(state): State<AppState>, Caller(ctx): Caller) -> ApiResult<Json<Vec<Department>>> {
    Ok(Json(state.engine.departments(&ctx).await?))
}

/// Admins only.
#[utoipa::path(post, path = "/support/departments", tag = "support", request_body = DepartmentInput,
    responses((status = 201, body = Department), (status = 403, body = ErrorBody, description = "not an admin"),
              (status = 422, body = ErrorBody, description = "`invalid_field`, `department_name_taken`")))]
pub async fn create_department(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(req): ApiJson<DepartmentInput>,
) -> ApiResult<(StatusCode, Json<Department>)> {
    Ok((StatusCode::CREATED, Json(state.engine.create_department(&ctx, req).await?)))
}

/// Admins only: renames, enables or disables a department.
#[utoipa::path(put, path = "/support/departments/{id}", tag = "support", params(("id" = i64, Path)), request_body = DepartmentInput,
    responses((status = 200, body = Department), (status = 403, body = ErrorBody, description = "not an admin"),
              (status = 404, body = ErrorBody, description = "no such department"),
              (status = 422, body = ErrorBody, description = "`invalid_field`, `department_name_taken`")))]
pub async fn update_department(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<DepartmentInput>,
) -> ApiResult<Json<Department>> {
    Ok(Json(state.engine.update_department(&ctx, id, req).await?))
}

/// Admins only: puts an admin or support staff user in the department.
#[utoipa::path(put, path = "/support/departments/{id}/staff/{staff_id}", tag = "support",
    params(("id" = i64, Path), ("staff_id" = i64, Path)),
    responses((status = 200, body = Department), (status = 403, body = ErrorBody, description = "not an admin"),
              (status = 404, body = ErrorBody, description = "no such department"),
              (status = 422, body = ErrorBody, description = "`unknown_support_staff`")))]
pub async fn add_department_staff(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath((id, staff_id)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<Department>> {
    Ok(Json(state.engine.set_department_staff(&ctx, id, staff_id, true).await?))
}

/// Admins only: takes a staff user out of the department.
#[utoipa::path(delete, path = "/support/departments/{id}/staff/{staff_id}", tag = "support",
    params(("id" = i64, Path), ("staff_id" = i64, Path)),
    responses((status = 200, body = Department), (status = 403, body = ErrorBody, description = "not an admin"),
              (status = 404, body = ErrorBody, description = "no such department"),
              (status = 422, body = ErrorBody, description = "`unknown_support_staff`")))]
pub async fn remove_department_staff(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath((id, staff_id)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<Department>> {
    Ok(Json(state.engine.set_department_staff(&ctx, id, staff_id, false).await?))
}
