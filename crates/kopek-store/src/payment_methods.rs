//! Payment methods staff configure (PMT-3) and exchange rates kept by date
//! (LED-4).

use chrono::{DateTime, NaiveDate, Utc};

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MethodRow {
    pub id: i64,
    pub prefix: String,
    pub name: String,
    pub gateway: String,
    pub currency: String,
    pub commission_percent: i64,
    pub commission_fixed: i64,
    pub min_amount: Option<i64>,
    pub max_amount: Option<i64>,
    pub cashback_percent: i64,
    /// Comma-separated payer kinds.
    pub payer_kinds: String,
    pub enabled: bool,
    pub instructions: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLS: &str = "id, prefix, name, gateway, currency, commission_percent, commission_fixed, min_amount, max_amount,
    cashback_percent, payer_kinds, enabled, instructions, created_at, updated_at";

macro_rules! sql {
    ($($part:expr),+ $(,)?) => { sqlx::AssertSqlSafe([$($part),+].concat()) };
}

pub struct MethodFields<'a> {
    pub prefix: &'a str,
    pub name: &'a str,
    pub gateway: &'a str,
    pub currency: &'a str,
    pub commission_percent: i64,
    pub commission_fixed: i64,
    pub min_amount: Option<i64>,
    pub max_amount: Option<i64>,
    pub cashback_percent: i64,
    pub payer_kinds: &'a str,
    pub enabled: bool,
    pub instructions: &'a str,
}

pub async fn insert(conn: &mut Conn, m: &MethodFields<'_>, now: DateTime<Utc>) -> Result<MethodRow> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(
        "INSERT INTO payment_methods (prefix, name, gateway, currency, commission_percent, commission_fixed, min_amount,
             max_amount, cashback_percent, payer_kinds, enabled, instructions, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING ", COLS))
        .bind(m.prefix).bind(m.name).bind(m.gateway).bind(m.currency).bind(m.commission_percent)
        .bind(m.commission_fixed).bind(m.min_amount).bind(m.max_amount).bind(m.cashback_percent)
        .bind(m.payer_kinds).bind(m.enabled).bind(m.instructions).bind(now)
        .fetch_one(db).await)?)
}

/// Everything but the prefix, which payment numbers already carry.
pub async fn update(conn: &mut Conn, id: i64, m: &MethodFields<'_>, now: DateTime<Utc>) -> Result<Option<MethodRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(
        "UPDATE payment_methods SET name = $2, gateway = $3, currency = $4, commission_percent = $5, commission_fixed = $6,
             min_amount = $7, max_amount = $8, cashback_percent = $9, payer_kinds = $10, enabled = $11, instructions = $12,
             updated_at = $13
         WHERE id = $1 RETURNING ", COLS))
        .bind(id).bind(m.name).bind(m.gateway).bind(m.currency).bind(m.commission_percent)
        .bind(m.commission_fixed).bind(m.min_amount).bind(m.max_amount).bind(m.cashback_percent)
        .bind(m.payer_kinds).bind(m.enabled).bind(m.instructions).bind(now)
        .fetch_optional(db).await)?)
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<MethodRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", COLS, " FROM payment_methods WHERE id = $1"))
        .bind(id).fetch_optional(db).await)?)
}

pub async fn all(conn: &mut Conn) -> Result<Vec<MethodRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", COLS, " FROM payment_methods ORDER BY id"))
        .fetch_all(db).await)?)
}

pub async fn set_rate(conn: &mut Conn, base: &str, quote: &str, day: NaiveDate, rate: &str, now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO exchange_rates (base, quote, day, rate, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (base, quote, day) DO UPDATE SET rate = excluded.rate, created_at = excluded.created_at")
        .bind(base).bind(quote).bind(day).bind(rate).bind(now).execute(db).await)?;
    Ok(())
}

/// The rate in force on `day`: the latest one set on or before it.
pub async fn rate_on(conn: &mut Conn, base: &str, quote: &str, day: NaiveDate) -> Result<Option<(NaiveDate, String)>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT day, rate FROM exchange_rates WHERE base = $1 AND quote = $2 AND day <= $3 ORDER BY day DESC LIMIT 1")
        .bind(base).bind(quote).bind(day).fetch_optional(db).await)?)
}

pub async fn rates(conn: &mut Conn) -> Result<Vec<(String, String, NaiveDate, String)>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT base, quote, day, rate FROM exchange_rates ORDER BY base, quote, day")
        .fetch_all(db).await)?)
}
