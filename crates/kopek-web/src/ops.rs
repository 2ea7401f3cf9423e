//! Running it (OPS-4): health check, Prometheus metrics, request metrics,
//! and the front page that points a newcomer to the API.

use std::sync::OnceLock;
use std::time::Instant;

use axum::Json;
use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use serde_json::json;

use crate::AppState;

/// The process-wide Prometheus recorder, installed on first use.
pub fn prometheus() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| PrometheusBuilder::new().install_recorder().expect("the only metrics recorder")).clone()
}

/// With the test clock on, the answer also says where it stands, so a
/// page can show that the time is not real.
pub async fn healthz(State(state): State<AppState>) -> Response {
    let backend = state.engine.store().backend().name();
    match state.engine.ping().await {
        Ok(()) => {
            let mut body = json!({ "status": "ok", "database": backend });
            if let Some(clock) = &state.test_clock {
                body["test_clock"] = json!(state.engine.clock_view(clock));
            }
            Json(body).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "database": backend }))).into_response()
        }
    }
}

pub async fn metrics(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if !crate::shield::metrics_allowed(&state.shield, &headers) {
        return crate::error::ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "send Authorization: Bearer <metrics_token>",
        )
        .into_response();
    }
    if let Ok(counts) = state.engine.outbox_counts().await {
        for (status, n) in counts {
            metrics::gauge!("kopek_outbox_messages", "status" => status).set(n as f64);
        }
    }
    if let Ok(counts) = state.engine.delivery_counts().await {
        for (channel, status, n) in counts {
            metrics::gauge!("kopek_notification_deliveries", "channel" => channel, "status" => status).set(n as f64);
        }
    }
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render()).into_response()
}

/// Counts requests and their latency per route and status.
pub async fn track(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("kopek_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("kopek_http_request_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

pub async fn not_found() -> crate::error::ApiError {
    crate::error::ApiError::new(StatusCode::NOT_FOUND, "no_route", "there is nothing at this address; see /api/docs")
}
