//! The record of the night (OPS-5, CHG-1): each run, however it was started,
//! is written down when it starts and completed when it ends — when, how
//! long, what each step did, the error it stopped on — and staff read the
//! last runs next to the schedule's next one.

use std::collections::BTreeSet;
use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use kopek_store::{night_runs as store, schedules};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::jobs::nightly::{CHARGE_SCHEDULE, NightReport};
use crate::jobs::rehearsal::ClientNight;

/// What nights did, added up step by step: one night's in a run's record,
/// a range's in `kopek night`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct NightSummary {
    pub charged: Amount,
    pub charges: usize,
    /// Clients charged at least once.
    pub clients_charged: usize,
    #[serde(skip)]
    charged_ids: BTreeSet<i64>,
    /// Subscriptions the balance did not cover: blocked or deactivated.
    pub skipped: usize,
    pub invoices_issued: usize,
    pub reminders_sent: usize,
    pub invoices_paid: usize,
    pub blocked: usize,
    pub unblocked: usize,
    pub autopayments: usize,
    pub autopay_at_max: usize,
    pub renewed: usize,
    pub renewal_payments: usize,
    pub renewals_failed: usize,
    pub renewals_held: usize,
    pub expired: usize,
    pub low_balance_notified: usize,
    pub low_balance_rearmed: usize,
    pub tickets_closed: usize,
    pub acts_issued: usize,
}

impl NightSummary {
    pub fn of(report: &NightReport) -> NightSummary {
        let mut s = NightSummary::default();
        s.add(report);
        s
    }

    pub fn add(&mut self, r: &NightReport) {
        // Two decimals at least, as money is shown; four at most.
        self.charged = Amount::shown(self.charged.0 + r.charges.total.0, 2);
        self.charges += r.charges.charges;
        self.charged_ids.extend(r.charges.clients.iter().filter(|c| !c.lines.is_empty()).map(|c| c.client_id));
        self.clients_charged = self.charged_ids.len();
        self.skipped += r.charges.clients.iter().map(|c| c.uncovered.len()).sum::<usize>();
        self.invoices_issued += r.credit.invoices_issued;
        self.reminders_sent += r.credit.reminders_sent;
        self.invoices_paid += r.credit.invoices_paid;
        self.blocked += r.credit.blocked;
        self.unblocked += r.credit.unblocked;
        self.autopayments += r.autopay.payments_started;
        self.autopay_at_max += r.autopay.monthly_max_reached;
        self.renewed += r.renewals.renewed;
        self.renewal_payments += r.renewals.payments_started;
        self.renewals_failed += r.renewals.failed;
        self.renewals_held += r.renewals.held;
        self.expired += r.expired;
        self.low_balance_notified += r.low_balance.notified;
        self.low_balance_rearmed += r.low_balance.rearmed;
        self.tickets_closed += r.tickets_closed.len();
        self.acts_issued += r.acts.issued;
    }
}

/// One run of the night as staff read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NightRun {
    pub id: i64,
    /// The night it ran.
    pub date: NaiveDate,
    /// Who started it: the schedule, `kopek night`, a staff member.
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    /// None while it runs, or when a crash cut it short.
    pub finished_at: Option<DateTime<Utc>>,
    pub duration_ms: Option<i64>,
    pub summary: NightSummary,
    pub error: Option<String>,
}

/// The night's schedule and its last runs, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NightRuns {
    /// When the schedule runs the next night; None before the first
    /// `kopek serve` installed it, or when it is switched off.
    pub next_at: Option<DateTime<Utc>>,
    pub last_fired_at: Option<DateTime<Utc>>,
    pub runs: Vec<NightRun>,
    /// The id to pass as `before` for the older runs.
    pub next_before: Option<i64>,
}

/// The dry run of one night: in total and per client (CHG-8).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct NightRehearsal {
    pub date: NaiveDate,
    pub summary: NightSummary,
    /// The clients the night would touch, in id order.
    pub clients: Vec<ClientNight>,
}

/// What a night run did, in total.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct NightDone {
    pub date: NaiveDate,
    pub summary: NightSummary,
}

/// Runs a page shows.
pub const NIGHT_RUNS_PAGE: i64 = 30;

impl Engine {
    /// The night of `date`, its steps run by `on` (this engine, or one whose
    /// clock stands at the night's 02:00), written down as it starts and
    /// completed with what it did or the error it stopped on.
    pub(crate) async fn recorded_night(&self, ctx: &Ctx, date: NaiveDate, on: &Engine) -> Result<NightReport> {
        let clock = Instant::now();
        let id = store::start(&mut self.store.conn().await?, date, &ctx.actor.label(), self.now()).await?;
        let result = on.run_night_steps(ctx, date).await;
        let (summary, error) = match &result {
            Ok(report) => (NightSummary::of(report), None),
            Err(e) => (NightSummary::default(), Some(e.chain())),
        };
        let finished = store::Finished {
            finished_at: self.now(),
            duration_ms: i64::try_from(clock.elapsed().as_millis()).unwrap_or(i64::MAX),
            charges: summary.charges as i64,
            skipped: summary.skipped as i64,
            summary: &serde_json::to_string(&summary)?,
            error: error.as_deref(),
        };
        store::finish(&mut self.store.conn().await?, id, &finished).await?;
        result
    }

    /// CHG-8, OPS-5: the night of `date` run and rolled back — what the
    /// real run would do, in total and per client.
    pub async fn rehearse_night(&self, ctx: &Ctx, date: NaiveDate) -> Result<NightRehearsal> {
        let night = self
            .rehearse_nights(ctx, date, date)
            .await?
            .pop()
            .ok_or_else(|| EngineError::Internal(format!("the dry run of {date} rehearsed no night")))?;
        Ok(NightRehearsal { date, summary: NightSummary::of(&night.report), clients: night.clients })
    }

    /// OPS-5: staff run the night of `date` as the schedule would, once its
    /// 02:00 has come (a night missed or to be caught up).
    pub async fn start_night(&self, ctx: &Ctx, date: NaiveDate) -> Result<NightDone> {
        let report = self.run_night_at_its_time(ctx, date).await?;
        Ok(NightDone { date, summary: NightSummary::of(&report) })
    }

    /// OPS-5: the schedule of the night and its runs, newest first, a page
    /// at a time; the money screens are not support's (ACC-4).
    pub async fn night_runs(&self, ctx: &Ctx, before: Option<i64>) -> Result<NightRuns> {
        ctx.actor.ensure_may_see_money()?;
        let mut conn = self.store.conn().await?;
        let schedule = schedules::all(&mut conn).await?.into_iter().find(|s| s.name == CHARGE_SCHEDULE);
        let mut rows = store::recent(&mut conn, before, NIGHT_RUNS_PAGE + 1).await?;
        let more = rows.len() as i64 > NIGHT_RUNS_PAGE;
        rows.truncate(NIGHT_RUNS_PAGE as usize);
        let next_before = if more { rows.last().map(|r| r.id) } else { None };
        let runs = rows
            .into_iter()
            .map(|r| NightRun {
                id: r.id,
                date: r.night_date,
                started_by: r.actor_label,
                started_at: r.started_at,
                finished_at: r.finished_at,
                duration_ms: r.duration_ms,
                summary: serde_json::from_str(&r.summary).unwrap_or_default(),
                error: r.error,
            })
            .collect();
        Ok(NightRuns {
            next_at: schedule.as_ref().filter(|s| s.enabled).map(|s| s.next_run_at),
            last_fired_at: schedule.and_then(|s| s.last_run_at),
            runs,
            next_before,
        })
    }
}
