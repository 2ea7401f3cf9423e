//! Kopek's HTTP face: `/api/v1` (JSON, OpenAPI at `/api/v1/openapi.json`,
//! Swagger UI at `/api/docs`), `/healthz`, `/metrics`, the client portal and the staff panel.
//! Handlers are thin: they extract the caller and the input, call one
//! engine use case, and map its error to a status.

pub mod admin;
pub mod api;
pub mod error;
pub mod extract;
pub mod ops;
pub mod portal;
pub mod sandbox;
pub mod shield;

use std::net::SocketAddr;

use axum::Router;
use axum::routing::get;
use kopek_engine::Engine;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

#[derive(Clone)]
pub struct AppState {
    pub engine: Engine,
    pub metrics: PrometheusHandle,
    /// The sandbox gateway, whose hosted page this server shows.
    pub sandbox: Option<std::sync::Arc<kopek_integrations::SandboxGateway>>,
    /// The portal's templates and texts.
    pub views: portal::view::Views,
    /// The clock the engine reads, when the test clock is on.
    pub test_clock: Option<std::sync::Arc<kopek_engine::jobs::test_clock::TestClock>>,
    pub shield: std::sync::Arc<shield::Shield>,
    /// The layouts accounting documents are set in (DOC-1 … DOC-4).
    pub documents: std::sync::Arc<kopek_documents::render::Layouts>,
}

impl AppState {
    pub fn new(engine: Engine) -> AppState {
        let views = portal::view::Views::new(None, engine.settings().provider_offset);
        let shield = std::sync::Arc::new(shield::Shield::default());
        let documents = std::sync::Arc::new(kopek_documents::render::Layouts::shipped());
        AppState { engine, metrics: ops::prometheus(), sandbox: None, views, test_clock: None, shield, documents }
    }

    /// Templates from `dir` win over the embedded ones, file by file.
    pub fn with_templates_dir(mut self, dir: Option<std::path::PathBuf>) -> AppState {
        self.views = portal::view::Views::new(dir, self.engine.settings().provider_offset);
        self
    }

    /// The documents' layouts, some replaced by the provider's (checked by
    /// [`kopek_documents::render::Layouts::with_dir`]).
    pub fn with_document_layouts(mut self, layouts: kopek_documents::render::Layouts) -> AppState {
        self.documents = std::sync::Arc::new(layouts);
        self
    }

    /// Turns the test clock endpoints on; `clock` must be the engine's.
    pub fn with_test_clock(mut self, clock: Option<std::sync::Arc<kopek_engine::jobs::test_clock::TestClock>>) -> AppState {
        self.test_clock = clock;
        self
    }

    /// The rates per address and the metrics token (SEC-1).
    pub fn with_shield(mut self, config: shield::ShieldConfig) -> AppState {
        self.shield = std::sync::Arc::new(shield::Shield::new(config));
        self
    }

    pub fn with_sandbox(mut self, sandbox: Option<std::sync::Arc<kopek_integrations::SandboxGateway>>) -> AppState {
        self.sandbox = sandbox;
        self
    }
}

/// The OpenAPI description of `/api/v1`.
pub fn openapi() -> serde_json::Value {
    api::document::finished(
        OpenApiRouter::<AppState>::with_openapi(api::ApiDoc::openapi()).nest("/api/v1", api::routes()).into_openapi(),
    )
}

pub fn router(state: AppState) -> Router {
    let (api, spec) = OpenApiRouter::with_openapi(api::ApiDoc::openapi()).nest("/api/v1", api::routes()).split_for_parts();
    let spec = api::document::finished(spec);
    Router::new()
        .merge(api)
        .merge(SwaggerUi::new("/api/docs").external_url_unchecked("/api/v1/openapi.json", spec))
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .route("/sandbox/pay/{id}", get(sandbox::page).post(sandbox::settle))
        .merge(portal::routes())
        .merge(admin::routes())
        .fallback(ops::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), extract::limit_body))
        // `limit_body` bounds every body, a ticket's files included (SUP-1);
        // axum's own 2 MiB for a multipart form would cut those off first.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn_with_state(state.clone(), shield::guard))
        .layer(axum::middleware::from_fn(ops::track))
        // Every log line of a request — the engine's record of a change, an
        // error with its causes — carries the request and, once known, who
        // made it.
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), actor = tracing::field::Empty)
        }))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
