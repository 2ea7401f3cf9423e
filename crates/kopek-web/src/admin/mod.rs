//! The staff panel (OPS-5, ACC-4): the provider's people run Kopek from a
//! browser at `/admin`. Server-rendered pages over the same engine use
//! cases as the API, in Russian and English, plain forms without
//! JavaScript; the form token, the security headers, the texts and the
//! form errors are the portal's machinery. The role gates live in the
//! engine: a page hides what the role may not do, and the engine refuses
//! it if it is posted anyway.

pub mod charts;
pub mod frame;
pub mod pages;
pub mod session;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

/// The staff panel's routes, under `/admin`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(pages::dashboard::page))
        .route("/admin/login", get(pages::auth::login_form).post(pages::auth::login))
        .route("/admin/login/second-step", post(pages::auth::second_step))
        .route("/admin/logout", post(pages::auth::logout))
        .route("/admin/clients", get(pages::clients::search))
        .route("/admin/clients/{id}", get(pages::clients::card))
        .route("/admin/clients/{id}/limits", post(pages::clients::change_limits))
        .route("/admin/clients/{id}/state", post(pages::clients::change_state))
        .route("/admin/clients/{id}/promised", post(pages::clients::give_promised))
        .route("/admin/clients/{id}/users/{user_id}/log-in-as", post(pages::clients::log_in_as))
        .route("/admin/payments", get(pages::payments::awaiting))
        .route("/admin/payments/{id}/credit", post(pages::payments::credit))
        .route("/admin/payments/{id}", get(pages::entries::payment))
        .route("/admin/payments/{id}/reverse", post(pages::entries::reverse_payment))
        .route("/admin/payments/{id}/refund", post(pages::entries::refund_payment))
        .route("/admin/expenses/{id}", get(pages::entries::expense))
        .route("/admin/expenses/{id}/reverse", post(pages::entries::reverse_expense))
        .route("/admin/payments/statement", get(pages::statements::form).post(pages::statements::preview))
        .route("/admin/payments/statement/credit", post(pages::statements::credit))
        .route("/admin/methods", get(pages::methods::list).post(pages::methods::create))
        .route("/admin/methods/new", get(pages::methods::new_form))
        .route("/admin/methods/{id}", get(pages::methods::edit_form).post(pages::methods::update))
        .route("/admin/rates", post(pages::methods::set_rate))
        .route("/admin/products", get(pages::shop::page).post(pages::product_form::create))
        .route("/admin/products/new", get(pages::product_form::new_form))
        .route("/admin/products/{id}", get(pages::product_form::edit_form).post(pages::product_form::update))
        .route("/admin/promos", post(pages::shop::create_promo))
        .route("/admin/promos/{id}/archive", post(pages::shop::archive_promo))
        .route("/admin/night", get(pages::night::page))
        .route("/admin/night/rehearsal", post(pages::night::rehearse))
        .route("/admin/night/run", post(pages::night::run))
        .route("/admin/audit", get(pages::audit::log))
        .route("/admin/staff", get(pages::staff::page).post(pages::staff::create))
        .route("/admin/staff/{id}", post(pages::staff::change))
        .route("/admin/tokens", post(pages::staff::create_token))
        .route("/admin/tokens/{id}/revoke", post(pages::staff::revoke_token))
        .route("/admin/services", get(pages::catalog::list).post(pages::catalog::create))
        .route("/admin/services/new", get(pages::catalog::new_form))
        .route("/admin/services/{id}", get(pages::catalog::page).post(pages::catalog::update))
        .route("/admin/tariffs", get(pages::tariffs::list).post(pages::tariffs::create))
        .route("/admin/holidays", post(pages::tariffs::add_holidays))
        .merge(desk_routes())
        .layer(axum::middleware::from_fn(crate::portal::session::guard))
}

/// The documents, notifications and support screens (DOC, NTF, SUP).
fn desk_routes() -> Router<AppState> {
    use pages::{departments, documents, notification_templates as templates, notifications, tickets};
    Router::new()
        .route("/admin/documents", get(documents::list))
        .route("/admin/documents/{id}/file", get(documents::file))
        .route("/admin/documents/{id}/reissue", post(documents::reissue))
        .route("/admin/notifications", get(notifications::log))
        .route("/admin/notifications/{id}/resend", post(notifications::resend))
        .route("/admin/notifications/templates", get(templates::list))
        .route("/admin/notifications/templates/{event}/{locale}", get(templates::edit).post(templates::save))
        .route("/admin/notifications/templates/{event}/{locale}/reset", post(templates::reset))
        .route("/admin/tickets", get(tickets::queue))
        .route("/admin/tickets/{id}", get(tickets::ticket))
        .route("/admin/tickets/{id}/reply", post(tickets::reply))
        .route("/admin/tickets/{id}/close", post(tickets::close))
        .route("/admin/tickets/{id}/move", post(tickets::move_to))
        .route("/admin/tickets/{id}/assign", post(tickets::assign))
        .route("/admin/departments", get(departments::page).post(departments::create))
        .route("/admin/departments/{id}", post(departments::update))
        .route("/admin/departments/{id}/staff", post(departments::members))
}
