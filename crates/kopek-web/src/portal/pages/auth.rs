//! Logging in and out of the portal (SEC-1), and the language switcher.

use axum::extract::{Path, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kopek_engine::accounts::auth::LoginKind;
use kopek_engine::accounts::settings::SettingsChanges;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::extract::{LoginPlace, session_cookie, session_cookie_header};
use crate::portal::form::{Form, message};
use crate::portal::i18n::Locale;
use crate::portal::session::{CsrfToken, FormData, LANG_COOKIE, PortalUser, local_path, redirect, request_locale};
use crate::portal::view::Frame;

#[derive(Debug, Deserialize)]
pub struct Next {
    next: Option<String>,
}

#[derive(Serialize)]
struct LoginPage {
    form: Form,
    next: String,
}

fn login_frame(state: &AppState, headers: &HeaderMap, csrf: &CsrfToken) -> Frame {
    let test_time = super::frame::test_time(state);
    Frame {
        locale: request_locale(headers),
        csrf: csrf.0.clone(),
        nav: "login",
        me: None,
        notice: None,
        path: "/login".into(),
        test_time,
    }
}

pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    Query(q): Query<Next>,
) -> Response {
    let page = LoginPage { form: Form::default(), next: local_path(q.next.as_deref()) };
    state.views.render("portal/login.html", &login_frame(&state, &headers, &csrf), page)
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    place: LoginPlace,
    data: FormData,
) -> Response {
    let frame = login_frame(&state, &headers, &csrf);
    let next = local_path(data.get("next"));
    let mut form = Form::from_data(&data);
    let catalog = &state.views.catalog;
    let email = form.required(&data, "email", catalog, frame.locale);
    let password = data.get("password").unwrap_or("").to_string();
    if password.is_empty() {
        form.error("password", catalog.text(frame.locale, "error-required", &[]));
    }
    if form.is_ok() {
        match state.engine.login(LoginKind::Client, &email, &password).await {
            Ok(session) => {
                if let Err(e) = state.engine.record_login(&session, place.ip, place.device.as_deref()).await {
                    form.general = Some(message(&e, None, catalog, frame.locale));
                    return state.views.render_status(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "portal/login.html",
                        &frame,
                        LoginPage { form, next },
                    );
                }
                let c = session_cookie_header(state.engine.settings(), Some(&session.token));
                let mut res = redirect(&next);
                res.headers_mut().append(SET_COOKIE, HeaderValue::from_str(&c).expect("the token is ASCII"));
                return res;
            }
            Err(e) => form.general = Some(message(&e, None, catalog, frame.locale)),
        }
    }
    state.views.render_status(StatusCode::UNPROCESSABLE_ENTITY, "portal/login.html", &frame, LoginPage { form, next })
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap, _: FormData) -> Response {
    if let Some(token) = session_cookie(&headers) {
        // A session already gone is as logged out as one ended now.
        if let Err(e) = state.engine.logout(&token).await {
            tracing::warn!(error = %e.chain(), "logout failed");
        }
    }
    let mut res = redirect("/login");
    let gone = session_cookie_header(state.engine.settings(), None);
    res.headers_mut().append(SET_COOKIE, HeaderValue::from_str(&gone).expect("ASCII"));
    res
}

/// Remembers the language in a cookie, and in the settings of a user who
/// is logged in (ACC-5: their saved language wins over the cookie), and
/// goes back to the page.
pub async fn switch_language(
    State(state): State<AppState>,
    user: Option<PortalUser>,
    Path(code): Path<String>,
    Query(q): Query<Next>,
) -> Response {
    let Some(locale) = Locale::parse(&code) else { return StatusCode::NOT_FOUND.into_response() };
    if let Some(user) = user {
        let change = SettingsChanges { locale: Some(locale.code().into()), ..SettingsChanges::default() };
        if let Err(e) = state.engine.save_my_settings(&user.ctx, change).await {
            return super::error_page(&state, &user, e);
        }
    }
    let mut res = redirect(&local_path(q.next.as_deref()));
    let c = format!("{LANG_COOKIE}={}; SameSite=Lax; Path=/; Max-Age=31536000", locale.code());
    res.headers_mut().append(SET_COOKIE, HeaderValue::from_str(&c).expect("ASCII"));
    res
}
