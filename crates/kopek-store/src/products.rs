//! Products for sale (CAT-13) and promo codes (ORD-3).

use chrono::{DateTime, Utc};

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProductRow {
    pub id: i64,
    pub service_id: i64,
    pub spec: String,
    pub hook: Option<String>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLS: &str = "id, service_id, spec, hook, archived, created_at, updated_at";

macro_rules! sql {
    ($($part:expr),+ $(,)?) => { sqlx::AssertSqlSafe([$($part),+].concat()) };
}

pub async fn insert(conn: &mut Conn, service_id: i64, spec: &str, hook: Option<&str>, now: DateTime<Utc>) -> Result<ProductRow> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(
        "INSERT INTO products (service_id, spec, hook, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING ", COLS))
        .bind(service_id).bind(spec).bind(hook).bind(now).fetch_one(db).await)?)
}

pub async fn update(conn: &mut Conn, id: i64, spec: &str, hook: Option<&str>, archived: bool, now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE products SET spec = $2, hook = $3, archived = $4, updated_at = $5 WHERE id = $1")
        .bind(id).bind(spec).bind(hook).bind(archived).bind(now).execute(db).await)?;
    Ok(())
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<ProductRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", COLS, " FROM products WHERE id = $1"))
        .bind(id).fetch_optional(db).await)?)
}

pub async fn all(conn: &mut Conn) -> Result<Vec<ProductRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", COLS, " FROM products ORDER BY id")).fetch_all(db).await)?)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PromoRow {
    pub id: i64,
    pub code: String,
    pub spec: String,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_promo(conn: &mut Conn, code: &str, spec: &str, now: DateTime<Utc>) -> Result<PromoRow> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "INSERT INTO promo_codes (code, spec, created_at) VALUES ($1, $2, $3) RETURNING id, code, spec, archived, created_at")
        .bind(code).bind(spec).bind(now).fetch_one(db).await)?)
}

pub async fn promo_by_code(conn: &mut Conn, code: &str) -> Result<Option<PromoRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, code, spec, archived, created_at FROM promo_codes WHERE code = $1")
        .bind(code).fetch_optional(db).await)?)
}

pub async fn promos(conn: &mut Conn) -> Result<Vec<PromoRow>> {
    Ok(on_db!(conn, db => sqlx::query_as("SELECT id, code, spec, archived, created_at FROM promo_codes ORDER BY id")
        .fetch_all(db).await)?)
}

pub async fn archive_promo(conn: &mut Conn, id: i64) -> Result<u64> {
    Ok(exec_db!(conn, db => sqlx::query("UPDATE promo_codes SET archived = TRUE WHERE id = $1").bind(id).execute(db).await)?)
}

/// (uses in total, uses by the client).
pub async fn promo_uses(conn: &mut Conn, promo_id: i64, client_id: i64) -> Result<(i64, i64)> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN client_id = $2 THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM promo_uses WHERE promo_id = $1")
        .bind(promo_id).bind(client_id).fetch_one(db).await)?)
}

pub async fn record_promo_use(conn: &mut Conn, promo_id: i64, order_id: i64, client_id: i64, now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO promo_uses (promo_id, order_id, client_id, used_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
        .bind(promo_id).bind(order_id).bind(client_id).bind(now).execute(db).await)?;
    Ok(())
}
