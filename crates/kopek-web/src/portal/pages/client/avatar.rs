//! A user's avatar in the portal (ACC-3): shown in the users list and on
//! the user's page, set there from a picture file, or removed. The picture
//! is served only with the type its bytes were found to be.

use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::users::{LIST, show_edit};
use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::session::{FormData, PortalUser, redirect_with_notice};

pub async fn show(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>) -> Response {
    match state.engine.user_avatar(&user.ctx, user.client_id, id).await {
        Ok(Some(avatar)) => {
            let mut res = avatar.bytes.into_response();
            let h = res.headers_mut();
            h.insert(CONTENT_TYPE, HeaderValue::from_str(&avatar.content_type).unwrap_or(HeaderValue::from_static("image/png")));
            h.insert(CONTENT_DISPOSITION, HeaderValue::from_static("inline; filename=\"avatar\""));
            // Private to the logged-in user, and asked again so a new
            // picture shows at once.
            h.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
            res
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => error_page(&state, &user, e),
    }
}

/// "Загрузить": the chosen picture becomes the user's avatar; a file that
/// is not one is refused next to the field.
pub async fn upload(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, data: FormData) -> Response {
    let mut form = Form::default();
    let result = match data.file("avatar") {
        Some(bytes) => state.engine.set_user_avatar(&user.ctx, user.client_id, id, bytes).await,
        None => {
            form.error("avatar", state.views.catalog.text(user.locale, "error-choose-file", &[]));
            return show_edit(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, form).await;
        }
    };
    match result {
        Ok(()) => redirect_with_notice(&format!("{LIST}/{id}"), "notice-saved"),
        Err(e @ kopek_engine::EngineError::Invalid { .. }) => {
            form.refusal(&e, Some("avatar"), &state.views.catalog, user.locale);
            show_edit(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, form).await
        }
        Err(e) => error_page(&state, &user, e),
    }
}

pub async fn remove(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>, _: FormData) -> Response {
    match state.engine.remove_user_avatar(&user.ctx, user.client_id, id).await {
        Ok(()) => redirect_with_notice(&format!("{LIST}/{id}"), "notice-saved"),
        Err(e) => error_page(&state, &user, e),
    }
}
