//! "Профиль" (ACC-2): the user's email and name (the first user's only
//! staff change), the phone with its confirmation state (confirmed by an
//! SMS code: [`super::phone`]), and a new password given with the current
//! one.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::EngineError;
use kopek_engine::accounts::phone::PhoneCodeSent;
use kopek_engine::accounts::users::{PasswordChange, ProfileChanges};
use kopek_engine::core::views::ClientUser;
use serde::Serialize;

use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser, redirect_with_notice};

pub(super) const PATH: &str = "/client/profile";

#[derive(Serialize)]
struct ProfilePage {
    user: ClientUser,
    form: Form,
    password: Form,
    /// The phone's code forms: asking for one, entering it.
    phone: Form,
    /// SEC-2: the password form asks for a fresh code.
    two_factor: bool,
    /// ACC-2: the code that can still be entered.
    pending: Option<PhoneCodeSent>,
    /// Whether SMS is set up, so numbers can be confirmed at all.
    sms: bool,
}

/// The page's forms as a refusal leaves them; `profile: None` shows the
/// user's stored values.
#[derive(Default)]
pub(super) struct Forms {
    pub profile: Option<Form>,
    pub password: Form,
    pub phone: Form,
}

pub async fn show(State(state): State<AppState>, user: PortalUser) -> Response {
    render(&state, &user, StatusCode::OK, Forms::default()).await
}

pub async fn save(State(state): State<AppState>, user: PortalUser, data: FormData) -> Response {
    let mut form = Form::from_data(&data);
    let change = ProfileChanges { full_name: data.get("full_name").map(str::to_string), phone: Some(data.text("phone")) };
    match state.engine.update_my_profile(&user.ctx, change).await {
        Ok(_) => redirect_with_notice(PATH, "notice-saved"),
        Err(e) if refused_in_form(&e) => {
            let field = match e.code() {
                "owner_name_fixed" => Some("full_name"),
                "phone_confirmed" => Some("phone"),
                _ => None,
            };
            form.refusal(&e, field, &state.views.catalog, user.locale);
            render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, Forms { profile: Some(form), ..Forms::default() }).await
        }
        Err(e) => error_page(&state, &user, e),
    }
}

pub async fn change_password(State(state): State<AppState>, user: PortalUser, data: FormData) -> Response {
    let catalog = &state.views.catalog;
    let mut form = Form::default();
    let current = data.get("current_password").unwrap_or("").to_string();
    let new = data.get("new_password").unwrap_or("").to_string();
    for (field, value) in [("current_password", &current), ("new_password", &new)] {
        if value.is_empty() {
            form.error(field, catalog.text(user.locale, "error-required", &[]));
        }
    }
    if data.get("repeat_password").unwrap_or("") != new {
        form.error("repeat_password", catalog.text(user.locale, "error-passwords-differ", &[]));
    }
    if form.is_ok() {
        let ctx = user.ctx.clone().with_second_factor(data.get("code").map(str::to_string));
        match state.engine.change_my_password(&ctx, PasswordChange { current_password: current, new_password: new }).await {
            Ok(()) => return redirect_with_notice(PATH, "notice-password-changed"),
            Err(e) if refused_in_form(&e) => form.refusal(&e, Some("new_password"), catalog, user.locale),
            Err(e) => return error_page(&state, &user, e),
        }
    }
    render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, Forms { password: form, ..Forms::default() }).await
}

/// Bad input and a rule's refusal go next to the form; a missing right or
/// our own failure gets its page.
pub(super) fn refused_in_form(e: &EngineError) -> bool {
    matches!(e, EngineError::Invalid { .. } | EngineError::Conflict { .. })
}

pub(super) async fn render(state: &AppState, user: &PortalUser, status: StatusCode, forms: Forms) -> Response {
    let data = async {
        let frame = frame(state, user, "profile", PATH).await?;
        let me = state.engine.my_profile(&user.ctx).await?;
        let two_factor = state.engine.two_factor_status(&user.ctx).await?.enabled;
        let pending = state.engine.pending_phone_code(&user.ctx).await?;
        Ok((frame, me, two_factor, pending))
    };
    match data.await {
        Ok((frame, me, two_factor, pending)) => {
            let form = forms.profile.unwrap_or_else(|| {
                Form::with(&[("full_name", me.full_name.clone()), ("phone", me.phone.clone().unwrap_or_default())])
            });
            let page = ProfilePage {
                user: me,
                form,
                password: forms.password,
                phone: forms.phone,
                two_factor,
                pending,
                sms: state.engine.settings().sms_enabled,
            };
            state.views.render_status(status, "portal/client/profile.html", &frame, page)
        }
        Err(err) => error_page(state, user, err),
    }
}
