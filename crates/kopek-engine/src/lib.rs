//! Kopek's use cases. Each public method of [`Engine`] is one thing a user
//! or the scheduler does; it checks access, runs in one transaction with
//! its audit record and outbox messages, and returns a view.

pub mod accounts;
pub mod billing;
pub mod catalog;
pub mod charging;
pub mod core;
pub mod jobs;
pub mod ledger;
pub mod payments;
pub mod service_life;
pub mod shop;

#[cfg(feature = "testing")]
pub mod testing;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, DurationRound, FixedOffset, Utc};
use kopek_domain::Clock;
use kopek_store::Store;
use kopek_store::check::Violation;

pub use crate::core::ctx::{Actor, Ctx};
pub use crate::core::error::{EngineError, Result};

/// Provider-wide settings the use cases read.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The provider's offset from UTC: the nightly run is at 02:00 here.
    pub provider_offset: FixedOffset,
    pub session_ttl: Duration,
    /// How long a login stays locked after five failed passwords.
    pub login_lock_for: Duration,
    pub password_cost: accounts::password::PasswordCost,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            provider_offset: FixedOffset::east_opt(3 * 3600).expect("valid offset"),
            session_ttl: Duration::days(14),
            login_lock_for: Duration::minutes(15),
            password_cost: accounts::password::PasswordCost::STANDARD,
        }
    }
}

#[derive(Clone)]
pub struct Engine {
    pub(crate) store: Store,
    clock: Arc<dyn Clock>,
    pub(crate) settings: Settings,
    /// The payment gateways this installation talks to (PMT-4).
    pub(crate) gateways: Arc<HashMap<payments::gateway::GatewayKind, Arc<dyn payments::gateway::PaymentGateway>>>,
    /// Builds the provisioning hooks products name (SVC-3).
    pub(crate) hooks: Option<Arc<dyn service_life::provisioning::HookFactory>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("backend", &self.store.backend()).finish()
    }
}

impl Engine {
    pub fn new(store: Store, clock: Arc<dyn Clock>, settings: Settings) -> Engine {
        Engine { store, clock, settings, gateways: Arc::default(), hooks: None }
    }

    /// Adds (or replaces) the gateway of its kind.
    pub fn with_gateway(mut self, gateway: Arc<dyn payments::gateway::PaymentGateway>) -> Engine {
        Arc::make_mut(&mut self.gateways).insert(gateway.kind(), gateway);
        self
    }

    pub fn with_hooks(mut self, factory: Arc<dyn service_life::provisioning::HookFactory>) -> Engine {
        self.hooks = Some(factory);
        self
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The clock's time to the microsecond, as both databases store it.
    pub fn now(&self) -> DateTime<Utc> {
        let now = self.clock.now();
        now.duration_trunc(Duration::microseconds(1)).unwrap_or(now)
    }

    /// Proves the ledger's invariants (LED-1): empty means it holds.
    pub async fn check_ledger(&self) -> Result<Vec<Violation>> {
        let mut conn = self.store.conn().await?;
        Ok(kopek_store::check::run_all(&mut conn).await?)
    }

    /// Outbox messages per status (pending, done, dead), for metrics.
    pub async fn outbox_counts(&self) -> Result<Vec<(String, i64)>> {
        let mut conn = self.store.conn().await?;
        Ok(kopek_store::outbox::count_by_status(&mut conn).await?)
    }

    /// Answers when the database does.
    pub async fn ping(&self) -> Result<()> {
        let mut conn = self.store.conn().await?;
        kopek_store::clients::count(&mut conn).await?;
        Ok(())
    }
}
