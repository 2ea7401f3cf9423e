//! Notification templates (NTF-3, OPS-5): every event in each language,
//! which of them staff rewrote, the form that stores a template (checked
//! by the renderer first: a bad one is refused next to its part) and
//! «Вернуть стандартный», which removes staff's template — through the use
//! cases the API's `/api/v1/notification-templates` calls. Admins only;
//! the engine refuses anyone else (ACC-4).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::EngineError;
use kopek_engine::notifications::templates::{TemplateInput, TemplateSlot};
use serde::Serialize;

use crate::AppState;
use crate::admin::frame::{error_page, frame};
use crate::admin::session::StaffUser;
use crate::portal::form::Form;
use crate::portal::session::{FormData, redirect_with_notice};

const PATH: &str = "/admin/notifications/templates";

#[derive(Serialize)]
struct SlotsPage {
    slots: Vec<TemplateSlot>,
}

pub async fn list(State(state): State<AppState>, user: StaffUser) -> Response {
    match state.engine.notification_template_slots(&user.ctx).await {
        Ok(slots) => {
            let frame = frame(&state, &user, "notifications", PATH);
            state.views.render("admin/notifications/templates.html", &frame, SlotsPage { slots })
        }
        Err(e) => error_page(&state, &user, e),
    }
}

#[derive(Serialize)]
struct EditPage {
    event: String,
    locale: String,
    /// Staff's template is stored (else the shipped one is used).
    stored: bool,
    form: Form,
}

fn edit_path(event: &str, locale: &str) -> String {
    format!("{PATH}/{event}/{locale}")
}

fn render_edit(state: &AppState, user: &StaffUser, status: StatusCode, page: EditPage) -> Response {
    let frame = frame(state, user, "notifications", &edit_path(&page.event, &page.locale));
    state.views.render_status(status, "admin/notifications/template.html", &frame, page)
}

/// The form of one event in one language: staff's template if stored,
/// else empty (the shipped one is used until one is saved).
pub async fn edit(State(state): State<AppState>, user: StaffUser, Path((event, locale)): Path<(String, String)>) -> Response {
    let (stored, form) = match state.engine.notification_template(&user.ctx, &event, &locale).await {
        Ok(t) => {
            (true, Form::with(&[("subject", t.subject), ("text", t.text), ("sms", t.sms), ("html", t.html.unwrap_or_default())]))
        }
        Err(EngineError::NotFound { .. }) => (false, Form::default()),
        Err(e) => return error_page(&state, &user, e),
    };
    render_edit(&state, &user, StatusCode::OK, EditPage { event, locale, stored, form })
}

/// «Сохранить»: stored once it renders; a refusal next to its part, and
/// nothing stored.
pub async fn save(
    State(state): State<AppState>,
    user: StaffUser,
    Path((event, locale)): Path<(String, String)>,
    data: FormData,
) -> Response {
    let (catalog, lang) = (&state.views.catalog, user.locale);
    let mut form = Form::from_data(&data);
    let input = TemplateInput {
        subject: form.required(&data, "subject", catalog, lang),
        text: form.required(&data, "text", catalog, lang),
        sms: form.required(&data, "sms", catalog, lang),
        html: Some(data.text("html")).filter(|h| !h.is_empty()),
    };
    let stored = data.checked("stored");
    if !form.is_ok() {
        return render_edit(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, EditPage { event, locale, stored, form });
    }
    match state.engine.save_notification_template(&user.ctx, &event, &locale, input).await {
        Ok(_) => redirect_with_notice(&edit_path(&event, &locale), "desk-notice-template-saved"),
        Err(e) if e.is_internal() || matches!(e, EngineError::Forbidden { .. } | EngineError::NotFound { .. }) => {
            error_page(&state, &user, e)
        }
        Err(e) => {
            form.refusal(&e, None, catalog, lang);
            render_edit(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, EditPage { event, locale, stored, form })
        }
    }
}

/// «Вернуть стандартный»: staff's template removed, the shipped one used.
pub async fn reset(
    State(state): State<AppState>,
    user: StaffUser,
    Path((event, locale)): Path<(String, String)>,
    _: FormData,
) -> Response {
    match state.engine.delete_notification_template(&user.ctx, &event, &locale).await {
        Ok(()) => redirect_with_notice(&edit_path(&event, &locale), "desk-notice-template-reset"),
        Err(e) => error_page(&state, &user, e),
    }
}
