//! NTF-1: clients' low-balance thresholds and whether the current crossing
//! was told of (`migrations/*/0029_low_balance.sql`).

use chrono::{DateTime, Utc};

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct LowBalanceRow {
    pub client_id: i64,
    /// In stored units.
    pub threshold: i64,
    pub notified: bool,
}

pub async fn get(conn: &mut Conn, client_id: i64) -> Result<Option<LowBalanceRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT client_id, threshold, notified FROM low_balance_alerts WHERE client_id = $1")
        .bind(client_id).fetch_optional(db).await)?)
}

/// Sets the threshold. A new amount is a new watch: the client hears of it
/// if the balance is already below; the same amount keeps what was told.
pub async fn set(conn: &mut Conn, client_id: i64, threshold: i64, now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO low_balance_alerts (client_id, threshold, notified, updated_at) VALUES ($1, $2, FALSE, $3)
         ON CONFLICT (client_id) DO UPDATE SET threshold = excluded.threshold, updated_at = excluded.updated_at,
             notified = CASE WHEN low_balance_alerts.threshold = excluded.threshold
                             THEN low_balance_alerts.notified ELSE FALSE END")
        .bind(client_id).bind(threshold).bind(now).execute(db).await)?;
    Ok(())
}

/// Switches the notice off.
pub async fn clear(conn: &mut Conn, client_id: i64) -> Result<()> {
    exec_db!(conn, db => sqlx::query("DELETE FROM low_balance_alerts WHERE client_id = $1")
        .bind(client_id).execute(db).await)?;
    Ok(())
}

pub async fn set_notified(conn: &mut Conn, client_id: i64, notified: bool) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE low_balance_alerts SET notified = $2 WHERE client_id = $1")
        .bind(client_id).bind(notified).execute(db).await)?;
    Ok(())
}

/// The clients that set a threshold, by id.
pub async fn watched_clients(conn: &mut Conn) -> Result<Vec<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar("SELECT client_id FROM low_balance_alerts ORDER BY client_id")
        .fetch_all(db).await)?)
}
