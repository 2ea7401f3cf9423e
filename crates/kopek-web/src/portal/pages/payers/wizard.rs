//! "Создание плательщика" (PAY-2): step 1 the country, step 2 the kind,
//! step 3 the kind's fields. Steps 1 and 2 are GET forms whose answers ride
//! in the address, so Back, reload and a browser without JavaScript all
//! land on the right step.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_domain::payer::PayerKind;
use kopek_engine::payments::payers::PayerInput;
use serde::{Deserialize, Serialize};

use super::{COUNTRIES, PayerForm, kinds, page_error};
use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser, redirect_with_notice};

#[derive(Debug, Default, Deserialize)]
pub struct Answers {
    country: Option<String>,
    kind: Option<String>,
    /// "Назад": the step to show again, its answer kept.
    back: Option<String>,
}

/// Which step a page is, with that step's data.
#[derive(Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
enum Step {
    Country { countries: &'static [&'static str], form: Form },
    Kind { country: String, kinds: Vec<&'static str>, form: Form },
    Details(PayerForm),
}

fn country_of(raw: Option<&str>) -> Option<String> {
    raw.map(|c| c.trim().to_uppercase()).filter(|c| COUNTRIES.iter().any(|x| x == c))
}

pub async fn step(State(state): State<AppState>, user: PortalUser, Query(q): Query<Answers>) -> Response {
    let catalog = &state.views.catalog;
    // An answer given but not one of the choices is marked; none yet is not.
    let choose = |field: &str, value: Option<&str>| match value {
        Some(v) => {
            let mut form = Form::with(&[(field, v.to_string())]);
            form.error(field, catalog.text(user.locale, "error-choose", &[]));
            form
        }
        None => Form::default(),
    };
    let back = q.back.as_deref();
    let page = match (country_of(q.country.as_deref()), q.kind.as_deref().and_then(PayerKind::parse)) {
        (Some(country), _) if back == Some("country") => {
            Step::Country { countries: COUNTRIES, form: Form::with(&[("country", country)]) }
        }
        (Some(country), Some(kind)) if back == Some("kind") => {
            Step::Kind { form: Form::with(&[("kind", kind.as_str().to_string())]), country, kinds: kinds() }
        }
        (None, _) => Step::Country { countries: COUNTRIES, form: choose("country", q.country.as_deref()) },
        (Some(country), None) => Step::Kind { form: choose("kind", q.kind.as_deref()), country, kinds: kinds() },
        (Some(country), Some(kind)) => {
            let (mut form, _) = PayerForm::read(&FormData::default(), kind, country, catalog, user.locale);
            // The guide's form starts with "Совпадает с юридическим адресом" ticked.
            form.actual_same = true;
            Step::Details(form)
        }
    };
    render(&state, &user, StatusCode::OK, page).await
}

async fn render(state: &AppState, user: &PortalUser, status: StatusCode, page: Step) -> Response {
    match frame(state, user, "payers", "/client/payers/new").await {
        Ok(frame) => state.views.render_status(status, "portal/payers/new.html", &frame, page),
        Err(err) => error_page(state, user, err),
    }
}

/// "Завершить": the payer is created, or the form comes back with the
/// message next to the field at fault and everything typed kept.
pub async fn create(State(state): State<AppState>, user: PortalUser, data: FormData) -> Response {
    let catalog = &state.views.catalog;
    let (Some(country), Some(kind)) = (country_of(data.get("country")), PayerKind::parse(&data.text("kind"))) else {
        return render(
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            Step::Country { countries: COUNTRIES, form: Form::default() },
        )
        .await;
    };
    let (mut page, details) = PayerForm::read(&data, kind, country, catalog, user.locale);
    if page.form.is_ok() {
        let input = PayerInput { kind: kind.as_str().to_string(), details };
        match state.engine.create_payer(&user.ctx, user.client_id, input).await {
            Ok(_) => return redirect_with_notice("/client/payers", "payers-notice-created"),
            Err(e) if page_error(&e) => return error_page(&state, &user, e),
            Err(e) => page.refusal(&e, catalog, user.locale),
        }
    }
    render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, Step::Details(page)).await
}
