//! "Объединение плательщиков" (PAY-4): choose the main payer and the one
//! merged into it, and whether its contracts move; a preview lists what
//! will be done (changing nothing, so it is a GET); "Завершить" does it.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::EngineError;
use kopek_engine::payments::payers::{MergePlan, MergeRequest, PayerSummary};
use serde::{Deserialize, Serialize};

use super::{page_error, refusal};
use crate::AppState;
use crate::portal::form::Form;
use crate::portal::i18n::{Catalog, Locale};
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser, redirect_with_notice};

const MAIN: &str = "main_payer_id";
const MERGED: &str = "merged_payer_id";
const MOVE: &str = "move_contracts";

#[derive(Debug, Default, Deserialize)]
pub struct Choice {
    main_payer_id: Option<String>,
    merged_payer_id: Option<String>,
    move_contracts: Option<String>,
}

#[derive(Serialize)]
struct ChoosePage {
    payers: Vec<PayerSummary>,
    form: Form,
    move_contracts: bool,
}

#[derive(Serialize)]
struct PreviewPage {
    main_payer_id: i64,
    merged_payer_id: i64,
    move_contracts: bool,
    /// The planned actions in the user's words, in the order they happen.
    actions: Vec<String>,
}

/// The request a choice makes, or the form with what is missing marked.
fn request(
    fields: &[(&str, Option<&str>)],
    move_contracts: bool,
    catalog: &Catalog,
    locale: Locale,
) -> Result<MergeRequest, Form> {
    let data = FormData {
        fields: fields.iter().map(|(k, v)| (k.to_string(), v.unwrap_or("").to_string())).collect(),
        ..FormData::default()
    };
    let mut form = Form::from_data(&data);
    let main = form.id(&data, MAIN, catalog, locale);
    let merged = form.id(&data, MERGED, catalog, locale);
    match (main, merged) {
        (Some(main_payer_id), Some(merged_payer_id)) => Ok(MergeRequest { main_payer_id, merged_payer_id, move_contracts }),
        _ => Err(form),
    }
}

async fn render<T: Serialize>(state: &AppState, user: &PortalUser, status: StatusCode, template: &str, page: T) -> Response {
    match frame(state, user, "payers", "/client/payers/merge").await {
        Ok(frame) => state.views.render_status(status, template, &frame, page),
        Err(err) => error_page(state, user, err),
    }
}

async fn choose_page(state: &AppState, user: &PortalUser, status: StatusCode, form: Form, move_contracts: bool) -> Response {
    match state.engine.payers(&user.ctx, user.client_id).await {
        Ok(payers) => render(state, user, status, "portal/payers/merge.html", ChoosePage { payers, form, move_contracts }).await,
        Err(err) => error_page(state, user, err),
    }
}

/// The choice; Back from the preview brings the previous one.
pub async fn choose(State(state): State<AppState>, user: PortalUser, Query(c): Query<Choice>) -> Response {
    let values = [(MAIN, c.main_payer_id.unwrap_or_default()), (MERGED, c.merged_payer_id.unwrap_or_default())];
    // A first visit moves the contracts, as the engine does by default.
    let move_contracts = c.move_contracts.is_none_or(|v| v == "on");
    choose_page(&state, &user, StatusCode::OK, Form::with(&values), move_contracts).await
}

fn quoted(list: &[String]) -> String {
    list.join(", ")
}

/// The plan in the user's words; the engine's English lines are for the
/// API.
fn actions(plan: &MergePlan, payers: &[PayerSummary], catalog: &Catalog, locale: Locale) -> Vec<String> {
    let name = |id: i64| payers.iter().find(|p| p.id == id).map(|p| p.name.clone()).unwrap_or_default();
    let (main, merged) = (name(plan.main_payer_id), name(plan.merged_payer_id));
    let mut out = Vec::new();
    if !plan.payments_moved.is_empty() {
        let args = [("numbers", quoted(&plan.payments_moved)), ("from", merged.clone()), ("to", main.clone())];
        out.push(catalog.text(locale, "payers-merge-action-payments", &args));
    }
    if !plan.contracts_moved.is_empty() {
        let args = [("numbers", quoted(&plan.contracts_moved)), ("to", main.clone())];
        out.push(catalog.text(locale, "payers-merge-action-contracts-moved", &args));
    }
    if !plan.contracts_ended.is_empty() {
        out.push(catalog.text(locale, "payers-merge-action-contracts-ended", &[("numbers", quoted(&plan.contracts_ended))]));
    }
    out.push(catalog.text(locale, "payers-merge-action-delete", &[("name", merged)]));
    out
}

/// "Далее": the actions the merge will take.
pub async fn preview(State(state): State<AppState>, user: PortalUser, Query(c): Query<Choice>) -> Response {
    let catalog = &state.views.catalog;
    let move_contracts = c.move_contracts.as_deref() == Some("on");
    let fields = [(MAIN, c.main_payer_id.as_deref()), (MERGED, c.merged_payer_id.as_deref())];
    let req = match request(&fields, move_contracts, catalog, user.locale) {
        Ok(r) => r,
        Err(form) => return choose_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, form, move_contracts).await,
    };
    let planned = async {
        let plan = state.engine.merge_preview(&user.ctx, req.clone()).await?;
        let payers = state.engine.payers(&user.ctx, user.client_id).await?;
        Ok::<_, EngineError>(actions(&plan, &payers, catalog, user.locale))
    };
    match planned.await {
        Ok(actions) => {
            let page =
                PreviewPage { main_payer_id: req.main_payer_id, merged_payer_id: req.merged_payer_id, move_contracts, actions };
            render(&state, &user, StatusCode::OK, "portal/payers/merge_preview.html", page).await
        }
        Err(e) if page_error(&e) => error_page(&state, &user, e),
        Err(e) => {
            let values = fields.map(|(k, v)| (k, v.unwrap_or("").to_string()));
            let mut form = Form::with(&values);
            refusal(&mut form, &e, &[], catalog, user.locale);
            choose_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, form, move_contracts).await
        }
    }
}

/// "Завершить": the merge as previewed.
pub async fn confirm(State(state): State<AppState>, user: PortalUser, data: FormData) -> Response {
    let catalog = &state.views.catalog;
    let move_contracts = data.checked(MOVE);
    let fields = [(MAIN, data.get(MAIN)), (MERGED, data.get(MERGED))];
    let req = match request(&fields, move_contracts, catalog, user.locale) {
        Ok(r) => r,
        Err(form) => return choose_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, form, move_contracts).await,
    };
    match state.engine.merge_payers(&user.ctx, req).await {
        Ok(_) => redirect_with_notice("/client/payers", "payers-notice-merged"),
        Err(e) if page_error(&e) => error_page(&state, &user, e),
        Err(e) => {
            let mut form = Form::from_data(&data);
            refusal(&mut form, &e, &[], catalog, user.locale);
            choose_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, form, move_contracts).await
        }
    }
}
