//! Accounting documents (DOC-1 … DOC-5): the provider's legal entities,
//! the gapless counters that number documents at issue, the documents as
//! issued and the expenses each act covers.

use chrono::{DateTime, NaiveDate, Utc};
use kopek_domain::document::DocumentKind;

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EntityRow {
    pub id: i64,
    pub details: String,
    pub updated_at: DateTime<Utc>,
}

/// The provider's legal entity documents are issued by: the first one.
pub async fn entity(conn: &mut Conn) -> Result<Option<EntityRow>> {
    Ok(on_db!(conn, db => sqlx::query_as("SELECT id, details, updated_at FROM provider_entities ORDER BY id LIMIT 1")
        .fetch_optional(db).await)?)
}

pub async fn insert_entity(conn: &mut Conn, details: &str, now: DateTime<Utc>) -> Result<EntityRow> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "INSERT INTO provider_entities (details, updated_at) VALUES ($1, $2) RETURNING id, details, updated_at")
        .bind(details).bind(now).fetch_one(db).await)?)
}

pub async fn update_entity(conn: &mut Conn, id: i64, details: &str, now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE provider_entities SET details = $1, updated_at = $2 WHERE id = $3")
        .bind(details).bind(now).bind(id).execute(db).await)?;
    Ok(())
}

/// DOC-5: keeps a logo's bytes under their SHA-256; the same bytes again
/// change nothing (a logo, once kept, is never altered).
pub async fn put_logo(conn: &mut Conn, sha256: &str, content_type: &str, bytes: &[u8], now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO provider_logos (sha256, content_type, bytes, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sha256) DO NOTHING")
        .bind(sha256).bind(content_type).bind(bytes).bind(now).execute(db).await)?;
    Ok(())
}

/// A kept logo: its type and bytes.
pub async fn logo(conn: &mut Conn, sha256: &str) -> Result<Option<(String, Vec<u8>)>> {
    Ok(on_db!(conn, db => sqlx::query_as("SELECT content_type, bytes FROM provider_logos WHERE sha256 = $1")
        .bind(sha256).fetch_optional(db).await)?)
}

/// DOC-5: the next number of `kind` in `year` for the entity. The counter
/// row is created or bumped by one statement that locks it until the
/// transaction ends, so concurrent issuers queue and a rollback gives the
/// number back.
pub async fn next_number(conn: &mut Conn, entity_id: i64, kind: DocumentKind, year: i64) -> Result<i64> {
    crate::documents_batch::next_numbers(conn, entity_id, kind.as_str(), year, 1).await
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DocumentRow {
    pub id: i64,
    pub entity_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: DocumentKind,
    pub year: i64,
    pub seq: i64,
    pub number: String,
    pub issued_on: NaiveDate,
    pub client_id: i64,
    pub payer_id: i64,
    pub payment_id: Option<i64>,
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub amount: i64,
    pub currency: String,
    pub data: String,
    pub corrects_id: Option<i64>,
    pub replaced: bool,
    pub created_at: DateTime<Utc>,
}

pub(crate) const COLS: &str = "id, entity_id, kind, year, seq, number, issued_on, client_id, payer_id, payment_id, period_from, \
                    period_to, amount, currency, data, corrects_id, replaced, created_at";

macro_rules! sql {
    ($($part:expr),+ $(,)?) => { sqlx::AssertSqlSafe([$($part),+].concat()) };
}

pub struct NewDocument<'a> {
    pub entity_id: i64,
    pub kind: DocumentKind,
    pub year: i64,
    pub seq: i64,
    pub number: &'a str,
    pub issued_on: NaiveDate,
    pub client_id: i64,
    pub payer_id: i64,
    pub payment_id: Option<i64>,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub amount: i64,
    pub currency: &'a str,
    pub data: &'a str,
    pub corrects_id: Option<i64>,
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<DocumentRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", COLS, " FROM documents WHERE id = $1"))
        .bind(id).fetch_optional(db).await)?)
}

/// A client's current documents of a kind, newest first.
pub async fn of_client(conn: &mut Conn, client_id: i64, kind: DocumentKind) -> Result<Vec<DocumentRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", COLS,
        " FROM documents WHERE client_id = $1 AND kind = $2 AND NOT replaced ORDER BY issued_on DESC, id DESC"))
        .bind(client_id).bind(kind.as_str()).fetch_all(db).await)?)
}

/// Every current document of a kind, newest first, for staff.
pub async fn all_of_kind(conn: &mut Conn, kind: DocumentKind, limit: i64) -> Result<Vec<DocumentRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", COLS,
        " FROM documents WHERE kind = $1 AND NOT replaced ORDER BY issued_on DESC, id DESC LIMIT $2"))
        .bind(kind.as_str()).bind(limit).fetch_all(db).await)?)
}

/// One page of the current documents of a kind, newest first, for the
/// staff panel's list: `limit` rows after skipping `offset`.
pub async fn page_of_kind(conn: &mut Conn, kind: DocumentKind, limit: i64, offset: i64) -> Result<Vec<DocumentRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", COLS,
        " FROM documents WHERE kind = $1 AND NOT replaced ORDER BY issued_on DESC, id DESC LIMIT $2 OFFSET $3"))
        .bind(kind.as_str()).bind(limit).bind(offset).fetch_all(db).await)?)
}

/// The current invoice of a payment.
pub async fn invoice_of_payment(conn: &mut Conn, payment_id: i64) -> Result<Option<DocumentRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", COLS,
        " FROM documents WHERE payment_id = $1 AND kind = 'invoice' AND NOT replaced"))
        .bind(payment_id).fetch_optional(db).await)?)
}

/// A payer's current acts dated up to `to`, oldest first.
pub async fn acts_of_payer(conn: &mut Conn, payer_id: i64, to: NaiveDate) -> Result<Vec<DocumentRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(sql!("SELECT ", COLS,
        " FROM documents WHERE payer_id = $1 AND kind = 'act' AND NOT replaced AND issued_on <= $2 ORDER BY issued_on, id"))
        .bind(payer_id).bind(to).fetch_all(db).await)?)
}

pub async fn mark_replaced(conn: &mut Conn, id: i64) -> Result<()> {
    exec_db!(conn, db => sqlx::query("UPDATE documents SET replaced = TRUE WHERE id = $1").bind(id).execute(db).await)?;
    Ok(())
}

/// The expenses an act covers, as an act reads them.
pub async fn expenses_of_act(conn: &mut Conn, document_id: i64) -> Result<Vec<ActableExpense>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT e.id, e.client_id, e.name, e.amount, e.tax, e.vat_percent, e.charged_at, CAST(NULL AS BIGINT) AS paid_by
           FROM act_expenses x JOIN expenses e ON e.id = x.expense_id WHERE x.document_id = $1 ORDER BY e.id")
        .bind(document_id).fetch_all(db).await)?)
}

/// The expense ids an act covers.
pub async fn act_expense_ids(conn: &mut Conn, document_id: i64) -> Result<Vec<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar("SELECT expense_id FROM act_expenses WHERE document_id = $1 ORDER BY expense_id")
        .bind(document_id).fetch_all(db).await)?)
}

/// An expense of an act's month, with the payer the money came from.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ActableExpense {
    pub id: i64,
    pub client_id: i64,
    pub name: String,
    pub amount: i64,
    pub tax: i64,
    pub vat_percent: Option<i64>,
    pub charged_at: DateTime<Utc>,
    /// The payer of the payment that paid most of it, if any did.
    pub paid_by: Option<i64>,
}

/// DOC-2: posted expenses charged in `[from, to)` that no current act
/// covers, each with the payer whose payment paid the most of it (ties to
/// the earlier payment), in client order.
pub async fn actable_expenses(conn: &mut Conn, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<ActableExpense>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT e.id, e.client_id, e.name, e.amount, e.tax, e.vat_percent, e.charged_at,
                (SELECT p.payer_id FROM allocations a JOIN payments p ON p.id = a.payment_id
                  WHERE a.expense_id = e.id AND p.payer_id IS NOT NULL
                  GROUP BY p.id, p.payer_id HAVING SUM(a.amount) > 0
                  ORDER BY SUM(a.amount) DESC, p.id LIMIT 1) AS paid_by
           FROM expenses e
          WHERE e.status = 'posted' AND e.charged_at >= $1 AND e.charged_at < $2
            AND NOT EXISTS (SELECT 1 FROM act_expenses x JOIN documents d ON d.id = x.document_id
                             WHERE x.expense_id = e.id AND NOT d.replaced)
          ORDER BY e.client_id, e.id")
        .bind(from).bind(to).fetch_all(db).await)?)
}

/// The payer a client's unpaid or payer-less expenses go to: the payer of
/// its latest payment that named a live one, else its first live payer.
pub async fn default_payers(conn: &mut Conn) -> Result<Vec<(i64, i64)>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT c.id, COALESCE(
                  (SELECT p.payer_id FROM payments p JOIN payers y ON y.id = p.payer_id
                    WHERE p.client_id = c.id AND y.deleted_at IS NULL ORDER BY p.id DESC LIMIT 1),
                  (SELECT y.id FROM payers y WHERE y.client_id = c.id AND y.deleted_at IS NULL ORDER BY y.id LIMIT 1))
           FROM clients c")
        .fetch_all(db).await)?)
}

/// PAY-5: the payer of a current act that still holds an unpaid expense
/// of the client, if any.
pub async fn payer_locked_by_act(conn: &mut Conn, client_id: i64) -> Result<Option<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "SELECT d.payer_id FROM documents d JOIN act_expenses x ON x.document_id = d.id JOIN expenses e ON e.id = x.expense_id
          WHERE d.client_id = $1 AND d.kind = 'act' AND NOT d.replaced AND e.status = 'posted' AND e.unpaid > 0
          ORDER BY d.id LIMIT 1")
        .bind(client_id).fetch_optional(db).await)?)
}

/// PAY-3: how many unpaid expenses a payer's current acts hold.
pub async fn unpaid_expenses_in_acts(conn: &mut Conn, payer_id: i64) -> Result<i64> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "SELECT COUNT(*) FROM documents d JOIN act_expenses x ON x.document_id = d.id JOIN expenses e ON e.id = x.expense_id
          WHERE d.payer_id = $1 AND d.kind = 'act' AND NOT d.replaced AND e.status = 'posted' AND e.unpaid > 0")
        .bind(payer_id).fetch_one(db).await)?)
}

/// The order a payment pays, if it pays one.
pub async fn payment_order(conn: &mut Conn, payment_id: i64) -> Result<Option<i64>> {
    let order: Option<Option<i64>> = on_db!(conn, db => sqlx::query_scalar("SELECT order_id FROM payments WHERE id = $1")
        .bind(payment_id).fetch_optional(db).await)?;
    Ok(order.flatten())
}

/// A payer's first live contract, for an act's «Основание».
pub async fn first_contract(conn: &mut Conn, payer_id: i64) -> Result<Option<(String, NaiveDate)>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT number, signed_on FROM contracts WHERE payer_id = $1 AND deleted_at IS NULL ORDER BY signed_on, id LIMIT 1")
        .bind(payer_id).fetch_optional(db).await)?)
}

/// A payer's credited payments up to `before`, oldest first: (number or
/// id, credited at, amount).
pub async fn credited_payments_of_payer(
    conn: &mut Conn,
    payer_id: i64,
    before: DateTime<Utc>,
) -> Result<Vec<(String, DateTime<Utc>, i64)>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT COALESCE(number, CAST(id AS TEXT)), credited_at, amount FROM payments
          WHERE payer_id = $1 AND status = 'credited' AND credited_at IS NOT NULL AND credited_at < $2
          ORDER BY credited_at, id")
        .bind(payer_id).bind(before).fetch_all(db).await)?)
}
