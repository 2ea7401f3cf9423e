//! A rehearsal: a [`Store`] whose every connection is one outer transaction
//! on one pooled connection, rolled back at the end. The use cases run on it
//! unchanged — each of their transactions becomes a savepoint inside the
//! outer one, each plain connection a savepoint that keeps what it wrote — so
//! a whole night can be run exactly, every step seeing the steps before it,
//! and then leave nothing behind.
//!
//! One connection serves one unit of work at a time: a second `begin` or
//! `conn` waits for the first to end (the charge run's two batches at once
//! on PostgreSQL take their turns). Code that holds a connection while it
//! asks for another would wait for ever; it fails after [`WAIT`] instead.
//!
//! A connection dropped without `commit` is settled when the next one is
//! taken: a transaction's savepoint rolled back (what dropping a sqlx
//! transaction does), a plain connection's kept (what autocommit did), or
//! rolled back if PostgreSQL refuses to keep it after a failed statement.

use std::sync::Arc;
use std::time::Duration;

use sqlx::{Postgres, Sqlite, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::{Backend, DbRef, Result, Store, StoreError};

/// How long a unit of work waits for the rehearsal's one connection.
pub const WAIT: Duration = Duration::from_secs(300);

/// The savepoint of the unit of work that holds the connection; there is
/// never more than one at a time, so one name serves.
const SAVEPOINT: &str = "SAVEPOINT kopek_rehearsal_unit";
const RELEASE: &str = "RELEASE SAVEPOINT kopek_rehearsal_unit";
const ROLLBACK_TO: &str = "ROLLBACK TO SAVEPOINT kopek_rehearsal_unit";

/// The handle a [`Store::Rehearsal`] holds; clones share the transaction.
#[derive(Clone)]
pub struct Rehearsal {
    shared: Arc<Mutex<Pinned>>,
    backend: Backend,
}

impl std::fmt::Debug for Rehearsal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rehearsal").field("backend", &self.backend).finish()
    }
}

enum Outer {
    Pg(Transaction<'static, Postgres>),
    Sqlite(Transaction<'static, Sqlite>),
}

struct Pinned {
    /// `None` once the rehearsal has ended.
    outer: Option<Outer>,
    /// What the last unit of work, dropped unsettled, left to do.
    unsettled: Option<Settle>,
}

#[derive(Clone, Copy)]
enum Settle {
    Keep,
    Discard,
}

impl Pinned {
    fn db(&mut self) -> Result<DbRef<'_>> {
        match &mut self.outer {
            Some(Outer::Pg(t)) => Ok(DbRef::Pg(t)),
            Some(Outer::Sqlite(t)) => Ok(DbRef::Sqlite(t)),
            None => Err(StoreError::Rehearsal("the rehearsal is over; its changes were rolled back".into())),
        }
    }

    async fn run(&mut self, sql: &'static str) -> Result<()> {
        match self.db()? {
            DbRef::Pg(c) => sqlx::raw_sql(sql).execute(c).await.map(|_| ()),
            DbRef::Sqlite(c) => sqlx::raw_sql(sql).execute(c).await.map(|_| ()),
        }?;
        Ok(())
    }

    async fn discard(&mut self) -> Result<()> {
        self.run(ROLLBACK_TO).await?;
        self.run(RELEASE).await
    }

    async fn keep(&mut self) -> Result<()> {
        if self.run(RELEASE).await.is_err() {
            // PostgreSQL keeps nothing of a savepoint after a failed
            // statement in it; only rolling it back makes the outer
            // transaction usable again.
            self.discard().await?;
        }
        Ok(())
    }

    async fn settle(&mut self) -> Result<()> {
        match self.unsettled.take() {
            Some(Settle::Keep) => self.keep().await,
            Some(Settle::Discard) => self.discard().await,
            None => Ok(()),
        }
    }
}

impl Rehearsal {
    pub(crate) async fn begin(store: &Store) -> Result<Rehearsal> {
        let outer = match store {
            Store::Postgres(p) => Outer::Pg(p.begin().await?),
            Store::Sqlite(p) => Outer::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Store::Rehearsal(_) => return Err(StoreError::Rehearsal("a rehearsal cannot hold another".into())),
        };
        Ok(Rehearsal { shared: Arc::new(Mutex::new(Pinned { outer: Some(outer), unsettled: None })), backend: store.backend() })
    }

    pub(crate) fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection for one unit of work (`write`: a transaction).
    pub(crate) async fn lease(&self, write: bool) -> Result<Lease> {
        let mut guard = tokio::time::timeout(WAIT, self.shared.clone().lock_owned()).await.map_err(|_| {
            StoreError::Rehearsal(format!(
                "a unit of work waited {} s for the rehearsal's one connection: something holds a connection \
                 while it asks for another",
                WAIT.as_secs()
            ))
        })?;
        guard.settle().await?;
        guard.run(SAVEPOINT).await?;
        Ok(Lease { guard, write, settled: false, backend: self.backend })
    }

    /// Rolls everything back; the store answers nothing after this.
    pub(crate) async fn end(&self) -> Result<()> {
        let mut pinned = self.shared.lock().await;
        match pinned.outer.take() {
            Some(Outer::Pg(t)) => t.rollback().await?,
            Some(Outer::Sqlite(t)) => t.rollback().await?,
            None => {}
        }
        Ok(())
    }
}

/// The rehearsal's connection, held by one unit of work.
pub(crate) struct Lease {
    guard: OwnedMutexGuard<Pinned>,
    write: bool,
    settled: bool,
    backend: Backend,
}

impl Lease {
    pub(crate) fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn db(&mut self) -> DbRef<'_> {
        self.guard.db().expect("a lease is given only while the rehearsal runs")
    }

    pub(crate) async fn commit(mut self) -> Result<()> {
        self.settled = true;
        self.guard.keep().await
    }

    /// A transaction's changes go; a plain connection's stay, as they had
    /// been committed statement by statement.
    pub(crate) async fn rollback(mut self) -> Result<()> {
        self.settled = true;
        if self.write { self.guard.discard().await } else { self.guard.keep().await }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if !self.settled {
            self.guard.unsettled = Some(if self.write { Settle::Discard } else { Settle::Keep });
        }
    }
}
