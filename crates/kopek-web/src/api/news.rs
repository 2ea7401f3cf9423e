//! NTF-1, ACC-7: the provider's news — published by admins, read by a
//! client's users (and staff) per client.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kopek_engine::notifications::news::{NewNews, News};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};

/// Publish news to every client, or to `client_ids`; each client's users
/// are told by their news channels.
#[utoipa::path(post, path = "/news", tag = "notifications", request_body = NewNews,
    responses((status = 201, body = News), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiJson(req): ApiJson<NewNews>,
) -> ApiResult<(StatusCode, Json<News>)> {
    Ok((StatusCode::CREATED, Json(state.engine.publish_news(&ctx, req).await?)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NewsQuery {
    /// At most this many, newest first (1…100, default 20).
    #[serde(default = "default_limit")]
    pub limit: i64,
}

fn default_limit() -> i64 {
    20
}

/// The news a client sees, newest first.
#[utoipa::path(get, path = "/clients/{id}/news", tag = "notifications", params(("id" = i64, Path), NewsQuery),
    responses((status = 200, body = Vec<News>), (status = 404, body = ErrorBody)))]
pub async fn for_client(
    State(state): State<AppState>,
    Caller(ctx): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<NewsQuery>,
) -> ApiResult<Json<Vec<News>>> {
    Ok(Json(state.engine.client_news(&ctx, id, q.limit).await?))
}
