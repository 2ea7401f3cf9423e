//! The catalog's services (OPS-5, CAT-1 … CAT-12): the list, one form with
//! every option of a service grouped by the document's tabs, and on a
//! service's page its versions and the history of its changes. The pages
//! call the use cases the API calls (`create_service`, `update_service`,
//! `services`, `service`, `service_history`); the engine lets only admins
//! change the catalog, and every staff role read it.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::EngineError;
use kopek_engine::catalog::services::{Change, Service, ServiceInput, ServiceVersion};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use super::service_form::{self, FIELDS, TabView, label_key, option_key, plain};
use crate::AppState;
use crate::admin::frame::{error_page, frame};
use crate::admin::session::StaffUser;
use crate::error::status_of;
use crate::portal::form::{Form, message};
use crate::portal::i18n::{Catalog, Locale, date};
use crate::portal::session::{FormData, redirect_with_notice};

#[derive(Serialize)]
struct ListRow {
    id: i64,
    name: String,
    kind: String,
    price: Decimal,
    currency: String,
    period: String,
    versions: usize,
}

#[derive(Serialize)]
struct ListPage {
    services: Vec<ListRow>,
}

/// A price as money is written, with its kopecks: 650 as 650.00.
fn kopecks(price: Decimal) -> Decimal {
    let mut p = price;
    if p.scale() < 2 {
        p.rescale(2);
    }
    p
}

/// The version valid today, else the first (a service that starts later).
fn current(engine: &kopek_engine::Engine, s: &Service) -> Option<ServiceVersion> {
    let today = engine.local_today();
    s.versions.iter().rev().find(|v| v.valid_from <= today).or_else(|| s.versions.first()).cloned()
}

pub async fn list(State(state): State<AppState>, user: StaffUser) -> Response {
    let services = match state.engine.services(&user.ctx).await {
        Ok(s) => s,
        Err(e) => return error_page(&state, &user, e),
    };
    let t = |key: &str| state.views.catalog.text(user.locale, key, &[]);
    let rows = services
        .iter()
        .filter_map(|s| {
            let v = current(&state.engine, s)?;
            let period = serde_json::to_value(v.spec.fee.period).map(|p| plain(&p)).unwrap_or_default();
            Some(ListRow {
                id: s.id,
                name: s.name.clone(),
                kind: t(&option_key("main.kind", &s.kind)),
                price: kopecks(v.spec.fee.price),
                currency: v.spec.fee.currency.clone(),
                period: t(&option_key("fee.period", &period)),
                versions: s.versions.len(),
            })
        })
        .collect();
    state.views.render(
        "admin/catalog/services.html",
        &frame(&state, &user, "catalog", "/admin/services"),
        ListPage { services: rows },
    )
}

#[derive(Serialize)]
struct VersionRow {
    valid_from: String,
    valid_to: Option<String>,
    price: Decimal,
    currency: String,
    period: String,
    speed: String,
}

#[derive(Serialize)]
struct ChangeRow {
    at: chrono::DateTime<chrono::Utc>,
    actor: String,
    action: String,
    items: Vec<String>,
}

#[derive(Serialize)]
struct ServicePage {
    id: Option<i64>,
    title: String,
    tabs: Vec<TabView>,
    general: Option<String>,
    versions: Vec<VersionRow>,
    changes: Vec<ChangeRow>,
}

/// The service form, as typed (`form`) or fresh, with the versions and the
/// history of a service that exists.
async fn show(state: &AppState, user: &StaffUser, id: Option<i64>, form: Option<Form>, status: StatusCode) -> Response {
    let (catalog, locale) = (&state.views.catalog, user.locale);
    let (path, nav_title, mut page) = match id {
        None => {
            let form = form.unwrap_or_else(|| service_form::blank(state.engine.local_today()));
            let page = ServicePage {
                id: None,
                title: catalog.text(locale, "cat-new-service", &[]),
                tabs: service_form::tabs(&form, catalog, locale),
                general: form.general.clone(),
                versions: Vec::new(),
                changes: Vec::new(),
            };
            ("/admin/services/new".to_string(), "catalog", page)
        }
        Some(id) => {
            let service = match state.engine.service(&user.ctx, id).await {
                Ok(s) => s,
                Err(e) => return error_page(state, user, e),
            };
            let history = match state.engine.service_history(&user.ctx, id).await {
                Ok(h) => h,
                Err(e) => return error_page(state, user, e),
            };
            let form = form.unwrap_or_else(|| {
                let newest = service.versions.last();
                let from = newest.map_or(state.engine.local_today(), |v| v.valid_from.max(state.engine.local_today()));
                let spec = newest.and_then(|v| serde_json::to_value(&v.spec).ok()).unwrap_or(Value::Null);
                service_form::flatten(&spec, Some(&from.to_string()))
            });
            let page = ServicePage {
                id: Some(id),
                title: service.name.clone(),
                tabs: service_form::tabs(&form, catalog, locale),
                general: form.general.clone(),
                versions: service.versions.iter().map(|v| version_row(v, catalog, locale)).collect(),
                changes: history.iter().rev().map(|c| change_row(c, catalog, locale)).collect(),
            };
            (format!("/admin/services/{id}"), "catalog", page)
        }
    };
    if page.general.is_none() && status == StatusCode::FORBIDDEN {
        page.general = Some(catalog.text(locale, "error-forbidden", &[]));
    }
    state.views.render_status(status, "admin/catalog/service.html", &frame(state, user, nav_title, &path), page)
}

fn version_row(v: &ServiceVersion, catalog: &Catalog, locale: Locale) -> VersionRow {
    let period = serde_json::to_value(v.spec.fee.period).map(|p| plain(&p)).unwrap_or_default();
    VersionRow {
        valid_from: date(v.valid_from, locale),
        valid_to: v.valid_to.map(|d| date(d, locale)),
        price: kopecks(v.spec.fee.price),
        currency: v.spec.fee.currency.clone(),
        period: catalog.text(locale, &option_key("fee.period", &period), &[]),
        speed: v.spec.conditions.speed.map_or_else(String::new, |s| format!("{} / {}", s.in_kbps, s.out_kbps)),
    }
}

/// A JSON value of a change as a person reads it.
fn shown(v: &Value, catalog: &Catalog, locale: Locale) -> String {
    match v {
        Value::Null => "—".to_string(),
        Value::Bool(b) => catalog.text(locale, if *b { "cat-yes" } else { "cat-no" }, &[]),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn day_of(v: Option<&Value>, locale: Locale) -> String {
    v.and_then(Value::as_str).and_then(|d| d.parse().ok()).map(|d| date(d, locale)).unwrap_or_default()
}

fn change_row(c: &Change, catalog: &Catalog, locale: Locale) -> ChangeRow {
    let t = |key: &str, args: &[(&str, String)]| catalog.text(locale, key, args);
    let mut items = Vec::new();
    let from = day_of(c.details.get("valid_from"), locale);
    if c.action == "service.create" {
        items.push(t("cat-history-created", &[("from", from)]));
    } else {
        if c.details.get("new_version").and_then(Value::as_bool) == Some(true) {
            items.push(t("cat-history-new-version", &[("from", from)]));
        }
        if let Some(changes) = c.details.get("changes").and_then(Value::as_object) {
            for (path, pair) in changes {
                let label = catalog.try_text(locale, &label_key(path), &[]).unwrap_or_else(|| path.clone());
                let (old, new) = (pair.get(0).unwrap_or(&Value::Null), pair.get(1).unwrap_or(&Value::Null));
                items.push(format!("{label}: {} → {}", shown(old, catalog, locale), shown(new, catalog, locale)));
            }
        }
    }
    let action = catalog.try_text(locale, &format!("cat-action-{}", c.action.replace(['.', '_'], "-")), &[]);
    ChangeRow { at: c.at, actor: c.actor.clone(), action: action.unwrap_or_else(|| c.action.clone()), items }
}

pub async fn new_form(State(state): State<AppState>, user: StaffUser) -> Response {
    show(&state, &user, None, None, StatusCode::OK).await
}

pub async fn page(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>) -> Response {
    show(&state, &user, Some(id), None, StatusCode::OK).await
}

pub async fn create(State(state): State<AppState>, user: StaffUser, data: FormData) -> Response {
    save(&state, &user, None, &data).await
}

pub async fn update(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, data: FormData) -> Response {
    save(&state, &user, Some(id), &data).await
}

async fn save(state: &AppState, user: &StaffUser, id: Option<i64>, data: &FormData) -> Response {
    let (catalog, locale) = (&state.views.catalog, user.locale);
    let mut form = Form::from_data(data);
    let json = service_form::read(data, &mut form, catalog, locale);
    if !form.is_ok() {
        return show(state, user, id, Some(form), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let input: ServiceInput = match serde_json::from_value(json) {
        Ok(i) => i,
        Err(e) => {
            form.general = Some(catalog.text(locale, "cat-error-unreadable", &[("detail", e.to_string())]));
            return show(state, user, id, Some(form), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let saved = match id {
        None => state.engine.create_service(&user.ctx, input).await,
        Some(id) => state.engine.update_service(&user.ctx, id, input).await,
    };
    match saved {
        Ok(s) => redirect_with_notice(&format!("/admin/services/{}", s.id), "notice-saved"),
        Err(EngineError::NotFound { what, id }) => error_page(state, user, EngineError::NotFound { what, id }),
        Err(e) => {
            let status = status_of(&e);
            place(&e, &mut form, catalog, locale);
            show(state, user, id, Some(form), status).await
        }
    }
}

/// The form field a refusal is about: the one the error names (with the
/// tab's prefix when the domain names it bare), else the one its code
/// concerns; none for a role that may not.
fn field_of(e: &EngineError) -> Option<&'static str> {
    if matches!(e, EngineError::Forbidden { .. }) {
        return None;
    }
    let named =
        e.field().map(|f| FIELDS.iter().find(|d| d.path == f || d.path.ends_with(&format!(".{f}"))).map_or(f, |d| d.path));
    named.or(match e.code() {
        "version_in_the_past" => Some("valid_from"),
        "lifetime_in_tariff" => Some("lifetime"),
        "system_service" => Some("main.kind"),
        "unknown_currency" => Some("fee.currency"),
        _ => None,
    })
}

/// Puts the engine's refusal next to its field in the staff member's
/// language: `cat-error-<code>-<field>`, else `cat-error-<code>`, else the
/// portal's words for the code.
fn place(e: &EngineError, form: &mut Form, catalog: &Catalog, locale: Locale) {
    let field = field_of(e);
    let code = e.code().replace('_', "-");
    let detail = [("detail", e.to_string())];
    let text = field
        .and_then(|f| catalog.try_text(locale, &format!("cat-error-{code}-{}", f.replace(['.', '_'], "-")), &detail))
        .or_else(|| catalog.try_text(locale, &format!("cat-error-{code}"), &detail))
        .unwrap_or_else(|| message(e, field, catalog, locale));
    match field {
        Some(f) => form.error(f, text),
        None => form.general = Some(text),
    }
}
