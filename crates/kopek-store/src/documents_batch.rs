//! DOC-2 at the scale of the night of the 1st: what a batch of acts reads
//! (payers, contracts, currencies, the users to tell) in one statement
//! each, and what it writes (documents, their expenses) in one statement
//! per table. On PostgreSQL the rows travel as arrays, on SQLite as one
//! JSON array, as in [`crate::bulk`].

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::documents::{DocumentRow, NewDocument};
use crate::payers::PayerRow;
use crate::{Conn, DbRef, Result};

macro_rules! sql {
    ($($part:expr),+ $(,)?) => { sqlx::AssertSqlSafe([$($part),+].concat()) };
}

fn ids_json(ids: &[i64]) -> String {
    serde_json::to_string(ids).expect("ids serialise")
}

/// Runs `select` with `ids` as its `$1`: an array on PostgreSQL (the text
/// says `= ANY($1)` where `{ids}` stands), a JSON array on SQLite.
macro_rules! by_ids {
    ($conn:expr, $ids:expr, $select:expr, $fetch:ident) => {{
        match $conn.db() {
            DbRef::Pg(db) => {
                sqlx::query_as(sqlx::AssertSqlSafe($select.replace("{ids}", "= ANY($1)"))).bind($ids).$fetch(db).await?
            }
            DbRef::Sqlite(db) => {
                sqlx::query_as(sqlx::AssertSqlSafe($select.replace("{ids}", "IN (SELECT value FROM json_each($1))")))
                    .bind(ids_json($ids))
                    .$fetch(db)
                    .await?
            }
        }
    }};
}

/// The live payers among `ids`.
pub async fn payers(conn: &mut Conn, ids: &[i64]) -> Result<Vec<PayerRow>> {
    let select = format!("SELECT {} FROM payers WHERE deleted_at IS NULL AND id {{ids}}", crate::payers::PAYER_COLS);
    Ok(by_ids!(conn, ids, select, fetch_all))
}

/// Each payer's first live contract among `payer_ids`, as
/// [`crate::documents::first_contract`] picks it: (payer, number, signed on).
pub async fn first_contracts(conn: &mut Conn, payer_ids: &[i64]) -> Result<Vec<(i64, String, NaiveDate)>> {
    let select = "SELECT payer_id, number, signed_on FROM (
                    SELECT payer_id, number, signed_on,
                           ROW_NUMBER() OVER (PARTITION BY payer_id ORDER BY signed_on, id) AS n
                      FROM contracts WHERE deleted_at IS NULL AND payer_id {ids}) AS c
                  WHERE n = 1";
    Ok(by_ids!(conn, payer_ids, select, fetch_all))
}

/// The currency of each client among `ids`.
pub async fn currencies(conn: &mut Conn, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    Ok(by_ids!(conn, ids, "SELECT id, currency FROM clients WHERE id {ids}", fetch_all))
}

/// The e-mail addresses of the enabled users of each client among `ids`,
/// in user order: (client, email).
pub async fn enabled_user_emails(conn: &mut Conn, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    Ok(by_ids!(
        conn,
        ids,
        "SELECT client_id, email FROM client_users WHERE enabled AND client_id {ids} ORDER BY client_id, id",
        fetch_all
    ))
}

/// DOC-5: takes `count` numbers of `kind` in `year` at once and returns
/// the first; the rest follow it without a gap. The counter row stays
/// locked until the transaction ends, as for one number.
pub async fn next_numbers(conn: &mut Conn, entity_id: i64, kind: &str, year: i64, count: i64) -> Result<i64> {
    let last: i64 = crate::on_db!(conn, db => sqlx::query_scalar(
        "INSERT INTO document_counters (entity_id, kind, year, last) VALUES ($1, $2, $3, $4)
         ON CONFLICT (entity_id, kind, year) DO UPDATE SET last = document_counters.last + $4
         RETURNING last")
        .bind(entity_id).bind(kind).bind(year).bind(count).fetch_one(db).await)?;
    Ok(last - count + 1)
}

/// Writes documents in one statement; the rows come back in the order
/// given.
pub async fn insert_documents(conn: &mut Conn, docs: &[NewDocument<'_>], now: DateTime<Utc>) -> Result<Vec<DocumentRow>> {
    if docs.is_empty() {
        return Ok(Vec::new());
    }
    let cols = crate::documents::COLS;
    let mut rows: Vec<DocumentRow> = match conn.db() {
        DbRef::Pg(db) => {
            let int = |f: fn(&NewDocument) -> i64| docs.iter().map(f).collect::<Vec<_>>();
            let opt = |f: fn(&NewDocument) -> Option<i64>| docs.iter().map(f).collect::<Vec<_>>();
            let day = |f: fn(&NewDocument) -> Option<NaiveDate>| docs.iter().map(f).collect::<Vec<_>>();
            let kinds: Vec<&str> = docs.iter().map(|d| d.kind.as_str()).collect();
            let numbers: Vec<&str> = docs.iter().map(|d| d.number).collect();
            let currencies: Vec<&str> = docs.iter().map(|d| d.currency).collect();
            let data: Vec<&str> = docs.iter().map(|d| d.data).collect();
            let issued: Vec<NaiveDate> = docs.iter().map(|d| d.issued_on).collect();
            sqlx::query_as(sql!(
                "INSERT INTO documents (entity_id, kind, year, seq, number, issued_on, client_id, payer_id, payment_id,
                                        period_from, period_to, amount, currency, data, corrects_id, created_at)
                 SELECT e, k, y, s, n, i, c, p, pm, pf, pt, a, cur, dt, cr, $16
                   FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::BIGINT[], $4::BIGINT[], $5::TEXT[], $6::DATE[], $7::BIGINT[],
                               $8::BIGINT[], $9::BIGINT[], $10::DATE[], $11::DATE[], $12::BIGINT[], $13::TEXT[], $14::TEXT[],
                               $15::BIGINT[]) AS x(e, k, y, s, n, i, c, p, pm, pf, pt, a, cur, dt, cr)
                 RETURNING ",
                cols
            ))
            .bind(int(|d| d.entity_id))
            .bind(kinds)
            .bind(int(|d| d.year))
            .bind(int(|d| d.seq))
            .bind(numbers)
            .bind(issued)
            .bind(int(|d| d.client_id))
            .bind(int(|d| d.payer_id))
            .bind(opt(|d| d.payment_id))
            .bind(day(|d| d.period.map(|p| p.0)))
            .bind(day(|d| d.period.map(|p| p.1)))
            .bind(int(|d| d.amount))
            .bind(currencies)
            .bind(data)
            .bind(opt(|d| d.corrects_id))
            .bind(now)
            .fetch_all(db)
            .await?
        }
        DbRef::Sqlite(db) => {
            let data: Vec<Value> = docs
                .iter()
                .map(|d| {
                    json!([
                        d.entity_id,
                        d.kind.as_str(),
                        d.year,
                        d.seq,
                        d.number,
                        d.issued_on,
                        d.client_id,
                        d.payer_id,
                        d.payment_id,
                        d.period.map(|p| p.0),
                        d.period.map(|p| p.1),
                        d.amount,
                        d.currency,
                        d.data,
                        d.corrects_id
                    ])
                })
                .collect();
            sqlx::query_as(sql!(
                "INSERT INTO documents (entity_id, kind, year, seq, number, issued_on, client_id, payer_id, payment_id,
                                        period_from, period_to, amount, currency, data, corrects_id, created_at)
                 SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7,
                        value ->> 8, value ->> 9, value ->> 10, value ->> 11, value ->> 12, value ->> 13, value ->> 14, $2
                   FROM json_each($1) ORDER BY key
                 RETURNING ",
                cols
            ))
            .bind(Value::Array(data).to_string())
            .bind(now)
            .fetch_all(db)
            .await?
        }
    };
    // RETURNING promises no order: put the rows back in the order given,
    // which their numbers (unique per entity, kind and year) identify.
    let position = |r: &DocumentRow| {
        docs.iter().position(|d| d.entity_id == r.entity_id && d.kind == r.kind && d.year == r.year && d.seq == r.seq)
    };
    let mut keyed: Vec<(usize, DocumentRow)> = rows.drain(..).map(|r| (position(&r).unwrap_or(usize::MAX), r)).collect();
    keyed.sort_by_key(|(i, _)| *i);
    Ok(keyed.into_iter().map(|(_, r)| r).collect())
}

/// Puts expenses into acts: (act, expense) pairs, in one statement.
pub async fn add_act_expenses(conn: &mut Conn, pairs: &[(i64, i64)]) -> Result<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    match conn.db() {
        DbRef::Pg(db) => {
            let (docs, expenses): (Vec<i64>, Vec<i64>) = pairs.iter().copied().unzip();
            sqlx::query(
                "INSERT INTO act_expenses (document_id, expense_id, client_id)
                 SELECT u.d, u.e, (SELECT client_id FROM documents WHERE id = u.d)
                   FROM UNNEST($1::BIGINT[], $2::BIGINT[]) AS u(d, e)",
            )
            .bind(docs)
            .bind(expenses)
            .execute(db)
            .await?;
        }
        DbRef::Sqlite(db) => {
            let data = serde_json::to_string(pairs).expect("pairs serialise");
            sqlx::query(
                "INSERT INTO act_expenses (document_id, expense_id, client_id)
                 SELECT j.value ->> 0, j.value ->> 1, (SELECT client_id FROM documents WHERE id = j.value ->> 0)
                   FROM json_each($1) AS j",
            )
            .bind(data)
            .execute(db)
            .await?;
        }
    }
    Ok(())
}
