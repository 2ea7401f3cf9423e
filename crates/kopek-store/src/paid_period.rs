//! The columns of paid-period subscriptions (hosting style): valid until a
//! date, renewed for a number of months, automatically or by hand.

use chrono::{DateTime, Utc};

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
