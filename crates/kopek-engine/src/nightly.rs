//! The scheduled money jobs: the nightly charge run at 02:00 provider time
//! (CHG-1, CAT-7) with the expiry of paid periods not renewed, and the hourly expiry of promised payments (CHG-4). Each
//! handler is idempotent, so a message that runs again after a crash
//! changes nothing more.

use async_trait::async_trait;

use crate::Engine;
use crate::ctx::Ctx;
use crate::jobs::{Handler, Message, ScheduledRun};

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
        let report = engine.run_charges(&Ctx::system("nightly charge run"), date, false).await.map_err(|e| e.to_string())?;
        tracing::info!(%date, charges = report.charges, total = %report.total.0, "nightly charge run done");
        let expired = engine.expire_paid_periods(&Ctx::system("nightly expiry")).await.map_err(|e| e.to_string())?;
        tracing::info!(expired, "paid periods expired");
        Ok(())
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
