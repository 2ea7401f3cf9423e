//! The "support" section of the portal's menu: "Запросы" (SUP-1, SUP-2)
//! and "Уведомления" (NTF-4).

pub mod notifications;
pub mod ticket;
pub mod tickets;

use axum::Router;
use axum::routing::{get, post};
use kopek_engine::support::views::Upload;

use crate::AppState;
use crate::portal::session::FormData;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/support/tickets", get(tickets::list).post(tickets::create))
        .route("/support/tickets/{id}", get(ticket::show).post(ticket::reply))
        .route("/support/tickets/new", get(tickets::new_form))
        .route("/support/tickets/{id}/archive", post(ticket::archive))
        .route("/support/files/{id}", get(ticket::file))
        .route("/support/notifications", get(notifications::list))
        .route("/support/notifications/{id}", get(notifications::show))
}

/// The files chosen in the form's "files" input, as the engine takes them.
fn uploads(data: &FormData) -> Vec<Upload> {
    data.files.iter().filter(|f| f.field == "files").map(|f| Upload { name: f.name.clone(), bytes: f.bytes.clone() }).collect()
}
