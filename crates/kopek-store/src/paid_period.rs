//! The columns of paid-period subscriptions (hosting style): valid until a
//! date, renewed for a number of months, automatically or by hand.

use chrono::{DateTime, NaiveDate, Utc};

use kopek_domain::account::SubscriptionState;

use crate::{Conn, Result, exec_db, on_db};

/// Makes a just-inserted subscription a paid-period one, paid to `paid_until`.
pub async fn make_paid(conn: &mut Conn, id: i64, paid_until: DateTime<Utc>, months: i64, auto_renew: bool) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE subscriptions SET style = 'paid_period', paid_until = $2, charged_until = $2, next_charge_on = NULL,
             renewal_months = $3, auto_renew = $4 WHERE id = $1")
        .bind(id).bind(paid_until).bind(months).bind(auto_renew).execute(db).await)?;
    Ok(())
}

/// A renewal: paid further, active again if it had expired.
pub async fn extend(conn: &mut Conn, id: i64, paid_until: DateTime<Utc>, add_to_total: i64) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE subscriptions SET paid_until = $2, charged_until = $2, charged_total = charged_total + $3,
             state = 'active', stopped_at = NULL WHERE id = $1")
        .bind(id).bind(paid_until).bind(add_to_total).execute(db).await)?;
    Ok(())
}

pub async fn set_renewal(conn: &mut Conn, id: i64, months: i64, auto_renew: bool) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE subscriptions SET renewal_months = $2, auto_renew = $3 WHERE id = $1")
        .bind(id).bind(months).bind(auto_renew).execute(db).await)?;
    Ok(())
}

/// Active paid-period subscriptions whose paid time is over: (id, client).
pub async fn run_out(conn: &mut Conn, now: DateTime<Utc>) -> Result<Vec<(i64, i64)>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, client_id FROM subscriptions
         WHERE style = 'paid_period' AND state = 'active' AND paid_until <= $1 ORDER BY id")
        .bind(now).fetch_all(db).await)?)
}

/// Active paid-period subscriptions whose paid time ends in (from, until]:
/// (id, client).
pub async fn running_out(conn: &mut Conn, from: DateTime<Utc>, until: DateTime<Utc>) -> Result<Vec<(i64, i64)>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, client_id FROM subscriptions
         WHERE style = 'paid_period' AND state = 'active' AND paid_until > $1 AND paid_until <= $2 ORDER BY id")
        .bind(from).bind(until).fetch_all(db).await)?)
}

/// What auto-renewal needs of a paid-period subscription (PMT-7).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RenewalRow {
    pub id: i64,
    pub client_id: i64,
    pub service_id: i64,
    #[sqlx(try_from = "String")]
    pub state: SubscriptionState,
    pub paid_until: Option<DateTime<Utc>>,
    pub auto_renew: bool,
    pub renewal_months: Option<i64>,
    pub saved_method_id: Option<i64>,
    pub renewal_failed_on: Option<NaiveDate>,
    pub renewal_held: Option<String>,
}

const RENEWAL_COLS: &str = "id, client_id, service_id, state, paid_until, auto_renew, renewal_months, saved_method_id,
    renewal_failed_on, renewal_held";

macro_rules! sql {
    ($($part:expr),+ $(,)?) => { sqlx::AssertSqlSafe([$($part),+].concat()) };
}

pub async fn renewal(conn: &mut Conn, id: i64) -> Result<Option<RenewalRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", RENEWAL_COLS, " FROM subscriptions WHERE id = $1"))
        .bind(id).fetch_optional(db).await)?)
}

/// Active auto-renewing subscriptions paid until before `until`.
pub async fn renewing_before(conn: &mut Conn, until: DateTime<Utc>) -> Result<Vec<RenewalRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", RENEWAL_COLS,
        " FROM subscriptions WHERE style = 'paid_period' AND auto_renew AND state = 'active' AND paid_until < $1
          ORDER BY paid_until, id"))
        .bind(until).fetch_all(db).await)?)
}

/// The client's paid-period subscriptions that renew automatically.
pub async fn renewing_of_client(conn: &mut Conn, client_id: i64) -> Result<Vec<RenewalRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", RENEWAL_COLS,
        " FROM subscriptions WHERE client_id = $1 AND style = 'paid_period' AND auto_renew
          AND state IN ('active', 'expired') ORDER BY id"))
        .bind(client_id).fetch_all(db).await)?)
}

/// Services held back by a blocked credit limit (CRD-4 re-enables them).
pub async fn held_by_credit(conn: &mut Conn, client_id: i64) -> Result<Vec<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "SELECT id FROM subscriptions WHERE client_id = $1 AND renewal_held = 'credit_blocked' ORDER BY id")
        .bind(client_id).fetch_all(db).await)?)
}

pub async fn set_saved_method(conn: &mut Conn, id: i64, saved_method_id: Option<i64>) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE subscriptions SET saved_method_id = $2 WHERE id = $1")
        .bind(id).bind(saved_method_id).execute(db).await)?;
    Ok(())
}

/// Records how the last renewal went: the day it failed (or `None`), and
/// what holds it back (or `None`).
pub async fn set_renewal_outcome(conn: &mut Conn, id: i64, failed_on: Option<NaiveDate>, held: Option<&str>) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE subscriptions SET renewal_failed_on = $2, renewal_held = $3 WHERE id = $1")
        .bind(id).bind(failed_on).bind(held).execute(db).await)?;
    Ok(())
}

/// Claims the day's attempt for a subscription: false when one was made.
pub async fn claim_attempt(
    conn: &mut Conn,
    sub: i64,
    day: NaiveDate,
    client_id: i64,
    source: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = exec_db!(conn, db => sqlx::query(
        "INSERT INTO renewal_attempts (subscription_id, day, client_id, source, outcome, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'pending', $5, $5) ON CONFLICT DO NOTHING")
        .bind(sub).bind(day).bind(client_id).bind(source).bind(now).execute(db).await)?;
    Ok(n == 1)
}

/// Closes the subscription's pending attempts with how they ended.
pub async fn finish_pending_attempts(
    conn: &mut Conn,
    sub: i64,
    outcome: &str,
    reason: &str,
    payment_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE renewal_attempts SET outcome = $2, reason = $3, payment_id = COALESCE($4, payment_id), updated_at = $5
         WHERE subscription_id = $1 AND outcome = 'pending'")
        .bind(sub).bind(outcome).bind(reason).bind(payment_id).bind(now).execute(db).await)?;
    Ok(())
}
