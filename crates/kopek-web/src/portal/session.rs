//! Who is at the portal, in which language, and the form token. A page
//! that needs a login redirects to it and back; every form carries the
//! token of the `kopek_csrf` cookie (a double-submit token another site can
//! neither read nor set), and a form without it changes nothing. Every
//! portal answer carries the security headers.

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_SECURITY_POLICY, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kopek_engine::{Actor, Ctx};
use rand::RngCore;

use super::i18n::Locale;
use crate::AppState;
use crate::extract::{cookie, session_cookie};

pub const CSRF_COOKIE: &str = "kopek_csrf";
pub const LANG_COOKIE: &str = "kopek_lang";
/// The notice to show once on the page a form redirects to ("Сохранено"):
/// a catalog key, never text, so nobody can put words in the portal's
/// mouth through it.
pub const NOTICE_COOKIE: &str = "kopek_notice";
/// The form field that carries the token.
pub const CSRF_FIELD: &str = "_csrf";

/// The request's form token, set by [`guard`] before any handler runs.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// The language of a page for someone not logged in, or whose settings
/// name none: the switcher's cookie, then the browser's languages.
pub fn request_locale(headers: &HeaderMap) -> Locale {
    cookie(headers, LANG_COOKIE)
        .as_deref()
        .and_then(Locale::parse)
        .unwrap_or_else(|| Locale::from_accept_language(headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok())))
}

/// Gives every portal request its form token (a new cookie the first time)
/// and every answer the headers that keep the pages from being framed,
/// sniffed, cached or fed scripts from elsewhere.
pub async fn guard(mut req: Request, next: Next) -> Response {
    let existing = cookie(req.headers(), CSRF_COOKIE).filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()));
    let token = existing.clone().unwrap_or_else(|| {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        hex::encode(bytes)
    });
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let had_notice = cookie(req.headers(), NOTICE_COOKIE).is_some();
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // A notice is shown once: the page that read it ends it, unless this
    // answer is the redirect that sets a new one.
    if had_notice && !res_sets(h, NOTICE_COOKIE) {
        let gone = format!("{NOTICE_COOKIE}=; SameSite=Strict; Path=/; Max-Age=0");
        h.append(SET_COOKIE, HeaderValue::from_str(&gone).expect("ASCII"));
    }
    if existing.is_none() {
        let c = format!("{CSRF_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/");
        h.append(SET_COOKIE, HeaderValue::from_str(&c).expect("hex is ASCII"));
    }
    h.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
        ),
    );
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    if !h.contains_key(CACHE_CONTROL) {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

fn res_sets(h: &HeaderMap, name: &str) -> bool {
    h.get_all(SET_COOKIE).iter().any(|v| v.to_str().is_ok_and(|v| v.starts_with(&format!("{name}="))))
}

/// A notice key as the redirect left it: lowercase words and dashes only.
pub fn notice_key(headers: &HeaderMap) -> Option<String> {
    cookie(headers, NOTICE_COOKIE)
        .filter(|k| !k.is_empty() && k.len() <= 64 && k.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
}

/// A logged-in client's user.
#[derive(Debug, Clone)]
pub struct PortalUser {
    pub ctx: Ctx,
    pub client_id: i64,
    pub email: String,
    pub locale: Locale,
    pub csrf: String,
    /// The catalog key of the notice the last form left (`notice-saved`).
    pub notice: Option<String>,
}

impl FromRequestParts<AppState> for PortalUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let actor = match session_cookie(&parts.headers) {
            Some(s) => state.engine.session_actor(&s).await.ok().flatten(),
            None => None,
        };
        let Some(Actor::ClientUser { id, client_id, email, rights, acting_staff }) = actor else {
            let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            return Err(redirect(&format!("/login?next={}", urlencode(next))));
        };
        tracing::Span::current().record("actor", email.as_str());
        let ip = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string());
        let csrf = parts.extensions.get::<CsrfToken>().map(|t| t.0.clone()).unwrap_or_default();
        let ctx = Ctx::new(Actor::ClientUser { id, client_id, email: email.clone(), rights, acting_staff }).with_ip(ip);
        // ACC-5: a policy in force that the user has not accepted comes
        // before any other page.
        let accept = super::pages::client::privacy::ACCEPT_PATH;
        if parts.uri.path() != accept
            && state.engine.must_accept_privacy_policy(&ctx).await.map_err(|e| {
                tracing::error!(error = %e.chain(), "the privacy policy's acceptance could not be read");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            })?
        {
            let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            return Err(redirect(&format!("{accept}?next={}", urlencode(next))));
        }
        let notice = notice_key(&parts.headers);
        // ACC-5: the language the user saved wins over the browser's.
        let saved = match state.engine.my_locale(&ctx).await {
            Ok(l) => l.as_deref().and_then(Locale::parse),
            Err(e) => {
                tracing::warn!(error = %e.chain(), "the user's language could not be read");
                None
            }
        };
        let locale = saved.unwrap_or_else(|| request_locale(&parts.headers));
        Ok(PortalUser { ctx, client_id, email, locale, csrf, notice })
    }
}

/// A page anyone may see, that does more for a user who is logged in.
impl axum::extract::OptionalFromRequestParts<AppState> for PortalUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        Ok(<PortalUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await.ok())
    }
}

impl PortalUser {
    /// ACC-3: the rights the user holds.
    pub fn rights(&self) -> Vec<kopek_domain::account::Right> {
        match &self.ctx.actor {
            Actor::ClientUser { rights, .. } => rights.list(),
            _ => Vec::new(),
        }
    }
}

/// See Other: after a form, the browser loads the result with a GET.
pub fn redirect(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    res.headers_mut().insert(LOCATION, HeaderValue::from_str(to).unwrap_or(HeaderValue::from_static("/")));
    res
}

/// [`redirect`] that shows `notice` (a catalog key such as `notice-saved`)
/// once on the page it leads to.
pub fn redirect_with_notice(to: &str, notice: &str) -> Response {
    debug_assert!(notice.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{notice} is not a notice key");
    let mut res = redirect(to);
    let c = format!("{NOTICE_COOKIE}={notice}; SameSite=Strict; Path=/; Max-Age=60");
    res.headers_mut().append(SET_COOKIE, HeaderValue::from_str(&c).expect("a notice key is ASCII"));
    res
}

/// Only paths of this site are followed after a login, so a link can't send
/// a user elsewhere with the portal's name on it.
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A submitted form: its fields as typed, checked against the form token.
/// A form whose token is missing or wrong is refused with 403 before any
/// handler runs.
#[derive(Debug, Clone, Default)]
pub struct FormData {
    pub fields: Vec<(String, String)>,
    /// The files of a multipart form that were chosen (an empty file input
    /// sends nothing here).
    pub files: Vec<Upload>,
}

/// One file of a multipart form, as sent: what it is comes from its bytes,
/// never from its name.
#[derive(Debug, Clone)]
pub struct Upload {
    pub field: String,
    /// The name the browser gave it: shown and offered back on download,
    /// never trusted for its kind.
    pub name: String,
    pub bytes: Vec<u8>,
}

impl FormData {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// A field's text, trimmed; empty when it was not sent.
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or("").trim().to_string()
    }

    /// A checkbox: present means on.
    pub fn checked(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| !v.is_empty() && v != "0" && v != "off")
    }

    /// Every value of a repeated field (checkboxes of one name).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.fields.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect()
    }

    /// The file chosen in `name`, if one was.
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files.iter().find(|f| f.field == name).map(|f| f.bytes.as_slice())
    }
}

fn expired() -> Response {
    (StatusCode::FORBIDDEN, "this form has expired: reload the page and send it again").into_response()
}

fn too_large() -> Response {
    (StatusCode::PAYLOAD_TOO_LARGE, "the form is too large").into_response()
}

/// A form sent as `multipart/form-data` (one with a file input): its text
/// fields and its chosen files.
async fn multipart_fields<S: Send + Sync>(req: Request<Body>, state: &S) -> Result<FormData, Response> {
    let mut parts = axum::extract::Multipart::from_request(req, state).await.map_err(|_| too_large())?;
    let mut form = FormData::default();
    while let Some(field) = parts.next_field().await.map_err(|_| too_large())? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(|_| too_large())?;
        if let Some(file_name) = file_name {
            if !bytes.is_empty() {
                form.files.push(Upload { field: name, name: file_name, bytes: bytes.to_vec() });
            }
        } else {
            let text = String::from_utf8(bytes.to_vec())
                .map_err(|_| (StatusCode::BAD_REQUEST, "a form field is not UTF-8").into_response())?;
            form.fields.push((name, text));
        }
    }
    Ok(form)
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = Response;

    async fn from_request(req: Request<Body>, state: &S) -> Result<Self, Response> {
        let expected = req.extensions().get::<CsrfToken>().map(|t| t.0.clone());
        let multipart = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
        let form = if multipart {
            multipart_fields(req, state).await?
        } else {
            let bytes = axum::body::to_bytes(req.into_body(), 256 * 1024).await.map_err(|_| too_large())?;
            FormData { fields: form_urlencoded::parse(&bytes).into_owned().collect(), files: Vec::new() }
        };
        match (expected.as_deref(), form.get(CSRF_FIELD)) {
            (Some(e), Some(s)) if !e.is_empty() && e == s => Ok(form),
            _ => Err(expired()),
        }
    }
}
