//! Kopek's recurring jobs and the worker that runs them. Housekeeping:
//! expired sessions,
//! old idempotency keys and delivered outbox messages are removed nightly.
//! The money jobs (the nightly charge run, promised-payment expiry) live in
//! `nightly.rs`; every schedule is declared in [`Engine::install_schedules`]
//! and handled by [`Engine::standard_worker`].

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{Duration, NaiveTime};
use kopek_domain::schedule::Recurrence;
use kopek_store::{idempotency, outbox, users};

use crate::Engine;
use crate::charging::windows;
use crate::core::error::Result;
use crate::jobs::nightly;
use crate::jobs::worker::{Handler, Message, Worker};

pub const CLEANUP_SCHEDULE: &str = "maintenance.cleanup";
pub const CLEANUP_TOPIC: &str = "maintenance.cleanup";
/// CAT-1: the boosts whose time is over end within a minute.
pub const BOOST_END_SCHEDULE: &str = "forsage.end";
pub const BOOST_END_TOPIC: &str = "forsage.end";

/// How long a retried request can still replay its first answer.
pub const IDEMPOTENCY_KEYS_KEPT: Duration = Duration::days(30);
/// How long delivered outbox messages are kept for inspection.
pub const DONE_MESSAGES_KEPT: Duration = Duration::days(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CleanupReport {
    pub sessions: u64,
    pub idempotency_keys: u64,
    pub messages: u64,
}

struct Cleanup;

#[async_trait]
impl Handler for Cleanup {
    async fn handle(&self, engine: &Engine, _: &Message) -> std::result::Result<(), String> {
        let report = engine.cleanup().await.map_err(|e| e.chain())?;
        tracing::info!(?report, "cleanup done");
        Ok(())
    }
}

struct BoostEnd;

#[async_trait]
impl Handler for BoostEnd {
    async fn handle(&self, engine: &Engine, _: &Message) -> std::result::Result<(), String> {
        let ended = engine.end_boosts(&crate::Ctx::system("forsage")).await.map_err(|e| e.chain())?;
        if ended > 0 {
            tracing::info!(ended, "boosts ended");
        }
        Ok(())
    }
}

impl Engine {
    pub async fn cleanup(&self) -> Result<CleanupReport> {
        let now = self.now();
        let mut conn = self.store.conn().await?;
        Ok(CleanupReport {
            sessions: users::delete_expired_sessions(&mut conn, now).await?,
            idempotency_keys: idempotency::delete_older_than(&mut conn, now - IDEMPOTENCY_KEYS_KEPT).await?,
            messages: outbox::delete_done_before(&mut conn, now - DONE_MESSAGES_KEPT).await?,
        })
    }

    /// Declares Kopek's recurring jobs (idempotent: existing ones keep
    /// their next due time).
    pub async fn install_schedules(&self) -> Result<()> {
        let at = NaiveTime::from_hms_opt(3, 30, 0).expect("valid time");
        self.ensure_schedule(CLEANUP_SCHEDULE, CLEANUP_TOPIC, &Recurrence::Daily { at }).await?;
        self.ensure_schedule(nightly::CHARGE_SCHEDULE, nightly::CHARGE_TOPIC, &Recurrence::Daily { at: nightly::NIGHT_AT })
            .await?;
        self.ensure_charge_moments().await?;
        self.ensure_schedule(BOOST_END_SCHEDULE, BOOST_END_TOPIC, &Recurrence::Seconds { seconds: 60 }).await?;
        self.ensure_schedule(nightly::PROMISED_SCHEDULE, nightly::PROMISED_TOPIC, &Recurrence::Seconds { seconds: 3600 }).await?;
        // CAT-11: activity windows open and close on the minute.
        let tick = Recurrence::Seconds { seconds: windows::WINDOWS_TICK_SECONDS };
        self.ensure_schedule(windows::WINDOWS_SCHEDULE, windows::WINDOWS_TOPIC, &tick).await
    }

    /// A worker with a handler for every topic Kopek itself produces.
    pub fn standard_worker(&self, id: impl Into<String>) -> Worker {
        Worker::new(self.clone(), id)
            .handle(CLEANUP_TOPIC, Arc::new(Cleanup))
            .handle(nightly::CHARGE_TOPIC, Arc::new(nightly::NightlyCharge))
            .handle(crate::charging::moments::SHIFTED_TOPIC, Arc::new(nightly::ShiftedCharge))
            .handle(nightly::PROMISED_TOPIC, Arc::new(nightly::PromisedExpiry))
            .handle(BOOST_END_TOPIC, Arc::new(BoostEnd))
            .handle(windows::WINDOWS_TOPIC, Arc::new(windows::WindowTick))
            .handle(crate::service_life::life::PROVISIONING_TOPIC, Arc::new(crate::service_life::life::ProvisioningJob))
    }
}
