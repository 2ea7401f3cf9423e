//! Extractors that turn a request into what a handler needs, each failing
//! with an [`ApiError`]: the caller (token or session cookie, address,
//! idempotency key), a JSON body, path ids and query strings; and the body
//! limit every request passes first.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH, COOKIE};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use kopek_engine::Ctx;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::ApiError;

pub const SESSION_COOKIE: &str = "kopek_session";
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// The largest request body, in bytes.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Whether a request carries a ticket's files (SUP-1): opening a ticket
/// or replying, through the API or the portal's forms.
fn carries_ticket_files(req: &Request) -> bool {
    let path = req.uri().path();
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    let Some(rest) = path.strip_prefix("/support/tickets") else { return false };
    let rest = rest.trim_end_matches('/');
    req.method() == axum::http::Method::POST
        && (rest.is_empty()
            || rest.strip_prefix('/').is_some_and(|id| {
                let id = id.strip_suffix("/messages").unwrap_or(id);
                !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
            }))
}

/// The largest body `req` may have: [`BODY_LIMIT`], and for a ticket's
/// files the provider's limit per message on top, so the engine, not this
/// layer, refuses a file too big — next to its field.
fn body_limit(state: &AppState, req: &Request) -> usize {
    if carries_ticket_files(req) { BODY_LIMIT + state.engine.settings().support.max_message_bytes } else { BODY_LIMIT }
}

/// Reads the body whole, up to its limit ([`body_limit`]), before the
/// route sees it: a body too large is the same JSON 413 whether it
/// declared its length or came chunked, and whatever the route would have
/// read it as (JSON, a webhook's raw bytes, a statement's text, a form).
pub async fn limit_body(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limit = body_limit(&state, &req);
    let declared = req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let declared = match declared {
        Some(n) if n > limit as u64 => return too_large(limit).into_response(),
        Some(n) => n as usize,
        None => 0,
    };
    let (parts, body) = req.into_parts();
    let mut chunks = body.into_data_stream();
    let mut read = Vec::with_capacity(declared);
    while let Some(chunk) = chunks.next().await {
        let Ok(chunk) = chunk else {
            return ApiError::new(StatusCode::BAD_REQUEST, "bad_body", "the request body could not be read").into_response();
        };
        if read.len() + chunk.len() > limit {
            return too_large(limit).into_response();
        }
        read.extend_from_slice(&chunk);
    }
    next.run(Request::from_parts(parts, Body::from(read))).await
}

fn too_large(limit: usize) -> ApiError {
    // Whole MiB, rounded up: the limits are BODY_LIMIT plus whole MiB.
    let mib = limit.div_ceil(1024 * 1024);
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        format!("the request body is larger than {limit} bytes ({mib} MiB)"),
    )
}

/// SEC-2: the header a sensitive action's code comes in (turning two-step
/// authentication off takes it in its body instead).
pub const SECOND_FACTOR: &str = "x-second-factor";

/// The authenticated caller as an engine context.
pub struct Caller(pub Ctx);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let ip = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
        let key = match parts.headers.get(IDEMPOTENCY_KEY) {
            None => None,
            Some(v) => Some(v.to_str().map(str::to_string).map_err(|_| {
                ApiError::new(StatusCode::BAD_REQUEST, "bad_idempotency_key", "Idempotency-Key must be visible ASCII")
            })?),
        };
        let actor = if let Some(token) = bearer_token(parts)? {
            state.engine.token_actor(&token).await?
        } else if let Some(session) = session_cookie(&parts.headers) {
            // A browser sends the cookie whatever site made the request: a
            // change must come from this site's own pages (SEC-1, CSRF).
            same_site_or_refuse(parts)?;
            state.engine.session_actor(&session).await?
        } else {
            None
        };
        let actor = actor.ok_or_else(ApiError::unauthenticated)?;
        tracing::Span::current().record("actor", actor.label());
        // SEC-2: the fresh code a sensitive action asks for.
        let code = parts.headers.get(SECOND_FACTOR).and_then(|v| v.to_str().ok()).map(str::to_string);
        Ok(Caller(Ctx::new(actor).with_ip(ip).with_idempotency_key(key).with_second_factor(code)))
    }
}

/// Whether a request that changes something came from another site: its
/// `Origin` names another host than the one it was sent to, or the browser
/// says so in `Sec-Fetch-Site`. Reading (GET, HEAD) is never refused, and a
/// program that sends neither header (curl, an integration) is no browser
/// another site could drive.
pub fn cross_site(parts: &Parts) -> bool {
    if matches!(parts.method, axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS) {
        return false;
    }
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    if let Some(site) = header("sec-fetch-site")
        && !matches!(site.as_str(), "same-origin" | "none")
    {
        return true;
    }
    match (header("origin"), header("host")) {
        (Some(origin), Some(host)) => {
            let origin_host = origin.split_once("://").map_or(origin.as_str(), |(_, rest)| rest).trim_end_matches('/');
            origin == "null" || !origin_host.eq_ignore_ascii_case(&host)
        }
        (Some(_), None) => true,
        (None, _) => false,
    }
}

fn same_site_or_refuse(parts: &Parts) -> Result<(), ApiError> {
    if cross_site(parts) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_site_request",
            "a change made with the session cookie must come from this site's own pages; integrations use an API token",
        ));
    }
    Ok(())
}

fn bearer_token(parts: &Parts) -> Result<Option<String>, ApiError> {
    let Some(value) = parts.headers.get(AUTHORIZATION) else { return Ok(None) };
    let bad = || ApiError::new(StatusCode::UNAUTHORIZED, "bad_authorization", "use Authorization: Bearer <token>");
    let text = value.to_str().map_err(|_| bad())?;
    let token = text.strip_prefix("Bearer ").map(str::trim).filter(|t| !t.is_empty()).ok_or_else(bad)?;
    Ok(Some(token.to_string()))
}

/// The session cookie as set at login (`token`) or cleared at logout
/// (`None`): never readable by scripts, not sent by other sites' forms, and
/// Secure when Kopek is served over HTTPS.
pub fn session_cookie_header(settings: &kopek_engine::Settings, token: Option<&str>) -> String {
    login_cookie_header(settings, SESSION_COOKIE, "/", token)
}

/// A login's cookie `name`, sent only under `path`: the portal's session
/// ([`session_cookie_header`]) or the staff panel's.
pub fn login_cookie_header(settings: &kopek_engine::Settings, name: &str, path: &str, token: Option<&str>) -> String {
    match token {
        Some(t) => login_cookie_header_for(settings, name, path, t, settings.session_ttl),
        None => cookie_header(settings, name, path, "", 0),
    }
}

/// A login's cookie that lives `ttl`: a shorter session than the usual,
/// such as a staff member's in a client's portal.
pub fn login_cookie_header_for(
    settings: &kopek_engine::Settings,
    name: &str,
    path: &str,
    token: &str,
    ttl: chrono::Duration,
) -> String {
    cookie_header(settings, name, path, token, ttl.num_seconds())
}

fn cookie_header(settings: &kopek_engine::Settings, name: &str, path: &str, value: &str, max_age: i64) -> String {
    let secure = if settings.behind_https() { "; Secure" } else { "" };
    format!("{name}={value}; HttpOnly; SameSite=Lax; Path={path}; Max-Age={max_age}{secure}")
}

pub fn session_cookie(headers: &axum::http::HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE)
}

/// The value of the request's cookie `name`, if it sent one.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_string())
}

/// A JSON body; malformed JSON is a 400, a well-formed body of the wrong
/// shape a 422, a missing content type a 415.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::JsonDataError(e)) => {
                Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", e.body_text()))
            }
            Err(JsonRejection::JsonSyntaxError(e)) => {
                Err(ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", e.body_text()))
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as Content-Type: application/json",
            )),
            Err(e) => Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_body", e.body_text())),
        }
    }
}

/// A multipart form body; a request that is not one is refused with the
/// JSON error body like every other, not axum's plain text.
pub struct ApiMultipart(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for ApiMultipart {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        axum::extract::Multipart::from_request(req, state).await.map(ApiMultipart).map_err(|e| {
            let code = if e.status() == StatusCode::UNSUPPORTED_MEDIA_TYPE { "unsupported_media_type" } else { "bad_body" };
            ApiError::new(e.status(), code, e.body_text())
        })
    }
}

/// Path parameters; an id that is not a number is a 400.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e: PathRejection| ApiError::new(StatusCode::BAD_REQUEST, "bad_path", e.body_text()))
    }
}

/// Query string parameters.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e: QueryRejection| ApiError::new(StatusCode::BAD_REQUEST, "bad_query", e.body_text()))
    }
}

/// ACC-5: where a login comes from — the address and the device (the
/// User-Agent) — for the user's action log.
pub struct LoginPlace {
    pub ip: Option<String>,
    pub device: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for LoginPlace {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
        let device = parts.headers.get(axum::http::header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string);
        Ok(LoginPlace { ip, device })
    }
}
