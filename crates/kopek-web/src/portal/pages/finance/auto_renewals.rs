//! "Финансы — Автопродление услуг" (PMT-7): the client's auto-renewing
//! services (name, product type, cost, next date, period, method, state),
//! where the method a service renews from is changed ("Способ оплаты —
//! Выбрать") and auto-renewal is switched off.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::billing::autorenew::{AutoRenewal, RenewalMethod};
use kopek_engine::billing::paid_period::RenewalSettings;
use serde::Serialize;

use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser, redirect_with_notice};

#[derive(Serialize)]
struct Renewals {
    renewals: Vec<AutoRenewal>,
    currency: String,
    /// (saved method id or "" for the balance, its name and status).
    methods: Vec<(String, String)>,
    /// The refused change: its subscription and the message.
    refused: Option<(i64, String)>,
}

async fn render(state: &AppState, user: &PortalUser, refused: Option<(i64, String)>) -> Response {
    let data = async {
        let frame = frame(state, user, "auto-renewals", "/finance/auto-renewals").await?;
        let renewals = state.engine.auto_renewals(&user.ctx, user.client_id).await?;
        let currency = state.engine.balance(&user.ctx, user.client_id).await?.currency;
        let saved = state.engine.saved_methods(&user.ctx, user.client_id).await?;
        let mut methods = vec![(String::new(), state.views.catalog.text(user.locale, "finance-balance-method", &[]))];
        methods.extend(saved.methods.into_iter().map(|m| (m.id.to_string(), format!("{} ({})", m.name, m.status_label))));
        Ok((frame, Renewals { renewals, currency, methods, refused: refused.clone() }))
    };
    let status = if refused.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    match data.await {
        Ok((frame, page)) => state.views.render_status(status, "portal/finance/auto_renewals.html", &frame, page),
        Err(err) => error_page(state, user, err),
    }
}

pub async fn list(State(state): State<AppState>, user: PortalUser) -> Response {
    render(&state, &user, None).await
}

/// "Выбрать" a method, or "Отключить" (`action=off`) auto-renewal.
pub async fn set_method(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, data: FormData) -> Response {
    let done = if data.text("action") == "off" {
        let off = RenewalSettings { months: None, auto_renew: Some(false) };
        state.engine.set_renewal(&user.ctx, id, off).await.map(|_| "finance-notice-renewal-off")
    } else {
        let raw = data.text("saved_method_id");
        let saved_method_id = if raw.is_empty() { None } else { raw.parse::<i64>().ok() };
        if !raw.is_empty() && saved_method_id.is_none() {
            let text = state.views.catalog.text(user.locale, "error-choose", &[]);
            return render(&state, &user, Some((id, text))).await;
        }
        state.engine.set_renewal_method(&user.ctx, id, RenewalMethod { saved_method_id }).await.map(|_| "notice-saved")
    };
    match done {
        Ok(notice) => redirect_with_notice("/finance/auto-renewals", notice),
        Err(err @ (kopek_engine::EngineError::NotFound { .. } | kopek_engine::EngineError::Forbidden { .. })) => {
            error_page(&state, &user, err)
        }
        Err(err) if err.is_internal() => error_page(&state, &user, err),
        Err(err) => {
            let mut form = Form::default();
            form.refusal(&err, None, &state.views.catalog, user.locale);
            render(&state, &user, Some((id, form.general.unwrap_or_default()))).await
        }
    }
}
