//! The credit-limit cycle's rows (CRD-1 … CRD-5): monthly invoices of last
//! month's unpaid expenses and the reminders sent for them. What is paid of
//! an invoice is read from its expenses' unpaid parts, so a payment, a
//! reversal or a refund moves it without a second record to keep in step.

use chrono::{DateTime, NaiveDate, Utc};

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InvoiceRow {
    pub id: i64,
    pub client_id: i64,
    pub cycle: String,
    pub issued_on: NaiveDate,
    pub expenses_from: DateTime<Utc>,
    pub expenses_to: DateTime<Utc>,
    pub amount: i64,
    pub currency: String,
    pub paid_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// What of the invoiced expenses is still unpaid now.
    pub remaining: i64,
}

macro_rules! sql {
    ($($part:expr),+ $(,)?) => { sqlx::AssertSqlSafe([$($part),+].concat()) };
}

const SELECT: &str = "SELECT i.id, i.client_id, i.cycle, i.issued_on, i.expenses_from, i.expenses_to, i.amount, i.currency,
    i.paid_at, i.created_at,
    CAST(COALESCE((SELECT SUM(e.unpaid) FROM expenses e WHERE e.client_id = i.client_id
        AND e.charged_at >= i.expenses_from AND e.charged_at < i.expenses_to AND e.unpaid > 0), 0) AS BIGINT) AS remaining
    FROM credit_invoices i";

/// Clients with a credit limit and what of their expenses charged in
/// [from, to) is unpaid, leaving out those already invoiced for `cycle`.
pub async fn uninvoiced(conn: &mut Conn, from: DateTime<Utc>, to: DateTime<Utc>, cycle: &str) -> Result<Vec<(i64, i64)>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT e.client_id, CAST(SUM(e.unpaid) AS BIGINT) FROM expenses e JOIN clients c ON c.id = e.client_id
         WHERE c.credit_limit > 0 AND e.unpaid > 0 AND e.charged_at >= $1 AND e.charged_at < $2
           AND NOT EXISTS (SELECT 1 FROM credit_invoices i WHERE i.client_id = e.client_id AND i.cycle = $3)
         GROUP BY e.client_id ORDER BY e.client_id")
        .bind(from).bind(to).bind(cycle).fetch_all(db).await)?)
}

pub struct NewInvoice<'a> {
    pub client_id: i64,
    pub cycle: &'a str,
    pub issued_on: NaiveDate,
    pub expenses_from: DateTime<Utc>,
    pub expenses_to: DateTime<Utc>,
    pub amount: i64,
    pub currency: &'a str,
}

/// Issues the invoice once per client and cycle: `None` when it exists.
pub async fn insert_invoice(conn: &mut Conn, i: &NewInvoice<'_>, now: DateTime<Utc>) -> Result<Option<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "INSERT INTO credit_invoices (client_id, cycle, issued_on, expenses_from, expenses_to, amount, currency, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (client_id, cycle) DO NOTHING RETURNING id")
        .bind(i.client_id).bind(i.cycle).bind(i.issued_on).bind(i.expenses_from).bind(i.expenses_to)
        .bind(i.amount).bind(i.currency).bind(now)
        .fetch_optional(db).await)?)
}

/// Clients with an invoice not yet seen paid.
pub async fn clients_with_open_invoices(conn: &mut Conn) -> Result<Vec<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "SELECT DISTINCT client_id FROM credit_invoices WHERE paid_at IS NULL ORDER BY client_id")
        .fetch_all(db).await)?)
}

/// Clients whose limit is blocked.
pub async fn blocked_clients(conn: &mut Conn) -> Result<Vec<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar("SELECT id FROM clients WHERE credit_blocked ORDER BY id")
        .fetch_all(db).await)?)
}

/// The client's invoices not yet seen paid, oldest first.
pub async fn open_invoices(conn: &mut Conn, client_id: i64) -> Result<Vec<InvoiceRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(SELECT, " WHERE i.client_id = $1 AND i.paid_at IS NULL ORDER BY i.id"))
        .bind(client_id).fetch_all(db).await)?)
}

/// Every invoice of the client, newest first.
pub async fn invoices(conn: &mut Conn, client_id: i64) -> Result<Vec<InvoiceRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(SELECT, " WHERE i.client_id = $1 ORDER BY i.id DESC"))
        .bind(client_id).fetch_all(db).await)?)
}

/// Every client's invoices, newest first, `limit` of them with ids below
/// `before`.
pub async fn recent_invoices(conn: &mut Conn, before: Option<i64>, limit: i64) -> Result<Vec<InvoiceRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(SELECT, " WHERE ($1 IS NULL OR i.id < $1) ORDER BY i.id DESC LIMIT $2"))
        .bind(before).bind(limit).fetch_all(db).await)?)
}

pub async fn mark_paid(conn: &mut Conn, id: i64, now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE credit_invoices SET paid_at = $2 WHERE id = $1 AND paid_at IS NULL")
        .bind(id).bind(now).execute(db).await)?;
    Ok(())
}

/// Records a reminder as sent; false when it already was.
pub async fn record_reminder(conn: &mut Conn, invoice_id: i64, kind: &str, day: NaiveDate) -> Result<bool> {
    let n = exec_db!(conn, db => sqlx::query(
        "INSERT INTO credit_reminders (invoice_id, kind, sent_on, client_id)
         VALUES ($1, $2, $3, (SELECT client_id FROM credit_invoices WHERE id = $1)) ON CONFLICT DO NOTHING")
        .bind(invoice_id).bind(kind).bind(day).execute(db).await)?;
    Ok(n == 1)
}

/// The reminders sent for an invoice: (kind, day), in order.
pub async fn reminders(conn: &mut Conn, invoice_id: i64) -> Result<Vec<(String, NaiveDate)>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT kind, sent_on FROM credit_reminders WHERE invoice_id = $1 ORDER BY sent_on, kind")
        .bind(invoice_id).fetch_all(db).await)?)
}

/// The client's expenses charged in [from, to): (when, amount), for the
/// dashboard's chart.
pub async fn expenses_between(
    conn: &mut Conn,
    client_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, i64)>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT charged_at, amount FROM expenses
         WHERE client_id = $1 AND charged_at >= $2 AND charged_at < $3 AND status = 'posted' ORDER BY charged_at, id")
        .bind(client_id).bind(from).bind(to).fetch_all(db).await)?)
}
