//! Kopek's use cases. Each public method of [`Engine`] is one thing a user
//! or the scheduler does; it checks access, runs in one transaction with
//! its audit record and outbox messages, and returns a view.
//!
//! The root holds only areas; where each part of SPEC.md lives:
//!
//! | SPEC | area |
//! | --- | --- |
//! | ACC (clients, users, access), SEC (logins, 2FA, privacy, audit) | [`accounts`] |
//! | PAY (payers), LED-3 and PMT-1…4 (payments by a method, gateways, webhooks, bank statements), PMT-6 (saved methods) | [`payments`] |
//! | LED (the ledger, balances, VAT, the dashboard's sums) | [`ledger`] |
//! | CAT-1…12 (services, versions, tariffs, holidays) | [`catalog`] |
//! | CHG (subscriptions, the charge run, usage, promised payments) | [`charging`] |
//! | CRD (the credit limit), PMT-5 (autopayment), PMT-7 (auto-renewal), paid periods, low-balance warnings | [`billing`] |
//! | CAT-13 (products, promo codes), ORD (cart, orders) | [`shop`] |
//! | SVC (a client's services: actions, changes, questions, provisioning) | [`service_life`] |
//! | DOC (invoices, acts, reconciliation, contracts, the provider's details) | [`documents`] |
//! | NTF (deliveries, templates, the inbox, news, Telegram) | [`notifications`] |
//! | SUP (tickets, departments, files, the bot) | [`support`] |
//! | OPS (the night and its record, schedules, the worker, the test clock, demo data) | [`jobs`] |
//! | what every area stands on: the caller, errors, the unit of work, views | [`core`] |
//!
//! Beside the areas, `testing` (feature `testing`) is the harness the tests
//! of every layer share: it calls into every area, so it sits above them,
//! not in `core`, which calls into none.

pub mod accounts;
pub mod billing;
pub mod catalog;
pub mod charging;
pub mod core;
pub mod documents;
pub mod jobs;
pub mod ledger;
pub mod notifications;
pub mod payments;
pub mod service_life;
pub mod shop;
pub mod support;

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
    /// Where the provider serves Kopek (`https://my.provider.ru`): the only
    /// absolute address a payer is sent back to after paying; without it,
    /// only this site's own paths.
    pub public_url: Option<String>,
    /// SEC-2: staff log in only with two-step authentication; one without
    /// it is sent to enrol first.
    pub staff_two_factor_required: bool,
    /// SEC-2: the name an authenticator app shows beside the codes.
    pub two_factor_issuer: String,
    /// SUP-1, SUP-2: auto-close days and attachment limits.
    pub support: kopek_domain::support::SupportSettings,
    /// SUP-1: where new attachments' bytes are kept.
    pub support_files: support::files::FileStore,
    /// ACC-2: SMS is configured, so phone numbers can be confirmed by code.
    pub sms_enabled: bool,
    /// NTF-5: the provider's Telegram bot (without @), for the one-time
    /// links the settings page shows; none while the bot is off.
    pub telegram_bot_name: Option<String>,
}

impl Settings {
    /// Whether `url` is this site's: a path of it, or an address under the
    /// public URL. Anything else would let a link send a payer elsewhere
    /// with Kopek's name on it.
    pub fn is_own_url(&self, url: &str) -> bool {
        if url.starts_with('/') {
            return !url.starts_with("//") && !url.contains('\\');
        }
        let origin_of = |u: &str| -> Option<String> {
            let (scheme, rest) = u.split_once("://")?;
            let host = rest.split(['/', '?', '#']).next()?;
            (!host.is_empty() && !host.contains('@'))
                .then(|| format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase()))
        };
        match (&self.public_url, origin_of(url)) {
            (Some(public), Some(origin)) => origin_of(public).is_some_and(|p| p == origin),
            _ => false,
        }
    }

    /// A path of this site as an address a gateway can send the payer back
    /// to: under the public URL when there is one.
    pub fn absolute_url(&self, url: &str) -> String {
        match &self.public_url {
            Some(public) if url.starts_with('/') => format!("{}{url}", public.trim_end_matches('/')),
            _ => url.to_string(),
        }
    }

    /// Whether Kopek is served over HTTPS, so its cookies are marked Secure.
    pub fn behind_https(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.to_ascii_lowercase().starts_with("https://"))
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            provider_offset: FixedOffset::east_opt(3 * 3600).expect("valid offset"),
            session_ttl: Duration::days(14),
            login_lock_for: Duration::minutes(15),
            password_cost: accounts::password::PasswordCost::STANDARD,
            public_url: None,
            staff_two_factor_required: false,
            two_factor_issuer: "Kopek".into(),
            support: kopek_domain::support::SupportSettings::default(),
            support_files: support::files::FileStore::Database,
            sms_enabled: false,
            telegram_bot_name: None,
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
    /// Checks staff's own notification templates before they are stored
    /// (NTF-3); without it they are refused.
    pub(crate) renderer: Option<Arc<dyn notifications::channels::Renderer>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("backend", &self.store.backend()).finish()
    }
}

impl Engine {
    pub fn new(store: Store, clock: Arc<dyn Clock>, settings: Settings) -> Engine {
        Engine { store, clock, settings, gateways: Arc::default(), hooks: None, renderer: None }
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

    pub fn with_renderer(mut self, renderer: Arc<dyn notifications::channels::Renderer>) -> Engine {
        self.renderer = Some(renderer);
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

#[cfg(test)]
mod tests {
    use super::Settings;

    #[test]
    fn sec1_a_payer_is_sent_back_only_to_this_site() {
        let local = Settings::default();
        assert!(local.is_own_url("/finance/payments/7"));
        for evil in ["//evil.example/x", "https://evil.example/phish", "/\\evil.example", "javascript:alert(1)"] {
            assert!(!local.is_own_url(evil), "{evil}");
        }
        let public = Settings { public_url: Some("https://my.provider.ru".into()), ..Settings::default() };
        assert!(public.is_own_url("https://my.provider.ru/finance/payments"));
        assert!(public.is_own_url("HTTPS://My.Provider.ru?x=1"));
        assert!(!public.is_own_url("https://my.provider.ru.evil.example/"));
        assert!(!public.is_own_url("https://user@my.provider.ru/"));
        assert!(!public.is_own_url("http://my.provider.ru/"), "not over plain HTTP");
        assert!(public.behind_https() && !local.behind_https());
    }
}
