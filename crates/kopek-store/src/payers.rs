//! Payers and their contracts (PAY-1 … PAY-5). A payer's fields live in a
//! JSON column the domain validates; deleting one only hides it, because
//! payments and documents keep naming it.

use chrono::{DateTime, NaiveDate, Utc};

use kopek_domain::payer::PayerKind;

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PayerRow {
    pub id: i64,
    pub client_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: PayerKind,
    pub name: String,
    pub country: String,
    pub details: String,
    pub deleted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(crate) const PAYER_COLS: &str = "id, client_id, kind, name, country, details, deleted_at, created_at, updated_at";

macro_rules! sql {
    ($($part:expr),+ $(,)?) => { sqlx::AssertSqlSafe([$($part),+].concat()) };
}

pub struct PayerFields<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub country: &'a str,
    pub details: &'a str,
}

pub async fn insert(conn: &mut Conn, client_id: i64, p: &PayerFields<'_>, now: DateTime<Utc>) -> Result<PayerRow> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(
        "INSERT INTO payers (client_id, kind, name, country, details, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ", PAYER_COLS))
        .bind(client_id).bind(p.kind).bind(p.name).bind(p.country).bind(p.details).bind(now)
        .fetch_one(db).await)?)
}

pub async fn update(conn: &mut Conn, id: i64, p: &PayerFields<'_>, now: DateTime<Utc>) -> Result<PayerRow> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(
        "UPDATE payers SET kind = $2, name = $3, country = $4, details = $5, updated_at = $6 WHERE id = $1 RETURNING ",
        PAYER_COLS))
        .bind(id).bind(p.kind).bind(p.name).bind(p.country).bind(p.details).bind(now)
        .fetch_one(db).await)?)
}

/// A payer that is not deleted.
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<PayerRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", PAYER_COLS, " FROM payers WHERE id = $1 AND deleted_at IS NULL"))
        .bind(id).fetch_optional(db).await)?)
}

pub async fn of_client(conn: &mut Conn, client_id: i64) -> Result<Vec<PayerRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", PAYER_COLS,
        " FROM payers WHERE client_id = $1 AND deleted_at IS NULL ORDER BY id"))
        .bind(client_id).fetch_all(db).await)?)
}

pub async fn mark_deleted(conn: &mut Conn, id: i64, now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE payers SET deleted_at = $2, updated_at = $2 WHERE id = $1")
        .bind(id).bind(now).execute(db).await)?;
    Ok(())
}

/// Payments of a payer still waiting for money (an issued bank invoice, a
/// gateway page not yet paid): the payer can't go while they are open.
pub async fn open_payments(conn: &mut Conn, payer_id: i64) -> Result<Vec<String>> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "SELECT COALESCE(number, CAST(id AS TEXT)) FROM payments WHERE payer_id = $1 AND status IN ('new', 'paying') ORDER BY id")
        .bind(payer_id).fetch_all(db).await)?)
}

/// Numbers of a payer's payments in any state, oldest first.
pub async fn payment_numbers(conn: &mut Conn, payer_id: i64) -> Result<Vec<String>> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "SELECT COALESCE(number, CAST(id AS TEXT)) FROM payments WHERE payer_id = $1 ORDER BY id")
        .bind(payer_id).fetch_all(db).await)?)
}

pub async fn move_payments(conn: &mut Conn, from: i64, to: i64) -> Result<u64> {
    Ok(exec_db!(conn, db => sqlx::query("UPDATE payments SET payer_id = $2 WHERE payer_id = $1")
        .bind(from).bind(to).execute(db).await)?)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ContractRow {
    pub id: i64,
    pub client_id: i64,
    pub payer_id: i64,
    pub number: String,
    pub signed_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

const CONTRACT_COLS: &str = "id, client_id, payer_id, number, signed_on, created_at";

pub async fn insert_contract(
    conn: &mut Conn,
    client_id: i64,
    payer_id: i64,
    number: &str,
    signed_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<ContractRow> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(
        "INSERT INTO contracts (client_id, payer_id, number, signed_on, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING ",
        CONTRACT_COLS))
        .bind(client_id).bind(payer_id).bind(number).bind(signed_on).bind(now)
        .fetch_one(db).await)?)
}

/// A payer's contracts in force, oldest first.
pub async fn contracts_of(conn: &mut Conn, payer_id: i64) -> Result<Vec<ContractRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", CONTRACT_COLS,
        " FROM contracts WHERE payer_id = $1 AND deleted_at IS NULL ORDER BY id"))
        .bind(payer_id).fetch_all(db).await)?)
}

pub async fn move_contracts(conn: &mut Conn, from: i64, to: i64) -> Result<u64> {
    Ok(exec_db!(conn, db => sqlx::query("UPDATE contracts SET payer_id = $2 WHERE payer_id = $1 AND deleted_at IS NULL")
        .bind(from).bind(to).execute(db).await)?)
}

pub async fn end_contracts(conn: &mut Conn, payer_id: i64, now: DateTime<Utc>) -> Result<u64> {
    Ok(exec_db!(conn, db => sqlx::query("UPDATE contracts SET deleted_at = $2 WHERE payer_id = $1 AND deleted_at IS NULL")
        .bind(payer_id).bind(now).execute(db).await)?)
}
