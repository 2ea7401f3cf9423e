//! The night (OPS-5, CHG-1, CHG-8): the schedule and the last runs, the dry
//! run of any date per client and in total, and the real run of a night
//! that has come — through the use cases the API's `/api/v1/night-runs`,
//! `/nights/rehearsal` and `/nights` call. One date field, two buttons: the
//! dry run first, then the run, so staff see what will happen before it
//! does; and the credit-limit invoices the night issues, with their states.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use kopek_engine::EngineError;
use kopek_engine::billing::credit_limit::ClientInvoice;
use kopek_engine::jobs::night_runs::{NightRehearsal, NightRuns};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::admin::frame::{error_page, frame};
use crate::admin::pages::labels::{Labelled, labelled};
use crate::admin::session::StaffUser;
use crate::error::status_of;
use crate::portal::form::Form;
use crate::portal::session::{FormData, redirect_with_notice};

const PATH: &str = "/admin/night";

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    before: Option<i64>,
}

#[derive(Serialize)]
struct NightPage {
    form: Form,
    runs: NightRuns,
    /// CRD-2: the credit-limit invoices the night issues, newest first,
    /// each with its client named.
    invoices: Vec<Labelled<ClientInvoice>>,
    /// The dry run just asked for.
    rehearsal: Option<NightRehearsal>,
    /// The address of the older runs.
    older: Option<String>,
}

async fn show(
    state: &AppState,
    user: &StaffUser,
    status: StatusCode,
    before: Option<i64>,
    form: Form,
    rehearsal: Option<NightRehearsal>,
) -> Response {
    let read = async {
        let runs = state.engine.night_runs(&user.ctx, before).await?;
        let invoices = state.engine.all_credit_invoices(&user.ctx, None).await?.invoices;
        Ok::<_, EngineError>((runs, labelled(state, &user.ctx, invoices, |i| i.client_id).await?))
    };
    match read.await {
        Ok((runs, invoices)) => {
            let older = runs.next_before.map(|b| format!("{PATH}?before={b}"));
            let page = NightPage { form, runs, invoices, rehearsal, older };
            state.views.render_status(status, "admin/night/night.html", &frame(state, user, "night", PATH), page)
        }
        Err(e) => error_page(state, user, e),
    }
}

fn today_form(state: &AppState) -> Form {
    Form::with(&[("date", state.engine.local_today().to_string())])
}

pub async fn page(State(state): State<AppState>, user: StaffUser, Query(q): Query<PageQuery>) -> Response {
    show(&state, &user, StatusCode::OK, q.before, today_form(&state), None).await
}

/// The date typed, or its error next to the field.
fn date_of(state: &AppState, user: &StaffUser, data: &FormData) -> (Form, Option<NaiveDate>) {
    let mut form = Form::from_data(data);
    let date = form.date(data, "date", &state.views.catalog, user.locale);
    (form, date)
}

/// A refusal of the date (a night still to come, a role that may not) next
/// to the field, nothing run.
async fn refused(state: &AppState, user: &StaffUser, mut form: Form, e: EngineError) -> Response {
    if e.is_internal() {
        return error_page(state, user, e);
    }
    let status = status_of(&e);
    form.refusal(&e, Some("date"), &state.views.catalog, user.locale);
    show(state, user, status, None, form, None).await
}

/// «Пробный прогон»: the night run and rolled back, shown per client.
pub async fn rehearse(State(state): State<AppState>, user: StaffUser, data: FormData) -> Response {
    let (form, date) = date_of(&state, &user, &data);
    let Some(date) = date else { return show(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, None, form, None).await };
    match state.engine.rehearse_night(&user.ctx, date).await {
        Ok(rehearsal) => show(&state, &user, StatusCode::OK, None, form, Some(rehearsal)).await,
        Err(e) => refused(&state, &user, form, e).await,
    }
}

/// «Запустить»: the night of a date that has come, as the schedule runs it.
pub async fn run(State(state): State<AppState>, user: StaffUser, data: FormData) -> Response {
    let (form, date) = date_of(&state, &user, &data);
    let Some(date) = date else { return show(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, None, form, None).await };
    match state.engine.start_night(&user.ctx, date).await {
        Ok(_) => redirect_with_notice(PATH, "admin-notice-night-done"),
        Err(e) => refused(&state, &user, form, e).await,
    }
}
