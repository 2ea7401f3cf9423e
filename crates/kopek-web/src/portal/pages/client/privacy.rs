//! "Настройки пользователя — Конфиденциальность" and "Действия над
//! персональными данными" (ACC-5, ACC-6): the user's action log, the
//! privacy policy it accepted (and the page that asks it to accept a new
//! one), the export of its personal data, and its requests to delete or
//! restrict it.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use kopek_domain::privacy::PrivacyRequestKind;
use kopek_engine::accounts::personal_data::{NewPrivacyRequest, PersonalDataExport, PrivacyRequest};
use kopek_engine::accounts::privacy::{ACTIVITY_PER_PAGE, Activity, MyPrivacyPolicy};
use serde::Serialize;

use super::profile::refused_in_form;
use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser, local_path, redirect, redirect_with_notice};

const PATH: &str = "/client/privacy";
/// The page a user who has not accepted the policy in force is sent to.
pub const ACCEPT_PATH: &str = "/privacy/accept";

#[derive(Serialize)]
struct Line {
    activity: Activity,
    /// The action in the user's words, or its code when it has none.
    label: String,
}

#[derive(Serialize)]
struct ActivityView {
    lines: Vec<Line>,
    total: i64,
    page: i64,
    pages: i64,
    per_page: i64,
    sizes: [i64; 3],
}

/// "Журнал действий": the user's logins and changes, paged on the server.
pub async fn activity(State(state): State<AppState>, user: PortalUser, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let page = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let per = q.get("per").and_then(|p| p.parse().ok()).unwrap_or(ACTIVITY_PER_PAGE[0]);
    let data = async {
        let frame = frame(&state, &user, "profile", "/client/activity").await?;
        let log = state.engine.my_activity(&user.ctx, page, per).await?;
        let catalog = &state.views.catalog;
        let lines = log
            .items
            .into_iter()
            .map(|a| {
                let key = format!("activity-{}", a.action.replace(['.', '_'], "-"));
                let label = catalog.try_text(user.locale, &key, &[]).unwrap_or_else(|| a.action.clone());
                Line { activity: a, label }
            })
            .collect();
        let view = ActivityView {
            lines,
            total: log.total,
            page: log.page,
            pages: log.pages,
            per_page: log.per_page,
            sizes: ACTIVITY_PER_PAGE,
        };
        Ok((frame, view))
    };
    match data.await {
        Ok((frame, view)) => state.views.render("portal/client/activity.html", &frame, view),
        Err(e) => error_page(&state, &user, e),
    }
}

#[derive(Serialize)]
struct PrivacyView {
    policy: MyPrivacyPolicy,
    exports: Vec<PersonalDataExport>,
    requests: Vec<PrivacyRequest>,
    kinds: Vec<&'static str>,
    form: Form,
}

pub async fn show(State(state): State<AppState>, user: PortalUser) -> Response {
    render(&state, &user, StatusCode::OK, Form::default()).await
}

async fn render(state: &AppState, user: &PortalUser, status: StatusCode, form: Form) -> Response {
    let data = async {
        let frame = frame(state, user, "profile", PATH).await?;
        let view = PrivacyView {
            policy: state.engine.my_privacy_policy(&user.ctx).await?,
            exports: state.engine.my_personal_data_exports(&user.ctx).await?,
            requests: state.engine.my_privacy_requests(&user.ctx).await?,
            kinds: PrivacyRequestKind::ALL.iter().map(|k| k.as_str()).collect(),
            form,
        };
        Ok((frame, view))
    };
    match data.await {
        Ok((frame, view)) => state.views.render_status(status, "portal/client/privacy.html", &frame, view),
        Err(e) => error_page(state, user, e),
    }
}

/// "Экспорт персональных данных".
pub async fn export(State(state): State<AppState>, user: PortalUser, _data: FormData) -> Response {
    match state.engine.export_personal_data(&user.ctx).await {
        Ok(_) => redirect_with_notice(PATH, "privacy-notice-export"),
        Err(e) => error_page(&state, &user, e),
    }
}

/// The export's file, once; a second time the page says it is gone.
pub async fn download(State(state): State<AppState>, user: PortalUser, Path(id): Path<i64>) -> Response {
    match state.engine.download_personal_data(&user.ctx, id).await {
        Ok(csv) => {
            let disposition = format!("attachment; filename=\"personal-data-{id}.csv\"");
            ([(CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (CONTENT_DISPOSITION, disposition)], csv).into_response()
        }
        Err(e) if e.code() == "export_gone" => {
            let mut res = error_page(&state, &user, e);
            *res.status_mut() = StatusCode::GONE;
            res
        }
        Err(e) => error_page(&state, &user, e),
    }
}

/// "Запрос на удаление" / "Запрос на забвение/ограничение".
pub async fn file_request(State(state): State<AppState>, user: PortalUser, data: FormData) -> Response {
    let mut form = Form::from_data(&data);
    let Some(kind) = PrivacyRequestKind::parse(&data.text("kind")) else {
        form.error("kind", state.views.catalog.text(user.locale, "error-required", &[]));
        return render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, form).await;
    };
    let req = NewPrivacyRequest { kind, comment: data.text("comment") };
    match state.engine.file_privacy_request(&user.ctx, req).await {
        Ok(_) => redirect_with_notice(PATH, "privacy-notice-request"),
        Err(e) if refused_in_form(&e) => {
            form.refusal(&e, Some("comment"), &state.views.catalog, user.locale);
            render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, form).await
        }
        Err(e) => error_page(&state, &user, e),
    }
}

#[derive(Serialize)]
struct AcceptView {
    policy: MyPrivacyPolicy,
    next: String,
    form: Form,
}

/// The policy in force with its "accept" form; every other page sends a
/// user here until it is accepted.
pub async fn accept_form(State(state): State<AppState>, user: PortalUser, Query(q): Query<BTreeMap<String, String>>) -> Response {
    let next = local_path(q.get("next").map(String::as_str));
    render_accept(&state, &user, StatusCode::OK, next, Form::default()).await
}

pub async fn accept(State(state): State<AppState>, user: PortalUser, data: FormData) -> Response {
    let next = local_path(data.get("next"));
    match state.engine.accept_privacy_policy(&user.ctx, &data.text("version")).await {
        Ok(_) => redirect(if next == ACCEPT_PATH { "/" } else { &next }),
        Err(e) if refused_in_form(&e) => {
            let mut form = Form::default();
            form.refusal(&e, None, &state.views.catalog, user.locale);
            render_accept(&state, &user, StatusCode::CONFLICT, next, form).await
        }
        Err(e) => error_page(&state, &user, e),
    }
}

async fn render_accept(state: &AppState, user: &PortalUser, status: StatusCode, next: String, form: Form) -> Response {
    let data = async {
        let frame = frame(state, user, "", ACCEPT_PATH).await?;
        Ok((frame, AcceptView { policy: state.engine.my_privacy_policy(&user.ctx).await?, next, form }))
    };
    match data.await {
        Ok((frame, view)) => state.views.render_status(status, "portal/client/privacy_accept.html", &frame, view),
        Err(e) => error_page(state, user, e),
    }
}
