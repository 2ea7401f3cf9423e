//! One file per screen of the guide's menu.

pub mod auth;
pub mod client;
pub mod dashboard;
pub mod finance;
pub mod frame;
pub mod payers;
pub mod services;
pub mod support;

use axum::http::StatusCode;
use axum::response::Response;
use kopek_engine::EngineError;
use serde::Serialize;

use crate::AppState;
use crate::portal::form::message;
use crate::portal::session::PortalUser;
use crate::portal::view::Frame;

/// A refusal's page: its title's catalog key and the message.
#[derive(Serialize)]
pub struct Problem {
    pub title_key: &'static str,
    pub message: String,
}

/// The status and title of the page for a refusal that is not a form's
/// (the portal's and the staff panel's); our own failure is logged here.
pub fn problem_of(err: &EngineError) -> (StatusCode, &'static str) {
    match err {
        EngineError::NotFound { .. } => (StatusCode::NOT_FOUND, "problem-not-found"),
        EngineError::Forbidden { .. } => (StatusCode::FORBIDDEN, "problem-forbidden"),
        e if e.is_internal() => {
            tracing::error!(error = %e.chain(), "page failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "problem-internal")
        }
        _ => (StatusCode::CONFLICT, "problem-refused"),
    }
}

/// The page for a refusal that is not a form's: another client's id in the
/// URL is "not found", a missing right is "forbidden", our failure is
/// "something went wrong" — never a stack trace.
pub fn error_page(state: &AppState, user: &PortalUser, err: EngineError) -> Response {
    let (status, title_key) = problem_of(&err);
    let frame = Frame {
        locale: user.locale,
        csrf: user.csrf.clone(),
        nav: "",
        me: None,
        notice: None,
        path: "/".into(),
        test_time: frame::test_time(state),
    };
    let page = Problem { title_key, message: message(&err, None, &state.views.catalog, user.locale) };
    state.views.render_status(status, "portal/problem.html", &frame, page)
}

/// The language of the papers a portal user prints: the portal's own.
pub fn paper_lang(locale: crate::portal::i18n::Locale) -> kopek_documents::Lang {
    match locale {
        crate::portal::i18n::Locale::Ru => kopek_documents::Lang::Ru,
        crate::portal::i18n::Locale::En => kopek_documents::Lang::En,
    }
}
