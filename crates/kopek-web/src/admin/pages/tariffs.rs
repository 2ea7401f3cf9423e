//! The catalog's tariffs and holiday calendars (OPS-5, CAT-5, CAT-8,
//! CAT-11): the list of tariffs with the form that groups services into a
//! new one (`create_tariff`), and the form that marks days of a holiday
//! calendar (`add_holidays`). The engine lets only admins do either and
//! says which services can't be in a tariff.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::EngineError;
use kopek_engine::catalog::services::{HolidayInput, TariffInput};
use serde::Serialize;

use crate::AppState;
use crate::admin::frame::{error_page, frame};
use crate::admin::session::StaffUser;
use crate::error::status_of;
use crate::portal::form::{Form, message};
use crate::portal::i18n::{Catalog, Locale};
use crate::portal::session::{FormData, redirect_with_notice};

#[derive(Serialize)]
struct TariffRow {
    id: i64,
    name: String,
    description: String,
    services: Vec<String>,
}

#[derive(Serialize)]
struct Choice {
    id: i64,
    name: String,
    checked: bool,
}

#[derive(Serialize)]
struct TariffsPage {
    tariffs: Vec<TariffRow>,
    choices: Vec<Choice>,
    tariff: Form,
    holidays: Form,
}

async fn show(state: &AppState, user: &StaffUser, tariff: Form, holidays: Form, status: StatusCode) -> Response {
    let (services, tariffs) = match (state.engine.services(&user.ctx).await, state.engine.tariffs(&user.ctx).await) {
        (Ok(s), Ok(t)) => (s, t),
        (Err(e), _) | (_, Err(e)) => return error_page(state, user, e),
    };
    let name_of = |id: i64| services.iter().find(|s| s.id == id).map_or_else(|| format!("#{id}"), |s| s.name.clone());
    let chosen: Vec<String> =
        tariff.values.get("services").map(|v| v.split(',').map(str::to_string).collect()).unwrap_or_default();
    let page = TariffsPage {
        tariffs: tariffs
            .iter()
            .map(|t| TariffRow {
                id: t.id,
                name: t.name.clone(),
                description: t.description.clone(),
                services: t.services.iter().map(|id| name_of(*id)).collect(),
            })
            .collect(),
        choices: services
            .iter()
            .map(|s| Choice { id: s.id, name: s.name.clone(), checked: chosen.contains(&s.id.to_string()) })
            .collect(),
        tariff,
        holidays,
    };
    state.views.render_status(status, "admin/catalog/tariffs.html", &frame(state, user, "tariffs", "/admin/tariffs"), page)
}

pub async fn list(State(state): State<AppState>, user: StaffUser) -> Response {
    show(&state, &user, Form::default(), Form::default(), StatusCode::OK).await
}

/// The refusal next to its field (`fallback` when the engine names none),
/// above the form for a role that may not.
fn place(e: &EngineError, fallback: &str, form: &mut Form, catalog: &Catalog, locale: Locale) {
    if matches!(e, EngineError::Forbidden { .. }) {
        form.general = Some(message(e, None, catalog, locale));
        return;
    }
    let field = e.field().unwrap_or(fallback);
    let code = e.code().replace('_', "-");
    let text = catalog
        .try_text(locale, &format!("cat-t-error-{code}-{}", field.replace('_', "-")), &[("detail", e.to_string())])
        .unwrap_or_else(|| message(e, Some(field), catalog, locale));
    form.error(field, text);
}

pub async fn create(State(state): State<AppState>, user: StaffUser, data: FormData) -> Response {
    let (catalog, locale) = (&state.views.catalog, user.locale);
    let mut form = Form::from_data(&data);
    let picked = data.all("services");
    form.values.insert("services".into(), picked.join(","));
    let services: Vec<i64> = picked.iter().filter_map(|s| s.parse().ok()).collect();
    let input = TariffInput { name: data.text("name"), description: data.text("description"), services };
    match state.engine.create_tariff(&user.ctx, input).await {
        Ok(_) => redirect_with_notice("/admin/tariffs", "notice-saved"),
        Err(e) => {
            place(&e, "services", &mut form, catalog, locale);
            show(&state, &user, form, Form::default(), status_of(&e)).await
        }
    }
}

pub async fn add_holidays(State(state): State<AppState>, user: StaffUser, data: FormData) -> Response {
    let (catalog, locale) = (&state.views.catalog, user.locale);
    let mut form = Form::from_data(&data);
    let raw = data.text("days");
    let days: Result<Vec<chrono::NaiveDate>, _> =
        raw.split([',', ' ', ';', '\n', '\r']).filter(|d| !d.trim().is_empty()).map(|d| d.trim().parse()).collect();
    let days = match days {
        Ok(days) if !days.is_empty() => days,
        Ok(_) => {
            form.error("days", catalog.text(locale, "error-required", &[]));
            Vec::new()
        }
        Err(_) => {
            form.error("days", catalog.text(locale, "cat-error-days", &[]));
            Vec::new()
        }
    };
    if !form.is_ok() {
        return show(&state, &user, Form::default(), form, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match state.engine.add_holidays(&user.ctx, HolidayInput { calendar: data.text("calendar"), days }).await {
        Ok(_) => redirect_with_notice("/admin/tariffs", "notice-saved"),
        Err(e) => {
            place(&e, "calendar", &mut form, catalog, locale);
            show(&state, &user, Form::default(), form, status_of(&e)).await
        }
    }
}
