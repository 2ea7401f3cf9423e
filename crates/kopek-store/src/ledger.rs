//! The money ledger's tables (LED-1 … LED-3): payments, expenses, immutable
//! entries and allocations. Only the engine's ledger use cases call these,
//! always inside a transaction that holds the client's lock.

use chrono::{DateTime, Utc};

use kopek_domain::account::{ExpenseStatus, PaymentStatus};
use kopek_domain::ledger::EntryKind;

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PaymentRow {
    pub id: i64,
    pub client_id: i64,
    pub number: Option<String>,
    pub method: String,
    pub amount: i64,
    pub currency: String,
    #[sqlx(try_from = "String")]
    pub status: PaymentStatus,
    pub unallocated: i64,
    pub comment: String,
    pub created_at: DateTime<Utc>,
    pub credited_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExpenseRow {
    pub id: i64,
    pub client_id: i64,
    pub name: String,
    pub amount: i64,
    pub tax: i64,
    pub unpaid: i64,
    pub currency: String,
    #[sqlx(try_from = "String")]
    pub status: ExpenseStatus,
    pub charged_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// LED-5: the VAT rate the tax was computed at, in ten-thousandths of a
    /// percent (20% is 200000); `None` for expenses written before rates
    /// were kept.
    pub vat_percent: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EntryRow {
    pub id: i64,
    pub client_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: EntryKind,
    pub amount: i64,
    pub currency: String,
    pub payment_id: Option<i64>,
    pub expense_id: Option<i64>,
    pub reverses_entry_id: Option<i64>,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AllocationRow {
    pub id: i64,
    pub client_id: i64,
    pub payment_id: i64,
    pub expense_id: i64,
    pub amount: i64,
    pub created_at: DateTime<Utc>,
}

/// Net allocation between one payment and one expense.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AllocationSum {
    pub payment_id: i64,
    pub expense_id: i64,
    pub amount: i64,
}

const PAYMENT_COLS: &str =
    "id, client_id, number, method, amount, currency, status, unallocated, comment, created_at, credited_at";
const EXPENSE_COLS: &str = "id, client_id, name, amount, tax, unpaid, currency, status, charged_at, created_at, vat_percent";
const ENTRY_COLS: &str = "id, client_id, kind, amount, currency, payment_id, expense_id, reverses_entry_id, reason, created_at";

macro_rules! sql {
    ($($part:expr),+ $(,)?) => { sqlx::AssertSqlSafe([$($part),+].concat()) };
}

pub struct NewPayment<'a> {
    pub client_id: i64,
    pub method: &'a str,
    pub amount: i64,
    pub currency: &'a str,
    pub status: PaymentStatus,
    pub comment: &'a str,
    pub created_at: DateTime<Utc>,
    pub credited_at: Option<DateTime<Utc>>,
}

/// Inserts a payment and gives it its number, `<method>/<id>` (LED-3).
pub async fn insert_payment(conn: &mut Conn, p: &NewPayment<'_>) -> Result<PaymentRow> {
    let unallocated = if p.credited_at.is_some() { p.amount } else { 0 };
    let id: i64 = on_db!(conn, db => sqlx::query_scalar(
        "INSERT INTO payments (client_id, method, amount, currency, status, unallocated, comment, created_at, credited_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .bind(p.client_id).bind(p.method).bind(p.amount).bind(p.currency).bind(p.status.as_str())
        .bind(unallocated).bind(p.comment).bind(p.created_at).bind(p.credited_at)
        .fetch_one(db).await)?;
    let number = format!("{}/{}", p.method, id);
    Ok(on_db!(conn, db => sqlx::query_as(sql!("UPDATE payments SET number = $2 WHERE id = $1 RETURNING ", PAYMENT_COLS))
        .bind(id).bind(number).fetch_one(db).await)?)
}

pub async fn payment(conn: &mut Conn, id: i64) -> Result<Option<PaymentRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", PAYMENT_COLS, " FROM payments WHERE id = $1"))
        .bind(id).fetch_optional(db).await)?)
}

pub async fn payments_of(conn: &mut Conn, client_id: i64) -> Result<Vec<PaymentRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", PAYMENT_COLS, " FROM payments WHERE client_id = $1 ORDER BY id"))
        .bind(client_id).fetch_all(db).await)?)
}

pub async fn set_payment_status(conn: &mut Conn, id: i64, status: PaymentStatus) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE payments SET status = $2 WHERE id = $1")
        .bind(id).bind(status.as_str()).execute(db).await)?;
    Ok(())
}

pub async fn add_to_unallocated(conn: &mut Conn, payment_id: i64, delta: i64) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE payments SET unallocated = unallocated + $2 WHERE id = $1")
        .bind(payment_id).bind(delta).execute(db).await)?;
    Ok(())
}

/// Credited payments of a client with money not yet allocated, oldest first.
pub async fn open_payments(conn: &mut Conn, client_id: i64) -> Result<Vec<PaymentRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", PAYMENT_COLS,
        " FROM payments WHERE client_id = $1 AND status = 'credited' AND unallocated > 0 ORDER BY credited_at, id"))
        .bind(client_id).fetch_all(db).await)?)
}

pub struct NewExpense<'a> {
    pub client_id: i64,
    pub name: &'a str,
    pub amount: i64,
    pub tax: i64,
    /// The rate `tax` was computed at, as [`ExpenseRow::vat_percent`].
    pub vat_percent: i64,
    pub currency: &'a str,
    pub charged_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_expense(conn: &mut Conn, e: &NewExpense<'_>) -> Result<ExpenseRow> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(
        "INSERT INTO expenses (client_id, name, amount, tax, unpaid, currency, status, charged_at, created_at, vat_percent)
         VALUES ($1, $2, $3, $4, $3, $5, 'posted', $6, $7, $8) RETURNING ", EXPENSE_COLS))
        .bind(e.client_id).bind(e.name).bind(e.amount).bind(e.tax).bind(e.currency)
        .bind(e.charged_at).bind(e.created_at).bind(e.vat_percent)
        .fetch_one(db).await)?)
}

pub async fn expense(conn: &mut Conn, id: i64) -> Result<Option<ExpenseRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", EXPENSE_COLS, " FROM expenses WHERE id = $1"))
        .bind(id).fetch_optional(db).await)?)
}

pub async fn expenses_of(conn: &mut Conn, client_id: i64) -> Result<Vec<ExpenseRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", EXPENSE_COLS, " FROM expenses WHERE client_id = $1 ORDER BY id"))
        .bind(client_id).fetch_all(db).await)?)
}

/// OPS-3: a page of a client's expenses in id order, after `after`.
pub async fn expenses_after(conn: &mut Conn, client_id: i64, after: i64, limit: i64) -> Result<Vec<ExpenseRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", EXPENSE_COLS,
        " FROM expenses WHERE client_id = $1 AND id > $2 ORDER BY id LIMIT $3"))
        .bind(client_id).bind(after).bind(limit).fetch_all(db).await)?)
}

/// Posted expenses of a client with an unpaid part, oldest charge first.
pub async fn open_expenses(conn: &mut Conn, client_id: i64) -> Result<Vec<ExpenseRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", EXPENSE_COLS,
        " FROM expenses WHERE client_id = $1 AND status = 'posted' AND unpaid > 0 ORDER BY charged_at, id"))
        .bind(client_id).fetch_all(db).await)?)
}

pub async fn set_expense_status(conn: &mut Conn, id: i64, status: ExpenseStatus) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE expenses SET status = $2 WHERE id = $1")
        .bind(id).bind(status.as_str()).execute(db).await)?;
    Ok(())
}

pub async fn add_to_unpaid(conn: &mut Conn, expense_id: i64, delta: i64) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE expenses SET unpaid = unpaid + $2 WHERE id = $1")
        .bind(expense_id).bind(delta).execute(db).await)?;
    Ok(())
}

pub struct NewEntry<'a> {
    pub client_id: i64,
    pub kind: &'a str,
    pub amount: i64,
    pub currency: &'a str,
    pub payment_id: Option<i64>,
    pub expense_id: Option<i64>,
    pub reverses_entry_id: Option<i64>,
    pub reason: &'a str,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_entry(conn: &mut Conn, e: &NewEntry<'_>) -> Result<EntryRow> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!(
        "INSERT INTO ledger_entries (client_id, kind, amount, currency, payment_id, expense_id, reverses_entry_id, reason, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ", ENTRY_COLS))
        .bind(e.client_id).bind(e.kind).bind(e.amount).bind(e.currency).bind(e.payment_id)
        .bind(e.expense_id).bind(e.reverses_entry_id).bind(e.reason).bind(e.created_at)
        .fetch_one(db).await)?)
}

pub async fn entries_of(conn: &mut Conn, client_id: i64) -> Result<Vec<EntryRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", ENTRY_COLS, " FROM ledger_entries WHERE client_id = $1 ORDER BY id"))
        .bind(client_id).fetch_all(db).await)?)
}

/// The entry that first posted a payment or an expense (not a reversal).
pub async fn original_entry(conn: &mut Conn, payment_id: Option<i64>, expense_id: Option<i64>) -> Result<Option<EntryRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", ENTRY_COLS,
        " FROM ledger_entries WHERE reverses_entry_id IS NULL
            AND (payment_id = $1 OR expense_id = $2) AND kind IN ('payment', 'bonus', 'expense') ORDER BY id LIMIT 1"))
        .bind(payment_id).bind(expense_id).fetch_optional(db).await)?)
}

pub async fn insert_allocation(
    conn: &mut Conn,
    client_id: i64,
    payment_id: i64,
    expense_id: i64,
    amount: i64,
    at: DateTime<Utc>,
) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO allocations (client_id, payment_id, expense_id, amount, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(client_id).bind(payment_id).bind(expense_id).bind(amount).bind(at).execute(db).await)?;
    Ok(())
}

/// Net allocations that paid an expense, per payment (zero nets left out).
pub async fn allocations_to_expense(conn: &mut Conn, expense_id: i64) -> Result<Vec<AllocationSum>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT payment_id, expense_id, CAST(SUM(amount) AS BIGINT) AS amount FROM allocations
         WHERE expense_id = $1 GROUP BY payment_id, expense_id HAVING SUM(amount) <> 0 ORDER BY payment_id")
        .bind(expense_id).fetch_all(db).await)?)
}

/// Net allocations made from a payment, per expense (zero nets left out).
pub async fn allocations_from_payment(conn: &mut Conn, payment_id: i64) -> Result<Vec<AllocationSum>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT payment_id, expense_id, CAST(SUM(amount) AS BIGINT) AS amount FROM allocations
         WHERE payment_id = $1 GROUP BY payment_id, expense_id HAVING SUM(amount) <> 0 ORDER BY expense_id")
        .bind(payment_id).fetch_all(db).await)?)
}

/// All net allocations of a client, for listing expenses with their payers.
pub async fn allocations_of_client(conn: &mut Conn, client_id: i64) -> Result<Vec<AllocationSum>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT payment_id, expense_id, CAST(SUM(amount) AS BIGINT) AS amount FROM allocations
         WHERE client_id = $1 GROUP BY payment_id, expense_id HAVING SUM(amount) <> 0 ORDER BY expense_id, payment_id")
        .bind(client_id).fetch_all(db).await)?)
}

/// What a filter of a client's expenses finds: how many, and the sums of
/// those still counted (a reversed expense is listed but no longer owed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct ExpenseTotals {
    pub found: i64,
    pub amount: i64,
    pub unpaid: i64,
    pub tax: i64,
}

/// Charge times to bound a window that has no bound on one side: both
/// backends compare the stored times in order, so far-off instants stand
/// for "none".
fn window(from: Option<DateTime<Utc>>, until: Option<DateTime<Utc>>) -> (DateTime<Utc>, DateTime<Utc>) {
    (from.unwrap_or(DateTime::UNIX_EPOCH), until.unwrap_or_else(far_future))
}

fn far_future() -> DateTime<Utc> {
    DateTime::from_timestamp(253_402_214_399, 0).expect("9999-12-31 is a valid time")
}

/// The totals of a client's expenses charged in `[from, until)`.
pub async fn expense_totals(
    conn: &mut Conn,
    client_id: i64,
    from: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
) -> Result<ExpenseTotals> {
    let (from, until) = window(from, until);
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT) AS found,
                CAST(COALESCE(SUM(CASE WHEN status <> 'reversed' THEN amount ELSE 0 END), 0) AS BIGINT) AS amount,
                CAST(COALESCE(SUM(CASE WHEN status <> 'reversed' THEN unpaid ELSE 0 END), 0) AS BIGINT) AS unpaid,
                CAST(COALESCE(SUM(CASE WHEN status <> 'reversed' THEN tax ELSE 0 END), 0) AS BIGINT) AS tax
         FROM expenses WHERE client_id = $1 AND charged_at >= $2 AND charged_at < $3")
        .bind(client_id).bind(from).bind(until).fetch_one(db).await)?)
}

/// One page of a client's expenses charged in `[from, until)`, the newest
/// charge first.
pub async fn expenses_page(
    conn: &mut Conn,
    client_id: i64,
    from: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    limit: i64,
    offset: i64,
) -> Result<Vec<ExpenseRow>> {
    let (from, until) = window(from, until);
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", EXPENSE_COLS,
        " FROM expenses WHERE client_id = $1 AND charged_at >= $2 AND charged_at < $3
          ORDER BY charged_at DESC, id DESC LIMIT $4 OFFSET $5"))
        .bind(client_id).bind(from).bind(until).bind(limit).bind(offset).fetch_all(db).await)?)
}

/// A net allocation to an expense, with the number of the payment that
/// made it, as an expense list shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PaidBy {
    pub expense_id: i64,
    pub payment_id: i64,
    pub number: Option<String>,
    pub amount: i64,
}

/// The net allocations to some expenses of a client, per payment, with the
/// payments' numbers.
pub async fn paid_by(conn: &mut Conn, client_id: i64, expense_ids: &[i64]) -> Result<Vec<PaidBy>> {
    if expense_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (0..expense_ids.len()).map(|i| format!("${}", i + 2)).collect();
    let text = format!(
        "SELECT a.expense_id, a.payment_id, p.number, CAST(SUM(a.amount) AS BIGINT) AS amount
         FROM allocations a JOIN payments p ON p.id = a.payment_id
         WHERE a.client_id = $1 AND a.expense_id IN ({})
         GROUP BY a.expense_id, a.payment_id, p.number HAVING SUM(a.amount) <> 0
         ORDER BY a.expense_id, a.payment_id",
        marks.join(", ")
    );
    Ok(on_db!(conn, db => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(text.clone())).bind(client_id);
        for id in expense_ids {
            q = q.bind(*id);
        }
        q.fetch_all(db).await
    })?)
}
