//! The charge run (CHG-1 … CHG-8, CAT-4, CAT-7, CAT-11): every night, for
//! each client with something due, the periods due by the run's horizon are
//! priced (versions, discounts, holidays, usage), weighed together against
//! the balance, and either charged — an expense, its entry and a charge row
//! keyed by (subscription, period) — or left uncovered, blocking or
//! deactivating the services as their options say. Thresholds and lifetimes
//! are applied after. Clients are processed in batches, one transaction per
//! batch: a run stopped anywhere and started again charges exactly what one
//! uninterrupted run would have. A dry run is the same code, rolled back.
//!
//! CAT-7: each service is charged at its own moment, 02:00 plus its shift
//! (-150 is 23:30 of the day before), while the expense records the
//! nominal 02:00. A run of a night has a cutoff: it charges each service up
//! to its last moment that has come by then, so the night is several runs
//! (the 02:00 one and one at each shifted moment, see
//! [`crate::charging::moments`]), each charging only what is due, and any
//! of them run again charges nothing twice. The per-client charging is in
//! [`crate::charging::client`], its batch fast path in
//! [`crate::charging::batch`].

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use futures::StreamExt;
use kopek_domain::charging::{charge_moment, night_of, whole_night};
use kopek_store::{Backend, bulk};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::catalog::services::{PriceBook, load_price_book};
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::Result;

/// Clients per transaction in a run.
pub const RUN_BATCH: i64 = 500;

/// One charged (or, in a dry run, chargeable) period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChargeLine {
    pub subscription_id: i64,
    pub service: String,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub amount: Amount,
}

/// What a run did (or would do) for one client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClientRun {
    pub client_id: i64,
    pub balance_before: Amount,
    pub balance_after: Amount,
    pub charged: Amount,
    pub lines: Vec<ChargeLine>,
    /// Subscriptions whose charges the balance didn't cover: blocked or
    /// deactivated.
    pub uncovered: Vec<(i64, String)>,
    /// State changes: (subscription, new state).
    pub changes: Vec<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RunReport {
    pub date: NaiveDate,
    pub dry_run: bool,
    pub clients: Vec<ClientRun>,
    /// Charges made, per currency is not mixed: amounts are in each
    /// client's currency, and a provider's clients share one in practice.
    pub total: Amount,
    pub charges: usize,
}

/// When a charge counts as made: the nominal 02:00 of the run (CAT-7).
pub(crate) fn nominal(date: NaiveDate) -> NaiveDateTime {
    charge_moment(date, 0)
}

/// One run of a night: its date and how far into it the run reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Night {
    pub(crate) date: NaiveDate,
    /// Provider time; each service is charged up to its last moment that
    /// has come by then.
    pub(crate) cutoff: NaiveDateTime,
}

impl Engine {
    pub fn to_local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        t.with_timezone(&self.settings.provider_offset).naive_local()
    }

    pub fn to_utc(&self, t: NaiveDateTime) -> DateTime<Utc> {
        self.settings.provider_offset.from_local_datetime(&t).single().expect("fixed offsets are unambiguous").with_timezone(&Utc)
    }

    /// The whole night of `date` (CHG-1): every service charged up to its
    /// own moment of that night, whatever the clock says — the operator's
    /// run (`kopek charge --date`, the API). Idempotent: run again, it
    /// charges nothing more; stopped halfway and run again, it finishes the
    /// rest.
    pub async fn run_charges(&self, ctx: &Ctx, date: NaiveDate, dry_run: bool) -> Result<RunReport> {
        self.run_charges_in_batches(ctx, date, dry_run, RUN_BATCH).await
    }

    /// [`Engine::run_charges`] with `batch` clients per transaction.
    pub async fn run_charges_in_batches(&self, ctx: &Ctx, date: NaiveDate, dry_run: bool, batch: i64) -> Result<RunReport> {
        self.run_charges_paced(ctx, date, dry_run, batch, std::time::Duration::ZERO).await
    }

    /// A run that waits `pause` after each batch: crash tests use it to
    /// kill a run between (or inside) its transactions.
    pub async fn run_charges_paced(
        &self,
        ctx: &Ctx,
        date: NaiveDate,
        dry_run: bool,
        batch: i64,
        pause: std::time::Duration,
    ) -> Result<RunReport> {
        self.run_night_charges(ctx, Night { date, cutoff: whole_night(date) }, dry_run, batch, pause).await
    }

    /// CAT-7: the run of `date`'s night at `cutoff` (provider time): each
    /// service is charged up to its own last moment that has come by then,
    /// a service whose moment is later waits for a later run.
    pub async fn run_charges_until(&self, ctx: &Ctx, date: NaiveDate, cutoff: NaiveDateTime, dry_run: bool) -> Result<RunReport> {
        self.run_night_charges(ctx, Night { date, cutoff }, dry_run, RUN_BATCH, std::time::Duration::ZERO).await
    }

    /// CAT-7: what has come due by now, in the night now belongs to: the
    /// run of a shifted service's moment.
    pub async fn run_charges_due(&self, ctx: &Ctx) -> Result<RunReport> {
        let now = self.to_local(self.now());
        self.run_charges_until(ctx, night_of(now), now, false).await
    }

    async fn run_night_charges(
        &self,
        ctx: &Ctx,
        night: Night,
        dry_run: bool,
        batch: i64,
        pause: std::time::Duration,
    ) -> Result<RunReport> {
        ctx.actor.ensure_may_move_money()?;
        let batch_size = batch.clamp(1, 100_000);
        let book = {
            let mut conn = self.store.conn().await?;
            load_price_book(&mut conn).await?
        };
        let date = night.date;
        let mut report = RunReport { date, dry_run, clients: Vec::new(), total: Amount(Decimal::ZERO), charges: 0 };
        // The clients with work are read once; a run started again after a
        // crash reads only those still due. A client whose only charges of
        // the night wait for a later moment is left to that run.
        let due = {
            let waiting = waiting_services(&book, night);
            let mut conn = self.store.conn().await?;
            bulk::clients_due(&mut conn, date, &waiting).await?
        };
        // Batches hold disjoint clients, so on PostgreSQL two of them run at
        // once on two connections; SQLite has one writer and takes them in turn.
        let parallel = match self.store.backend() {
            Backend::Postgres => 2,
            Backend::Sqlite => 1,
        };
        let chunks = due.chunks(usize::try_from(batch_size).unwrap_or(500)).map(<[i64]>::to_vec);
        let book = &book;
        let mut runs = futures::stream::iter(chunks)
            .map(|batch| async move { self.charge_one_batch(ctx, book, &batch, night, dry_run, pause).await })
            .buffered(parallel);
        while let Some(runs) = runs.next().await {
            for run in runs? {
                report.charges += run.lines.len();
                report.total = Amount(report.total.0 + run.charged.0);
                report.clients.push(run);
            }
        }
        Ok(report)
    }

    /// One batch of the run in its own transaction (rolled back on a dry run).
    async fn charge_one_batch(
        &self,
        ctx: &Ctx,
        book: &PriceBook,
        batch: &[i64],
        night: Night,
        dry_run: bool,
        pause: std::time::Duration,
    ) -> Result<Vec<ClientRun>> {
        let last = *batch.last().expect("chunks are not empty");
        let mut uow = self.begin(ctx).await?;
        let (runs, _) = self.charge_batch(&mut uow, book, batch, night, false).await?;
        if dry_run {
            uow.conn.rollback().await?;
        } else {
            uow.audit(
                "charge.run.batch",
                "charge_run",
                night.date,
                None,
                serde_json::json!({
                    "nominal_time": nominal(night.date), "cutoff": night.cutoff, "last_client": last,
                }),
            )
            .await?;
            uow.finish(()).await?;
        }
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
        Ok(runs)
    }
}

/// The services whose charge moment of the night has not come by the
/// run's cutoff.
fn waiting_services(book: &PriceBook, night: Night) -> Vec<i64> {
    book.service_ids()
        .filter(|id| {
            book.spec_on(*id, night.date)
                .is_some_and(|s| charge_moment(night.date, s.additional.charge_shift_minutes) > night.cutoff)
        })
        .collect()
}
