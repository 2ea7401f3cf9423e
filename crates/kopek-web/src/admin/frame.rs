//! What every staff page shows around its content: who is logged in and in
//! which role, the menu, the language switch, a notice after a form.

use axum::response::Response;
use kopek_engine::EngineError;
use kopek_engine::core::ctx::Powers;
use serde::Serialize;

use super::session::StaffUser;
use crate::AppState;
use crate::portal::form::message;
use crate::portal::i18n::Locale;
use crate::portal::pages::frame::test_time;
use crate::portal::pages::{Problem, problem_of};
use crate::portal::view::PageFrame;

#[derive(Debug, Clone, Serialize)]
pub struct AdminFrame {
    pub locale: Locale,
    pub csrf: String,
    /// The menu item to mark.
    pub nav: &'static str,
    pub me: Option<StaffMe>,
    pub notice: Option<String>,
    /// This page's path, for the language switch to come back to.
    pub path: String,
    pub test_time: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StaffMe {
    pub email: String,
    /// admin, accountant, support or read_only.
    pub role: String,
    /// ACC-4: what the role may do, from the engine.
    pub powers: Powers,
}

impl PageFrame for AdminFrame {
    fn locale(&self) -> Locale {
        self.locale
    }
}

/// The frame of a page for `user`, with the menu item `nav` marked.
pub fn frame(state: &AppState, user: &StaffUser, nav: &'static str, path: &str) -> AdminFrame {
    AdminFrame {
        locale: user.locale,
        csrf: user.csrf.clone(),
        nav,
        me: Some(StaffMe { email: user.email.clone(), role: user.role.to_string(), powers: user.ctx.actor.powers() }),
        notice: user.notice.as_deref().and_then(|k| state.views.catalog.try_text(user.locale, k, &[])),
        path: path.to_string(),
        test_time: test_time(state),
    }
}

/// The frame of a page before login.
pub fn anonymous(state: &AppState, locale: Locale, csrf: String, path: &str) -> AdminFrame {
    AdminFrame { locale, csrf, nav: "login", me: None, notice: None, path: path.to_string(), test_time: test_time(state) }
}

/// The page for a refusal that is not a form's: an unknown id is "not
/// found", a role that may not is "forbidden", a refused action says why.
pub fn error_page(state: &AppState, user: &StaffUser, err: EngineError) -> Response {
    let (status, title_key) = problem_of(&err);
    let page = Problem { title_key, message: message(&err, None, &state.views.catalog, user.locale) };
    state.views.render_status(status, "admin/problem.html", &frame(state, user, "", "/admin"), page)
}
