//! Subscriptions (a service a client has), their state history, their
//! charges (one per subscription and period) and their usage records.

use chrono::{DateTime, NaiveDate, Utc};

use kopek_domain::account::{PromisedStatus, SubscriptionState, SubscriptionStyle};
use kopek_domain::charging::usage::UsageKind;

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SubscriptionRow {
    pub id: i64,
    pub client_id: i64,
    pub service_id: i64,
    pub tariff_id: Option<i64>,
    pub parent_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub state: SubscriptionState,
    pub connected_at: DateTime<Utc>,
    pub charging_from: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub charged_until: Option<DateTime<Utc>>,
    pub next_charge_on: Option<NaiveDate>,
    pub anchor_date: Option<NaiveDate>,
    pub discount_percent: i64,
    pub activations: i64,
    pub last_activation_at: Option<DateTime<Utc>>,
    pub minutes_used: i64,
    pub charged_total: i64,
    #[sqlx(try_from = "String")]
    pub style: SubscriptionStyle,
    pub paid_until: Option<DateTime<Utc>>,
    pub auto_renew: bool,
    pub renewal_months: Option<i64>,
    pub created_at: DateTime<Utc>,
}

macro_rules! sql {
    ($($part:expr),+ $(,)?) => { sqlx::AssertSqlSafe([$($part),+].concat()) };
}

const COLS: &str =
    "id, client_id, service_id, tariff_id, parent_id, state, connected_at, charging_from, stopped_at, charged_until,
    next_charge_on, anchor_date, discount_percent, activations, last_activation_at, minutes_used, charged_total,
    style, paid_until, auto_renew, renewal_months, created_at";

pub struct NewSubscription {
    pub client_id: i64,
    pub service_id: i64,
    pub tariff_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub state: SubscriptionState,
    pub connected_at: DateTime<Utc>,
    pub charging_from: Option<DateTime<Utc>>,
    pub next_charge_on: Option<NaiveDate>,
    pub anchor_date: Option<NaiveDate>,
    pub discount_percent: i64,
    pub activations: i64,
}

pub async fn insert(conn: &mut Conn, s: &NewSubscription) -> Result<SubscriptionRow> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(
        "INSERT INTO subscriptions (client_id, service_id, tariff_id, state, connected_at, charging_from, next_charge_on,
            anchor_date, discount_percent, activations, last_activation_at, created_at, parent_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $10 > 0 THEN $5 ELSE NULL END, $5, $11) RETURNING ", COLS))
        .bind(s.client_id).bind(s.service_id).bind(s.tariff_id).bind(s.state.as_str()).bind(s.connected_at)
        .bind(s.charging_from).bind(s.next_charge_on).bind(s.anchor_date).bind(s.discount_percent).bind(s.activations)
        .bind(s.parent_id).fetch_one(db).await)?)
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<SubscriptionRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", COLS, " FROM subscriptions WHERE id = $1"))
        .bind(id).fetch_optional(db).await)?)
}

pub async fn of_client(conn: &mut Conn, client_id: i64) -> Result<Vec<SubscriptionRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", COLS, " FROM subscriptions WHERE client_id = $1 ORDER BY id"))
        .bind(client_id).fetch_all(db).await)?)
}

/// Records what was charged: the end of the last charged period, the next
/// run date that has something due, and the running total.
pub async fn advance(
    conn: &mut Conn,
    id: i64,
    charged_until: Option<DateTime<Utc>>,
    next_charge_on: Option<NaiveDate>,
    add_to_total: i64,
) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE subscriptions SET charged_until = $2, next_charge_on = $3, charged_total = charged_total + $4 WHERE id = $1")
        .bind(id).bind(charged_until).bind(next_charge_on).bind(add_to_total).execute(db).await)?;
    Ok(())
}

pub async fn set_state(conn: &mut Conn, id: i64, state: SubscriptionState, stopped_at: Option<DateTime<Utc>>) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE subscriptions SET state = $2, stopped_at = COALESCE($3, stopped_at) WHERE id = $1")
        .bind(id).bind(state.as_str()).bind(stopped_at).execute(db).await)?;
    Ok(())
}

pub async fn set_next_charge_on(conn: &mut Conn, id: i64, next: Option<NaiveDate>) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE subscriptions SET next_charge_on = $2 WHERE id = $1")
        .bind(id).bind(next).execute(db).await)?;
    Ok(())
}

/// CAT-3: the first session starts charging (and counts an activation).
pub async fn start_charging(conn: &mut Conn, id: i64, from: DateTime<Utc>, next: NaiveDate) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE subscriptions SET charging_from = $2, next_charge_on = $3 WHERE id = $1 AND charging_from IS NULL")
        .bind(id).bind(from).bind(next).execute(db).await)?;
    Ok(())
}

pub async fn count_activation(conn: &mut Conn, id: i64, at: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE subscriptions SET activations = activations + 1, last_activation_at = $2 WHERE id = $1")
        .bind(id).bind(at).execute(db).await)?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HistoryRow {
    pub id: i64,
    pub subscription_id: i64,
    pub at: DateTime<Utc>,
    pub state_from: Option<String>,
    pub state_to: String,
    pub reason: String,
    pub actor: String,
}

#[allow(clippy::too_many_arguments, reason = "one argument per column of subscription_history")]
pub async fn record_state(
    conn: &mut Conn,
    subscription_id: i64,
    client_id: i64,
    at: DateTime<Utc>,
    from: Option<SubscriptionState>,
    to: SubscriptionState,
    reason: &str,
    actor: &str,
) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO subscription_history (subscription_id, client_id, at, state_from, state_to, reason, actor)
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(subscription_id).bind(client_id).bind(at).bind(from.map(SubscriptionState::as_str)).bind(to.as_str()).bind(reason).bind(actor)
        .execute(db).await)?;
    Ok(())
}

pub async fn history(conn: &mut Conn, subscription_id: i64) -> Result<Vec<HistoryRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, subscription_id, at, state_from, state_to, reason, actor FROM subscription_history
         WHERE subscription_id = $1 ORDER BY id")
        .bind(subscription_id).fetch_all(db).await)?)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChargeRow {
    pub id: i64,
    pub client_id: i64,
    pub subscription_id: i64,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub amount: i64,
    pub expense_id: Option<i64>,
    /// A discount service's bonus (a negative amount), as `expense_id` is a fee's.
    pub bonus_id: Option<i64>,
    pub run_date: NaiveDate,
}

pub struct NewCharge {
    pub client_id: i64,
    pub subscription_id: i64,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub amount: i64,
    pub expense_id: Option<i64>,
    pub run_date: NaiveDate,
    pub created_at: DateTime<Utc>,
}

/// Records a period's charge; `None` when that period was charged before.
pub async fn insert_charge(conn: &mut Conn, c: &NewCharge) -> Result<Option<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "INSERT INTO charges (client_id, subscription_id, period_start, period_end, amount, expense_id, run_date, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (subscription_id, period_start) DO NOTHING RETURNING id")
        .bind(c.client_id).bind(c.subscription_id).bind(c.period_start).bind(c.period_end).bind(c.amount)
        .bind(c.expense_id).bind(c.run_date).bind(c.created_at).fetch_optional(db).await)?)
}

pub async fn charges_of(conn: &mut Conn, subscription_id: i64) -> Result<Vec<ChargeRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, client_id, subscription_id, period_start, period_end, amount, expense_id, bonus_id, run_date FROM charges
         WHERE subscription_id = $1 ORDER BY period_start")
        .bind(subscription_id).fetch_all(db).await)?)
}

pub async fn charges_of_client(conn: &mut Conn, client_id: i64) -> Result<Vec<ChargeRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, client_id, subscription_id, period_start, period_end, amount, expense_id, bonus_id, run_date FROM charges
         WHERE client_id = $1 ORDER BY id")
        .bind(client_id).fetch_all(db).await)?)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UsageRow {
    pub id: i64,
    pub subscription_id: i64,
    pub record_id: String,
    #[sqlx(try_from = "String")]
    pub kind: UsageKind,
    pub class: String,
    pub quantity: i64,
    pub recorded_at: DateTime<Utc>,
    /// CAT-5: used in roaming.
    pub roaming: bool,
}

pub struct NewUsage<'a> {
    pub client_id: i64,
    pub subscription_id: i64,
    pub record_id: &'a str,
    pub kind: UsageKind,
    pub class: &'a str,
    pub quantity: i64,
    pub recorded_at: DateTime<Utc>,
    pub roaming: bool,
}

/// CHG-6: (subscription, client, connected at) of each of `ids` that
/// exists, read in one statement.
pub async fn owners(conn: &mut Conn, ids: &[i64]) -> Result<Vec<(i64, i64, DateTime<Utc>)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // Integers only: written into the statement, not bound, so a batch of
    // any size is one statement on either backend.
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    Ok(on_db!(conn, db => sqlx::query_as(sql!(
        "SELECT id, client_id, connected_at FROM subscriptions WHERE id IN (", list.as_str(), ")"))
        .fetch_all(db).await)?)
}

/// CHG-6: stores usage records, a thousand to a statement; a record whose
/// id its subscription took before (in an earlier batch or earlier in this
/// one) is skipped. Answers how many were stored.
pub async fn insert_usage_many(conn: &mut Conn, rows: &[NewUsage<'_>]) -> Result<u64> {
    const COLUMNS: usize = 8;
    let mut stored = 0;
    for chunk in rows.chunks(1000) {
        let values: Vec<String> = (0..chunk.len())
            .map(|r| {
                let marks: Vec<String> = (1..=COLUMNS).map(|c| format!("${}", r * COLUMNS + c)).collect();
                format!("({})", marks.join(", "))
            })
            .collect();
        let text = format!(
            "INSERT INTO usage_records (client_id, subscription_id, record_id, kind, class, quantity, recorded_at, roaming)
             VALUES {} ON CONFLICT (subscription_id, record_id) DO NOTHING",
            values.join(", ")
        );
        stored += exec_db!(conn, db => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(text.clone()));
            for u in chunk {
                q = q.bind(u.client_id).bind(u.subscription_id).bind(u.record_id).bind(u.kind.as_str()).bind(u.class)
                    .bind(u.quantity).bind(u.recorded_at).bind(u.roaming);
            }
            q.execute(db).await
        })?;
    }
    Ok(stored)
}

/// Usage of a subscription not yet charged, recorded before `until`.
pub async fn open_usage(conn: &mut Conn, subscription_id: i64, until: DateTime<Utc>) -> Result<Vec<UsageRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, subscription_id, record_id, kind, class, quantity, recorded_at, roaming FROM usage_records
         WHERE subscription_id = $1 AND charge_id IS NULL AND recorded_at < $2 ORDER BY id")
        .bind(subscription_id).bind(until).fetch_all(db).await)?)
}

pub async fn mark_usage_charged(conn: &mut Conn, subscription_id: i64, until: DateTime<Utc>, charge_id: i64) -> Result<u64> {
    Ok(exec_db!(conn, db => sqlx::query(
        "UPDATE usage_records SET charge_id = $3 WHERE subscription_id = $1 AND charge_id IS NULL AND recorded_at < $2")
        .bind(subscription_id).bind(until).bind(charge_id).execute(db).await)?)
}

/// CAT-5: the minutes a usage charge priced count towards the
/// subscription's minutes used (in stored units, exact like the quantities).
pub async fn add_charged_minutes(conn: &mut Conn, subscription_id: i64, charge_id: i64) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE subscriptions SET minutes_used = minutes_used + COALESCE((SELECT SUM(quantity) FROM usage_records
            WHERE subscription_id = $1 AND charge_id = $2 AND kind = 'minutes'), 0) WHERE id = $1")
        .bind(subscription_id).bind(charge_id).execute(db).await)?;
    Ok(())
}

/// CAT-11: a subscription that may have an activity window, with whether
/// its window was last told open.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WindowRow {
    pub id: i64,
    pub client_id: i64,
    pub service_id: i64,
    pub window_open: bool,
}

/// The active subscriptions of these services, with their window's state.
pub async fn windowed(conn: &mut Conn, service_ids: &[i64]) -> Result<Vec<WindowRow>> {
    if service_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = service_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    Ok(on_db!(conn, db => sqlx::query_as(sql!(
        "SELECT id, client_id, service_id, window_open FROM subscriptions WHERE state = 'active' AND service_id IN (", ids.as_str(),
        ") ORDER BY id"))
        .fetch_all(db).await)?)
}

/// Records that a subscription's window was told `open`; false when it
/// already was (another tick did it).
pub async fn set_window_open(conn: &mut Conn, id: i64, open: bool) -> Result<bool> {
    let n = exec_db!(conn, db => sqlx::query("UPDATE subscriptions SET window_open = $2 WHERE id = $1 AND window_open <> $2")
        .bind(id).bind(open).execute(db).await)?;
    Ok(n == 1)
}

/// What a charge's amount became: the expense of a fee, or the bonus of a
/// discount service (at most one of them), and the amount.
pub async fn set_charge_money(
    conn: &mut Conn,
    charge_id: i64,
    expense_id: Option<i64>,
    bonus_id: Option<i64>,
    amount: i64,
) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE charges SET expense_id = $2, bonus_id = $3, amount = $4 WHERE id = $1")
        .bind(charge_id).bind(expense_id).bind(bonus_id).bind(amount).execute(db).await)?;
    Ok(())
}

/// Restarts charging after a pause: a new activity from `from`, charged
/// from `charged_until` on.
pub async fn resume(
    conn: &mut Conn,
    id: i64,
    from: DateTime<Utc>,
    charged_until: Option<DateTime<Utc>>,
    next: Option<NaiveDate>,
) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE subscriptions SET state = 'active', charging_from = $2, stopped_at = NULL, charged_until = $3, next_charge_on = $4
         WHERE id = $1")
        .bind(id).bind(from).bind(charged_until).bind(next).execute(db).await)?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PromisedRow {
    pub id: i64,
    pub client_id: i64,
    pub payment_id: i64,
    pub amount: i64,
    pub taken_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    #[sqlx(try_from = "String")]
    pub status: PromisedStatus,
    pub closed_at: Option<DateTime<Utc>>,
}

pub async fn insert_promised(
    conn: &mut Conn,
    client_id: i64,
    payment_id: i64,
    amount: i64,
    taken_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<i64> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "INSERT INTO promised_payments (client_id, payment_id, amount, taken_at, expires_at, status)
         VALUES ($1, $2, $3, $4, $5, 'open') RETURNING id")
        .bind(client_id).bind(payment_id).bind(amount).bind(taken_at).bind(expires_at).fetch_one(db).await)?)
}

pub async fn open_promised(conn: &mut Conn, client_id: i64) -> Result<Option<PromisedRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, client_id, payment_id, amount, taken_at, expires_at, status, closed_at FROM promised_payments
         WHERE client_id = $1 AND status = 'open'")
        .bind(client_id).fetch_optional(db).await)?)
}

pub async fn promised_of(conn: &mut Conn, client_id: i64) -> Result<Vec<PromisedRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, client_id, payment_id, amount, taken_at, expires_at, status, closed_at FROM promised_payments
         WHERE client_id = $1 ORDER BY id")
        .bind(client_id).fetch_all(db).await)?)
}

/// Clients whose open promised payment expired by `now`.
pub async fn expired_promised(conn: &mut Conn, now: DateTime<Utc>) -> Result<Vec<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "SELECT client_id FROM promised_payments WHERE status = 'open' AND expires_at <= $1 ORDER BY client_id")
        .bind(now).fetch_all(db).await)?)
}

pub async fn close_promised(conn: &mut Conn, id: i64, status: PromisedStatus, at: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE promised_payments SET status = $2, closed_at = $3 WHERE id = $1")
        .bind(id).bind(status.as_str()).bind(at).execute(db).await)?;
    Ok(())
}

/// Whether any subscription of the client waits for money.
pub async fn has_waiting(conn: &mut Conn, client_id: i64) -> Result<bool> {
    let n: i64 = on_db!(conn, db => sqlx::query_scalar(
        "SELECT COUNT(*) FROM subscriptions WHERE client_id = $1 AND state IN ('blocked_for_debt', 'deactivated_by_threshold')")
        .bind(client_id).fetch_one(db).await)?;
    Ok(n > 0)
}

/// Moves the start of charging forward to `from` without changing the
/// state: time a subscription spent blocked is never charged.
pub async fn restart_charging(conn: &mut Conn, id: i64, from: DateTime<Utc>, next: Option<NaiveDate>) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "UPDATE subscriptions SET charging_from = $2, charged_until = $2, next_charge_on = $3 WHERE id = $1")
        .bind(id).bind(from).bind(next).execute(db).await)?;
    Ok(())
}

/// CAT-1 forsage: until when a subscription's boost runs, if one does.
pub async fn boost_until(conn: &mut Conn, id: i64) -> Result<Option<DateTime<Utc>>> {
    Ok(on_db!(conn, db => sqlx::query_scalar("SELECT boost_until FROM subscriptions WHERE id = $1")
        .bind(id).fetch_optional(db).await)?
    .flatten())
}

pub async fn set_boost_until(conn: &mut Conn, id: i64, until: Option<DateTime<Utc>>) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE subscriptions SET boost_until = $2 WHERE id = $1")
        .bind(id).bind(until).execute(db).await)?;
    Ok(())
}

/// Subscriptions whose boost is over by `now`: (subscription, client, when it ended).
pub async fn boosts_over(conn: &mut Conn, now: DateTime<Utc>) -> Result<Vec<(i64, i64, DateTime<Utc>)>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT id, client_id, boost_until FROM subscriptions WHERE boost_until IS NOT NULL AND boost_until <= $1 ORDER BY id")
        .bind(now).fetch_all(db).await)?)
}
