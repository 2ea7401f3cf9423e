//! What stands between the open internet and the engine (SEC-1): a rate
//! per address on the doors anyone may knock at without a login — the
//! login forms (API, portal, staff panel) and the gateways' webhooks — so a guesser or a forger is
//! slowed before argon2 or the database does any work; the headers every
//! API answer carries; and the token `/metrics` may ask for.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{CACHE_CONTROL, RETRY_AFTER, STRICT_TRANSPORT_SECURITY};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::AppState;
use crate::error::ApiError;
use crate::portal::session::request_locale;

const WINDOW: Duration = Duration::from_secs(60);
/// Past this many addresses the table drops the windows that have ended,
/// so a spray from many addresses can't grow it without end.
const SWEEP_AT: usize = 10_000;

/// How much each door lets one address do in a minute.
#[derive(Debug, Clone)]
pub struct ShieldConfig {
    pub logins_per_minute: u32,
    pub webhook_calls_per_minute: u32,
    /// When set, `/metrics` answers only `Authorization: Bearer <token>`.
    pub metrics_token: Option<String>,
}

impl Default for ShieldConfig {
    fn default() -> Self {
        ShieldConfig { logins_per_minute: 30, webhook_calls_per_minute: 600, metrics_token: None }
    }
}

/// Counts per address in fixed one-minute windows.
#[derive(Debug, Default)]
struct Rate {
    windows: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl Rate {
    /// Counts one call from `ip`; `Err(seconds to wait)` past `limit`.
    fn take(&self, ip: IpAddr, limit: u32, now: Instant) -> Result<(), u64> {
        let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() >= SWEEP_AT {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let (start, count) = windows.entry(ip).or_insert((now, 0));
        if now.duration_since(*start) >= WINDOW {
            *start = now;
            *count = 0;
        }
        if *count >= limit {
            return Err((WINDOW - now.duration_since(*start)).as_secs().max(1));
        }
        *count += 1;
        Ok(())
    }
}

#[derive(Debug, Default)]
pub struct Shield {
    pub config: ShieldConfig,
    logins: Rate,
    webhooks: Rate,
}

impl Shield {
    pub fn new(config: ShieldConfig) -> Shield {
        Shield { config, ..Shield::default() }
    }
}

enum Door {
    ApiLogin,
    PortalLogin,
    Webhook,
}

fn door(method: &Method, path: &str) -> Option<Door> {
    if method != Method::POST {
        return None;
    }
    match path {
        "/api/v1/auth/login" | "/api/v1/auth/second-step" | "/api/v1/auth/enrol/confirm" => Some(Door::ApiLogin),
        // The staff panel's login shares the portal's page-shaped refusal.
        "/login" | "/login/second-step" | "/admin/login" | "/admin/login/second-step" => Some(Door::PortalLogin),
        p if p.starts_with("/api/v1/webhooks/") => Some(Door::Webhook),
        _ => None,
    }
}

/// Refuses a knock past its door's rate with 429 and `Retry-After`; gives
/// every API answer `no-store` (they carry balances and personal data) and,
/// behind HTTPS, HSTS.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let ip = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    if let (Some(ip), Some(door)) = (ip, door(req.method(), req.uri().path())) {
        let shield = &state.shield;
        let (rate, limit) = match door {
            Door::ApiLogin | Door::PortalLogin => (&shield.logins, shield.config.logins_per_minute),
            Door::Webhook => (&shield.webhooks, shield.config.webhook_calls_per_minute),
        };
        if let Err(wait) = rate.take(ip, limit, Instant::now()) {
            tracing::warn!(%ip, path = req.uri().path(), "rate limit reached");
            let mut res = match door {
                Door::PortalLogin => {
                    let text = state.views.catalog.text(request_locale(req.headers()), "error-too-many-requests", &[]);
                    (StatusCode::TOO_MANY_REQUESTS, Html(text)).into_response()
                }
                Door::ApiLogin | Door::Webhook => ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_requests",
                    format!("too many requests from this address; try again in {wait} s"),
                )
                .into_response(),
            };
            res.headers_mut().insert(RETRY_AFTER, HeaderValue::from(wait));
            return res;
        }
    }
    let api = req.uri().path().starts_with("/api/v1/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if api {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    }
    if state.engine.settings().public_url.as_deref().is_some_and(|u| u.starts_with("https://")) {
        h.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    res
}

/// Whether a `/metrics` request may read: always when no token is set.
pub fn metrics_allowed(shield: &Shield, headers: &axum::http::HeaderMap) -> bool {
    let Some(token) = &shield.config.metrics_token else { return true };
    let sent =
        headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    // Compared in constant time: the token guards the process's internals.
    sent.is_some_and(|s| s.len() == token.len() && s.bytes().zip(token.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sec1_an_address_gets_its_limit_per_minute_and_the_next_minute_afresh() {
        let rate = Rate::default();
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(rate.take(a, 3, t0), Ok(()));
        }
        assert_eq!(rate.take(a, 3, t0 + Duration::from_secs(20)), Err(40));
        assert_eq!(rate.take(b, 3, t0), Ok(()), "another address has its own count");
        assert_eq!(rate.take(a, 3, t0 + WINDOW), Ok(()), "a new minute starts afresh");
    }
}
