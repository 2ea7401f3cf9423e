//! The provider's people (ACC-4, SEC-1): the staff list with each member's
//! role and whether its login works, a new staff member, and the API
//! tokens of staff logins — created (the secret shown once) and revoked —
//! through the use cases the API's `/api/v1/staff` and `/api/v1/tokens`
//! call. Admins change everyone; anyone else reads the list and keeps its
//! own tokens.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::EngineError;
use kopek_engine::accounts::clients::NewStaff;
use kopek_engine::accounts::staff::{ApiToken, StaffChange};
use kopek_engine::core::views::StaffUser as Member;
use serde::Serialize;

use crate::AppState;
use crate::admin::frame::{error_page, frame};
use crate::admin::session::StaffUser;
use crate::error::status_of;
use crate::portal::form::Form;
use crate::portal::session::{FormData, redirect_with_notice};

const PATH: &str = "/admin/staff";
const ROLES: [&str; 4] = ["admin", "accountant", "support", "read_only"];

#[derive(Serialize, Default)]
struct StaffPage {
    staff: Vec<Member>,
    tokens: Vec<ApiToken>,
    roles: [&'static str; 4],
    /// The change of one member refused, next to its row: (member, message).
    row_error: Option<(i64, String)>,
    new_member: Form,
    new_token: Form,
    /// A token just made: shown this once.
    token: Option<String>,
}

async fn show(state: &AppState, user: &StaffUser, status: StatusCode, mut page: StaffPage) -> Response {
    let listed =
        async { Ok::<_, EngineError>((state.engine.staff_users(&user.ctx).await?, state.engine.api_tokens(&user.ctx).await?)) };
    match listed.await {
        Ok((staff, tokens)) => {
            (page.staff, page.tokens, page.roles) = (staff, tokens, ROLES);
            state.views.render_status(status, "admin/staff/staff.html", &frame(state, user, "staff", PATH), page)
        }
        Err(e) => error_page(state, user, e),
    }
}

pub async fn page(State(state): State<AppState>, user: StaffUser) -> Response {
    let page = StaffPage { new_token: Form::with(&[("email", user.email.clone())]), ..StaffPage::default() };
    show(&state, &user, StatusCode::OK, page).await
}

/// An admin's change of one member's role or login.
pub async fn change(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, data: FormData) -> Response {
    let change = StaffChange { role: data.text("role"), enabled: data.checked("enabled") };
    match state.engine.change_staff_user(&user.ctx, id, change).await {
        Ok(_) => redirect_with_notice(PATH, "admin-notice-staff-changed"),
        Err(e) if e.is_internal() => error_page(&state, &user, e),
        Err(e) => {
            let text = crate::portal::form::message(&e, None, &state.views.catalog, user.locale);
            let page = StaffPage { row_error: Some((id, text)), ..StaffPage::default() };
            show(&state, &user, status_of(&e), page).await
        }
    }
}

/// «Добавить сотрудника».
pub async fn create(State(state): State<AppState>, user: StaffUser, data: FormData) -> Response {
    let (catalog, locale) = (&state.views.catalog, user.locale);
    let mut form = Form::from_data(&data);
    let req = NewStaff {
        email: form.required(&data, "email", catalog, locale),
        full_name: form.required(&data, "full_name", catalog, locale),
        password: form.required(&data, "password", catalog, locale),
        role: data.text("role"),
    };
    if form.is_ok() {
        match state.engine.create_staff_user(&user.ctx, req).await {
            Ok(_) => return redirect_with_notice(PATH, "admin-notice-staff-added"),
            Err(e) if e.is_internal() => return error_page(&state, &user, e),
            Err(e) => {
                let fallback = match e.code() {
                    "email_taken" | "invalid_email" => Some("email"),
                    "invalid_role" => Some("role"),
                    _ => None,
                };
                form.refusal(&e, fallback, catalog, locale);
                return show(&state, &user, status_of(&e), StaffPage { new_member: form, ..StaffPage::default() }).await;
            }
        }
    }
    show(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, StaffPage { new_member: form, ..StaffPage::default() }).await
}

/// A token for a staff login (one's own; an admin's for anyone), shown once.
pub async fn create_token(State(state): State<AppState>, user: StaffUser, data: FormData) -> Response {
    let (catalog, locale) = (&state.views.catalog, user.locale);
    let mut form = Form::from_data(&data);
    let label = form.required(&data, "label", catalog, locale);
    let email = match data.text("email") {
        e if e.is_empty() => user.email.clone(),
        e => e,
    };
    if !form.is_ok() {
        return show(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, StaffPage { new_token: form, ..StaffPage::default() })
            .await;
    }
    match state.engine.create_token(&user.ctx, &email, &label).await {
        Ok(token) => {
            let page =
                StaffPage { token: Some(token), new_token: Form::with(&[("email", user.email.clone())]), ..StaffPage::default() };
            show(&state, &user, StatusCode::OK, page).await
        }
        Err(e) if e.is_internal() => error_page(&state, &user, e),
        Err(e) => {
            let fallback = if e.code() == "not_found" { Some("email") } else { None };
            form.refusal(&e, fallback, catalog, locale);
            show(&state, &user, status_of(&e), StaffPage { new_token: form, ..StaffPage::default() }).await
        }
    }
}

/// «Отозвать»: the token stops working at once.
pub async fn revoke_token(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, _: FormData) -> Response {
    match state.engine.revoke_token(&user.ctx, id).await {
        Ok(()) => redirect_with_notice(PATH, "admin-notice-token-revoked"),
        Err(e) => error_page(&state, &user, e),
    }
}
