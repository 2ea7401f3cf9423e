//! Set-based statements for the nightly run: a batch of clients is read in
//! a few statements and its charges written in one statement per table. On
//! PostgreSQL the rows travel as arrays (`UNNEST`), on SQLite as one JSON
//! array (`json_each`), so a statement's size never depends on the batch.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use kopek_domain::ledger::EntryKind;
use serde_json::{Value, json};

use crate::clients::ClientRow;
use crate::ledger::PaymentRow;
use crate::subscriptions::SubscriptionRow;
use crate::{Conn, DbRef, Result, StoreError};

/// Time as SQLite stores it through sqlx, so text comparisons hold.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

fn ids_json(ids: &[i64]) -> String {
    serde_json::to_string(ids).expect("ids serialise")
}

/// Reads many rows from SQLite as one JSON array: handing rows one by one
/// from sqlx's SQLite thread costs more than the query itself.
async fn aggregated(db: &mut sqlx::SqliteConnection, cols: &str, from: &str, ids: &[i64]) -> Result<Vec<Vec<Value>>> {
    let sql = format!("SELECT json_group_array(json_array({cols})) FROM (SELECT {cols} FROM {from})");
    let json: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(ids_json(ids)).fetch_one(db).await?;
    serde_json::from_str(&json).map_err(|e| corrupt(&format!("aggregated rows: {e}")))
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

fn int(v: &Value) -> Result<i64> {
    v.as_i64().ok_or_else(|| corrupt(&format!("expected an integer, found {v}")))
}

fn text(v: &Value) -> Result<String> {
    v.as_str().map(str::to_string).ok_or_else(|| corrupt(&format!("expected text, found {v}")))
}

/// A stored name decoded into its enum.
fn named<T: TryFrom<String, Error = kopek_domain::stored::UnknownStored>>(v: &Value) -> Result<T> {
    T::try_from(text(v)?).map_err(|e| corrupt(&e.to_string()))
}

fn time(v: &Value) -> Result<Option<DateTime<Utc>>> {
    match v.as_str() {
        None => Ok(None),
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| corrupt(&format!("expected a time, found {s:?}"))),
    }
}

fn date(v: &Value) -> Result<Option<NaiveDate>> {
    match v.as_str() {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| corrupt(&format!("expected a date, found {s:?}"))),
    }
}

/// Every client with a subscription due on or before `day`, in id order,
/// leaving out what is due on `day` itself for the `waiting` services
/// (those whose charge moment of the night has not come yet, CAT-7).
pub async fn clients_due(conn: &mut Conn, day: NaiveDate, waiting: &[i64]) -> Result<Vec<i64>> {
    Ok(match conn.db() {
        DbRef::Pg(db) => {
            sqlx::query_scalar(
                "SELECT DISTINCT client_id FROM subscriptions
                 WHERE next_charge_on < $1 OR (next_charge_on = $1 AND service_id <> ALL($2)) ORDER BY client_id",
            )
            .bind(day)
            .bind(waiting)
            .fetch_all(db)
            .await?
        }
        DbRef::Sqlite(db) => {
            let json: String = sqlx::query_scalar(
                "SELECT json_group_array(client_id) FROM
                   (SELECT DISTINCT client_id FROM subscriptions
                    WHERE next_charge_on < $1 OR (next_charge_on = $1 AND service_id NOT IN (SELECT value FROM json_each($2)))
                    ORDER BY client_id)",
            )
            .bind(day)
            .bind(ids_json(waiting))
            .fetch_one(db)
            .await?;
            serde_json::from_str(&json).map_err(|e| corrupt(&format!("due clients: {e}")))?
        }
    })
}

/// The batch's clients, locked on PostgreSQL (SQLite's writer lock is held).
pub async fn lock_clients(conn: &mut Conn, ids: &[i64]) -> Result<Vec<ClientRow>> {
    const COLS: &str = "id, code, name, country, currency, balance, credit_limit, disconnect_threshold, state, created_at, loyalty_percent, credit_blocked";
    Ok(match conn.db() {
        DbRef::Pg(db) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM clients WHERE id = ANY($1) ORDER BY id FOR UPDATE")))
                .bind(ids)
                .fetch_all(db)
                .await?
        }
        DbRef::Sqlite(db) => {
            let rows = aggregated(db, COLS, "clients WHERE id IN (SELECT value FROM json_each($1)) ORDER BY id", ids).await?;
            rows.iter()
                .map(|r| -> Result<ClientRow> {
                    Ok(ClientRow {
                        id: int(&r[0])?,
                        code: text(&r[1])?,
                        name: text(&r[2])?,
                        country: text(&r[3])?,
                        currency: text(&r[4])?,
                        balance: int(&r[5])?,
                        credit_limit: int(&r[6])?,
                        disconnect_threshold: int(&r[7])?,
                        state: named(&r[8])?,
                        created_at: time(&r[9])?.ok_or_else(|| corrupt("clients.created_at"))?,
                        loyalty_percent: int(&r[10])?,
                        credit_blocked: int(&r[11])? != 0,
                    })
                })
                .collect::<Result<_>>()?
        }
    })
}

pub async fn subscriptions_of(conn: &mut Conn, ids: &[i64]) -> Result<Vec<SubscriptionRow>> {
    const COLS: &str =
        "id, client_id, service_id, tariff_id, parent_id, state, connected_at, charging_from, stopped_at, charged_until,
        next_charge_on, anchor_date, discount_percent, activations, last_activation_at, minutes_used, charged_total,
        style, paid_until, auto_renew, renewal_months, created_at";
    Ok(match conn.db() {
        DbRef::Pg(db) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLS} FROM subscriptions WHERE client_id = ANY($1) ORDER BY client_id, id"
            )))
            .bind(ids)
            .fetch_all(db)
            .await?
        }
        DbRef::Sqlite(db) => {
            let from = "subscriptions WHERE client_id IN (SELECT value FROM json_each($1)) ORDER BY client_id, id";
            let rows = aggregated(db, COLS, from, ids).await?;
            rows.iter()
                .map(|r| -> Result<SubscriptionRow> {
                    Ok(SubscriptionRow {
                        id: int(&r[0])?,
                        client_id: int(&r[1])?,
                        service_id: int(&r[2])?,
                        tariff_id: r[3].as_i64(),
                        parent_id: r[4].as_i64(),
                        state: named(&r[5])?,
                        connected_at: time(&r[6])?.ok_or_else(|| corrupt("subscriptions.connected_at"))?,
                        charging_from: time(&r[7])?,
                        stopped_at: time(&r[8])?,
                        charged_until: time(&r[9])?,
                        next_charge_on: date(&r[10])?,
                        anchor_date: date(&r[11])?,
                        discount_percent: int(&r[12])?,
                        activations: int(&r[13])?,
                        last_activation_at: time(&r[14])?,
                        minutes_used: int(&r[15])?,
                        charged_total: int(&r[16])?,
                        style: named(&r[17])?,
                        paid_until: time(&r[18])?,
                        auto_renew: int(&r[19])? != 0,
                        renewal_months: r[20].as_i64(),
                        created_at: time(&r[21])?.ok_or_else(|| corrupt("subscriptions.created_at"))?,
                    })
                })
                .collect::<Result<_>>()?
        }
    })
}

/// Credited payments with money left, oldest first per client.
pub async fn open_payments_of(conn: &mut Conn, ids: &[i64]) -> Result<Vec<PaymentRow>> {
    const COLS: &str = "id, client_id, number, method, amount, currency, status, unallocated, comment, created_at, credited_at";
    const WHERE: &str = "status = 'credited' AND unallocated > 0";
    Ok(match conn.db() {
        DbRef::Pg(db) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLS} FROM payments WHERE client_id = ANY($1) AND {WHERE} ORDER BY client_id, credited_at, id"
            )))
            .bind(ids)
            .fetch_all(db)
            .await?
        }
        DbRef::Sqlite(db) => {
            let from = format!(
                "payments WHERE client_id IN (SELECT value FROM json_each($1)) AND {WHERE} ORDER BY client_id, credited_at, id"
            );
            let rows = aggregated(db, COLS, &from, ids).await?;
            rows.iter()
                .map(|r| -> Result<PaymentRow> {
                    Ok(PaymentRow {
                        id: int(&r[0])?,
                        client_id: int(&r[1])?,
                        number: r[2].as_str().map(str::to_string),
                        method: text(&r[3])?,
                        amount: int(&r[4])?,
                        currency: text(&r[5])?,
                        status: named(&r[6])?,
                        unallocated: int(&r[7])?,
                        comment: text(&r[8])?,
                        created_at: time(&r[9])?.ok_or_else(|| corrupt("payments.created_at"))?,
                        credited_at: time(&r[10])?,
                    })
                })
                .collect::<Result<_>>()?
        }
    })
}

/// Clients of the batch that have an unpaid expense.
pub async fn clients_with_debt(conn: &mut Conn, ids: &[i64]) -> Result<Vec<i64>> {
    Ok(match conn.db() {
        DbRef::Pg(db) => {
            sqlx::query_scalar(
                "SELECT DISTINCT client_id FROM expenses WHERE client_id = ANY($1) AND status = 'posted' AND unpaid > 0",
            )
            .bind(ids)
            .fetch_all(db)
            .await?
        }
        DbRef::Sqlite(db) => {
            sqlx::query_scalar(
                "SELECT DISTINCT client_id FROM expenses WHERE client_id IN (SELECT value FROM json_each($1))
             AND status = 'posted' AND unpaid > 0",
            )
            .bind(ids_json(ids))
            .fetch_all(db)
            .await?
        }
    })
}

/// `n` fresh expense ids. SQLite's writer lock makes the next ones ours;
/// PostgreSQL hands out distinct ones from the sequence.
pub async fn reserve_expense_ids(conn: &mut Conn, n: i64) -> Result<Vec<i64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    Ok(match conn.db() {
        DbRef::Pg(db) => {
            sqlx::query_scalar("SELECT nextval(pg_get_serial_sequence('expenses', 'id')) FROM generate_series(1, $1)")
                .bind(n)
                .fetch_all(db)
                .await?
        }
        DbRef::Sqlite(db) => {
            let last: i64 = sqlx::query_scalar(
                "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'expenses'), 0), COALESCE((SELECT MAX(id) FROM expenses), 0))")
                .fetch_one(db).await?;
            (last + 1..=last + n).collect()
        }
    })
}

pub struct ExpenseIn {
    pub id: i64,
    pub client_id: i64,
    pub name: String,
    pub amount: i64,
    pub tax: i64,
    /// The rate `tax` was computed at (ten-thousandths of a percent).
    pub vat_percent: i64,
    pub unpaid: i64,
    pub currency: String,
    pub charged_at: DateTime<Utc>,
}

pub struct ChargeIn {
    pub client_id: i64,
    pub subscription_id: i64,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub amount: i64,
    pub expense_id: Option<i64>,
}

pub struct AllocationIn {
    pub client_id: i64,
    pub payment_id: i64,
    pub expense_id: i64,
    pub amount: i64,
}

pub struct SubscriptionAdvance {
    pub id: i64,
    pub charged_until: Option<DateTime<Utc>>,
    pub next_charge_on: Option<NaiveDate>,
    pub add_to_total: i64,
}

/// Writes a batch's expenses with their entries (one per expense).
pub async fn insert_expenses(conn: &mut Conn, rows: &[ExpenseIn], now: DateTime<Utc>) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    match conn.db() {
        DbRef::Pg(db) => {
            let col = |f: fn(&ExpenseIn) -> i64| rows.iter().map(f).collect::<Vec<_>>();
            let (ids, clients, amounts, unpaid) = (col(|r| r.id), col(|r| r.client_id), col(|r| r.amount), col(|r| r.unpaid));
            let (taxes, rates) = (col(|r| r.tax), col(|r| r.vat_percent));
            let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
            let currencies: Vec<&str> = rows.iter().map(|r| r.currency.as_str()).collect();
            let at: Vec<DateTime<Utc>> = rows.iter().map(|r| r.charged_at).collect();
            sqlx::query(
                "INSERT INTO expenses (id, client_id, name, amount, tax, unpaid, currency, status, charged_at, created_at, vat_percent)
                 SELECT i, c, n, a, tx, u, cur, 'posted', t, $8, r
                 FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::TEXT[], $4::BIGINT[], $5::BIGINT[], $6::TEXT[], $7::TIMESTAMPTZ[], $9::BIGINT[],
                             $10::BIGINT[])
                      AS x(i, c, n, a, u, cur, t, tx, r)")
                .bind(&ids).bind(&clients).bind(&names).bind(&amounts).bind(&unpaid).bind(&currencies).bind(&at).bind(now).bind(&taxes)
                .bind(&rates)
                .execute(&mut *db).await?;
            let signed: Vec<i64> = rows.iter().map(|r| EntryKind::Expense.signed(r.amount)).collect();
            sqlx::query(
                "INSERT INTO ledger_entries (client_id, kind, amount, currency, expense_id, created_at)
                 SELECT c, $6, a, cur, i, $5
                 FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::BIGINT[], $4::TEXT[]) AS x(i, c, a, cur)",
            )
            .bind(&ids)
            .bind(&clients)
            .bind(&signed)
            .bind(&currencies)
            .bind(now)
            .bind(EntryKind::Expense.as_str())
            .execute(db)
            .await?;
        }
        DbRef::Sqlite(db) => {
            let data: Vec<Value> = rows
                .iter()
                .map(|r| {
                    let signed = EntryKind::Expense.signed(r.amount);
                    json!([
                        r.id,
                        r.client_id,
                        r.name,
                        r.amount,
                        r.unpaid,
                        r.currency,
                        ts(r.charged_at),
                        r.tax,
                        signed,
                        r.vat_percent
                    ])
                })
                .collect();
            let data = Value::Array(data).to_string();
            sqlx::query(
                "INSERT INTO expenses (id, client_id, name, amount, tax, unpaid, currency, status, charged_at, created_at, vat_percent)
                 SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 7, value ->> 4, value ->> 5, 'posted', value ->> 6, $2,
                        value ->> 9
                 FROM json_each($1)")
                .bind(&data).bind(ts(now)).execute(&mut *db).await?;
            sqlx::query(
                "INSERT INTO ledger_entries (client_id, kind, amount, currency, expense_id, created_at)
                 SELECT value ->> 1, $3, value ->> 8, value ->> 5, value ->> 0, $2 FROM json_each($1)",
            )
            .bind(&data)
            .bind(ts(now))
            .bind(EntryKind::Expense.as_str())
            .execute(db)
            .await?;
        }
    }
    Ok(())
}

/// Writes a batch's charge rows; a period charged before makes the whole
/// batch fail (the run read them under the clients' locks, so it can't).
pub async fn insert_charges(conn: &mut Conn, rows: &[ChargeIn], run_date: NaiveDate, now: DateTime<Utc>) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    match conn.db() {
        DbRef::Pg(db) => {
            let clients: Vec<i64> = rows.iter().map(|r| r.client_id).collect();
            let subs: Vec<i64> = rows.iter().map(|r| r.subscription_id).collect();
            let starts: Vec<DateTime<Utc>> = rows.iter().map(|r| r.period_start).collect();
            let ends: Vec<DateTime<Utc>> = rows.iter().map(|r| r.period_end).collect();
            let amounts: Vec<i64> = rows.iter().map(|r| r.amount).collect();
            let expenses: Vec<Option<i64>> = rows.iter().map(|r| r.expense_id).collect();
            sqlx::query(
                "INSERT INTO charges (client_id, subscription_id, period_start, period_end, amount, expense_id, run_date, created_at)
                 SELECT c, s, ps, pe, a, e, $7, $8
                 FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::TIMESTAMPTZ[], $4::TIMESTAMPTZ[], $5::BIGINT[], $6::BIGINT[])
                      AS x(c, s, ps, pe, a, e)")
                .bind(&clients).bind(&subs).bind(&starts).bind(&ends).bind(&amounts).bind(&expenses).bind(run_date).bind(now)
                .execute(db).await?;
        }
        DbRef::Sqlite(db) => {
            let data: Vec<Value> = rows
                .iter()
                .map(|r| json!([r.client_id, r.subscription_id, ts(r.period_start), ts(r.period_end), r.amount, r.expense_id]))
                .collect();
            sqlx::query(
                "INSERT INTO charges (client_id, subscription_id, period_start, period_end, amount, expense_id, run_date, created_at)
                 SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, $2, $3 FROM json_each($1)")
                .bind(Value::Array(data).to_string()).bind(run_date).bind(ts(now)).execute(db).await?;
        }
    }
    Ok(())
}

pub async fn insert_allocations(conn: &mut Conn, rows: &[AllocationIn], now: DateTime<Utc>) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    match conn.db() {
        DbRef::Pg(db) => {
            let col = |f: fn(&AllocationIn) -> i64| rows.iter().map(f).collect::<Vec<_>>();
            sqlx::query(
                "INSERT INTO allocations (client_id, payment_id, expense_id, amount, created_at)
                 SELECT c, p, e, a, $5 FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::BIGINT[], $4::BIGINT[]) AS x(c, p, e, a)",
            )
            .bind(col(|r| r.client_id))
            .bind(col(|r| r.payment_id))
            .bind(col(|r| r.expense_id))
            .bind(col(|r| r.amount))
            .bind(now)
            .execute(db)
            .await?;
        }
        DbRef::Sqlite(db) => {
            let data: Vec<Value> = rows.iter().map(|r| json!([r.client_id, r.payment_id, r.expense_id, r.amount])).collect();
            sqlx::query(
                "INSERT INTO allocations (client_id, payment_id, expense_id, amount, created_at)
                 SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, $2 FROM json_each($1)",
            )
            .bind(Value::Array(data).to_string())
            .bind(ts(now))
            .execute(db)
            .await?;
        }
    }
    Ok(())
}

/// Adds `delta` to a column of many rows of one table at once. `table` and
/// `column` come from the callers below, never from input. Deltas of one
/// row are summed first: an `UPDATE … FROM` applies one joined row only.
async fn add_many(conn: &mut Conn, table: &str, column: &str, deltas: &[(i64, i64)]) -> Result<()> {
    let mut summed: std::collections::BTreeMap<i64, i64> = std::collections::BTreeMap::new();
    for (id, d) in deltas {
        *summed.entry(*id).or_default() += d;
    }
    let deltas: Vec<(i64, i64)> = summed.into_iter().filter(|(_, d)| *d != 0).collect();
    if deltas.is_empty() {
        return Ok(());
    }
    match conn.db() {
        DbRef::Pg(db) => {
            let ids: Vec<i64> = deltas.iter().map(|d| d.0).collect();
            let ds: Vec<i64> = deltas.iter().map(|d| d.1).collect();
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE {table} SET {column} = {table}.{column} + v.d FROM UNNEST($1::BIGINT[], $2::BIGINT[]) AS v(id, d)
                 WHERE {table}.id = v.id"
            )))
            .bind(ids)
            .bind(ds)
            .execute(db)
            .await?;
        }
        DbRef::Sqlite(db) => {
            let data = serde_json::to_string(&deltas.iter().map(|(i, d)| [*i, *d]).collect::<Vec<_>>()).expect("serialise");
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE {table} SET {column} = {column} + v.d
                 FROM (SELECT value ->> 0 AS id, value ->> 1 AS d FROM json_each($1)) AS v WHERE {table}.id = v.id"
            )))
            .bind(data)
            .execute(db)
            .await?;
        }
    }
    Ok(())
}

pub async fn add_to_balances(conn: &mut Conn, deltas: &[(i64, i64)]) -> Result<()> {
    add_many(conn, "clients", "balance", deltas).await
}

pub async fn add_to_unallocated(conn: &mut Conn, deltas: &[(i64, i64)]) -> Result<()> {
    add_many(conn, "payments", "unallocated", deltas).await
}

pub async fn advance_subscriptions(conn: &mut Conn, rows: &[SubscriptionAdvance]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    match conn.db() {
        DbRef::Pg(db) => {
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            let until: Vec<Option<DateTime<Utc>>> = rows.iter().map(|r| r.charged_until).collect();
            let next: Vec<Option<NaiveDate>> = rows.iter().map(|r| r.next_charge_on).collect();
            let add: Vec<i64> = rows.iter().map(|r| r.add_to_total).collect();
            sqlx::query(
                "UPDATE subscriptions SET charged_until = v.u, next_charge_on = v.n, charged_total = subscriptions.charged_total + v.a
                 FROM UNNEST($1::BIGINT[], $2::TIMESTAMPTZ[], $3::DATE[], $4::BIGINT[]) AS v(id, u, n, a)
                 WHERE subscriptions.id = v.id")
                .bind(ids).bind(until).bind(next).bind(add).execute(db).await?;
        }
        DbRef::Sqlite(db) => {
            let data: Vec<Value> = rows
                .iter()
                .map(|r| json!([r.id, r.charged_until.map(ts), r.next_charge_on.map(|d| d.to_string()), r.add_to_total]))
                .collect();
            sqlx::query(
                "UPDATE subscriptions SET charged_until = v.u, next_charge_on = v.n, charged_total = charged_total + v.a
                 FROM (SELECT value ->> 0 AS id, value ->> 1 AS u, value ->> 2 AS n, value ->> 3 AS a FROM json_each($1)) AS v
                 WHERE subscriptions.id = v.id",
            )
            .bind(Value::Array(data).to_string())
            .execute(db)
            .await?;
        }
    }
    Ok(())
}
