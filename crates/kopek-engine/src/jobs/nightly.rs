//! The scheduled money jobs: the nightly run at 02:00 provider time — the
//! charges (CHG-1, CAT-7), the credit-limit cycle (CRD), autopayments
//! (PMT-5), auto-renewals (PMT-7), the expiry of paid periods not
//! renewed, the low-balance notices (NTF-1) and the auto-close of tickets
//! (SUP-2), in that order so that a top-up of the night pays the renewals
//! after it and a balance is judged low only after every step that moves it — and the hourly expiry of promised payments (CHG-4). Each
//! handler is idempotent, so a message that runs again after a crash
//! changes nothing more.
//!
//! [`NightStep::ALL`] is the night: the schedule, `kopek night`, its dry run
//! and the test clock all run that list, so a step added to it is added to
//! every one of them.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::Engine;
use crate::billing::autopay::AutopayReport;
use crate::billing::autorenew::RenewalReport;
use crate::billing::credit_limit::CreditReport;
use crate::billing::low_balance::LowBalanceReport;
use crate::charging::run::RunReport;
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::Result;
use crate::documents::acts::ActsReport;
use crate::jobs::worker::{Handler, Message, ScheduledRun};

pub const CHARGE_SCHEDULE: &str = "charging.nightly";
pub const CHARGE_TOPIC: &str = "charging.nightly";
pub const PROMISED_SCHEDULE: &str = "promised.expire";
pub const PROMISED_TOPIC: &str = "promised.expire";

/// When the night runs, provider time.
pub const NIGHT_AT: NaiveTime = NaiveTime::from_hms_opt(2, 0, 0).expect("a valid time");

pub(crate) struct NightlyCharge;

#[async_trait]
impl Handler for NightlyCharge {
    async fn handle(&self, engine: &Engine, message: &Message) -> std::result::Result<(), String> {
        let run: ScheduledRun = serde_json::from_value(message.payload.clone()).map_err(|e| e.to_string())?;
        let date = engine.to_local(run.due_at).date();
        let night = engine.run_night(&Ctx::system("nightly run"), date).await.map_err(|e| e.chain())?;
        tracing::info!(%date, charges = night.charges.charges, total = %night.charges.total.0, credit = ?night.credit,
            autopay = ?night.autopay, renewals = ?night.renewals, expired = night.expired,
            low_balance = ?night.low_balance, "nightly run done");
        Ok(())
    }
}

/// CAT-7: the run at a shifted service's moment charges what has come due.
pub(crate) struct ShiftedCharge;

#[async_trait]
impl Handler for ShiftedCharge {
    async fn handle(&self, engine: &Engine, _: &Message) -> std::result::Result<(), String> {
        let report = engine.run_charges_due(&Ctx::system("shifted charge run")).await.map_err(|e| e.chain())?;
        tracing::info!(date = %report.date, charges = report.charges, total = %report.total.0, "shifted charge run done");
        Ok(())
    }
}

/// One step of the night, in the order [`NightStep::ALL`] runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NightStep {
    Charges,
    Credit,
    Autopay,
    Renewals,
    Expiries,
    /// NTF-1: clients whose balance fell below their threshold are told.
    LowBalance,
    /// SUP-2: tickets left awaiting the client's reply close themselves.
    Tickets,
    /// DOC-2: on the 1st, last month's acts of completed work.
    Acts,
}

impl NightStep {
    /// The night, in order.
    pub const ALL: [NightStep; 8] = [
        NightStep::Charges,
        NightStep::Credit,
        NightStep::Autopay,
        NightStep::Renewals,
        NightStep::Expiries,
        NightStep::LowBalance,
        NightStep::Tickets,
        NightStep::Acts,
    ];

    pub fn name(self) -> &'static str {
        match self {
            NightStep::Charges => "charges",
            NightStep::Credit => "credit",
            NightStep::Autopay => "autopay",
            NightStep::Renewals => "renewals",
            NightStep::Expiries => "expiries",
            NightStep::LowBalance => "low_balance",
            NightStep::Tickets => "tickets",
            NightStep::Acts => "acts",
        }
    }
}

/// What one night did, step by step.
#[derive(Debug, Clone)]
pub struct NightReport {
    pub date: NaiveDate,
    pub charges: RunReport,
    pub credit: CreditReport,
    pub autopay: AutopayReport,
    pub renewals: RenewalReport,
    pub expired: usize,
    pub low_balance: LowBalanceReport,
    /// The tickets the auto-close closed.
    pub tickets_closed: Vec<i64>,
    /// The acts of completed work the 1st issued.
    pub acts: ActsReport,
}

impl NightReport {
    pub(crate) fn empty(date: NaiveDate) -> NightReport {
        NightReport {
            date,
            charges: RunReport { date, dry_run: false, clients: Vec::new(), total: Amount(Decimal::ZERO), charges: 0 },
            credit: CreditReport::default(),
            autopay: AutopayReport::default(),
            renewals: RenewalReport::default(),
            expired: 0,
            low_balance: LowBalanceReport::default(),
            tickets_closed: Vec::new(),
            acts: ActsReport::default(),
        }
    }
}

impl Engine {
    /// The night of `date`: every step idempotent, so the whole night may
    /// run again after a crash; each run is recorded (OPS-5).
    pub async fn run_night(&self, ctx: &Ctx, date: NaiveDate) -> Result<NightReport> {
        self.recorded_night(ctx, date, self).await
    }

    /// Every step of the night, in order; [`Engine::recorded_night`] is
    /// the one caller.
    pub(crate) async fn run_night_steps(&self, ctx: &Ctx, date: NaiveDate) -> Result<NightReport> {
        let mut report = NightReport::empty(date);
        for step in NightStep::ALL {
            self.run_night_step(ctx, date, step, &mut report).await?;
        }
        Ok(report)
    }

    pub(crate) async fn run_night_step(&self, ctx: &Ctx, date: NaiveDate, step: NightStep, r: &mut NightReport) -> Result<()> {
        match step {
            NightStep::Charges => {
                // CAT-7: services shifted later than 02:00 wait for their
                // own moment, and their own schedule.
                let cutoff = crate::charging::run::nominal(date).max(self.to_local(self.now()));
                r.charges = self.run_charges_until(ctx, date, cutoff, false).await?;
                self.ensure_charge_moments().await?;
            }
            NightStep::Credit => r.credit = self.run_credit_cycle(ctx, date).await?,
            NightStep::Autopay => r.autopay = self.run_autopay(ctx, date).await?,
            NightStep::Renewals => r.renewals = self.run_auto_renewals(ctx, date).await?,
            NightStep::Expiries => r.expired = self.expire_paid_periods(ctx).await?,
            NightStep::LowBalance => r.low_balance = self.check_low_balances(ctx).await?,
            NightStep::Tickets => r.tickets_closed = self.auto_close_tickets(ctx).await?.closed,
            NightStep::Acts => r.acts = self.issue_monthly_acts(ctx, date).await?,
        }
        Ok(())
    }

    /// The moment the schedule runs the night of `date`: 02:00 provider time.
    pub fn night_moment(&self, date: NaiveDate) -> DateTime<Utc> {
        self.to_utc(date.and_time(NIGHT_AT))
    }
}

pub(crate) struct PromisedExpiry;

#[async_trait]
impl Handler for PromisedExpiry {
    async fn handle(&self, engine: &Engine, _: &Message) -> std::result::Result<(), String> {
        let n = engine.expire_promised_payments(&Ctx::system("promised payments")).await.map_err(|e| e.chain())?;
        if n > 0 {
            tracing::info!(expired = n, "promised payments expired");
        }
        Ok(())
    }
}
