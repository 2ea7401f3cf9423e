//! Logging in and out of the portal (SEC-1), and the language switcher.

use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kopek_engine::accounts::auth::{LoginKind, Session};
use kopek_engine::accounts::settings::SettingsChanges;
use kopek_engine::accounts::two_factor::LoginStep;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::extract::{LoginPlace, session_cookie, session_cookie_header};
use crate::portal::form::{Form, message};
use crate::portal::i18n::{Catalog, Locale};
use crate::portal::session::{CsrfToken, FormData, LANG_COOKIE, PortalUser, local_path, redirect, request_locale};
use crate::portal::view::Frame;

/// Where a login page sends the user once logged in.
#[derive(Debug, Deserialize)]
pub struct Next {
    pub next: Option<String>,
}

/// The password login page (the portal's and the staff panel's).
#[derive(Serialize)]
pub struct LoginPage {
    pub form: Form,
    pub next: String,
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
    let catalog = &state.views.catalog;
    let (mut form, email, password) = credentials(&data, catalog, frame.locale);
    if form.is_ok() {
        match state.engine.login_step(LoginKind::Client, &email, &password).await {
            Ok(LoginStep::Session(session)) => return logged_in(&state, &session, &next, &place).await,
            Ok(LoginStep::SecondStep { ticket }) => {
                let page = CodePage { form: Form::default(), next, ticket };
                return state.views.render("portal/login_code.html", &frame, page);
            }
            // Only staff are ever sent to enrol, and staff don't log in here.
            Ok(LoginStep::EnrolmentRequired { .. }) => form.general = Some(catalog.text(frame.locale, "error-internal", &[])),
            Err(e) => form.general = Some(message(&e, None, catalog, frame.locale)),
        }
    }
    state.views.render_status(StatusCode::UNPROCESSABLE_ENTITY, "portal/login.html", &frame, LoginPage { form, next })
}

/// The second step's page (SEC-2).
#[derive(Serialize)]
pub struct CodePage {
    pub form: Form,
    pub next: String,
    pub ticket: String,
}

/// SEC-2: the login's second step; a wrong code stays on the page (and
/// counts toward the lockout), a ticket that ran out goes back to the
/// password.
pub async fn second_step(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Extension(csrf): axum::Extension<CsrfToken>,
    place: LoginPlace,
    data: FormData,
) -> Response {
    let frame = login_frame(&state, &headers, &csrf);
    let next = local_path(data.get("next"));
    let ticket = data.text("ticket");
    match check_code(&state, &data, &ticket, frame.locale).await {
        CodeOutcome::LoggedIn(session) => logged_in(&state, &session, &next, &place).await,
        CodeOutcome::Again(form) => {
            let page = CodePage { form, next, ticket };
            state.views.render_status(StatusCode::UNPROCESSABLE_ENTITY, "portal/login_code.html", &frame, page)
        }
        CodeOutcome::Restart(form) => {
            state.views.render_status(StatusCode::UNPROCESSABLE_ENTITY, "portal/login.html", &frame, LoginPage { form, next })
        }
    }
}

/// A login form's email and password as typed, each missing one next to
/// its field (the portal's and the staff panel's forms alike).
pub fn credentials(data: &FormData, catalog: &Catalog, locale: Locale) -> (Form, String, String) {
    let mut form = Form::from_data(data);
    let email = form.required(data, "email", catalog, locale);
    let password = data.get("password").unwrap_or("").to_string();
    if password.is_empty() {
        form.error("password", catalog.text(locale, "error-required", &[]));
    }
    (form, email, password)
}

/// Where a login's second step leads.
pub enum CodeOutcome {
    LoggedIn(Session),
    /// A wrong or missing code: the code form again, the message at its field.
    Again(Form),
    /// The ticket ran out or the login locked: back to the password form.
    Restart(Form),
}

/// SEC-2: checks the code of the form against the login's ticket.
pub async fn check_code(state: &AppState, data: &FormData, ticket: &str, locale: Locale) -> CodeOutcome {
    let catalog = &state.views.catalog;
    let mut form = Form::default();
    let code = form.required(data, "code", catalog, locale);
    if form.is_ok() {
        match state.engine.login_second_step(ticket, &code).await {
            Ok(session) => return CodeOutcome::LoggedIn(session),
            Err(e) if e.field().is_some() => form.refusal(&e, None, catalog, locale),
            Err(e) => {
                return CodeOutcome::Restart(Form { general: Some(message(&e, None, catalog, locale)), ..Form::default() });
            }
        }
    }
    CodeOutcome::Again(form)
}

/// The session's cookie, on to `next`, the login written to the user's
/// action log (ACC-5) with where it came from.
async fn logged_in(state: &AppState, session: &Session, next: &str, place: &LoginPlace) -> Response {
    if let Err(e) = state.engine.record_login(session, place.ip.clone(), place.device.as_deref()).await {
        // Not let in unrecorded: the action log must hold every login.
        tracing::error!(error = %e.chain(), "the login could not be recorded");
        if let Err(e) = state.engine.logout(&session.token).await {
            tracing::warn!(error = %e.chain(), "the unrecorded session could not be ended");
        }
        return (StatusCode::INTERNAL_SERVER_ERROR, "the login could not be recorded; try again").into_response();
    }
    let c = session_cookie_header(state.engine.settings(), Some(&session.token));
    let mut res = redirect(next);
    res.headers_mut().append(SET_COOKIE, HeaderValue::from_str(&c).expect("the token is ASCII"));
    res
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
/// goes back to the page. A form with the page's token, as it changes what
/// is saved: a link could be followed from another site.
pub async fn switch_language(State(state): State<AppState>, user: Option<PortalUser>, data: FormData) -> Response {
    let Some(locale) = Locale::parse(&data.text("lang")) else { return StatusCode::NOT_FOUND.into_response() };
    if let Some(user) = user {
        let change = SettingsChanges { locale: Some(locale.code().into()), ..SettingsChanges::default() };
        if let Err(e) = state.engine.save_my_settings(&user.ctx, change).await {
            return super::error_page(&state, &user, e);
        }
    }
    let mut res = redirect(&local_path(data.get("next")));
    let c = format!("{LANG_COOKIE}={}; SameSite=Lax; Path=/; Max-Age=31536000", locale.code());
    res.headers_mut().append(SET_COOKIE, HeaderValue::from_str(&c).expect("ASCII"));
    res
}
