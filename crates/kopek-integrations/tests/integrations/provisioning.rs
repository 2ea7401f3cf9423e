//! Provisioning hooks (SVC-3, CAT-8, ORD-5) against real shell scripts and
//! a stub webhook endpoint.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use kopek_domain::ManualClock;
use kopek_integrations::provisioning::{
    HookAction, HookAnswer, HookCall, HookError, IDEMPOTENCY_HEADER, ProvisioningHook, SIGNATURE_HEADER, ScriptHook, WebhookHook,
    verify_signature,
};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

const SECRET: &str = "whsec_provisioning";
const HOSTILE: &str = r#"it's "quoted"; rm -rf / $(touch pwned) `touch pwned`"#;

/// The scripts, each run as the program itself through its `#!/bin/sh`
/// line. All are written before any test runs one: exec of a file that
/// another thread's fork still holds open for writing fails with "text file
/// busy".
fn scripts() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("provisioning-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let lifecycle = r#"
log="$0.log"
printf '%s' "$KOPEK_ACTION service=$KOPEK_SERVICE_ID client=$KOPEK_CLIENT_ID product=$KOPEK_PRODUCT key=$KOPEK_IDEMPOTENCY_KEY pool=$KOPEK_PARAM_IP_POOL |" >> "$log"
for arg in "$@"; do printf ' [%s]' "$arg" >> "$log"; done
printf '\n' >> "$log"
case "$1" in
  open) printf '{"status":"success","message":"opened","data":{"login":"u%s","port":8080}}\n' "$KOPEK_SERVICE_ID" ;;
  delete) echo "account removed" ;;
  *) printf '{"status":"success"}' ;;
esac
"#;
        let echo = r#"
cd "$(dirname "$0")"
for arg in "$@"; do printf '[%s]\n' "$arg"; done
printf 'env=[%s]\n' "$KOPEK_PARAM_NOTE"
"#;
        let files = [
            ("lifecycle.sh", lifecycle),
            ("echo.sh", echo),
            ("needs_setup.sh", r#"printf '{"status":"needs_setup","message":"enter a domain"}'"#),
            ("no_capacity.sh", "echo 'no capacity' >&2\nexit 3"),
            ("tempfail.sh", "echo 'panel is restarting' >&2\nexit 75"),
            ("bad_status.sh", r#"printf '{"status":"done"}'"#),
            // Not exec: the shell's own child outlives the kill and keeps
            // the output pipe open, which must not hold the call.
            ("sleepy.sh", "sleep 30\necho late"),
        ];
        for (name, body) in files {
            let file = dir.join(name);
            std::fs::write(&file, format!("#!/bin/sh\n{body}\n")).unwrap();
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        dir
    })
}

fn script(name: &str, timeout: Duration) -> ScriptHook {
    ScriptHook::new(scripts().join(name), timeout)
}

fn call(action: HookAction, key: &str) -> HookCall {
    HookCall {
        action,
        service_id: 7,
        client_id: 42,
        product: "vds-start".to_string(),
        params: BTreeMap::from([
            ("domain".to_string(), "shop.example".to_string()),
            ("ip-pool".to_string(), "pool-a".to_string()),
            ("nas".to_string(), "nas-1".to_string()),
        ]),
        idempotency_key: key.to_string(),
    }
}

fn success(message: Option<&str>, data: &[(&str, &str)]) -> HookAnswer {
    let data = data.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    HookAnswer::Success { message: message.map(str::to_string), data }
}

#[tokio::test]
async fn svc3_script_runs_a_service_through_its_life() {
    let hook = script("lifecycle.sh", Duration::from_secs(10));
    let steps = [HookAction::Open, HookAction::Stop, HookAction::Start, HookAction::Renew, HookAction::Delete];
    let mut answers = Vec::new();
    for action in steps {
        answers.push(hook.call(&call(action, &format!("svc-7-{action}"))).await.unwrap());
    }
    assert_eq!(
        answers,
        [
            success(Some("opened"), &[("login", "u7"), ("port", "8080")]),
            success(None, &[]),
            success(None, &[]),
            success(None, &[]),
            success(Some("account removed"), &[]),
        ]
    );
    let log = std::fs::read_to_string(scripts().join("lifecycle.sh.log")).unwrap();
    let expected: Vec<String> = steps
        .iter()
        .map(|a| {
            format!(
                "{a} service=7 client=42 product=vds-start key=svc-7-{a} pool=pool-a | [{a}] [--domain=shop.example] [--ip-pool=pool-a] [--nas=nas-1]"
            )
        })
        .collect();
    assert_eq!(log.lines().collect::<Vec<_>>(), expected);
}

#[tokio::test]
async fn svc3_script_answers_needs_setup_failure_and_retry() {
    let open = call(HookAction::Open, "svc-7-open");
    let answer = script("needs_setup.sh", Duration::from_secs(10)).call(&open).await.unwrap();
    assert_eq!(answer, HookAnswer::NeedsSetup { message: "enter a domain".into() });

    let answer = script("no_capacity.sh", Duration::from_secs(10)).call(&open).await.unwrap();
    assert_eq!(answer, HookAnswer::Failed { message: "no capacity".into() });

    let err = script("tempfail.sh", Duration::from_secs(10)).call(&open).await.unwrap_err();
    assert!(matches!(&err, HookError::Unavailable(m) if m.contains("panel is restarting")), "{err:?}");
    assert!(err.is_retryable());

    let err = script("bad_status.sh", Duration::from_secs(10)).call(&open).await.unwrap_err();
    assert!(matches!(&err, HookError::Protocol(m) if m.contains("done")), "{err:?}");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn svc3_script_that_does_not_start_is_retried() {
    let hook = ScriptHook::new(scripts().join("missing.sh"), Duration::from_secs(10));
    let err = hook.call(&call(HookAction::Open, "svc-7-open")).await.unwrap_err();
    assert!(matches!(&err, HookError::Unavailable(m) if m.contains("cannot start")), "{err:?}");
}

#[tokio::test]
async fn svc3_script_past_its_timeout_is_killed() {
    let err = script("sleepy.sh", Duration::from_secs(1)).call(&call(HookAction::Renew, "svc-7-renew")).await.unwrap_err();
    assert_eq!(err, HookError::TimedOut { after_secs: 1 });
    assert!(err.is_retryable());
}

#[tokio::test]
async fn svc3_hostile_parameter_arrives_as_one_literal_argument() {
    let mut change = call(HookAction::Change, "svc-7-change-1");
    change.params = BTreeMap::from([("note".to_string(), HOSTILE.to_string())]);
    let answer = script("echo.sh", Duration::from_secs(10)).call(&change).await.unwrap();
    let expected = format!("[change]\n[--note={HOSTILE}]\nenv=[{HOSTILE}]");
    assert_eq!(answer, success(Some(&expected), &[]));
    assert!(!scripts().join("pwned").exists());

    change.params.insert("nul".to_string(), "a\0b".to_string());
    let err = script("echo.sh", Duration::from_secs(10)).call(&change).await.unwrap_err();
    assert!(matches!(&err, HookError::Protocol(m) if m.contains("KOPEK_PARAM_NUL")), "{err:?}");
}

fn now() -> DateTime<Utc> {
    Utc.timestamp_opt(1_750_000_000, 0).single().expect("valid time")
}

/// Answers only calls whose signature proves them Kopek's.
struct SignedBy(&'static str);

impl Match for SignedBy {
    fn matches(&self, request: &Request) -> bool {
        let Some(header) = request.headers.get(SIGNATURE_HEADER).and_then(|h| h.to_str().ok()) else { return false };
        verify_signature(self.0, header, &request.body, now(), Duration::from_secs(300)).is_ok()
    }
}

fn webhook(server: &MockServer, timeout: Duration) -> WebhookHook {
    WebhookHook::new(format!("{}/hooks/kopek", server.uri()), SECRET, timeout)
        .unwrap()
        .with_clock(Arc::new(ManualClock::new(now())))
}

#[tokio::test]
async fn svc3_webhook_sends_a_signed_call_and_reads_out_of_stock() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hooks/kopek"))
        .and(header(IDEMPOTENCY_HEADER, "svc-7-open"))
        .and(header("content-type", "application/json"))
        .and(SignedBy(SECRET))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"status": "out_of_stock", "message": "no free IPv4 in pool-a"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let answer = webhook(&server, Duration::from_secs(10)).call(&call(HookAction::Open, "svc-7-open")).await.unwrap();
    assert_eq!(answer, HookAnswer::OutOfStock { message: "no free IPv4 in pool-a".into() });

    let request = server.received_requests().await.unwrap().remove(0);
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body,
        json!({
            "action": "open",
            "service_id": 7,
            "client_id": 42,
            "product": "vds-start",
            "params": {"domain": "shop.example", "ip-pool": "pool-a", "nas": "nas-1"},
            "idempotency_key": "svc-7-open",
            "sent_at": "2025-06-15T15:06:40Z",
        })
    );
    let signature = request.headers.get(SIGNATURE_HEADER).unwrap().to_str().unwrap();
    assert!(signature.starts_with("t=1750000000,v1="));
    let tolerance = Duration::from_secs(300);
    assert!(verify_signature(SECRET, signature, &request.body, now(), tolerance).is_ok());
    assert!(verify_signature("another", signature, &request.body, now(), tolerance).is_err());
    assert!(verify_signature(SECRET, signature, b"{}", now(), tolerance).is_err());
    let replayed = now() + chrono::Duration::seconds(301);
    assert!(verify_signature(SECRET, signature, &request.body, replayed, tolerance).is_err());
}

#[tokio::test]
async fn svc3_webhook_statuses_map_to_answers_and_errors() {
    let server = MockServer::start().await;
    let answers = [
        ("/ok-empty", ResponseTemplate::new(204)),
        ("/down", ResponseTemplate::new(503).set_body_string("maintenance")),
        ("/refused", ResponseTemplate::new(400).set_body_json(json!({"message": "bad plan"}))),
        ("/garbled", ResponseTemplate::new(200).set_body_string("<html>ok</html>")),
    ];
    for (at, response) in answers {
        Mock::given(method("POST")).and(path(at)).respond_with(response).mount(&server).await;
    }
    let hook = |at: &str| WebhookHook::new(format!("{}{at}", server.uri()), SECRET, Duration::from_secs(10)).unwrap();
    let stop = call(HookAction::Stop, "svc-7-stop");

    assert_eq!(hook("/ok-empty").call(&stop).await.unwrap(), success(None, &[]));
    let err = hook("/down").call(&stop).await.unwrap_err();
    assert!(matches!(&err, HookError::Unavailable(m) if m.contains("503")), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(hook("/refused").call(&stop).await.unwrap(), HookAnswer::Failed { message: "bad plan".into() });
    assert!(matches!(hook("/garbled").call(&stop).await, Err(HookError::Protocol(_))));
}

#[tokio::test]
async fn svc3_webhook_past_its_timeout_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "success"})).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let err = webhook(&server, Duration::from_secs(1)).call(&call(HookAction::Renew, "svc-7-renew")).await.unwrap_err();
    assert_eq!(err, HookError::TimedOut { after_secs: 1 });
}

#[tokio::test]
async fn svc3_webhook_network_failure_is_retried_and_needs_a_secret() {
    // Nothing listens on a port the OS just released.
    let url = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/hooks/kopek", listener.local_addr().unwrap())
    };
    let err = WebhookHook::new(url, SECRET, Duration::from_secs(5))
        .unwrap()
        .call(&call(HookAction::Open, "svc-7-open"))
        .await
        .unwrap_err();
    assert!(matches!(err, HookError::Unavailable(_)), "{err:?}");
    assert!(matches!(WebhookHook::new("http://localhost/", "", Duration::from_secs(5)), Err(HookError::Protocol(_))));
}
