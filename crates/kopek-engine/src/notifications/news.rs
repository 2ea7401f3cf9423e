//! NTF-1, ACC-7: the provider's news. Staff publish it to every client or
//! to a list of them; it shows on the clients' dashboards, and each of
//! their users gets it as a "news" notification by the channels it keeps
//! news on — written in the same transaction, once per client.

use kopek_store::news::{self as store, NewsRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::notify::notify_client;
use crate::core::text::{self, required};

/// How many news the dashboard shows.
pub const DASHBOARD_NEWS: i64 = 5;

/// News to publish.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNews {
    pub title: String,
    pub body: String,
    /// Only these clients; absent or empty, every client.
    #[serde(default)]
    pub client_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct News {
    pub id: i64,
    pub title: String,
    pub body: String,
    /// For every client, or for a list of them.
    pub for_all: bool,
    pub published_at: chrono::DateTime<chrono::Utc>,
}

impl From<NewsRow> for News {
    fn from(r: NewsRow) -> News {
        News { id: r.id, title: r.title, body: r.body, for_all: r.for_all, published_at: r.published_at }
    }
}

impl Engine {
    /// NTF-1: an admin publishes news; each client it is for is told.
    pub async fn publish_news(&self, ctx: &Ctx, input: NewNews) -> Result<News> {
        ctx.actor.ensure_admin()?;
        let title = required("title", &input.title, text::NAME)?.to_string();
        let body = required("body", &input.body, text::MESSAGE)?.to_string();
        let mut uow = self.begin(ctx).await?;
        let mut targets = input.client_ids.clone();
        targets.sort_unstable();
        targets.dedup();
        for id in &targets {
            if kopek_store::clients::get(&mut uow.conn, *id).await?.is_none() {
                return Err(EngineError::invalid_field("client_ids", "unknown_client", format!("there is no client {id}")));
            }
        }
        let for_all = targets.is_empty();
        let row = store::insert(&mut uow.conn, &title, &body, for_all, uow.now).await?;
        if for_all {
            targets = store::all_client_ids(&mut uow.conn).await?;
        } else {
            for id in &targets {
                store::add_client(&mut uow.conn, row.id, *id).await?;
            }
        }
        let data = serde_json::json!({ "news_id": row.id, "title": title, "body": body });
        for client_id in &targets {
            // The dedup key is the outbox's across clients: one per news
            // and client.
            let key = format!("{}-{client_id}", row.id);
            notify_client(&mut uow, *client_id, "news.published", data.clone(), &key).await?;
        }
        let audit = serde_json::json!({ "title": title, "for_all": for_all, "clients": targets.len() });
        uow.audit("news.publish", "news", row.id, None, audit).await?;
        uow.finish(News::from(row)).await
    }

    /// ACC-7: the newest news a client sees, for its dashboard.
    pub async fn client_news(&self, ctx: &Ctx, client_id: i64, limit: i64) -> Result<Vec<News>> {
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        Ok(store::for_client(&mut conn, client_id, limit.clamp(1, 100)).await?.into_iter().map(News::from).collect())
    }
}
