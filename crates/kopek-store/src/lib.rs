//! Kopek's persistence. One [`Store`] over two backends with native sqlx
//! pools: PostgreSQL for production, SQLite as the embedded default. SQL is
//! written once where both dialects accept it; the [`on_db!`] macro compiles
//! each query for both connection types.

pub mod audit;
pub mod avatars;
pub mod bench;
pub mod bulk;
pub mod catalog;
pub mod check;
pub mod clients;
pub mod credit;
pub mod dashboard;
pub mod documents;
pub mod documents_batch;
pub mod idempotency;
pub mod ledger;
pub mod login_attempts;
pub mod low_balance;
pub mod news;
pub mod night_runs;
pub mod notifications;
pub mod orders;
pub mod outbox;
pub mod paid_period;
pub mod payers;
pub mod payment_methods;
pub mod payments;
pub mod phone_codes;
pub mod privacy;
pub mod products;
pub mod refused_webhooks;
pub mod rehearsal;
pub mod saved_methods;
pub mod schedules;
pub mod service_life;
pub mod subscriptions;
pub mod support;
pub mod telegram;
pub mod two_factor;
pub mod users;

#[cfg(feature = "testing")]
pub mod testing;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};

pub use sqlx;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("bad database url {0:?}: use sqlite://PATH or postgres://…")]
    BadUrl(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("io error: {0}")]
    Io(#[from] std::io::Error),
    #[error("rehearsal: {0}")]
    Rehearsal(String),
}

impl StoreError {
    /// True when the statement broke the UNIQUE key on `table (column)`,
    /// and no other: a caller maps the key it expects to its own answer,
    /// while any other violation stays an error with its cause. PostgreSQL
    /// names a column's key `<table>_<column>_key`; SQLite says
    /// "UNIQUE constraint failed: <table>.<column>".
    pub fn breaks_unique(&self, table: &str, column: &str) -> bool {
        let StoreError::Db(sqlx::Error::Database(e)) = self else { return false };
        if !e.is_unique_violation() {
            return false;
        }
        match e.constraint() {
            Some(name) => name == format!("{table}_{column}_key"),
            None => e.message().trim_end().ends_with(&format!(": {table}.{column}")),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A pool of connections to one database, or a rehearsal on one of them
/// ([`Store::rehearsal`]).
#[derive(Clone, Debug)]
pub enum Store {
    Postgres(PgPool),
    Sqlite(SqlitePool),
    Rehearsal(rehearsal::Rehearsal),
}

impl Store {
    /// Opens `sqlite://PATH` (creating the file and its directory) or
    /// `postgres://…`.
    pub async fn connect(url: &str) -> Result<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url).map_err(|_| StoreError::BadUrl(url.into()))?;
            let pool =
                PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(30)).connect_with(opts).await?;
            Ok(Store::Postgres(pool))
        } else if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            Store::open_sqlite(Path::new(path)).await
        } else {
            Err(StoreError::BadUrl(url.into()))
        }
    }

    pub async fn open_sqlite(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // A nightly run touches every due client's rows; the default
            // 2 MB page cache makes SQLite re-read pages it just wrote.
            .pragma("cache_size", "-262144")
            .busy_timeout(Duration::from_secs(30));
        let pool =
            SqlitePoolOptions::new().max_connections(8).acquire_timeout(Duration::from_secs(30)).connect_with(opts).await?;
        Ok(Store::Sqlite(pool))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Store::Postgres(_) => Backend::Postgres,
            Store::Sqlite(_) => Backend::Sqlite,
            Store::Rehearsal(r) => r.backend(),
        }
    }

    pub async fn migrate(&self) -> Result<()> {
        match self {
            Store::Postgres(p) => sqlx::migrate!("../../migrations/postgres").run(p).await?,
            Store::Sqlite(p) => sqlx::migrate!("../../migrations/sqlite").run(p).await?,
            Store::Rehearsal(_) => return Err(StoreError::Rehearsal("a rehearsal does not migrate".into())),
        }
        Ok(())
    }

    /// A store over one transaction of this one, for running use cases and
    /// throwing their changes away: [`Store::end_rehearsal`] rolls it back
    /// (so does dropping every clone of it). See [`rehearsal`].
    pub async fn rehearsal(&self) -> Result<Store> {
        Ok(Store::Rehearsal(rehearsal::Rehearsal::begin(self).await?))
    }

    /// Rolls a rehearsal back; on a pool it does nothing.
    pub async fn end_rehearsal(&self) -> Result<()> {
        match self {
            Store::Rehearsal(r) => r.end().await,
            Store::Postgres(_) | Store::Sqlite(_) => Ok(()),
        }
    }

    /// A write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two writers queue instead of failing later.
    pub async fn begin(&self) -> Result<Conn> {
        Ok(Conn(match self {
            Store::Postgres(p) => Inner::PgTx(p.begin().await?),
            Store::Sqlite(p) => Inner::SqliteTx(p.begin_with("BEGIN IMMEDIATE").await?),
            Store::Rehearsal(r) => Inner::Rehearsal(r.lease(true).await?),
        }))
    }

    /// A plain connection for reads.
    pub async fn conn(&self) -> Result<Conn> {
        Ok(Conn(match self {
            Store::Postgres(p) => Inner::Pg(p.acquire().await?),
            Store::Sqlite(p) => Inner::Sqlite(p.acquire().await?),
            Store::Rehearsal(r) => Inner::Rehearsal(r.lease(false).await?),
        }))
    }

    pub async fn close(&self) {
        match self {
            Store::Postgres(p) => p.close().await,
            Store::Sqlite(p) => p.close().await,
            Store::Rehearsal(r) => {
                if let Err(e) = r.end().await {
                    tracing::warn!(error = %e, "rolling a rehearsal back");
                }
            }
        }
    }
}

/// A connection, inside a transaction or not. Every query function of the
/// store takes one, so reads and writes share one code path.
pub struct Conn(Inner);

enum Inner {
    PgTx(Transaction<'static, Postgres>),
    SqliteTx(Transaction<'static, Sqlite>),
    Pg(PoolConnection<Postgres>),
    Sqlite(PoolConnection<Sqlite>),
    Rehearsal(rehearsal::Lease),
}

/// The raw connection behind a [`Conn`], for [`on_db!`].
pub enum DbRef<'a> {
    Pg(&'a mut PgConnection),
    Sqlite(&'a mut SqliteConnection),
}

impl Conn {
    pub fn db(&mut self) -> DbRef<'_> {
        match &mut self.0 {
            Inner::PgTx(t) => DbRef::Pg(t),
            Inner::Pg(c) => DbRef::Pg(c),
            Inner::SqliteTx(t) => DbRef::Sqlite(t),
            Inner::Sqlite(c) => DbRef::Sqlite(c),
            Inner::Rehearsal(l) => l.db(),
        }
    }

    pub fn backend(&self) -> Backend {
        match &self.0 {
            Inner::PgTx(_) | Inner::Pg(_) => Backend::Postgres,
            Inner::SqliteTx(_) | Inner::Sqlite(_) => Backend::Sqlite,
            Inner::Rehearsal(l) => l.backend(),
        }
    }

    /// Commits a transaction; a plain connection has nothing to commit.
    pub async fn commit(self) -> Result<()> {
        match self.0 {
            Inner::PgTx(t) => t.commit().await?,
            Inner::SqliteTx(t) => t.commit().await?,
            Inner::Pg(_) | Inner::Sqlite(_) => {}
            Inner::Rehearsal(l) => l.commit().await?,
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<()> {
        match self.0 {
            Inner::PgTx(t) => t.rollback().await?,
            Inner::SqliteTx(t) => t.rollback().await?,
            Inner::Pg(_) | Inner::Sqlite(_) => {}
            Inner::Rehearsal(l) => l.rollback().await?,
        }
        Ok(())
    }
}

/// Runs the same sqlx expression on whichever backend `conn` is:
/// `exec_db!(conn, c => sqlx::query("…").execute(c).await)`.
#[macro_export]
macro_rules! on_db {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn.db() {
            $crate::DbRef::Pg($c) => $body,
            $crate::DbRef::Sqlite($c) => $body,
        }
    };
}

/// [`on_db!`] for statements run with `.execute(…)`: yields the number of
/// rows affected, whichever backend ran it.
#[macro_export]
macro_rules! exec_db {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn.db() {
            $crate::DbRef::Pg($c) => $body.map(|r| r.rows_affected()),
            $crate::DbRef::Sqlite($c) => $body.map(|r| r.rows_affected()),
        }
    };
}
