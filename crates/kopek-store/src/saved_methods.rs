//! Saved payment methods (PMT-6) and what a payment by a method is for: a
//! top-up, a method's set-up, an auto-renewal, an autopayment (PMT-5, PMT-7).

use chrono::{DateTime, Utc};

use kopek_domain::account::PurposeKind;
use kopek_domain::renewal::SavedMethodStatus;

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SavedMethodRow {
    pub id: i64,
    pub client_id: i64,
    pub payer_id: i64,
    pub method_id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub status: SavedMethodStatus,
    pub token: Option<String>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLS: &str = "id, client_id, payer_id, method_id, name, status, token, deleted_at, created_at, updated_at";

macro_rules! sql {
    ($($part:expr),+ $(,)?) => { sqlx::AssertSqlSafe([$($part),+].concat()) };
}

pub async fn insert(
    conn: &mut Conn,
    client_id: i64,
    payer_id: i64,
    method_id: i64,
    name: &str,
    status: SavedMethodStatus,
    now: DateTime<Utc>,
) -> Result<SavedMethodRow> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(
        "INSERT INTO saved_methods (client_id, payer_id, method_id, name, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ", COLS))
        .bind(client_id).bind(payer_id).bind(method_id).bind(name).bind(status.as_str()).bind(now)
        .fetch_one(db).await)?)
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<SavedMethodRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", COLS, " FROM saved_methods WHERE id = $1"))
        .bind(id).fetch_optional(db).await)?)
}

/// The client's methods not deleted, oldest first.
pub async fn of_client(conn: &mut Conn, client_id: i64) -> Result<Vec<SavedMethodRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", COLS,
        " FROM saved_methods WHERE client_id = $1 AND deleted_at IS NULL ORDER BY id"))
        .bind(client_id).fetch_all(db).await)?)
}

pub async fn rename(conn: &mut Conn, id: i64, name: &str, now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE saved_methods SET name = $2, updated_at = $3 WHERE id = $1")
        .bind(id).bind(name).bind(now).execute(db).await)?;
    Ok(())
}

pub async fn set_status(conn: &mut Conn, id: i64, status: SavedMethodStatus, now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE saved_methods SET status = $2, updated_at = $3 WHERE id = $1")
        .bind(id).bind(status.as_str()).bind(now).execute(db).await)?;
    Ok(())
}

/// The gateway's token arrived with a successful payment: the method works.
pub async fn set_token(conn: &mut Conn, id: i64, token: &str, status: SavedMethodStatus, now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE saved_methods SET token = $2, status = $3, updated_at = $4 WHERE id = $1")
        .bind(id).bind(token).bind(status.as_str()).bind(now).execute(db).await)?;
    Ok(())
}

pub async fn mark_deleted(conn: &mut Conn, id: i64, now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE saved_methods SET deleted_at = $2, updated_at = $2 WHERE id = $1")
        .bind(id).bind(now).execute(db).await)?;
    Ok(())
}

/// How many live auto-renewing services each of the client's methods pays
/// for; `None` is the balance.
pub async fn linked_counts(conn: &mut Conn, client_id: i64) -> Result<Vec<(Option<i64>, i64)>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT saved_method_id, COUNT(*) FROM subscriptions
         WHERE client_id = $1 AND style = 'paid_period' AND auto_renew AND state IN ('active', 'expired')
         GROUP BY saved_method_id")
        .bind(client_id).fetch_all(db).await)?)
}

/// Turns auto-renewal off for every service renewed from the method and
/// answers which: (id, service id).
pub async fn unlink(conn: &mut Conn, saved_method_id: i64) -> Result<Vec<(i64, i64)>> {
    let ids: Vec<(i64, i64)> = on_db!(conn, db => sqlx::query_as(
        "SELECT id, service_id FROM subscriptions WHERE saved_method_id = $1 AND auto_renew ORDER BY id")
        .bind(saved_method_id).fetch_all(db).await)?;
    exec_db!(conn, db => sqlx::query(
        "UPDATE subscriptions SET auto_renew = FALSE, saved_method_id = NULL WHERE saved_method_id = $1")
        .bind(saved_method_id).execute(db).await)?;
    Ok(ids)
}

/// Why a payment by a method was made.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PurposeRow {
    #[sqlx(try_from = "String")]
    pub purpose: PurposeKind,
    pub saved_method_id: Option<i64>,
    pub subscription_id: Option<i64>,
    /// The order the payment pays (ORD-5).
    pub order_id: Option<i64>,
    /// The months a renewal paid by hand renews for (SVC-2); none for an
    /// auto-renewal, which renews for the subscription's renewal period.
    pub renewal_months: Option<i64>,
    /// The paid time an auto-renewal extends, when it started.
    pub renews_from: Option<DateTime<Utc>>,
}

pub async fn set_purpose(conn: &mut Conn, payment_id: i64, p: &PurposeRow) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE payments SET purpose = $2, saved_method_id = $3, subscription_id = $4, order_id = $5, renewal_months = $6,
            renews_from = $7 WHERE id = $1")
        .bind(payment_id).bind(p.purpose.as_str()).bind(p.saved_method_id).bind(p.subscription_id).bind(p.order_id)
        .bind(p.renewal_months).bind(p.renews_from).execute(db).await)?;
    Ok(())
}

pub async fn purpose(conn: &mut Conn, payment_id: i64) -> Result<Option<PurposeRow>> {
    Ok(
        on_db!(conn, db => sqlx::query_as("SELECT purpose, saved_method_id, subscription_id, order_id, renewal_months, renews_from FROM payments WHERE id = $1")
        .bind(payment_id).fetch_optional(db).await)?,
    )
}

/// PMT-5: what the client's autopayments came to since `since`, counting
/// every one not failed or cancelled ("Мы не сможем создать автоматических
/// платежей на сумму больше чем вы укажете"), in the client's currency.
pub async fn autopaid_since(conn: &mut Conn, client_id: i64, since: DateTime<Utc>) -> Result<i64> {
    let sum: Option<i64> = on_db!(conn, db => sqlx::query_scalar(
        "SELECT CAST(SUM(amount) AS BIGINT) FROM payments
         WHERE client_id = $1 AND purpose = 'autopay' AND created_at >= $2 AND status NOT IN ('failed', 'cancelled')")
        .bind(client_id).bind(since).fetch_one(db).await)?;
    Ok(sum.unwrap_or(0))
}

/// The autopayment set-up (PMT-5).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AutopayRow {
    pub client_id: i64,
    pub saved_method_id: i64,
    pub monthly_max: Option<i64>,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const AUTOPAY_COLS: &str = "client_id, saved_method_id, monthly_max, enabled, created_at, updated_at";

pub async fn set_autopay(
    conn: &mut Conn,
    client_id: i64,
    saved_method_id: i64,
    monthly_max: Option<i64>,
    enabled: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO autopay_settings (client_id, saved_method_id, monthly_max, enabled, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (client_id) DO UPDATE SET saved_method_id = $2, monthly_max = $3, enabled = $4, updated_at = $5")
        .bind(client_id).bind(saved_method_id).bind(monthly_max).bind(enabled).bind(now).execute(db).await)?;
    Ok(())
}

pub async fn autopay(conn: &mut Conn, client_id: i64) -> Result<Option<AutopayRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", AUTOPAY_COLS, " FROM autopay_settings WHERE client_id = $1"))
        .bind(client_id).fetch_optional(db).await)?)
}

/// Clients whose autopayment is on.
pub async fn autopay_clients(conn: &mut Conn) -> Result<Vec<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar("SELECT client_id FROM autopay_settings WHERE enabled ORDER BY client_id")
        .fetch_all(db).await)?)
}

/// A deleted method can't pay autopayments any more.
pub async fn disable_autopay_of(conn: &mut Conn, saved_method_id: i64, now: DateTime<Utc>) -> Result<u64> {
    Ok(exec_db!(conn, db => sqlx::query(
        "UPDATE autopay_settings SET enabled = FALSE, updated_at = $2 WHERE saved_method_id = $1 AND enabled")
        .bind(saved_method_id).bind(now).execute(db).await)?)
}
