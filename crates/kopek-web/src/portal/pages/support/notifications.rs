//! "Поддержка — Уведомления" (NTF-4): every notification the user got,
//! newest first, unread ones marked, paged by the engine; opening one
//! shows its text and marks it read.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use kopek_engine::notifications::inbox::{InboxItem, InboxPage};
use serde::Serialize;

use crate::AppState;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::PortalUser;

#[derive(Serialize)]
struct One {
    item: InboxItem,
}

pub async fn list(State(state): State<AppState>, user: PortalUser, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let page = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let data = async {
        let frame = frame(&state, &user, "notifications", "/support/notifications").await?;
        let inbox: InboxPage = state.engine.my_notifications(&user.ctx, page).await?;
        Ok((frame, inbox))
    };
    match data.await {
        Ok((frame, inbox)) => state.views.render("portal/support/notifications.html", &frame, inbox),
        Err(err) => error_page(&state, &user, err),
    }
}

pub async fn show(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>) -> Response {
    let data = async {
        let path = format!("/support/notifications/{id}");
        let frame = frame(&state, &user, "notifications", &path).await?;
        let item = state.engine.open_my_notification(&user.ctx, id).await?;
        Ok((frame, One { item }))
    };
    match data.await {
        Ok((frame, page)) => state.views.render("portal/support/notification.html", &frame, page),
        Err(err) => error_page(&state, &user, err),
    }
}
