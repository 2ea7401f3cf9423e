//! The one interface every provisioning hook answers to (SVC-3, CAT-8,
//! ORD-5). When a client's service is opened, stopped, started, renewed,
//! changed or deleted, an outbox job calls the product's hook: a provider's
//! script or webhook that creates the hosting account, blocks the NAS login,
//! moves the IPTV package. The engine owns the trait so that use cases
//! depend on it and `kopek-integrations` implements it; nothing here touches
//! the database.
//!
//! A hook reports what happened at the provider's side; the service's state
//! machine decides what it means (active, waiting for setup, out of stock,
//! failed). Calls are retried from the outbox, so every call carries the
//! idempotency key of its job: a hook that already did the work must answer
//! the repeated call without doing it twice.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use kopek_domain::DomainError;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use utoipa::ToSchema;

use crate::core::error::Result;

/// What happens to the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HookAction {
    /// A new service: create the account, reserve the address.
    Open,
    /// Suspended for debt or by staff; the client's data is kept.
    Stop,
    /// Back from a stop.
    Start,
    /// A new paid period began; hooks that track expiry move it.
    Renew,
    /// The tariff or its add-ons changed; params carry the new values.
    Change,
    /// The service is closed for good.
    Delete,
}

impl HookAction {
    pub const ALL: [HookAction; 6] =
        [HookAction::Open, HookAction::Stop, HookAction::Start, HookAction::Renew, HookAction::Change, HookAction::Delete];

    /// The name hooks receive; scripts and webhooks switch on it, so it
    /// never changes.
    pub fn as_str(self) -> &'static str {
        match self {
            HookAction::Open => "open",
            HookAction::Stop => "stop",
            HookAction::Start => "start",
            HookAction::Renew => "renew",
            HookAction::Change => "change",
            HookAction::Delete => "delete",
        }
    }

    pub fn parse(s: &str) -> Option<HookAction> {
        HookAction::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

impl std::fmt::Display for HookAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One call of a hook. Serializable so that an outbox job can carry it
/// unchanged from the transaction that decided it to the worker that runs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookCall {
    pub action: HookAction,
    /// The client's service (subscription) the call is about.
    pub service_id: i64,
    pub client_id: i64,
    /// The product's code, so one hook can serve several products.
    pub product: String,
    /// The service's parameters: tariff parameters, add-on values, the
    /// domain name, and the catalog's integration options (activation and
    /// deactivation parameter strings, NAS, IP pool, base package, IPTV
    /// account). Ordered, so every run passes them in the same order.
    pub params: BTreeMap<String, String>,
    /// The same for every retry of one call: a hook that saw it before
    /// answers again without repeating the work.
    pub idempotency_key: String,
}

/// What the provider's side reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookAnswer {
    /// Done: the service may be active. `data` is what the hook tells back
    /// (a login, an address, a panel URL) for the service's parameters.
    Success { message: Option<String>, data: BTreeMap<String, String> },
    /// Staff or the client must finish something first (enter a domain,
    /// pick a server); not an error and not retried.
    NeedsSetup { message: String },
    /// No free resource (addresses, ports, licences) right now.
    OutOfStock { message: String },
    /// The hook refused or broke; the message is shown to staff.
    Failed { message: String },
}

impl HookAnswer {
    /// The answer's name, as hooks report it and the state machine logs it.
    pub fn status(&self) -> &'static str {
        match self {
            HookAnswer::Success { .. } => "success",
            HookAnswer::NeedsSetup { .. } => "needs_setup",
            HookAnswer::OutOfStock { .. } => "out_of_stock",
            HookAnswer::Failed { .. } => "failed",
        }
    }

    pub fn message(&self) -> Option<&str> {
        match self {
            HookAnswer::Success { message, .. } => message.as_deref(),
            HookAnswer::NeedsSetup { message } | HookAnswer::OutOfStock { message } | HookAnswer::Failed { message } => {
                Some(message)
            }
        }
    }

    pub fn is_success(&self) -> bool {
        matches!(self, HookAnswer::Success { .. })
    }
}

/// A call whose outcome is unknown or could not be understood. A hook that
/// answered "failed" is not an error: that is [`HookAnswer::Failed`].
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum HookError {
    /// No answer in time; the hook may still have done the work, so the
    /// retry carries the same idempotency key.
    #[error("provisioning hook timed out after {after_secs} s")]
    TimedOut { after_secs: u64 },
    /// Network failure, 5xx, a script that could not start or asked to be
    /// retried (EX_TEMPFAIL).
    #[error("provisioning hook unavailable: {0}")]
    Unavailable(String),
    /// An answer we cannot read, or a call we cannot make as given: a
    /// configuration or programming fault that a retry does not cure.
    #[error("provisioning hook protocol error: {0}")]
    Protocol(String),
}

impl HookError {
    /// A stable machine code, for API errors and logs.
    pub fn code(&self) -> &'static str {
        match self {
            HookError::TimedOut { .. } => "hook_timed_out",
            HookError::Unavailable(_) => "hook_unavailable",
            HookError::Protocol(_) => "hook_protocol",
        }
    }

    pub fn is_retryable(&self) -> bool {
        matches!(self, HookError::TimedOut { .. } | HookError::Unavailable(_))
    }
}

/// Every hook, behind `Arc<dyn ProvisioningHook>`.
#[async_trait]
pub trait ProvisioningHook: Send + Sync {
    async fn call(&self, call: &HookCall) -> Result<HookAnswer, HookError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip_through_their_names() {
        for a in HookAction::ALL {
            assert_eq!(HookAction::parse(a.as_str()), Some(a));
            assert_eq!(serde_json::to_value(a).unwrap(), serde_json::json!(a.as_str()));
        }
        assert_eq!(HookAction::parse("Open"), None);
        assert_eq!(HookAction::parse("suspend"), None);
    }

    #[test]
    fn timeouts_and_unavailability_are_retried_protocol_faults_are_not() {
        assert!(HookError::TimedOut { after_secs: 30 }.is_retryable());
        assert!(HookError::Unavailable("503".into()).is_retryable());
        assert!(!HookError::Protocol("not JSON".into()).is_retryable());
        assert_eq!(HookError::TimedOut { after_secs: 30 }.code(), "hook_timed_out");
        assert_eq!(HookError::Unavailable(String::new()).code(), "hook_unavailable");
        assert_eq!(HookError::Protocol(String::new()).code(), "hook_protocol");
        assert_eq!(HookError::TimedOut { after_secs: 5 }.to_string(), "provisioning hook timed out after 5 s");
    }

    #[test]
    fn answers_name_their_status_and_message() {
        let ok = HookAnswer::Success { message: None, data: BTreeMap::new() };
        assert_eq!((ok.status(), ok.message(), ok.is_success()), ("success", None, true));
        let full = HookAnswer::OutOfStock { message: "no free addresses".into() };
        assert_eq!((full.status(), full.message(), full.is_success()), ("out_of_stock", Some("no free addresses"), false));
        assert_eq!(HookAnswer::NeedsSetup { message: String::new() }.status(), "needs_setup");
        assert_eq!(HookAnswer::Failed { message: String::new() }.status(), "failed");
    }

    #[test]
    fn a_call_survives_an_outbox_payload() {
        let call = HookCall {
            action: HookAction::Renew,
            service_id: 7,
            client_id: 3,
            product: "vps".into(),
            params: BTreeMap::from([("ram".to_string(), "2048".to_string())]),
            idempotency_key: "svc-7-renew-1".into(),
        };
        let json = serde_json::to_string(&call).unwrap();
        assert!(json.contains(r#""action":"renew""#));
        assert_eq!(serde_json::from_str::<HookCall>(&json).unwrap(), call);
    }
}

/// SVC-3: how a product's services are provisioned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", tag = "kind", deny_unknown_fields)]
pub enum HookSpec {
    /// A program run with the service's parameters as arguments and
    /// environment (never through a shell).
    Script {
        program: String,
        #[serde(default = "default_timeout")]
        timeout_secs: u64,
    },
    /// A URL called with a signed JSON body.
    Webhook {
        url: String,
        secret: String,
        #[serde(default = "default_timeout")]
        timeout_secs: u64,
    },
}

fn default_timeout() -> u64 {
    30
}

impl HookSpec {
    pub(crate) fn validate(&self) -> Result<()> {
        let (ok, timeout) = match self {
            HookSpec::Script { program, timeout_secs } => (program.starts_with('/') && !program.contains('\0'), *timeout_secs),
            HookSpec::Webhook { url, secret, timeout_secs } => {
                ((url.starts_with("https://") || url.starts_with("http://")) && secret.len() >= 16, *timeout_secs)
            }
        };
        if !ok {
            return Err(DomainError::invalid(
                "hook",
                "a script is an absolute path; a webhook an http(s) URL with a secret of 16+ characters",
            )
            .into());
        }
        // Well inside the outbox lease, so a hanging hook is cut off by its
        // own limit and the worker records why.
        if timeout == 0 || timeout > 240 {
            return Err(DomainError::invalid("hook", "the time limit is 1 to 240 seconds").into());
        }
        Ok(())
    }
}

/// Builds the hook a product names; the binary gives the engine one that
/// knows scripts and webhooks.
pub trait HookFactory: Send + Sync {
    fn hook(&self, spec: &HookSpec) -> std::result::Result<Arc<dyn ProvisioningHook>, String>;
}
