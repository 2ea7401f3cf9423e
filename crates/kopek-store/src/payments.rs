//! A payment's way through its method and gateway (PMT-1, PMT-4): the
//! columns beside the ledger's (payer, method, external id, what the payer
//! paid) and the log of every webhook and statement line.

use chrono::{DateTime, Utc};

use kopek_domain::account::PaymentStatus;

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FlowRow {
    pub id: i64,
    pub payer_id: Option<i64>,
    pub method_id: Option<i64>,
    pub gateway: Option<String>,
    pub external_id: Option<String>,
    pub paid_amount: Option<i64>,
    pub paid_currency: Option<String>,
    pub commission: i64,
    pub rate: Option<String>,
    pub confirmation_url: Option<String>,
    pub failure_reason: Option<String>,
    pub cashback_of: Option<i64>,
}

const FLOW_COLS: &str = "id, payer_id, method_id, gateway, external_id, paid_amount, paid_currency, commission, rate,
    confirmation_url, failure_reason, cashback_of";

macro_rules! sql {
    ($($part:expr),+ $(,)?) => { sqlx::AssertSqlSafe([$($part),+].concat()) };
}

pub struct Flow<'a> {
    pub payer_id: Option<i64>,
    pub method_id: Option<i64>,
    pub gateway: Option<&'a str>,
    pub paid_amount: Option<i64>,
    pub paid_currency: Option<&'a str>,
    pub commission: i64,
    pub rate: Option<&'a str>,
    pub cashback_of: Option<i64>,
}

/// Records how a payment just inserted by the ledger is paid.
pub async fn set_flow(conn: &mut Conn, id: i64, f: &Flow<'_>, now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE payments SET payer_id = $2, method_id = $3, gateway = $4, paid_amount = $5, paid_currency = $6,
             commission = $7, rate = $8, cashback_of = $9, updated_at = $10 WHERE id = $1")
        .bind(id).bind(f.payer_id).bind(f.method_id).bind(f.gateway).bind(f.paid_amount).bind(f.paid_currency)
        .bind(f.commission).bind(f.rate).bind(f.cashback_of).bind(now).execute(db).await)?;
    Ok(())
}

pub async fn flow(conn: &mut Conn, id: i64) -> Result<Option<FlowRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", FLOW_COLS, " FROM payments WHERE id = $1"))
        .bind(id).fetch_optional(db).await)?)
}

/// The gateway's answer to creation: its id and where the payer goes.
pub async fn set_external(
    conn: &mut Conn,
    id: i64,
    external_id: &str,
    confirmation_url: Option<&str>,
    status: PaymentStatus,
    now: DateTime<Utc>,
) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE payments SET external_id = $2, confirmation_url = $3, status = $4, updated_at = $5 WHERE id = $1")
        .bind(id).bind(external_id).bind(confirmation_url).bind(status.as_str()).bind(now).execute(db).await)?;
    Ok(())
}

pub async fn by_external(conn: &mut Conn, gateway: &str, external_id: &str) -> Result<Option<(i64, i64)>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, client_id FROM payments WHERE gateway = $1 AND external_id = $2")
        .bind(gateway).bind(external_id).fetch_optional(db).await)?)
}

pub async fn by_number(conn: &mut Conn, number: &str) -> Result<Option<(i64, i64)>> {
    Ok(on_db!(conn, db => sqlx::query_as("SELECT id, client_id FROM payments WHERE number = $1")
        .bind(number).fetch_optional(db).await)?)
}

/// Money arrived for a payment; an earlier attempt's refusal no longer
/// describes it (the gateway log keeps it).
pub async fn mark_credited(conn: &mut Conn, id: i64, now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE payments SET status = 'credited', credited_at = $2, unallocated = amount, failure_reason = NULL,
             updated_at = $2 WHERE id = $1")
        .bind(id).bind(now).execute(db).await)?;
    Ok(())
}

/// A payment that will not bring money: failed or cancelled, with why.
pub async fn mark_closed(conn: &mut Conn, id: i64, status: PaymentStatus, reason: &str, now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE payments SET status = $2, failure_reason = $3, updated_at = $4 WHERE id = $1")
        .bind(id).bind(status.as_str()).bind(reason).bind(now).execute(db).await)?;
    Ok(())
}

/// Why the last attempt of a payment still waiting was refused; the
/// payment stays as it is.
pub async fn note_failure(conn: &mut Conn, id: i64, reason: &str, now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE payments SET failure_reason = $2, updated_at = $3 WHERE id = $1")
        .bind(id).bind(reason).bind(now).execute(db).await)?;
    Ok(())
}

/// Bank transfers a statement may pay: those waiting, and those closed
/// without money (the payer may pay an invoice it cancelled; money that
/// arrives is credited all the same, PMT-4).
pub async fn awaiting_transfer(conn: &mut Conn) -> Result<Vec<(i64, i64, String, i64)>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, client_id, number, COALESCE(paid_amount, amount) FROM payments
         WHERE gateway = 'bank_transfer' AND status IN ('new', 'paying', 'cancelled', 'failed') AND number IS NOT NULL
         ORDER BY id")
        .fetch_all(db).await)?)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub gateway: String,
    pub external_id: Option<String>,
    pub payment_id: Option<i64>,
    pub status: Option<String>,
    pub outcome: String,
    pub reason: String,
    pub received_at: DateTime<Utc>,
}

pub struct NewEvent<'a> {
    pub gateway: &'a str,
    pub external_id: Option<&'a str>,
    pub payment_id: Option<i64>,
    pub status: Option<&'a str>,
    pub outcome: &'a str,
    pub reason: &'a str,
}

pub async fn insert_event(conn: &mut Conn, e: &NewEvent<'_>, now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO gateway_events (gateway, external_id, payment_id, status, outcome, reason, received_at, client_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT client_id FROM payments WHERE id = $3))")
        .bind(e.gateway).bind(e.external_id).bind(e.payment_id).bind(e.status).bind(e.outcome).bind(e.reason).bind(now)
        .execute(db).await)?;
    Ok(())
}

/// The log for staff: all events of one payment, or the latest of all.
pub async fn events(conn: &mut Conn, payment_id: Option<i64>, limit: i64) -> Result<Vec<EventRow>> {
    const COLS: &str = "id, gateway, external_id, payment_id, status, outcome, reason, received_at";
    Ok(match payment_id {
        Some(p) => on_db!(conn, db => sqlx::query_as(sql!("SELECT ", COLS,
            " FROM gateway_events WHERE payment_id = $1 ORDER BY id DESC LIMIT $2"))
            .bind(p).bind(limit).fetch_all(db).await)?,
        None => on_db!(conn, db => sqlx::query_as(sql!("SELECT ", COLS, " FROM gateway_events ORDER BY id DESC LIMIT $1"))
            .bind(limit).fetch_all(db).await)?,
    })
}

/// The cashback payment a payment earned, if any.
pub async fn cashback_of(conn: &mut Conn, payment_id: i64) -> Result<Option<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar("SELECT id FROM payments WHERE cashback_of = $1 AND status = 'credited'")
        .bind(payment_id).fetch_optional(db).await)?)
}

/// The flows of all a client's payments, for its payments list.
pub async fn flows_of_client(conn: &mut Conn, client_id: i64) -> Result<Vec<FlowRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", FLOW_COLS, " FROM payments WHERE client_id = $1 ORDER BY id"))
        .bind(client_id).fetch_all(db).await)?)
}

/// A bank transfer still waiting for its money, with its client, for the
/// staff's list (PMT-4, OPS-5).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AwaitingRow {
    pub id: i64,
    pub number: String,
    pub client_id: i64,
    pub client_code: String,
    pub client_name: String,
    pub amount: i64,
    pub currency: String,
    #[sqlx(try_from = "String")]
    pub status: PaymentStatus,
    pub created_at: DateTime<Utc>,
}

/// Transfers waiting for money (`new` or `paying`), oldest first, after
/// payment `after_id`; `client_id` narrows to one client's.
pub async fn awaiting_page(conn: &mut Conn, client_id: Option<i64>, after_id: i64, limit: i64) -> Result<Vec<AwaitingRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT p.id, p.number, p.client_id, c.code AS client_code, c.name AS client_name, p.amount, p.currency,
                p.status, p.created_at
         FROM payments p JOIN clients c ON c.id = p.client_id
         WHERE p.gateway = 'bank_transfer' AND p.status IN ('new', 'paying') AND p.number IS NOT NULL
           AND p.id > $1 AND ($2 IS NULL OR p.client_id = $2)
         ORDER BY p.id LIMIT $3")
        .bind(after_id).bind(client_id).bind(limit).fetch_all(db).await)?)
}
