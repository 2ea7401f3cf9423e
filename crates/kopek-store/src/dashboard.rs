//! What the staff panel's dashboard counts (OPS-5): money in and charged
//! per provider day and currency, clients per state, the outbox's waiting
//! work. Each figure is one aggregate in the database, so the dashboard
//! costs the same with a thousand clients or a million charges a night.

use chrono::{DateTime, Utc};

use crate::{Conn, DbRef, Result, on_db};

macro_rules! sql {
    ($($part:expr),+ $(,)?) => { sqlx::AssertSqlSafe([$($part),+].concat()) };
}

/// A sum of one provider day in one currency: (day as days since
/// 1970-01-01 in provider time, currency, stored units).
pub type DaySum = (i64, String, i64);

/// `column` of `table` summed per provider day (`offset_seconds` east of
/// UTC) and currency, for rows whose `at` is in [from, to) and that `keep`.
async fn daily(
    conn: &mut Conn,
    table: &str,
    at: &str,
    keep: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    offset_seconds: i64,
) -> Result<Vec<DaySum>> {
    let tail = format!(
        " AS day, currency, SUM(amount) FROM {table} WHERE {at} >= $1 AND {at} < $2 AND {keep} GROUP BY 1, 2 ORDER BY 1, 2"
    );
    Ok(match conn.db() {
        DbRef::Pg(db) => {
            sqlx::query_as(sql!(
                "SELECT FLOOR((EXTRACT(EPOCH FROM ",
                at,
                ") + $3) / 86400)::BIGINT",
                &tail.replace("SUM(amount)", "SUM(amount)::BIGINT")
            ))
            .bind(from)
            .bind(to)
            .bind(offset_seconds)
            .fetch_all(db)
            .await?
        }
        DbRef::Sqlite(db) => {
            sqlx::query_as(sql!("SELECT (CAST(strftime('%s', ", at, ") AS INTEGER) + $3) / 86400", &tail))
                .bind(from)
                .bind(to)
                .bind(offset_seconds)
                .fetch_all(db)
                .await?
        }
    })
}

/// Money credited to balances, per provider day and currency.
pub async fn daily_money_in(conn: &mut Conn, from: DateTime<Utc>, to: DateTime<Utc>, offset_seconds: i64) -> Result<Vec<DaySum>> {
    daily(conn, "payments", "credited_at", "credited_at IS NOT NULL", from, to, offset_seconds).await
}

/// Expenses charged and not reversed, per provider day and currency.
pub async fn daily_charged(conn: &mut Conn, from: DateTime<Utc>, to: DateTime<Utc>, offset_seconds: i64) -> Result<Vec<DaySum>> {
    daily(conn, "expenses", "charged_at", "status = 'posted'", from, to, offset_seconds).await
}

/// How many clients are in each state.
pub async fn clients_by_state(conn: &mut Conn) -> Result<Vec<(String, i64)>> {
    Ok(on_db!(conn, db => sqlx::query_as("SELECT state, COUNT(*) FROM clients GROUP BY state ORDER BY state")
        .fetch_all(db).await)?)
}

/// The outbox's messages not done, per topic and status (pending, dead).
pub async fn outbox_waiting(conn: &mut Conn) -> Result<Vec<(String, String, i64)>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT topic, status, COUNT(*) FROM outbox WHERE status <> 'done' GROUP BY topic, status ORDER BY topic, status")
        .fetch_all(db).await)?)
}
