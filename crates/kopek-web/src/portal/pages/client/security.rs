//! "Безопасность" (SEC-2): two-step authentication. Off, the user starts
//! enrolment; while it waits, the page shows the QR code inline, the secret
//! as text and the field for the first code; confirmed, the ten recovery
//! codes are shown this once; on, it is turned off with a code.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::accounts::two_factor::{Enrolment, TwoFactorStatus};
use serde::Serialize;

use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::client::profile::refused_in_form;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser, redirect_with_notice};

const PATH: &str = "/client/security";

#[derive(Serialize)]
struct SecurityPage {
    status: TwoFactorStatus,
    enrolment: Option<Enrolment>,
    form: Form,
}

#[derive(Serialize)]
struct CodesPage {
    codes: Vec<String>,
}

pub async fn show(State(state): State<AppState>, user: PortalUser) -> Response {
    render(&state, &user, StatusCode::OK, Form::default()).await
}

pub async fn enrol(State(state): State<AppState>, user: PortalUser, _: FormData) -> Response {
    match state.engine.enrol_two_factor(&user.ctx).await {
        Ok(_) => redirect_with_notice(PATH, "security-notice-scan"),
        Err(e) if refused_in_form(&e) => {
            let mut form = Form::default();
            form.refusal(&e, None, &state.views.catalog, user.locale);
            render(&state, &user, StatusCode::CONFLICT, form).await
        }
        Err(e) => error_page(&state, &user, e),
    }
}

pub async fn confirm(State(state): State<AppState>, user: PortalUser, data: FormData) -> Response {
    let mut form = Form::default();
    let code = form.required(&data, "code", &state.views.catalog, user.locale);
    if form.is_ok() {
        match state.engine.confirm_two_factor(&user.ctx, &code).await {
            Ok(codes) => {
                return match frame(&state, &user, "profile", PATH).await {
                    Ok(frame) => {
                        state.views.render("portal/client/security_codes.html", &frame, CodesPage { codes: codes.codes })
                    }
                    Err(e) => error_page(&state, &user, e),
                };
            }
            Err(e) if refused_in_form(&e) => form.refusal(&e, Some("code"), &state.views.catalog, user.locale),
            Err(e) => return error_page(&state, &user, e),
        }
    }
    render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, form).await
}

pub async fn disable(State(state): State<AppState>, user: PortalUser, data: FormData) -> Response {
    let mut form = Form::default();
    let ctx = user.ctx.clone().with_second_factor(data.get("code").map(str::to_string));
    match state.engine.disable_two_factor(&ctx).await {
        Ok(()) => return redirect_with_notice(PATH, "security-notice-off"),
        Err(e) if refused_in_form(&e) => form.refusal(&e, Some("code"), &state.views.catalog, user.locale),
        Err(e) => return error_page(&state, &user, e),
    }
    render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, form).await
}

async fn render(state: &AppState, user: &PortalUser, status: StatusCode, form: Form) -> Response {
    let data = async {
        let frame = frame(state, user, "profile", PATH).await?;
        let two_factor = state.engine.two_factor_status(&user.ctx).await?;
        let enrolment = state.engine.pending_two_factor(&user.ctx).await?;
        Ok((frame, two_factor, enrolment))
    };
    match data.await {
        Ok((frame, status_now, enrolment)) => state.views.render_status(
            status,
            "portal/client/security.html",
            &frame,
            SecurityPage { status: status_now, enrolment, form },
        ),
        Err(err) => error_page(state, user, err),
    }
}
