//! The scheduled money jobs: the nightly run at 02:00 provider time — the
//! charges (CHG-1, CAT-7), the credit-limit cycle (CRD), autopayments
//! (PMT-5), auto-renewals (PMT-7) and the expiry of paid periods not
//! renewed, in that order so that a top-up of the night pays the renewals
//! after it — and the hourly expiry of promised payments (CHG-4). Each
//! handler is idempotent, so a message that runs again after a crash
//! changes nothing more.

use async_trait::async_trait;
use chrono::NaiveDate;

use crate::billing::autopay::AutopayReport;
use crate::billing::autorenew::RenewalReport;
use crate::billing::credit_limit::CreditReport;
use crate::charging::run::RunReport;

use crate::Engine;
use crate::core::ctx::Ctx;
use crate::jobs::worker::{Handler, Message, ScheduledRun};

pub const CHARGE_SCHEDULE: &str = "charging.nightly";
pub const CHARGE_TOPIC: &str = "charging.nightly";
pub const PROMISED_SCHEDULE: &str = "promised.expire";
pub const PROMISED_TOPIC: &str = "promised.expire";

pub(crate) struct NightlyCharge;

#[async_trait]
impl Handler for NightlyCharge {
    async fn handle(&self, engine: &Engine, message: &Message) -> Result<(), String> {
        let run: ScheduledRun = serde_json::from_value(message.payload.clone()).map_err(|e| e.to_string())?;
        let date = engine.to_local(run.due_at).date();
        let night = engine.run_night(&Ctx::system("nightly run"), date).await.map_err(|e| e.to_string())?;
        tracing::info!(%date, charges = night.charges.charges, total = %night.charges.total.0, credit = ?night.credit,
            autopay = ?night.autopay, renewals = ?night.renewals, expired = night.expired, "nightly run done");
        Ok(())
    }
}

/// CAT-7: the run at a shifted service's moment charges what has come due.
pub(crate) struct ShiftedCharge;

#[async_trait]
impl Handler for ShiftedCharge {
    async fn handle(&self, engine: &Engine, _: &Message) -> Result<(), String> {
        let report = engine.run_charges_due(&Ctx::system("shifted charge run")).await.map_err(|e| e.to_string())?;
        tracing::info!(date = %report.date, charges = report.charges, total = %report.total.0, "shifted charge run done");
        Ok(())
    }
}

/// What one night did, step by step.
#[derive(Debug, Clone)]
pub struct NightReport {
    pub charges: RunReport,
    pub credit: CreditReport,
    pub autopay: AutopayReport,
    pub renewals: RenewalReport,
    pub expired: usize,
}

impl Engine {
    /// The night of `date`: every step idempotent, so the whole night may
    /// run again after a crash.
    pub async fn run_night(&self, ctx: &Ctx, date: NaiveDate) -> crate::Result<NightReport> {
        // CAT-7: services shifted later than 02:00 wait for their moment.
        let cutoff = crate::charging::run::nominal(date).max(self.to_local(self.now()));
        let charges = self.run_charges_until(ctx, date, cutoff, false).await?;
        self.ensure_charge_moments().await?;
        let credit = self.run_credit_cycle(ctx, date).await?;
        let autopay = self.run_autopay(ctx, date).await?;
        let renewals = self.run_auto_renewals(ctx, date).await?;
        let expired = self.expire_paid_periods(ctx).await?;
        Ok(NightReport { charges, credit, autopay, renewals, expired })
    }
}

pub(crate) struct PromisedExpiry;

#[async_trait]
impl Handler for PromisedExpiry {
    async fn handle(&self, engine: &Engine, _: &Message) -> Result<(), String> {
        let n = engine.expire_promised_payments(&Ctx::system("promised payments")).await.map_err(|e| e.to_string())?;
        if n > 0 {
            tracing::info!(expired = n, "promised payments expired");
        }
        Ok(())
    }
}
