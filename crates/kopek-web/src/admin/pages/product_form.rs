//! A product's form (ORD-1, ORD-2, OPS-5): name, section, description,
//! currency, the price of each period, the add-ons the client configures,
//! the card's parameters, tax, trial, domain, month alignment, deletion and
//! instructions — through the use cases the API's `POST/PUT /products`
//! call. Lists are rows of inputs with a few empty ones to add to, so the
//! form needs no script; an empty row is no row, a half-filled one is an
//! error next to its fields. What the form does not show (the integration
//! and accounts options, the provisioning hook) is kept as it was.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_domain::product::{ProductSpec, ProductType};
use kopek_engine::shop::products::ProductInput;
use serde::Serialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::admin::frame::{error_page, frame};
use crate::admin::session::StaffUser;
use crate::error::status_of;
use crate::portal::form::Form;
use crate::portal::i18n::{Catalog, Locale};
use crate::portal::session::{FormData, redirect_with_notice};

/// Empty rows offered after the filled ones.
const SPARE_ROWS: usize = 2;
/// Rows read back from a posted form, at most.
const MAX_ROWS: usize = 40;

const PRICE: [&str; 2] = ["months", "price"];
const ADDON: [&str; 8] = ["code", "name", "unit", "unit_price", "included", "min", "max", "default"];
const PARAM: [&str; 2] = ["name", "value"];

#[derive(Serialize)]
struct ProductPage {
    id: Option<i64>,
    form: Form,
    types: Vec<&'static str>,
    /// How many rows of each list to draw.
    prices: usize,
    addons: usize,
    params: usize,
}

fn type_name(t: ProductType) -> &'static str {
    match t {
        ProductType::VirtualServer => "virtual_server",
        ProductType::DedicatedServer => "dedicated_server",
        ProductType::Domain => "domain",
        ProductType::SslCertificate => "ssl_certificate",
        ProductType::License => "license",
        ProductType::Traffic => "traffic",
        ProductType::DnsHosting => "dns_hosting",
        ProductType::IspService => "isp_service",
        ProductType::Other => "other",
    }
}

fn show(
    state: &AppState,
    user: &StaffUser,
    status: StatusCode,
    id: Option<i64>,
    form: Form,
    rows: (usize, usize, usize),
) -> Response {
    let path = id.map_or_else(|| "/admin/products/new".to_string(), |id| format!("/admin/products/{id}"));
    let types = ProductType::ALL.iter().map(|t| type_name(*t)).collect();
    let page =
        ProductPage { id, form, types, prices: rows.0 + SPARE_ROWS, addons: rows.1 + SPARE_ROWS, params: rows.2 + SPARE_ROWS };
    state.views.render_status(status, "admin/catalog/product.html", &frame(state, user, "products", &path), page)
}

/// The form's text of a value: numbers and text as typed, flags "1".
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "1".into(),
        Value::Null | Value::Bool(false) => String::new(),
        other => other.to_string(),
    }
}

/// The form filled from a stored spec: (form, rows of prices, add-ons, parameters).
fn filled(spec: &ProductSpec, archived: bool) -> (Form, (usize, usize, usize)) {
    let v = serde_json::to_value(spec).unwrap_or_default();
    let mut values: Vec<(String, String)> = [
        "name",
        "product_type",
        "description",
        "currency",
        "tax_percent",
        "tax_included",
        "trial_days",
        "needs_domain",
        "align_to_month_start",
        "instructions",
    ]
    .iter()
    .map(|k| (k.to_string(), text(&v[*k])))
    .collect();
    values.push(("deletion_allowed".into(), text(&v["deletion"]["allowed"])));
    values.push(("deletion_refund".into(), text(&v["deletion"]["refund_unused"])));
    values.push(("archived".into(), if archived { "1".into() } else { String::new() }));
    let mut rows = |list: &str, prefix: &str, fields: &[&str]| {
        let items = v[list].as_array().cloned().unwrap_or_default();
        for (i, item) in items.iter().enumerate() {
            for f in fields {
                values.push((format!("{prefix}_{f}_{i}"), text(&item[*f])));
            }
        }
        items.len()
    };
    let counts = (rows("prices", "price", &PRICE), rows("addons", "addon", &ADDON), rows("parameters", "param", &PARAM));
    let pairs: Vec<(&str, String)> = values.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    (Form::with(&pairs), counts)
}

pub async fn new_form(State(state): State<AppState>, user: StaffUser) -> Response {
    let form = Form::with(&[
        ("currency", "RUB".into()),
        ("product_type", "virtual_server".into()),
        ("tax_included", "1".into()),
        ("deletion_allowed", "1".into()),
    ]);
    show(&state, &user, StatusCode::OK, None, form, (0, 0, 0))
}

pub async fn edit_form(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>) -> Response {
    match state.engine.product(&user.ctx, id).await {
        Ok(p) => {
            let (form, rows) = filled(&p.spec, p.archived);
            show(&state, &user, StatusCode::OK, Some(id), form, rows)
        }
        Err(e) => error_page(&state, &user, e),
    }
}

/// The filled rows of a list as JSON objects; a row half filled is an
/// error next to each missing field. The fields in `whole` must read as
/// whole numbers, the prices as amounts.
fn rows_of(
    data: &FormData,
    form: &mut Form,
    prefix: &str,
    fields: &[&str],
    whole: &[&str],
    (catalog, locale): (&Catalog, Locale),
) -> Vec<Value> {
    let mut out = Vec::new();
    for i in 0..MAX_ROWS {
        let cell = |f: &str| data.text(&format!("{prefix}_{f}_{i}"));
        if fields.iter().all(|f| cell(f).is_empty()) {
            continue;
        }
        let mut row = serde_json::Map::new();
        for f in fields {
            let name = format!("{prefix}_{f}_{i}");
            let raw = cell(f).replace(',', ".");
            if raw.is_empty() {
                form.error(&name, catalog.text(locale, "error-required", &[]));
            } else if whole.contains(f) {
                match raw.parse::<u32>() {
                    Ok(n) => {
                        row.insert(f.to_string(), json!(n));
                    }
                    Err(_) => form.error(&name, catalog.text(locale, "error-not-a-count", &[])),
                }
            } else if *f == "price" || *f == "unit_price" {
                match raw.parse::<rust_decimal::Decimal>() {
                    Ok(d) => {
                        row.insert(f.to_string(), json!(d.to_string()));
                    }
                    Err(_) => form.error(&name, catalog.text(locale, "error-not-an-amount", &[])),
                }
            } else {
                row.insert(f.to_string(), json!(cell(f)));
            }
        }
        out.push(Value::Object(row));
    }
    out
}

/// The spec as posted over `base` (the stored one, so what the form does
/// not show stays), or the form with its errors.
fn spec_of(state: &AppState, user: &StaffUser, data: &FormData, base: Value) -> (Form, Option<ProductSpec>) {
    let at: (&Catalog, Locale) = (&state.views.catalog, user.locale);
    let mut form = Form::from_data(data);
    let mut v = if base.is_object() { base } else { json!({}) };
    v["name"] = json!(form.required(data, "name", at.0, at.1));
    v["product_type"] = json!(data.text("product_type"));
    v["description"] = json!(data.text("description"));
    v["currency"] = json!(form.required(data, "currency", at.0, at.1).to_uppercase());
    v["tax_percent"] = json!(match data.text("tax_percent").replace(',', ".") {
        t if t.is_empty() => "0".to_string(),
        t => t,
    });
    v["tax_included"] = json!(data.checked("tax_included"));
    v["trial_days"] = match data.text("trial_days") {
        t if t.is_empty() => Value::Null,
        t => match t.parse::<u32>() {
            Ok(n) => json!(n),
            Err(_) => {
                form.error("trial_days", at.0.text(at.1, "error-not-a-count", &[]));
                Value::Null
            }
        },
    };
    v["needs_domain"] = json!(data.checked("needs_domain"));
    v["align_to_month_start"] = json!(data.checked("align_to_month_start"));
    v["deletion"] = json!({ "allowed": data.checked("deletion_allowed"), "refund_unused": data.checked("deletion_refund") });
    v["instructions"] = json!(data.text("instructions"));
    v["prices"] = json!(rows_of(data, &mut form, "price", &PRICE, &["months"], at));
    v["addons"] = json!(rows_of(data, &mut form, "addon", &ADDON, &["included", "min", "max", "default"], at));
    v["parameters"] = json!(rows_of(data, &mut form, "param", &PARAM, &[], at));
    if !form.is_ok() {
        return (form, None);
    }
    match serde_json::from_value::<ProductSpec>(v) {
        Ok(spec) => (form, Some(spec)),
        Err(e) => {
            // Only a value no field can type gets here (a wrong tax, a
            // currency that is no code): said above the form.
            form.general = Some(at.0.text(at.1, "admin-product-unreadable", &[("detail", e.to_string())]));
            (form, None)
        }
    }
}

/// Rows to draw again after a refusal: as many as were posted.
fn posted_rows(data: &FormData) -> (usize, usize, usize) {
    let count =
        |prefix: &str, first: &str| (0..MAX_ROWS).filter(|i| data.get(&format!("{prefix}_{first}_{i}")).is_some()).count();
    let spare = |n: usize| n.saturating_sub(SPARE_ROWS);
    (spare(count("price", "months")), spare(count("addon", "code")), spare(count("param", "name")))
}

pub async fn create(State(state): State<AppState>, user: StaffUser, data: FormData) -> Response {
    save(&state, &user, None, &data).await
}

pub async fn update(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, data: FormData) -> Response {
    save(&state, &user, Some(id), &data).await
}

async fn save(state: &AppState, user: &StaffUser, id: Option<i64>, data: &FormData) -> Response {
    let stored = match id {
        Some(id) => match state.engine.product(&user.ctx, id).await {
            Ok(p) => Some(p),
            Err(e) => return error_page(state, user, e),
        },
        None => None,
    };
    let base = stored.as_ref().map(|p| serde_json::to_value(&p.spec).unwrap_or_default()).unwrap_or_default();
    let (mut form, spec) = spec_of(state, user, data, base);
    let Some(spec) = spec else { return show(state, user, StatusCode::UNPROCESSABLE_ENTITY, id, form, posted_rows(data)) };
    let hook = stored.and_then(|p| p.hook);
    let input = ProductInput { spec, hook, archived: data.checked("archived") };
    let saved = match id {
        Some(id) => state.engine.update_product(&user.ctx, id, input).await,
        None => state.engine.create_product(&user.ctx, input).await,
    };
    match saved {
        Ok(p) => redirect_with_notice(&format!("/admin/products/{}", p.id), "notice-saved"),
        Err(e) if e.is_internal() => error_page(state, user, e),
        Err(e) => {
            form.refusal(&e, None, &state.views.catalog, user.locale);
            show(state, user, status_of(&e), id, form, posted_rows(data))
        }
    }
}
