//! Provisioning hooks (SVC-3, CAT-8, ORD-5) as a provider configures them:
//! a program on the billing host, or a webhook on the provider's side. Both
//! speak one answer protocol, a JSON object
//! `{"status": "success"|"needs_setup"|"out_of_stock"|"failed", "message": …, "data": {…}}`,
//! so a provider can move a hook from a script to a service unchanged.
//!
//! Parameters come from the catalog and from what clients type (a domain
//! name), so they are never given to a shell: a script gets them as separate
//! arguments and environment variables, a webhook as JSON.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use kopek_domain::{Clock, SystemClock};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use thiserror::Error;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;

pub use kopek_engine::service_life::provisioning::{HookAction, HookAnswer, HookCall, HookError, ProvisioningHook};

use crate::signature;

pub const SIGNATURE_HEADER: &str = "X-Kopek-Signature";
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// sysexits.h's "temporary failure, try again": the one exit code a script
/// uses to ask for a retry instead of reporting a failure.
pub const EX_TEMPFAIL: i32 = 75;

/// Messages are shown to staff and stored with the service.
const MESSAGE_MAX: usize = 2000;

/// A script that floods its output must not exhaust the billing's memory;
/// the rest is read and dropped so that the script never blocks on a pipe.
const OUTPUT_MAX: usize = 64 * 1024;

/// The only variables a script inherits: the billing's own environment holds
/// the database URL and gateway keys, which are no business of a hook.
const KEPT_ENV: [&str; 6] = ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR"];

/// Whole seconds, rounded up, so a sub-second timeout does not read as 0 s.
fn after_secs(timeout: Duration) -> u64 {
    timeout.as_secs() + u64::from(timeout.subsec_nanos() > 0)
}

fn cap(text: &str) -> String {
    text.trim().chars().take(MESSAGE_MAX).collect()
}

fn non_empty(text: &str) -> Option<String> {
    Some(cap(text)).filter(|m| !m.is_empty())
}

#[derive(Deserialize)]
struct WireAnswer {
    status: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    data: Option<Map<String, Value>>,
}

/// An answer object. A hook that speaks the protocol but names no known
/// status is misconfigured; guessing success could open a service that
/// does not exist.
fn parse_answer(value: Value, who: &str) -> Result<HookAnswer, HookError> {
    let wire: WireAnswer =
        serde_json::from_value(value).map_err(|e| HookError::Protocol(format!("unexpected answer from {who}: {e}")))?;
    let message = wire.message.as_deref().and_then(non_empty);
    let or = |default: &str| message.clone().unwrap_or_else(|| default.to_string());
    match wire.status.as_str() {
        "success" => {
            // Service parameters are text; a provider that sends a number
            // or a flag gets its JSON spelling kept.
            let data = wire
                .data
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| match v {
                    Value::String(s) => (k, s),
                    other => (k, other.to_string()),
                })
                .collect();
            Ok(HookAnswer::Success { message, data })
        }
        "needs_setup" => Ok(HookAnswer::NeedsSetup { message: or("the service needs setup") }),
        "out_of_stock" => Ok(HookAnswer::OutOfStock { message: or("out of stock") }),
        "failed" => Ok(HookAnswer::Failed { message: or(&format!("{who} reported a failure")) }),
        other => Err(HookError::Protocol(format!("{who} answered an unknown status {other:?}"))),
    }
}

/// A program run once per call, directly (no shell): the action, then
/// `--key=value` for each parameter in key order; the call's fields in
/// `KOPEK_*` variables. Exit 0 is an answer on stdout (the JSON object, or
/// plain text as the success message); exit 75 asks for a retry; any other
/// exit is a failure whose message is stderr.
#[derive(Debug, Clone)]
pub struct ScriptHook {
    pub program: PathBuf,
    pub timeout: Duration,
}

impl ScriptHook {
    pub fn new(program: impl Into<PathBuf>, timeout: Duration) -> ScriptHook {
        ScriptHook { program: program.into(), timeout }
    }

    pub fn arguments(call: &HookCall) -> Vec<String> {
        let params = call.params.iter().map(|(k, v)| format!("--{k}={v}"));
        std::iter::once(call.action.as_str().to_string()).chain(params).collect()
    }

    /// `KOPEK_PARAM_` and the key in upper case with anything but letters
    /// and digits as `_`: "ip-pool" is `KOPEK_PARAM_IP_POOL`.
    pub fn param_variable(key: &str) -> String {
        let key: String = key.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
        format!("KOPEK_PARAM_{key}")
    }

    pub fn environment(call: &HookCall) -> Vec<(String, String)> {
        let fixed = [
            ("KOPEK_ACTION", call.action.as_str().to_string()),
            ("KOPEK_SERVICE_ID", call.service_id.to_string()),
            ("KOPEK_CLIENT_ID", call.client_id.to_string()),
            ("KOPEK_PRODUCT", call.product.clone()),
            ("KOPEK_IDEMPOTENCY_KEY", call.idempotency_key.clone()),
        ];
        let fixed = fixed.into_iter().map(|(k, v)| (k.to_string(), v));
        fixed.chain(call.params.iter().map(|(k, v)| (ScriptHook::param_variable(k), v.clone()))).collect()
    }

    fn answer(&self, status: std::process::ExitStatus, stdout: &[u8], stderr: &[u8]) -> Result<HookAnswer, HookError> {
        let stdout = String::from_utf8_lossy(stdout);
        let stderr = String::from_utf8_lossy(stderr);
        let program = self.program.display();
        match status.code() {
            Some(0) => {
                let text = stdout.trim();
                if text.is_empty() {
                    return Ok(HookAnswer::Success { message: None, data: BTreeMap::new() });
                }
                match serde_json::from_str::<Value>(text) {
                    Ok(object @ Value::Object(_)) => parse_answer(object, &program.to_string()),
                    _ => Ok(HookAnswer::Success { message: non_empty(text), data: BTreeMap::new() }),
                }
            }
            Some(EX_TEMPFAIL) => {
                let why = non_empty(&stderr).unwrap_or_else(|| "asked to be retried".to_string());
                Err(HookError::Unavailable(format!("{program}: {why} (exit {EX_TEMPFAIL})")))
            }
            _ => {
                let message =
                    non_empty(&stderr).or_else(|| non_empty(&stdout)).unwrap_or_else(|| format!("{program} ended with {status}"));
                Ok(HookAnswer::Failed { message })
            }
        }
    }
}

/// Reads a pipe to its end, keeping the first `OUTPUT_MAX` bytes.
async fn read_capped<R: AsyncRead + Unpin>(pipe: Option<R>) -> Vec<u8> {
    let Some(mut pipe) = pipe else { return Vec::new() };
    let mut kept = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        match pipe.read(&mut chunk).await {
            Ok(0) | Err(_) => return kept,
            Ok(n) => {
                let room = OUTPUT_MAX.saturating_sub(kept.len());
                kept.extend_from_slice(&chunk[..n.min(room)]);
            }
        }
    }
}

#[async_trait]
impl ProvisioningHook for ScriptHook {
    async fn call(&self, call: &HookCall) -> Result<HookAnswer, HookError> {
        let args = ScriptHook::arguments(call);
        let env = ScriptHook::environment(call);
        // The OS refuses a NUL inside an argument or a variable; say which
        // one instead of failing to start, and do not retry what cannot
        // succeed.
        if let Some((name, _)) = env.iter().find(|(k, v)| k.contains('\0') || v.contains('\0')) {
            return Err(HookError::Protocol(format!("{name} contains a NUL byte")));
        }
        if let Some(arg) = args.iter().find(|a| a.contains('\0')) {
            return Err(HookError::Protocol(format!("argument {arg:?} contains a NUL byte")));
        }
        let mut command = Command::new(&self.program);
        command.args(&args).env_clear();
        for name in KEPT_ENV {
            if let Some(value) = std::env::var_os(name) {
                command.env(name, value);
            }
        }
        command.envs(env).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
        let mut child =
            command.spawn().map_err(|e| HookError::Unavailable(format!("cannot start {}: {e}", self.program.display())))?;
        let mut stdout = tokio::spawn(read_capped(child.stdout.take()));
        let mut stderr = tokio::spawn(read_capped(child.stderr.take()));
        // The deadline covers the output too: a script that exits but leaves
        // a process holding its stdout has not finished answering.
        let run = async {
            let status = child.wait().await;
            let out = (&mut stdout).await.unwrap_or_default();
            let err = (&mut stderr).await.unwrap_or_default();
            (status, out, err)
        };
        match tokio::time::timeout(self.timeout, run).await {
            Ok((status, out, err)) => {
                let status =
                    status.map_err(|e| HookError::Unavailable(format!("waiting for {}: {e}", self.program.display())))?;
                self.answer(status, &out, &err)
            }
            Err(_) => {
                // kill_on_drop covers a cancelled call; here the child is
                // killed and reaped at once. Its own children, if any, keep
                // running, which is why the readers are abandoned.
                let _ = child.kill().await;
                stdout.abort();
                stderr.abort();
                Err(HookError::TimedOut { after_secs: after_secs(self.timeout) })
            }
        }
    }
}

/// A signed JSON POST per call. The endpoint proves the call is Kopek's with
/// [`verify_signature`] and deduplicates retries by the idempotency key.
/// 2xx is an answer (an empty body is success); 4xx a failure whose message
/// is the body's `message`; 5xx, 408, 429 and network failures are retried.
pub struct WebhookHook {
    url: String,
    secret: String,
    timeout: Duration,
    client: reqwest::Client,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for WebhookHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookHook")
            .field("url", &self.url)
            .field("secret", &"<redacted>")
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl WebhookHook {
    pub fn new(url: impl Into<String>, secret: impl Into<String>, timeout: Duration) -> Result<WebhookHook, HookError> {
        let secret = secret.into();
        // An empty key would let anyone forge calls to the provider.
        if secret.is_empty() {
            return Err(HookError::Protocol("a provisioning webhook needs a secret".into()));
        }
        // A redirected POST may arrive as a GET, or at a host that should
        // not see the signed body; a redirect is reported instead.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("kopek/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| HookError::Protocol(format!("cannot build the HTTP client: {e}")))?;
        Ok(WebhookHook { url: url.into(), secret, timeout, client, clock: Arc::new(SystemClock) })
    }

    /// A client of the caller's (proxy, certificates); the hook's timeout
    /// still applies to each call.
    pub fn with_client(mut self, client: reqwest::Client) -> WebhookHook {
        self.client = client;
        self
    }

    /// The clock that stamps and signs calls.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> WebhookHook {
        self.clock = clock;
        self
    }

    /// The exact bytes sent and signed for `call` at `sent_at`.
    pub fn body(call: &HookCall, sent_at: DateTime<Utc>) -> Vec<u8> {
        let body = json!({
            "action": call.action,
            "service_id": call.service_id,
            "client_id": call.client_id,
            "product": call.product,
            "params": call.params,
            "idempotency_key": call.idempotency_key,
            "sent_at": sent_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        });
        body.to_string().into_bytes()
    }

    fn transport(&self, e: reqwest::Error) -> HookError {
        if e.is_timeout() {
            return HookError::TimedOut { after_secs: after_secs(self.timeout) };
        }
        // reqwest's own message omits the cause ("connection refused").
        let mut detail = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            detail = format!("{detail}: {cause}");
            source = cause.source();
        }
        if e.is_builder() { HookError::Protocol(detail) } else { HookError::Unavailable(detail) }
    }
}

#[async_trait]
impl ProvisioningHook for WebhookHook {
    async fn call(&self, call: &HookCall) -> Result<HookAnswer, HookError> {
        let now = self.clock.now();
        let body = WebhookHook::body(call, now);
        let signature = signature::sign(&self.secret, now.timestamp(), &body).map_err(|e| HookError::Protocol(e.to_string()))?;
        let request = self
            .client
            .post(&self.url)
            .timeout(self.timeout)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, signature)
            .header(IDEMPOTENCY_HEADER, &call.idempotency_key)
            .body(body);
        let response = request.send().await.map_err(|e| self.transport(e))?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(|e| self.transport(e))?;
        let text = String::from_utf8_lossy(&body);
        let text = text.trim();
        let parsed = serde_json::from_str::<Value>(text).ok();
        match status {
            200..=299 if text.is_empty() => Ok(HookAnswer::Success { message: None, data: BTreeMap::new() }),
            200..=299 => match parsed {
                Some(object @ Value::Object(_)) => parse_answer(object, "the webhook"),
                _ => Err(HookError::Protocol(format!("the webhook answered {status} with no answer object: {}", cap(text)))),
            },
            408 | 429 | 500..=599 => {
                let detail = non_empty(text).unwrap_or_default();
                Err(HookError::Unavailable(format!("the webhook answered {status} {detail}").trim_end().to_string()))
            }
            400..=499 => {
                let message = parsed
                    .as_ref()
                    .and_then(|v| v.get("message"))
                    .and_then(Value::as_str)
                    .and_then(non_empty)
                    .or_else(|| non_empty(text))
                    .unwrap_or_else(|| format!("the webhook answered {status}"));
                Ok(HookAnswer::Failed { message })
            }
            _ => Err(HookError::Protocol(format!("the webhook answered {status}"))),
        }
    }
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("provisioning call refused: {0}")]
pub struct SignatureError(pub String);

/// For a provider's endpoint: accepts `header` (the `X-Kopek-Signature`
/// value) only if it signs exactly `body` with `secret` and was made within
/// `tolerance` of `now`, so a captured call cannot be replayed later.
pub fn verify_signature(
    secret: &str,
    header: &str,
    body: &[u8],
    now: DateTime<Utc>,
    tolerance: Duration,
) -> Result<(), SignatureError> {
    let tolerance = i64::try_from(tolerance.as_secs()).unwrap_or(i64::MAX);
    signature::verify(Some(header), secret, body, now, tolerance).map_err(|e| SignatureError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_variables_are_upper_case_identifiers() {
        assert_eq!(ScriptHook::param_variable("ip-pool"), "KOPEK_PARAM_IP_POOL");
        assert_eq!(ScriptHook::param_variable("nas.name"), "KOPEK_PARAM_NAS_NAME");
        assert_eq!(ScriptHook::param_variable("домен"), "KOPEK_PARAM______");
    }

    #[test]
    fn unknown_statuses_are_refused_and_data_stays_text() {
        let odd = parse_answer(json!({"status": "maybe"}), "x");
        assert!(matches!(odd, Err(HookError::Protocol(m)) if m.contains("maybe")));
        let ok = parse_answer(json!({"status": "success", "data": {"port": 8080, "ssl": true, "login": "u1"}}), "x").unwrap();
        let data = BTreeMap::from([("login".into(), "u1".into()), ("port".into(), "8080".into()), ("ssl".into(), "true".into())]);
        assert_eq!(ok, HookAnswer::Success { message: None, data });
        let failed = parse_answer(json!({"status": "failed", "message": "  "}), "x").unwrap();
        assert_eq!(failed, HookAnswer::Failed { message: "x reported a failure".into() });
    }

    #[test]
    fn sub_second_timeouts_round_up() {
        assert_eq!(after_secs(Duration::from_millis(300)), 1);
        assert_eq!(after_secs(Duration::from_secs(30)), 30);
    }
}

/// The hooks a product may name (SVC-3): a script or a signed webhook,
/// built for each call from the product's settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct StandardHooks;

impl kopek_engine::service_life::provisioning::HookFactory for StandardHooks {
    fn hook(&self, spec: &kopek_engine::service_life::provisioning::HookSpec) -> Result<Arc<dyn ProvisioningHook>, String> {
        use kopek_engine::service_life::provisioning::HookSpec;
        Ok(match spec {
            HookSpec::Script { program, timeout_secs } => Arc::new(ScriptHook::new(program, Duration::from_secs(*timeout_secs))),
            HookSpec::Webhook { url, secret, timeout_secs } => {
                Arc::new(WebhookHook::new(url, secret, Duration::from_secs(*timeout_secs)).map_err(|e| e.to_string())?)
            }
        })
    }
}
