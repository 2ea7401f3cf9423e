//! ACC-2 on "Профиль": asking for an SMS code (to confirm the number, or
//! to change a confirmed one) and entering it. The rules — which number
//! the code goes to, the waits and tries — are the engine's.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::accounts::phone::PhoneCodeRequest;

use super::profile::{Forms, PATH, refused_in_form, render};
use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::session::{FormData, PortalUser, redirect_with_notice};

pub async fn send_code(State(state): State<AppState>, user: PortalUser, data: FormData) -> Response {
    let mut form = Form::from_data(&data);
    let req = PhoneCodeRequest { new_phone: data.get("new_phone").map(str::to_string) };
    match state.engine.send_phone_code(&user.ctx, req).await {
        Ok(_) => redirect_with_notice(PATH, "notice-phone-code-sent"),
        Err(e) if refused_in_form(&e) => {
            form.refusal(&e, None, &state.views.catalog, user.locale);
            render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, Forms { phone: form, ..Forms::default() }).await
        }
        Err(e) => error_page(&state, &user, e),
    }
}

pub async fn confirm(State(state): State<AppState>, user: PortalUser, data: FormData) -> Response {
    let mut form = Form::from_data(&data);
    match state.engine.confirm_phone(&user.ctx, data.get("code").unwrap_or("")).await {
        Ok(me) if me.phone_verified => redirect_with_notice(PATH, "notice-phone-confirmed"),
        Ok(_) => redirect_with_notice(PATH, "notice-phone-changed"),
        Err(e) if refused_in_form(&e) => {
            form.refusal(&e, Some("code"), &state.views.catalog, user.locale);
            render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, Forms { phone: form, ..Forms::default() }).await
        }
        Err(e) => error_page(&state, &user, e),
    }
}
