//! The provider's news (NTF-1, ACC-7): each for all clients or for those
//! listed beside it.

use chrono::{DateTime, Utc};

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NewsRow {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub for_all: bool,
    pub published_at: DateTime<Utc>,
}

pub async fn insert(conn: &mut Conn, title: &str, body: &str, for_all: bool, now: DateTime<Utc>) -> Result<NewsRow> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "INSERT INTO news (title, body, for_all, published_at) VALUES ($1, $2, $3, $4)
         RETURNING id, title, body, for_all, published_at")
        .bind(title).bind(body).bind(for_all).bind(now).fetch_one(db).await)?)
}

pub async fn add_client(conn: &mut Conn, news_id: i64, client_id: i64) -> Result<()> {
    exec_db!(conn, db => sqlx::query("INSERT INTO news_clients (news_id, client_id) VALUES ($1, $2)")
        .bind(news_id).bind(client_id).execute(db).await)?;
    Ok(())
}

/// The newest `limit` news a client sees: those for all and its own.
pub async fn for_client(conn: &mut Conn, client_id: i64, limit: i64) -> Result<Vec<NewsRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, title, body, for_all, published_at FROM news
         WHERE for_all OR id IN (SELECT news_id FROM news_clients WHERE client_id = $1)
         ORDER BY published_at DESC, id DESC LIMIT $2")
        .bind(client_id).bind(limit).fetch_all(db).await)?)
}

/// Every client's id, for news to all.
pub async fn all_client_ids(conn: &mut Conn) -> Result<Vec<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar("SELECT id FROM clients ORDER BY id").fetch_all(db).await)?)
}
