//! "Пользователи" (ACC-2, ACC-3): the client's users with their state and
//! rights; create, edit, "Права", "Вкл."/"Выкл." and delete. Every action
//! is the engine's, which refuses a user without the "users" right.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_domain::account::Right;
use kopek_engine::EngineError;
use kopek_engine::accounts::clients::NewUser;
use kopek_engine::accounts::users::UserChanges;
use kopek_engine::core::views::ClientUser;
use serde::Serialize;

use super::profile::refused_in_form;
use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser, redirect_with_notice};

pub(super) const LIST: &str = "/client/users";

#[derive(Serialize)]
struct ListPage {
    users: Vec<ClientUser>,
    me: String,
    /// The users that have an avatar.
    avatars: Vec<i64>,
}

#[derive(Serialize)]
struct EditPage {
    /// None while creating.
    user: Option<ClientUser>,
    form: Form,
    rights: Vec<RightBox>,
    has_avatar: bool,
    /// SEC-2: the form asks for a fresh code.
    two_factor: bool,
}

/// One checkbox of "Права".
#[derive(Serialize)]
struct RightBox {
    name: &'static str,
    checked: bool,
}

fn right_boxes(checked: impl Fn(Right) -> bool) -> Vec<RightBox> {
    Right::ALL.iter().map(|r| RightBox { name: r.as_str(), checked: checked(*r) }).collect()
}

/// The rights ticked in a form.
fn ticked(data: &FormData) -> Vec<Right> {
    data.all("rights").iter().filter_map(|r| Right::parse(r)).collect()
}

pub async fn list(State(state): State<AppState>, user: PortalUser) -> Response {
    let data = async {
        let frame = frame(&state, &user, "users", LIST).await?;
        let users = state.engine.client_users(&user.ctx, user.client_id).await?;
        let avatars = state.engine.users_with_avatar(&user.ctx, user.client_id).await?;
        Ok((frame, users, avatars))
    };
    match data.await {
        Ok((frame, users, avatars)) => {
            state.views.render("portal/client/users.html", &frame, ListPage { users, me: user.email.clone(), avatars })
        }
        Err(err) => error_page(&state, &user, err),
    }
}

pub async fn new_form(State(state): State<AppState>, user: PortalUser) -> Response {
    if let Err(e) = user.ctx.actor.ensure_right(Right::Users) {
        return error_page(&state, &user, e);
    }
    let form = Form::with(&[("full_access", "on".into())]);
    render_edit(&state, &user, StatusCode::OK, None, form, right_boxes(|_| false)).await
}

pub async fn create(State(state): State<AppState>, user: PortalUser, data: FormData) -> Response {
    let catalog = &state.views.catalog;
    let mut form = Form::from_data(&data);
    let email = form.required(&data, "email", catalog, user.locale);
    let full_name = form.required(&data, "full_name", catalog, user.locale);
    let password = data.get("password").unwrap_or("").to_string();
    check_repeat(&mut form, &data, &password, &state, &user);
    let rights = ticked(&data);
    let boxes = right_boxes(|r| rights.contains(&r));
    if form.is_ok() {
        let phone = Some(data.text("phone")).filter(|p| !p.is_empty());
        let req = NewUser { email, full_name, password, phone, full_access: data.checked("full_access"), rights };
        match state
            .engine
            .create_client_user_with_avatar(&with_code(&user, &data), user.client_id, req, data.file("avatar"))
            .await
        {
            Ok(_) => return redirect_with_notice(LIST, "notice-user-created"),
            Err(e) if refused_in_form(&e) => form.refusal(&e, field_of(&e), catalog, user.locale),
            Err(e) => return error_page(&state, &user, e),
        }
    }
    render_edit(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, None, form, boxes).await
}

pub async fn edit_form(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>) -> Response {
    show_edit(&state, &user, id, StatusCode::OK, Form::default()).await
}

/// The user's page with its fields as stored, and `form`'s errors (the
/// avatar's, after a refused upload).
pub(super) async fn show_edit(state: &AppState, user: &PortalUser, id: i64, status: StatusCode, mut form: Form) -> Response {
    match state.engine.client_user(&user.ctx, user.client_id, id).await {
        Ok(u) => {
            form.values.insert("full_name".into(), u.full_name.clone());
            form.values.insert("phone".into(), u.phone.clone().unwrap_or_default());
            render_edit(state, user, status, Some(u), form, Vec::new()).await
        }
        Err(e) => error_page(state, user, e),
    }
}

pub async fn save(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, data: FormData) -> Response {
    let catalog = &state.views.catalog;
    let mut form = Form::from_data(&data);
    let password = data.get("password").unwrap_or("").to_string();
    check_repeat(&mut form, &data, &password, &state, &user);
    if form.is_ok() {
        let req = UserChanges {
            full_name: data.get("full_name").map(str::to_string),
            phone: Some(data.text("phone")),
            password: Some(password).filter(|p| !p.is_empty()),
            ..UserChanges::default()
        };
        match state.engine.update_client_user(&with_code(&user, &data), user.client_id, id, req).await {
            Ok(_) => return redirect_with_notice(LIST, "notice-saved"),
            Err(e) if refused_in_form(&e) => form.refusal(&e, field_of(&e), catalog, user.locale),
            Err(e) => return error_page(&state, &user, e),
        }
    }
    match state.engine.client_user(&user.ctx, user.client_id, id).await {
        Ok(u) => render_edit(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, Some(u), form, Vec::new()).await,
        Err(e) => error_page(&state, &user, e),
    }
}

pub async fn rights_form(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>) -> Response {
    match state.engine.client_user(&user.ctx, user.client_id, id).await {
        Ok(u) => {
            let form = Form::with(&[("full_access", if u.full_access { "on".into() } else { String::new() })]);
            let boxes = right_boxes(|r| !u.full_access && u.rights.contains(&r));
            render_rights(&state, &user, StatusCode::OK, u, form, boxes).await
        }
        Err(e) => error_page(&state, &user, e),
    }
}

pub async fn save_rights(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, data: FormData) -> Response {
    let mut form = Form::from_data(&data);
    let rights = ticked(&data);
    let boxes = right_boxes(|r| rights.contains(&r));
    let req = UserChanges { full_access: Some(data.checked("full_access")), rights: Some(rights), ..UserChanges::default() };
    match state.engine.update_client_user(&with_code(&user, &data), user.client_id, id, req).await {
        Ok(_) => redirect_with_notice(LIST, "notice-saved"),
        Err(e) if refused_in_form(&e) => {
            form.refusal(&e, None, &state.views.catalog, user.locale);
            match state.engine.client_user(&user.ctx, user.client_id, id).await {
                Ok(u) => render_rights(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, u, form, boxes).await,
                Err(e) => error_page(&state, &user, e),
            }
        }
        Err(e) => error_page(&state, &user, e),
    }
}

pub async fn enable(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, _: FormData) -> Response {
    switch(state, user, id, true).await
}

pub async fn disable(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, _: FormData) -> Response {
    switch(state, user, id, false).await
}

async fn switch(state: AppState, user: PortalUser, id: i64, enabled: bool) -> Response {
    match state.engine.set_client_user_enabled(&user.ctx, user.client_id, id, enabled).await {
        Ok(_) => redirect_with_notice(LIST, if enabled { "notice-user-enabled" } else { "notice-user-disabled" }),
        Err(e) => error_page(&state, &user, e),
    }
}

/// "Удалить": asks first, since a deleted user can't be brought back.
pub async fn delete_form(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>) -> Response {
    let data = async {
        let frame = frame(&state, &user, "users", LIST).await?;
        let u = state.engine.client_user(&user.ctx, user.client_id, id).await?;
        Ok((frame, u))
    };
    match data.await {
        Ok((frame, u)) => state.views.render("portal/client/user_delete.html", &frame, u),
        Err(err) => error_page(&state, &user, err),
    }
}

pub async fn delete(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, _: FormData) -> Response {
    match state.engine.delete_client_user(&user.ctx, user.client_id, id).await {
        Ok(()) => redirect_with_notice(LIST, "notice-user-deleted"),
        Err(e) => error_page(&state, &user, e),
    }
}

/// "Подтверждение": the password typed twice alike.
fn check_repeat(form: &mut Form, data: &FormData, password: &str, state: &AppState, user: &PortalUser) {
    if data.get("repeat_password").unwrap_or("") != password {
        form.error("repeat_password", state.views.catalog.text(user.locale, "error-passwords-differ", &[]));
    }
}

/// The field a refusal without one belongs to.
fn field_of(e: &EngineError) -> Option<&'static str> {
    match e.code() {
        "email_taken" => Some("email"),
        "weak_password" => Some("password"),
        "owner_name_fixed" => Some("full_name"),
        _ => None,
    }
}

async fn render_edit(
    state: &AppState,
    user: &PortalUser,
    status: StatusCode,
    edited: Option<ClientUser>,
    form: Form,
    rights: Vec<RightBox>,
) -> Response {
    let path = edited.as_ref().map_or_else(|| "/client/users/new".to_string(), |u| format!("{LIST}/{}", u.id));
    let data = async {
        let (frame, two_factor) = page_frame(state, user, &path).await?;
        let has_avatar = match &edited {
            Some(u) => state.engine.users_with_avatar(&user.ctx, user.client_id).await?.contains(&u.id),
            None => false,
        };
        Ok::<_, EngineError>((frame, two_factor, has_avatar))
    };
    match data.await {
        Ok((frame, two_factor, has_avatar)) => state.views.render_status(
            status,
            "portal/client/user_form.html",
            &frame,
            EditPage { user: edited, form, rights, has_avatar, two_factor },
        ),
        Err(e) => error_page(state, user, e),
    }
}

async fn render_rights(
    state: &AppState,
    user: &PortalUser,
    status: StatusCode,
    edited: ClientUser,
    form: Form,
    rights: Vec<RightBox>,
) -> Response {
    let path = format!("{LIST}/{}/rights", edited.id);
    match page_frame(state, user, &path).await {
        Ok((frame, two_factor)) => state.views.render_status(
            status,
            "portal/client/user_rights.html",
            &frame,
            EditPage { user: Some(edited), form, rights, has_avatar: false, two_factor },
        ),
        Err(e) => error_page(state, user, e),
    }
}

/// SEC-2: the code typed in the form, for the engine's check.
fn with_code(user: &PortalUser, data: &FormData) -> kopek_engine::Ctx {
    user.ctx.clone().with_second_factor(data.get("code").map(str::to_string))
}

/// The page's frame, and whether its form asks for a code (SEC-2).
async fn page_frame(state: &AppState, user: &PortalUser, path: &str) -> Result<(crate::portal::view::Frame, bool), EngineError> {
    let frame = frame(state, user, "users", path).await?;
    Ok((frame, state.engine.two_factor_status(&user.ctx).await?.enabled))
}
