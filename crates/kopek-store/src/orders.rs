//! The cart (ORD-2), orders and their items (ORD-4, ORD-5).

use chrono::{DateTime, Utc};

use kopek_domain::account::{OrderPayBy, OrderStatus};

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CartItemRow {
    pub id: i64,
    pub client_id: i64,
    pub product_id: i64,
    pub config: String,
    pub auto_renew: bool,
    pub promo_code: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const CART_COLS: &str = "id, client_id, product_id, config, auto_renew, promo_code, created_at, updated_at";

macro_rules! sql {
    ($($part:expr),+ $(,)?) => { sqlx::AssertSqlSafe([$($part),+].concat()) };
}

pub async fn add_to_cart(
    conn: &mut Conn,
    client_id: i64,
    product_id: i64,
    config: &str,
    auto_renew: bool,
    promo: Option<&str>,
    now: DateTime<Utc>,
) -> Result<CartItemRow> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(
        "INSERT INTO cart_items (client_id, product_id, config, auto_renew, promo_code, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ", CART_COLS))
        .bind(client_id).bind(product_id).bind(config).bind(auto_renew).bind(promo).bind(now).fetch_one(db).await)?)
}

pub async fn update_cart_item(
    conn: &mut Conn,
    id: i64,
    config: &str,
    auto_renew: bool,
    promo: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE cart_items SET config = $2, auto_renew = $3, promo_code = $4, updated_at = $5 WHERE id = $1")
        .bind(id).bind(config).bind(auto_renew).bind(promo).bind(now).execute(db).await)?;
    Ok(())
}

pub async fn cart_item(conn: &mut Conn, id: i64) -> Result<Option<CartItemRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", CART_COLS, " FROM cart_items WHERE id = $1"))
        .bind(id).fetch_optional(db).await)?)
}

pub async fn cart(conn: &mut Conn, client_id: i64) -> Result<Vec<CartItemRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", CART_COLS, " FROM cart_items WHERE client_id = $1 ORDER BY id"))
        .bind(client_id).fetch_all(db).await)?)
}

pub async fn remove_from_cart(conn: &mut Conn, id: i64) -> Result<u64> {
    Ok(exec_db!(conn, db => sqlx::query("DELETE FROM cart_items WHERE id = $1").bind(id).execute(db).await)?)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderRow {
    pub id: i64,
    pub client_id: i64,
    #[sqlx(try_from = "String")]
    pub status: OrderStatus,
    #[sqlx(try_from = "String")]
    pub pay_by: OrderPayBy,
    pub method_id: Option<i64>,
    pub payer_id: Option<i64>,
    pub payment_id: Option<i64>,
    pub total: i64,
    pub tax: i64,
    pub currency: String,
    pub created_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
}

const ORDER_COLS: &str =
    "id, client_id, status, pay_by, method_id, payer_id, payment_id, total, tax, currency, created_at, paid_at";

pub struct NewOrder<'a> {
    pub client_id: i64,
    pub pay_by: OrderPayBy,
    pub method_id: Option<i64>,
    pub payer_id: Option<i64>,
    pub total: i64,
    pub tax: i64,
    pub currency: &'a str,
}

pub async fn insert_order(conn: &mut Conn, o: &NewOrder<'_>, now: DateTime<Utc>) -> Result<OrderRow> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(
        "INSERT INTO orders (client_id, status, pay_by, method_id, payer_id, total, tax, currency, created_at)
         VALUES ($1, 'awaiting_payment', $2, $3, $4, $5, $6, $7, $8) RETURNING ", ORDER_COLS))
        .bind(o.client_id).bind(o.pay_by.as_str()).bind(o.method_id).bind(o.payer_id).bind(o.total).bind(o.tax).bind(o.currency).bind(now)
        .fetch_one(db).await)?)
}

pub async fn order(conn: &mut Conn, id: i64) -> Result<Option<OrderRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", ORDER_COLS, " FROM orders WHERE id = $1"))
        .bind(id).fetch_optional(db).await)?)
}

pub async fn orders_of(conn: &mut Conn, client_id: i64) -> Result<Vec<OrderRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", ORDER_COLS, " FROM orders WHERE client_id = $1 ORDER BY id DESC"))
        .bind(client_id).fetch_all(db).await)?)
}

pub async fn set_order_payment(conn: &mut Conn, id: i64, payment_id: i64) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE orders SET payment_id = $2 WHERE id = $1")
        .bind(id).bind(payment_id).execute(db).await)?;
    Ok(())
}

/// Moves an order on from "awaiting_payment"; false when it already was.
pub async fn close_order(conn: &mut Conn, id: i64, status: OrderStatus, now: DateTime<Utc>) -> Result<bool> {
    let n = exec_db!(conn, db => sqlx::query(
        "UPDATE orders SET status = $2, paid_at = CASE WHEN $2 = 'paid' THEN $3 ELSE paid_at END
         WHERE id = $1 AND status = 'awaiting_payment'")
        .bind(id).bind(status.as_str()).bind(now).execute(db).await)?;
    Ok(n == 1)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderItemRow {
    pub id: i64,
    pub order_id: i64,
    pub product_id: i64,
    pub config: String,
    pub quote: String,
    pub auto_renew: bool,
    pub promo_id: Option<i64>,
    pub amount: i64,
    pub subscription_id: Option<i64>,
}

pub struct NewOrderItem<'a> {
    pub order_id: i64,
    pub product_id: i64,
    pub config: &'a str,
    pub quote: &'a str,
    pub auto_renew: bool,
    pub promo_id: Option<i64>,
    pub amount: i64,
}

pub async fn insert_item(conn: &mut Conn, i: &NewOrderItem<'_>) -> Result<i64> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "INSERT INTO order_items (order_id, product_id, config, quote, auto_renew, promo_id, amount, client_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT client_id FROM orders WHERE id = $1)) RETURNING id")
        .bind(i.order_id).bind(i.product_id).bind(i.config).bind(i.quote).bind(i.auto_renew).bind(i.promo_id).bind(i.amount)
        .fetch_one(db).await)?)
}

pub async fn items(conn: &mut Conn, order_id: i64) -> Result<Vec<OrderItemRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, order_id, product_id, config, quote, auto_renew, promo_id, amount, subscription_id
         FROM order_items WHERE order_id = $1 ORDER BY id")
        .bind(order_id).fetch_all(db).await)?)
}

pub async fn set_item_subscription(conn: &mut Conn, item_id: i64, subscription_id: i64) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE order_items SET subscription_id = $2 WHERE id = $1")
        .bind(item_id).bind(subscription_id).execute(db).await)?;
    Ok(())
}
