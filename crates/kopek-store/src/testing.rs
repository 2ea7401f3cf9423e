//! Fresh databases for tests: a SQLite file in a temporary directory, or a
//! new PostgreSQL database that is dropped when the test ends. PostgreSQL is
//! found at `KOPEK_TEST_POSTGRES` or `postgres://postgres@127.0.0.1:5432`;
//! when it is missing the PostgreSQL half of a test is skipped, except under
//! `CI=true`, where it fails.

use sqlx::Connection;

use crate::{Backend, Store};

pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432";

/// A migrated database that exists for one test.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    pg: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => Some(TestDb::sqlite().await),
            Backend::Postgres => TestDb::postgres().await,
        }
    }

    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("kopek.db");
        let url = format!("sqlite://{}", path.display());
        let store = Store::connect(&url).await.expect("open sqlite");
        store.migrate().await.expect("migrate sqlite");
        TestDb { store, url, pg: None, _dir: Some(dir) }
    }

    /// A fresh PostgreSQL database, or `None` when no server answers and
    /// this is not CI.
    pub async fn postgres() -> Option<TestDb> {
        let (url, name) = Self::create_postgres_database().await?;
        let store = Store::connect(&url).await.expect("connect to the test database");
        store.migrate().await.expect("migrate postgres");
        Some(TestDb { store, url, pg: Some((server_url(), name)), _dir: None })
    }

    /// Creates an empty database (not migrated) and returns its URL and name.
    pub async fn create_postgres_database() -> Option<(String, String)> {
        let server = server_url();
        let mut admin = match sqlx::PgConnection::connect(&format!("{server}/postgres")).await {
            Ok(c) => c,
            Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
                panic!("CI=true and PostgreSQL at {server} is unreachable: {e}")
            }
            #[allow(clippy::print_stderr, reason = "the test runner shows it beside the test that skipped")]
            Err(e) => {
                eprintln!("skipping the PostgreSQL half of this test: {server} is unreachable ({e})");
                return None;
            }
        };
        let name = format!("kopek_test_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create test database");
        let _ = admin.close().await;
        Some((format!("{server}/{name}"), name))
    }
}

fn server_url() -> String {
    std::env::var("KOPEK_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_POSTGRES.to_string()).trim_end_matches('/').to_string()
}

/// Drops a test database from a helper thread: `Drop` can't await, and the
/// test's own runtime may be shutting down.
pub fn drop_postgres_database(server: String, name: String) {
    let _ = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        rt.block_on(async {
            if let Ok(mut admin) = sqlx::PgConnection::connect(&format!("{server}/postgres")).await {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                    .execute(&mut admin)
                    .await;
                let _ = admin.close().await;
            }
        });
    })
    .join();
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((server, name)) = self.pg.take() {
            drop_postgres_database(server, name);
        }
    }
}

/// Writes a test body once and runs it on both backends, as
/// `<name>::sqlite` and `<name>::postgres`:
///
/// ```ignore
/// backend_test!(async fn balance_is_exact(db) { … });
/// ```
#[macro_export]
macro_rules! backend_test {
    ($(#[$meta:meta])* async fn $name:ident($db:ident) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($db: $crate::testing::TestDb) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                body($crate::testing::TestDb::sqlite().await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::testing::TestDb::postgres().await {
                    body(db).await;
                }
            }
        }
    };
}

/// What a database holds of money and service state, one line per row,
/// leaving out the moments rows were written (which differ between two runs
/// of the same work): two databases that did the same work compare equal,
/// and a dry run that changed nothing leaves it as it was.
pub async fn ledger_fingerprint(store: &Store) -> Vec<String> {
    const TABLES: &[(&str, &str)] = &[
        ("clients", "id, balance, credit_limit, credit_blocked, state"),
        ("payments", "id, client_id, method, amount, status, unallocated"),
        ("expenses", "id, client_id, name, amount, tax, vat_percent, unpaid, status, charged_at"),
        ("ledger_entries", "id, client_id, kind, amount, payment_id, expense_id, reverses_entry_id, reason"),
        ("allocations", "id, client_id, payment_id, expense_id, amount"),
        ("charges", "id, subscription_id, period_start, period_end, amount, expense_id, run_date"),
        (
            "subscriptions",
            "id, state, charging_from, stopped_at, charged_until, next_charge_on, paid_until, renewal_failed_on, renewal_held",
        ),
        ("credit_invoices", "id, client_id, cycle, issued_on, amount, paid_at IS NULL"),
        ("credit_reminders", "invoice_id, kind, sent_on"),
        ("renewal_attempts", "subscription_id, day, source, payment_id, outcome, reason"),
    ];
    let mut conn = store.conn().await.expect("a connection");
    let mut lines = Vec::new();
    for (table, columns) in TABLES {
        let row: Vec<String> = columns.split(", ").map(|c| format!("COALESCE(CAST({c} AS TEXT), '-')")).collect::<Vec<_>>();
        let sql = format!("SELECT '{table}: ' || {} FROM {table} ORDER BY 1", row.join(" || ' ' || "));
        let rows: Vec<String> = crate::on_db!(conn, db => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(db).await)
        .expect("a fingerprint query");
        lines.extend(rows);
    }
    // The outbox as the clients' users and the equipment will see it; the
    // scheduler's own messages are not the night's work.
    let sql = "SELECT 'outbox: ' || topic || ' ' || COALESCE(dedup_key, '-') FROM outbox
               WHERE topic NOT IN ('charging.nightly', 'promised.expire', 'maintenance.cleanup', 'charging.windows', 'forsage.end') ORDER BY 1";
    let rows: Vec<String> = crate::on_db!(conn, db => sqlx::query_scalar(sql).fetch_all(db).await).expect("the outbox");
    lines.extend(rows);
    lines
}
