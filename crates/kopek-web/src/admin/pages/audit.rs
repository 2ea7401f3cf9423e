//! The audit log (SEC-3, ACC-4): staff filter who did what by actor,
//! client, action and days, newest first, through the use case the API's
//! `GET /api/v1/audit` calls. The filter is a GET form, so a filtered page
//! can be bookmarked and sent to a colleague.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use kopek_engine::accounts::audit::{AuditQuery, AuditRecord};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::admin::frame::{error_page, frame};
use crate::admin::session::StaffUser;
use crate::portal::form::Form;
use crate::portal::session::urlencode;

/// Records a page shows.
const PAGE: i64 = 50;

/// The filter as typed: text, so a wrong date is shown next to its field.
#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    before: Option<i64>,
}

#[derive(Serialize)]
struct LogPage {
    form: Form,
    records: Vec<AuditRecord>,
    /// The address of the next page, when there is one.
    next: Option<String>,
}

pub async fn log(State(state): State<AppState>, user: StaffUser, Query(f): Query<Filter>) -> Response {
    let (catalog, locale) = (&state.views.catalog, user.locale);
    let mut form = Form::with(&[
        ("actor", f.actor.clone()),
        ("client_id", f.client_id.clone()),
        ("action", f.action.clone()),
        ("from", f.from.clone()),
        ("to", f.to.clone()),
    ]);
    let client_id = match f.client_id.trim() {
        "" => None,
        id => id.parse::<i64>().map_err(|_| form.error("client_id", catalog.text(locale, "admin-error-client-id", &[]))).ok(),
    };
    let mut day = |field: &str, text: &str| match text.trim() {
        "" => None,
        d => d.parse::<NaiveDate>().map_err(|_| form.error(field, catalog.text(locale, "error-not-a-date", &[]))).ok(),
    };
    let (from, to) = (day("from", &f.from), day("to", &f.to));
    let frame = frame(&state, &user, "audit", "/admin/audit");
    let mut page = LogPage { form, records: Vec::new(), next: None };
    if page.form.is_ok() {
        let query = AuditQuery {
            actor: Some(f.actor.clone()),
            client_id,
            action: Some(f.action.clone()),
            from,
            to,
            before: f.before,
            limit: Some(PAGE),
        };
        match state.engine.audit_log(&user.ctx, &query).await {
            Ok(found) => {
                let filter: String =
                    [("actor", &f.actor), ("client_id", &f.client_id), ("action", &f.action), ("from", &f.from), ("to", &f.to)]
                        .iter()
                        .map(|(k, v)| format!("{k}={}&", urlencode(v)))
                        .collect();
                page.next = found.next_before.map(|b| format!("/admin/audit?{filter}before={b}"));
                page.records = found.records;
                return state.views.render("admin/audit/log.html", &frame, page);
            }
            Err(e) if e.field().is_some() => page.form.refusal(&e, None, catalog, locale),
            Err(e) => return error_page(&state, &user, e),
        }
    }
    state.views.render_status(StatusCode::UNPROCESSABLE_ENTITY, "admin/audit/log.html", &frame, page)
}
