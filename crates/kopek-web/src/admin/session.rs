//! Who is at the staff panel. Staff log in with their own cookie, sent only
//! under `/admin`: a client's session never opens the panel (the portal's
//! cookie is not read here, and a client's login in this cookie is not
//! staff), and a staff session is no portal login (the portal reads only
//! its own cookie, and only a client's user in it).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;
use kopek_domain::account::StaffRole;
use kopek_engine::{Actor, Ctx};

use crate::AppState;
use crate::extract::{cookie, login_cookie_header};
use crate::portal::i18n::Locale;
use crate::portal::session::{CsrfToken, redirect, request_locale, urlencode};

/// The staff session's cookie.
pub const STAFF_COOKIE: &str = "kopek_staff_session";

/// The staff cookie as set at login (`token`) or cleared at logout.
pub fn staff_cookie_header(settings: &kopek_engine::Settings, token: Option<&str>) -> String {
    login_cookie_header(settings, STAFF_COOKIE, "/admin", token)
}

/// A logged-in staff member.
#[derive(Debug, Clone)]
pub struct StaffUser {
    pub ctx: Ctx,
    pub email: String,
    pub role: StaffRole,
    pub locale: Locale,
    pub csrf: String,
    /// The catalog key of the notice the last form left.
    pub notice: Option<String>,
}

impl FromRequestParts<AppState> for StaffUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let actor = match cookie(&parts.headers, STAFF_COOKIE) {
            Some(s) => state.engine.session_actor(&s).await.ok().flatten(),
            None => None,
        };
        let Some(Actor::Staff { id, email, role }) = actor else {
            let next = parts.uri.path_and_query().map_or("/admin", |p| p.as_str());
            return Err(redirect(&format!("/admin/login?next={}", urlencode(next))));
        };
        tracing::Span::current().record("actor", email.as_str());
        let ip = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string());
        let csrf = parts.extensions.get::<CsrfToken>().map(|t| t.0.clone()).unwrap_or_default();
        let ctx = Ctx::new(Actor::Staff { id, email: email.clone(), role }).with_ip(ip);
        let notice = crate::portal::session::notice_key(&parts.headers);
        Ok(StaffUser { ctx, email, role, locale: request_locale(&parts.headers), csrf, notice })
    }
}

/// Only the panel's own pages are followed after a login.
pub fn admin_path(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/admin") && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/admin".to_string(),
    }
}
