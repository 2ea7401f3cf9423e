//! The client portal (OPS-5): server-rendered pages over the same engine
//! use cases as the API, in Russian and English, with plain forms that work
//! without JavaScript. Handlers read the request, call the engine, and lay
//! its answer out; no rule lives here.

pub mod assets;
pub mod embedded;
pub mod form;
pub mod i18n;
pub mod pages;
pub mod session;
pub mod view;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

/// The portal's routes; the caller adds the security layer.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::dashboard::show))
        .route("/login", get(pages::auth::login_form).post(pages::auth::login))
        .route("/login/second-step", post(pages::auth::second_step))
        .route("/logout", post(pages::auth::logout))
        .route("/lang", post(pages::auth::switch_language))
        .route("/assets/{*name}", get(assets::serve))
        .merge(pages::client::routes())
        .merge(pages::services::routes())
        .merge(pages::finance::routes())
        .merge(pages::payers::routes())
        .merge(pages::support::routes())
        .layer(axum::middleware::from_fn(session::guard))
}
