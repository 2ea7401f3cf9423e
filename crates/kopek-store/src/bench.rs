//! Bulk data for `kopek bench`: many clients with one subscription each,
//! or with payments and paid expenses, inserted set-based so that seeding
//! a million takes seconds.

use chrono::{DateTime, NaiveDate, Utc};

use crate::{Conn, Result, exec_db, on_db};

/// What each payment of [`seed_clients_with_ledger`] brings, in units.
pub const LEDGER_PAYMENT: i64 = 10_000_000;
/// What each expense of [`seed_clients_with_ledger`] costs, in units.
pub const LEDGER_EXPENSE: i64 = 224_100;

/// Inserts `n` clients (codes `B1`…`Bn`, RUB, no credit) and gives each a
/// subscription of `service_id` charged until `charged_until` and due on
/// `next_on`.
pub async fn seed_subscriptions(
    conn: &mut Conn,
    n: i64,
    service_id: i64,
    charging_from: DateTime<Utc>,
    charged_until: DateTime<Utc>,
    next_on: NaiveDate,
    balance: i64,
) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1)
         INSERT INTO clients (code, name, country, currency, balance, state, created_at)
         SELECT 'B' || CAST(i AS TEXT), 'Bench ' || CAST(i AS TEXT), 'RU', 'RUB', $3, 'active', $2 FROM seq")
        .bind(n).bind(charging_from).bind(balance).execute(db).await)?;
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO payments (client_id, number, method, amount, currency, status, unallocated, created_at, credited_at)
         SELECT id, 'bench/' || CAST(id AS TEXT), 'bench', $2, 'RUB', 'credited', $2, $1, $1 FROM clients WHERE code LIKE 'B%'")
        .bind(charging_from).bind(balance).execute(db).await)?;
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO ledger_entries (client_id, kind, amount, currency, payment_id, created_at)
         SELECT client_id, 'payment', amount, 'RUB', id, $1 FROM payments WHERE method = 'bench'")
        .bind(charging_from).execute(db).await)?;
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO subscriptions (client_id, service_id, state, connected_at, charging_from, charged_until, next_charge_on, activations, created_at)
         SELECT id, $1, 'active', $2, $2, $3, $4, 1, $2 FROM clients WHERE code LIKE 'B%'")
        .bind(service_id).bind(charging_from).bind(charged_until).bind(next_on).execute(db).await)?;
    Ok(())
}

/// Refreshes the planner's statistics after a bulk load.
pub async fn analyze(conn: &mut Conn) -> Result<()> {
    exec_db!(conn, db => sqlx::query("ANALYZE").execute(db).await)?;
    Ok(())
}

/// Inserts `n` clients (codes `D1`…`Dn`), each with a company payer whose
/// details are `payer_details` and `per_client` unpaid expenses charged at
/// `charged_at`: the month an act run reads.
pub async fn seed_payers_with_expenses(
    conn: &mut Conn,
    n: i64,
    per_client: i64,
    charged_at: DateTime<Utc>,
    payer_details: &str,
) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1)
         INSERT INTO clients (code, name, country, currency, balance, state, created_at)
         SELECT 'D' || CAST(i AS TEXT), 'Bench ' || CAST(i AS TEXT), 'RU', 'RUB', 0, 'active', $2 FROM seq")
        .bind(n).bind(charged_at).execute(db).await)?;
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO payers (client_id, kind, name, country, details, created_at, updated_at)
         SELECT id, 'legal_entity', 'ООО «Ромашка»', 'RU', $1, $2, $2 FROM clients WHERE code LIKE 'D%'")
        .bind(payer_details).bind(charged_at).execute(db).await)?;
    exec_db!(conn, db => sqlx::query(
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1)
         INSERT INTO expenses (client_id, name, amount, tax, unpaid, currency, status, charged_at, created_at, vat_percent)
         SELECT c.id, 'VDS ' || CAST(seq.i AS TEXT), 2500000, 450800, 2500000, 'RUB', 'posted', $2, $2, 220000
           FROM clients c CROSS JOIN seq WHERE c.code LIKE 'D%'")
        .bind(per_client).bind(charged_at).execute(db).await)?;
    Ok(())
}

/// The floor an act run is measured against: `n` rows of the same width
/// written set-based in one statement, into a scratch table that is gone
/// afterwards.
pub async fn floor_rows(conn: &mut Conn, n: i64, width: usize) -> Result<()> {
    let data = "x".repeat(width);
    exec_db!(conn, db => sqlx::query("CREATE TEMPORARY TABLE bench_floor (id BIGINT, data TEXT)").execute(db).await)?;
    exec_db!(conn, db => sqlx::query(
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1)
         INSERT INTO bench_floor (id, data) SELECT i, $2 FROM seq")
        .bind(n).bind(&data).execute(db).await)?;
    exec_db!(conn, db => sqlx::query("DROP TABLE bench_floor").execute(db).await)?;
    Ok(())
}

/// The set-based reference a charge run is measured against (OPS-2): on a
/// scratch copy of `n` balances, one `UPDATE` of every balance and one
/// `INSERT … SELECT` of `n` entries into a table with a primary key and a
/// unique index — what a charge must at least do, at the database's own
/// speed. The scratch tables are ordinary ones, logged as the ledger's
/// are (a temporary table would skip the write-ahead log and flatter the
/// reference); `timed` runs around the two statements only, and the tables
/// are gone afterwards.
pub async fn reference<F: FnMut()>(conn: &mut Conn, n: i64, mut timed: F) -> Result<()> {
    exec_db!(conn, db => sqlx::query("CREATE TABLE bench_balances (id BIGINT PRIMARY KEY, balance BIGINT NOT NULL)")
        .execute(db).await)?;
    exec_db!(conn, db => sqlx::query(
        "CREATE TABLE bench_entries (id BIGINT PRIMARY KEY, client_id BIGINT NOT NULL, amount BIGINT NOT NULL,
                                              charge_key TEXT NOT NULL)").execute(db).await)?;
    exec_db!(conn, db => sqlx::query("CREATE UNIQUE INDEX bench_entries_key ON bench_entries (charge_key)").execute(db).await)?;
    exec_db!(conn, db => sqlx::query(
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1)
         INSERT INTO bench_balances (id, balance) SELECT i, 1000000 FROM seq")
        .bind(n).execute(db).await)?;
    timed();
    exec_db!(conn, db => sqlx::query("UPDATE bench_balances SET balance = balance - 100000").execute(db).await)?;
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO bench_entries (id, client_id, amount, charge_key)
         SELECT id, id, 100000, 'sub/' || id || '/day' FROM bench_balances").execute(db).await)?;
    timed();
    exec_db!(conn, db => sqlx::query("DROP TABLE bench_entries").execute(db).await)?;
    exec_db!(conn, db => sqlx::query("DROP TABLE bench_balances").execute(db).await)?;
    Ok(())
}

/// Inserts `n` clients (codes `A1`…`An`, RUB) with a ledger that holds:
/// `payments` credited payments of [`LEDGER_PAYMENT`] each and `expenses`
/// posted expenses of [`LEDGER_EXPENSE`] charged a minute apart before
/// `at`, all paid by the client's first payment (which brings their sum on
/// top), each with its entry and its allocation, and the cached balance
/// their sum. Returns the first and last client id.
pub async fn seed_clients_with_ledger(
    conn: &mut Conn,
    n: i64,
    payments: i64,
    expenses: i64,
    at: DateTime<Utc>,
) -> Result<(i64, i64)> {
    let payments = payments.max(1);
    exec_db!(conn, db => sqlx::query(
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1)
         INSERT INTO clients (code, name, country, currency, balance, state, created_at)
         SELECT 'A' || CAST(i AS TEXT), 'Bench ' || CAST(i AS TEXT), 'RU', 'RUB', $3, 'active', $2 FROM seq")
        .bind(n).bind(at).bind(payments * LEDGER_PAYMENT).execute(db).await)?;
    exec_db!(conn, db => sqlx::query(
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1)
         INSERT INTO payments (client_id, number, method, amount, currency, status, unallocated, created_at, credited_at)
         SELECT c.id, 'bench/' || CAST(c.id AS TEXT) || '/' || CAST(seq.i AS TEXT), 'bench',
                CASE WHEN seq.i = 1 THEN $2 + $3 ELSE $2 END, 'RUB', 'credited', $2, $4, $4
           FROM clients c CROSS JOIN seq WHERE c.code LIKE 'A%'")
        .bind(payments).bind(LEDGER_PAYMENT).bind(expenses * LEDGER_EXPENSE).bind(at).execute(db).await)?;
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO ledger_entries (client_id, kind, amount, currency, payment_id, created_at)
         SELECT client_id, 'payment', amount, 'RUB', id, $1 FROM payments WHERE method = 'bench'")
        .bind(at).execute(db).await)?;
    if expenses > 0 {
        exec_db!(conn, db => sqlx::query(
            "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1)
             INSERT INTO expenses (client_id, name, amount, tax, unpaid, currency, status, charged_at, created_at)
             SELECT c.id, 'Трафик ' || CAST(seq.i AS TEXT), $2, 0, 0, 'RUB', 'posted', $3, $3
               FROM clients c CROSS JOIN seq WHERE c.code LIKE 'A%'")
            .bind(expenses).bind(LEDGER_EXPENSE).bind(at).execute(db).await)?;
        exec_db!(conn, db => sqlx::query(
            "INSERT INTO ledger_entries (client_id, kind, amount, currency, expense_id, created_at)
             SELECT client_id, 'expense', -amount, 'RUB', id, $1 FROM expenses")
            .bind(at).execute(db).await)?;
        exec_db!(conn, db => sqlx::query(
            "INSERT INTO allocations (client_id, payment_id, expense_id, amount, created_at)
             SELECT e.client_id, p.id, e.id, e.amount, $1
               FROM expenses e JOIN payments p ON p.number = 'bench/' || CAST(e.client_id AS TEXT) || '/1'")
            .bind(at).execute(db).await)?;
    }
    let (first, last): (Option<i64>, Option<i64>) = on_db!(conn, db => sqlx::query_as(
        "SELECT MIN(id), MAX(id) FROM clients WHERE code LIKE 'A%'").fetch_one(db).await)?;
    Ok((first.unwrap_or(0), last.unwrap_or(0)))
}

/// The usage records stored and their total quantity, in units: what a
/// repeated batch must leave as it was.
pub async fn usage_totals(conn: &mut Conn) -> Result<(i64, i64)> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM usage_records").fetch_one(db).await)?)
}

/// The ids of the subscriptions [`seed_subscriptions`] made, in order.
pub async fn seeded_subscriptions(conn: &mut Conn) -> Result<Vec<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "SELECT s.id FROM subscriptions s JOIN clients c ON c.id = s.client_id WHERE c.code LIKE 'B%' ORDER BY s.id")
        .fetch_all(db).await)?)
}
