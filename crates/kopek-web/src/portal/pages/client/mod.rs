//! The "client" section of the portal's menu (ACC-2, ACC-3, ACC-5):
//! "Профиль", "Пользователи" and "Настройки пользователя", a file each.

pub mod avatar;
pub mod phone;
pub mod privacy;
pub mod profile;
pub mod security;
pub mod settings;
pub mod users;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/client/profile", get(profile::show).post(profile::save))
        .route("/client/profile/password", post(profile::change_password))
        .route("/client/profile/phone/code", post(phone::send_code))
        .route("/client/profile/phone/confirm", post(phone::confirm))
        .route("/client/users", get(users::list).post(users::create))
        .route("/client/users/new", get(users::new_form))
        .route("/client/users/{id}", get(users::edit_form).post(users::save))
        .route("/client/users/{id}/avatar", get(avatar::show).post(avatar::upload))
        .route("/client/users/{id}/avatar/delete", post(avatar::remove))
        .route("/client/users/{id}/rights", get(users::rights_form).post(users::save_rights))
        .route("/client/users/{id}/enable", post(users::enable))
        .route("/client/users/{id}/disable", post(users::disable))
        .route("/client/users/{id}/delete", get(users::delete_form).post(users::delete))
        .route("/client/settings", get(settings::show).post(settings::save))
        .route("/client/settings/low-balance", post(settings::save_low_balance))
        .route("/client/security", get(security::show))
        .route("/client/security/enrol", post(security::enrol))
        .route("/client/security/confirm", post(security::confirm))
        .route("/client/security/disable", post(security::disable))
        .route("/client/activity", get(privacy::activity))
        .route("/client/privacy", get(privacy::show))
        .route("/client/privacy/export", post(privacy::export))
        .route("/client/privacy/exports/{id}", get(privacy::download))
        .route("/client/privacy/requests", post(privacy::file_request))
        .route(privacy::ACCEPT_PATH, get(privacy::accept_form).post(privacy::accept))
}
