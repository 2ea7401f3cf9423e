//! SVC-3 end to end, on both backends: a product whose hook is a real
//! script that records its calls; the service is ordered, paid, opened (the
//! script fails once and succeeds on the retry), stopped, started, renewed
//! and deleted, with the state and the script's arguments checked at each
//! step; a hook that hangs is cut off by its time limit and leaves the
//! service "processing" with the error visible to staff.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use kopek_domain::product::life::Action;
use kopek_engine::billing::paid_period::Renewal;
use kopek_engine::core::amount::Amount;
use kopek_engine::ledger::entries::CreditPayment;
use kopek_engine::shop::orders::CartInput;
use kopek_engine::shop::products::ProductInput;
use kopek_engine::testing::TestEngine;
use kopek_engine::{Ctx, Engine};
use kopek_integrations::provisioning::StandardHooks;
use kopek_store::backend_test;
use serde_json::json;

const RECORDING: &str = r#"
log="$0.log"
printf '%s' "$KOPEK_ACTION service=$KOPEK_SERVICE_ID key=$KOPEK_IDEMPOTENCY_KEY |" >> "$log"
for arg in "$@"; do printf ' [%s]' "$arg" >> "$log"; done
printf '\n' >> "$log"
if [ "$1" = open ] && [ ! -e "$0.tried" ]; then touch "$0.tried"; echo 'no capacity in the rack' >&2; exit 3; fi
printf '{"status":"success"}'
"#;

/// A fresh directory with the script, per test (both backends run at once).
fn script(name: &str, body: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("life-{}-{name}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("hook.sh");
    std::fs::write(&file, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
    file
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

async fn product(e: &Engine, admin: &Ctx, program: &PathBuf, timeout: u64) -> i64 {
    let spec = serde_json::from_value(json!({
        "name": "VDS Fast", "product_type": "virtual_server", "currency": "RUB",
        "parameters": [{ "name": "CPU", "value": "2 ядра" }],
        "prices": [{ "months": 1, "price": "300.00" }],
        "addons": [{ "code": "ipv4", "name": "IPv4", "unit": "Шт.", "unit_price": "150.00", "included": 1, "min": 1, "max": 8, "default": 1 }],
        "tax_percent": "20", "needs_domain": true,
    }))
    .unwrap();
    let hook = serde_json::from_value(json!({ "kind": "script", "program": program, "timeout_secs": timeout })).unwrap();
    e.create_product(admin, ProductInput { spec, hook: Some(hook), archived: false }).await.unwrap().id
}

async fn work(e: &Engine) {
    e.standard_worker("provisioning-test").run_once().await.unwrap();
}

backend_test!(async fn svc3_a_real_script_opens_stops_starts_renews_and_deletes_a_service(db) {
    let t = TestEngine::over(db);
    let e = t.engine.clone().with_hooks(Arc::new(StandardHooks));
    let admin = t.admin().await;
    let program = script("life", RECORDING);
    let vds = product(&e, &admin, &program, 10).await;
    let (client, user) = t.client("LIFE", 0).await;
    let money = CreditPayment { amount: Amount("1000.00".parse().unwrap()), currency: "RUB".into(), method: "manual".into(), comment: String::new() };
    e.credit_payment(&admin, client.id, money).await.unwrap();
    t.clock.set(Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap());
    let config = serde_json::from_value(json!({ "months": 1, "addons": { "ipv4": 2 }, "domain": "myserver123" })).unwrap();
    let order = e.order_now(&user, client.id, CartInput { product_id: vds, config, auto_renew: false, promo_code: None }, None).await.unwrap();
    assert_eq!((order.status.as_str(), order.total.0.to_string()), ("paid", "450.00".to_string()));
    let sub = order.items[0].subscription_id.unwrap();
    let state = |ctx: &Ctx| {
        let e = e.clone();
        let ctx = ctx.clone();
        async move { e.client_service(&ctx, sub).await.unwrap() }
    };
    assert_eq!(state(&user).await.state, "processing:opening");

    // The first try fails: still opening, the script's words shown to staff.
    work(&e).await;
    let staff = state(&admin).await;
    assert_eq!((staff.state.as_str(), staff.error.as_deref()), ("processing:opening", Some("no capacity in the rack")));
    t.clock.advance(Duration::seconds(10));
    work(&e).await;
    assert_eq!(state(&user).await.state, "active");

    e.service_action(&user, sub, Action::Stop).await.unwrap();
    assert_eq!(state(&user).await.state, "processing:turning_off");
    work(&e).await;
    assert_eq!(state(&user).await.state, "stopped");
    e.service_action(&user, sub, Action::Start).await.unwrap();
    work(&e).await;
    assert_eq!(state(&user).await.state, "active");
    e.renew_subscription(&user, sub, Renewal { months: None }).await.unwrap();
    assert_eq!(state(&user).await.state, "processing:renewing");
    work(&e).await;
    let renewed = state(&user).await;
    assert_eq!((renewed.state.as_str(), renewed.paid_until), ("active", Some(Utc.with_ymd_and_hms(2026, 5, 10, 9, 0, 0).unwrap())));
    e.delete_service(&user, sub).await.unwrap();
    assert_eq!(state(&user).await.state, "processing:deleting");
    work(&e).await;
    assert_eq!(state(&user).await.state, "deleted");

    let log = std::fs::read_to_string(program.with_extension("sh.log")).unwrap();
    let args = "[--addon.ipv4=2] [--domain=myserver123] [--param.CPU=2 ядра] [--period_months=1] [--product_type=virtual_server]";
    let ops: Vec<i64> = state(&admin).await.operations.iter().map(|o| o.id).collect();
    let expected: Vec<String> = [("open", ops[0]), ("open", ops[0]), ("stop", ops[1]), ("start", ops[2]), ("renew", ops[3]), ("delete", ops[4])]
        .iter()
        .map(|(a, op)| format!("{a} service={sub} key=kopek-operation-{op} | [{a}] {args}"))
        .collect();
    assert_eq!(log.lines().collect::<Vec<_>>(), expected);
    let history: Vec<(String, String, i64)> = state(&admin).await.operations.into_iter().map(|o| (o.action, o.status, o.attempts)).collect();
    assert_eq!(history, vec![
        ("open".into(), "done".into(), 2),
        ("stop".into(), "done".into(), 1),
        ("start".into(), "done".into(), 1),
        ("renew".into(), "done".into(), 1),
        ("delete".into(), "done".into(), 1),
    ]);
});

backend_test!(async fn svc3_a_hanging_hook_is_cut_off_and_the_service_stays_processing_with_the_error(db) {
    let t = TestEngine::over(db);
    let e = t.engine.clone().with_hooks(Arc::new(StandardHooks));
    let admin = t.admin().await;
    let program = script("hang", "sleep 30\necho late");
    let vds = product(&e, &admin, &program, 1).await;
    let (client, user) = t.client("HANG", 0).await;
    let money = CreditPayment { amount: Amount("1000.00".parse().unwrap()), currency: "RUB".into(), method: "manual".into(), comment: String::new() };
    e.credit_payment(&admin, client.id, money).await.unwrap();
    let config = serde_json::from_value(json!({ "months": 1, "domain": "slow" })).unwrap();
    let order = e.order_now(&user, client.id, CartInput { product_id: vds, config, auto_renew: false, promo_code: None }, None).await.unwrap();
    let sub = order.items[0].subscription_id.unwrap();
    work(&e).await;
    let staff = e.client_service(&admin, sub).await.unwrap();
    assert_eq!(staff.state, "processing:opening");
    assert_eq!(staff.error.as_deref(), Some("provisioning hook timed out after 1 s"));
    assert_eq!((staff.operations[0].status.as_str(), staff.operations[0].attempts), ("pending", 1), "retried later");
    assert_eq!(e.client_service(&user, sub).await.unwrap().error, None);
    // The money stays taken for the paid period; nothing ran twice.
    assert!(e.check_ledger().await.unwrap().is_empty());
});
