//! "Клиент — Плательщики" (PAY-1, PAY-3): the client's payers with their
//! kind, country, INN and contracts, a search, and delete after a
//! confirmation page (refused while money is awaited from the payer).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::EngineError;
use kopek_engine::payments::payers::Payer;
use serde::{Deserialize, Serialize};

use super::{page_error, refusal};
use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser, redirect_with_notice};

#[derive(Debug, Default, Deserialize)]
pub struct Search {
    q: Option<String>,
}

#[derive(Serialize)]
struct Row {
    id: i64,
    name: String,
    kind: String,
    country: String,
    inn: Option<String>,
    contracts: Vec<String>,
}

#[derive(Serialize)]
struct ListPage {
    rows: Vec<Row>,
    q: String,
    /// All the client's payers, before the search.
    total: usize,
}

pub async fn show(State(state): State<AppState>, user: PortalUser, Query(s): Query<Search>) -> Response {
    let e = &state.engine;
    let q = s.q.unwrap_or_default().trim().to_string();
    let data = async {
        let frame = frame(&state, &user, "payers", "/client/payers").await?;
        let summaries = e.payers(&user.ctx, user.client_id).await?;
        let total = summaries.len();
        let mut rows = Vec::new();
        for p in summaries {
            let payer = e.payer(&user.ctx, p.id).await?;
            let contracts = e.contracts(&user.ctx, p.id).await?.into_iter().map(|c| c.number).collect();
            rows.push(Row { id: p.id, name: p.name, kind: p.kind, country: p.country, inn: payer.details.inn, contracts });
        }
        let needle = q.to_lowercase();
        rows.retain(|r| {
            needle.is_empty()
                || r.name.to_lowercase().contains(&needle)
                || r.inn.as_deref().is_some_and(|i| i.contains(&needle))
                || r.id.to_string() == needle
        });
        Ok::<_, EngineError>((frame, ListPage { rows, q: q.clone(), total }))
    };
    match data.await {
        Ok((frame, page)) => state.views.render("portal/payers/list.html", &frame, page),
        Err(err) => error_page(&state, &user, err),
    }
}

#[derive(Serialize)]
struct DeletePage {
    payer: Payer,
    form: Form,
}

async fn render_delete(state: &AppState, user: &PortalUser, status: StatusCode, page: DeletePage) -> Response {
    match frame(state, user, "payers", &format!("/client/payers/{}/delete", page.payer.id)).await {
        Ok(frame) => state.views.render_status(status, "portal/payers/delete.html", &frame, page),
        Err(err) => error_page(state, user, err),
    }
}

/// "Удалить": asks first, in a page of its own so it works without
/// JavaScript.
pub async fn confirm_delete(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>) -> Response {
    match state.engine.payer(&user.ctx, id).await {
        Ok(payer) => render_delete(&state, &user, StatusCode::OK, DeletePage { payer, form: Form::default() }).await,
        Err(err) => error_page(&state, &user, err),
    }
}

pub async fn delete(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, _: FormData) -> Response {
    let payer = match state.engine.payer(&user.ctx, id).await {
        Ok(p) => p,
        Err(err) => return error_page(&state, &user, err),
    };
    match state.engine.delete_payer(&user.ctx, id).await {
        Ok(()) => redirect_with_notice("/client/payers", "payers-notice-deleted"),
        Err(e) if page_error(&e) => error_page(&state, &user, e),
        Err(e) => {
            let mut form = Form::default();
            refusal(&mut form, &e, &[("name", payer.details.name.clone())], &state.views.catalog, user.locale);
            render_delete(&state, &user, StatusCode::CONFLICT, DeletePage { payer, form }).await
        }
    }
}
