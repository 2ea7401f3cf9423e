//! The "support" section of the portal's menu: "Уведомления" (NTF-4).

pub mod notifications;

use axum::Router;
use axum::routing::get;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/support/notifications", get(notifications::list))
        .route("/support/notifications/{id}", get(notifications::show))
}
