//! Staff logging in and out of the panel (SEC-1, ACC-4): the engine's staff
//! login, with the portal's lockout after repeated failures and its second
//! step when the staff member turned it on (SEC-2).

use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use kopek_engine::Actor;
use kopek_engine::accounts::auth::{LoginKind, Session};
use kopek_engine::accounts::two_factor::LoginStep;

use crate::AppState;
use crate::admin::frame::{AdminFrame, anonymous};
use crate::admin::session::{STAFF_COOKIE, admin_path, staff_cookie_header};
use crate::extract::cookie;
use crate::portal::form::{Form, message};
use crate::portal::pages::auth::{CodeOutcome, CodePage, LoginPage, Next, check_code, credentials};
use crate::portal::session::{CsrfToken, FormData, redirect, request_locale};

fn login_frame(state: &AppState, headers: &HeaderMap, csrf: &CsrfToken) -> AdminFrame {
    anonymous(state, request_locale(headers), csrf.0.clone(), "/admin/login")
}

pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    Query(q): Query<Next>,
) -> Response {
    let page = LoginPage { form: Form::default(), next: admin_path(q.next.as_deref()) };
    state.views.render("admin/login.html", &login_frame(&state, &headers, &csrf), page)
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    data: FormData,
) -> Response {
    let frame = login_frame(&state, &headers, &csrf);
    let next = admin_path(data.get("next"));
    let catalog = &state.views.catalog;
    let (mut form, email, password) = credentials(&data, catalog, frame.locale);
    if form.is_ok() {
        match state.engine.login_step(LoginKind::Staff, &email, &password).await {
            Ok(LoginStep::Session(session)) => return logged_in(&state, &session, &next),
            Ok(LoginStep::SecondStep { ticket }) => {
                return state.views.render("admin/login_code.html", &frame, CodePage { form: Form::default(), next, ticket });
            }
            // Enrolling needs the authenticator's secret shown and confirmed:
            // the API does that (POST /api/v1/auth/enrol).
            Ok(LoginStep::EnrolmentRequired { .. }) => {
                form.general = Some(catalog.text(frame.locale, "admin-error-enrol-first", &[]));
            }
            Err(e) => form.general = Some(message(&e, None, catalog, frame.locale)),
        }
    }
    state.views.render_status(StatusCode::UNPROCESSABLE_ENTITY, "admin/login.html", &frame, LoginPage { form, next })
}

/// SEC-2: the code of a staff member's authenticator app.
pub async fn second_step(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    data: FormData,
) -> Response {
    let frame = login_frame(&state, &headers, &csrf);
    let next = admin_path(data.get("next"));
    let ticket = data.text("ticket");
    match check_code(&state, &data, &ticket, frame.locale).await {
        // A client's ticket opens no staff session here.
        CodeOutcome::LoggedIn(session) if !matches!(session.actor, Actor::Staff { .. }) => {
            if let Err(e) = state.engine.logout(&session.token).await {
                tracing::warn!(error = %e.chain(), "a client's session opened at the staff login could not be ended");
            }
            redirect("/admin/login")
        }
        CodeOutcome::LoggedIn(session) => logged_in(&state, &session, &next),
        CodeOutcome::Again(form) => {
            let page = CodePage { form, next, ticket };
            state.views.render_status(StatusCode::UNPROCESSABLE_ENTITY, "admin/login_code.html", &frame, page)
        }
        CodeOutcome::Restart(form) => {
            state.views.render_status(StatusCode::UNPROCESSABLE_ENTITY, "admin/login.html", &frame, LoginPage { form, next })
        }
    }
}

fn logged_in(state: &AppState, session: &Session, next: &str) -> Response {
    let c = staff_cookie_header(state.engine.settings(), Some(&session.token));
    let mut res = redirect(next);
    res.headers_mut().append(SET_COOKIE, HeaderValue::from_str(&c).expect("the token is ASCII"));
    res
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap, _: FormData) -> Response {
    if let Some(token) = cookie(&headers, STAFF_COOKIE) {
        // A session already gone is as logged out as one ended now.
        if let Err(e) = state.engine.logout(&token).await {
            tracing::warn!(error = %e.chain(), "staff logout failed");
        }
    }
    let mut res = redirect("/admin/login");
    let gone = staff_cookie_header(state.engine.settings(), None);
    res.headers_mut().append(SET_COOKIE, HeaderValue::from_str(&gone).expect("ASCII"));
    res
}
