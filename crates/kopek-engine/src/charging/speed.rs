//! What the equipment is told of a subscription's speed (CAT-1 forsage,
//! CAT-11 activity windows): one outbox topic and one message shape for
//! every cause, so the provider's side (a RADIUS CoA, a webhook) reads one
//! thing.

use chrono::{DateTime, Utc};
use kopek_domain::catalog::Speed;
use serde::{Deserialize, Serialize};

use crate::core::error::Result;
use crate::core::uow::Uow;

/// The outbox topic that tells the equipment a subscription's speed now
/// applies or no longer does.
pub const SPEED_TOPIC: &str = "subscription.speed_changed";

/// What a [`SPEED_TOPIC`] message carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpeedChange {
    pub subscription_id: i64,
    pub client_id: i64,
    pub service_id: i64,
    /// The service's shaper speed.
    pub speed: Option<Speed>,
    /// Whether the speed applies from now on, or applies no longer.
    pub applies: bool,
    /// "boost started", "boost ended", "window opened", "window closed".
    pub reason: String,
    pub at: DateTime<Utc>,
}

impl SpeedChange {
    /// The change of `sub`'s speed; `sub` is (subscription, client, service).
    pub(crate) fn of(sub: (i64, i64, i64), speed: Option<Speed>, applies: bool, reason: &str, at: DateTime<Utc>) -> Self {
        let (subscription_id, client_id, service_id) = sub;
        SpeedChange { subscription_id, client_id, service_id, speed, applies, reason: reason.to_string(), at }
    }
}

/// Queues a speed change for the equipment, once per subscription and
/// `dedup`.
pub(crate) async fn emit_speed(uow: &mut Uow<'_>, change: &SpeedChange, dedup: &str) -> Result<()> {
    uow.emit(SPEED_TOPIC, change, Some(&format!("speed:{}:{dedup}", change.subscription_id))).await?;
    Ok(())
}
