//! "Финансы — Автоплатеж — Настроить" (PMT-5): the forecast minimum and
//! maximum of a month's charges, the recommended monthly maximum (the
//! forecast maximum + 10 %), a saved method and the maximum (empty is ∞),
//! and switching the autopayment off.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::billing::autopay::{AutopayForm, AutopayInput};
use kopek_engine::core::amount::Amount;
use serde::Serialize;

use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser, redirect_with_notice};

#[derive(Serialize)]
struct Autopay {
    setup: AutopayForm,
    form: Form,
    method_options: Vec<(i64, String)>,
}

async fn render(state: &AppState, user: &PortalUser, form: Option<Form>, status: StatusCode) -> Response {
    let data = async {
        let frame = frame(state, user, "autopay", "/finance/autopay").await?;
        let mut setup = state.engine.autopay_form(&user.ctx, user.client_id).await?;
        // The forecast comes rounded, not padded: 0.0 is written 0,00.
        let minor = setup.currency.parse::<kopek_domain::Currency>().map_or(2, |c| c.minor_digits());
        for a in [&mut setup.forecast_min, &mut setup.forecast_max, &mut setup.recommended_max] {
            *a = Amount::shown(a.0, minor);
        }
        let form = form.unwrap_or_else(|| {
            let current = setup.current.as_ref();
            Form::with(&[
                ("saved_method_id", current.map(|c| c.saved_method_id.to_string()).unwrap_or_default()),
                (
                    "monthly_max",
                    match current {
                        Some(c) => c.monthly_max.map(|m| m.0.to_string()).unwrap_or_default(),
                        None => setup.recommended_max.0.to_string(),
                    },
                ),
            ])
        });
        let method_options = setup
            .methods
            .iter()
            .map(|m| {
                let limits = match (m.min_amount, m.max_amount) {
                    (Some(a), Some(b)) => format!(" — {} … {}", a.0, b.0),
                    (Some(a), None) => format!(" — {} …", a.0),
                    (None, Some(b)) => format!(" — … {}", b.0),
                    (None, None) => String::new(),
                };
                (m.saved_method_id, format!("{}{limits}", m.name))
            })
            .collect();
        Ok((frame, Autopay { setup, form, method_options }))
    };
    match data.await {
        Ok((frame, page)) => state.views.render_status(status, "portal/finance/autopay.html", &frame, page),
        Err(err) => error_page(state, user, err),
    }
}

pub async fn form(State(state): State<AppState>, user: PortalUser) -> Response {
    render(&state, &user, None, StatusCode::OK).await
}

/// "Продолжить": the method and the maximum; `action=off` switches the
/// autopayment off, keeping its method.
pub async fn submit(State(state): State<AppState>, user: PortalUser, data: FormData) -> Response {
    let (catalog, locale) = (&state.views.catalog, user.locale);
    let mut form = Form::from_data(&data);
    let saved_method_id = form.id(&data, "saved_method_id", catalog, locale);
    let monthly_max = if data.text("monthly_max").is_empty() { None } else { form.amount(&data, "monthly_max", catalog, locale) };
    let Some(saved_method_id) = saved_method_id else {
        return render(&state, &user, Some(form), StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    if !form.is_ok() {
        return render(&state, &user, Some(form), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let enabled = data.text("action") != "off";
    match state.engine.set_autopay(&user.ctx, user.client_id, AutopayInput { saved_method_id, monthly_max, enabled }).await {
        Ok(_) => redirect_with_notice("/finance/autopay", if enabled { "notice-saved" } else { "finance-notice-autopay-off" }),
        Err(err) if err.is_internal() || matches!(err, kopek_engine::EngineError::Forbidden { .. }) => {
            error_page(&state, &user, err)
        }
        Err(err) => {
            let field = if err.code() == "method_limited" || matches!(err, kopek_engine::EngineError::NotFound { .. }) {
                "saved_method_id"
            } else {
                "monthly_max"
            };
            form.refusal(&err, Some(field), catalog, locale);
            render(&state, &user, Some(form), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}
