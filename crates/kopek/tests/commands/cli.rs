//! The binary as an operator uses it (OPS-1, OPS-2, LED-1).

use std::path::Path;
use std::process::{Command, Output, Stdio};

use kopek_engine::testing::TestEngine;
use kopek_store::{backend_test, exec_db};
use tokio::io::{AsyncBufReadExt, BufReader};

const KOPEK: &str = env!("CARGO_BIN_EXE_kopek");

fn kopek(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(KOPEK)
        .args(args)
        .current_dir(dir)
        .env_remove("KOPEK_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kopek");
    if let Some(input) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test]
async fn ops1_serve_on_the_embedded_default_answers_healthz() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(KOPEK)
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env_remove("KOPEK_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let address = loop {
        let line = lines.next_line().await.unwrap().expect("kopek printed its address");
        printed.push(line.clone());
        if let Some(rest) = line.strip_prefix("Kopek is listening on ") {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    assert!(printed.iter().any(|l| l.contains("staff admin: admin@demo.kopek")), "{printed:?}");
    let health: serde_json::Value = reqwest::get(format!("{address}healthz")).await.unwrap().json().await.unwrap();
    assert_eq!(health, serde_json::json!({ "status": "ok", "database": "sqlite" }));
    assert!(dir.path().join("data/kopek.db").exists(), "the embedded default file");
    child.kill().await.unwrap();

    let check = kopek(dir.path(), &["check-ledger"], None);
    assert!(check.status.success(), "{}", text(&check.stdout));
    assert!(text(&check.stdout).contains("ledger holds"));
}

#[test]
fn ops1_admin_and_token_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let migrate = kopek(dir.path(), &["migrate"], None);
    assert!(migrate.status.success(), "{}", text(&migrate.stderr));
    let made = kopek(dir.path(), &["admin", "create", "--email", "Boss@Provider.ru", "--password-stdin"], Some("s3cret-pass\n"));
    assert!(made.status.success(), "{}", text(&made.stderr));
    assert!(text(&made.stdout).contains("created staff user boss@provider.ru (admin)"));
    let again = kopek(dir.path(), &["admin", "create", "--email", "boss@provider.ru", "--password-stdin"], Some("s3cret-pass\n"));
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("exists"), "{}", text(&again.stderr));
    let weak = kopek(dir.path(), &["admin", "create", "--email", "b2@provider.ru", "--password-stdin"], Some("short\n"));
    assert!(text(&weak.stderr).contains("at least 8"), "{}", text(&weak.stderr));
    let token = kopek(dir.path(), &["token", "create", "--email", "boss@provider.ru"], None);
    assert!(token.status.success());
    assert!(text(&token.stdout).trim().starts_with("kpk_"));
    let unknown = kopek(dir.path(), &["token", "create", "--email", "nobody@provider.ru"], None);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn configuration_file_environment_and_flags_layer_in_that_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kopek.toml"), "database_url = \"sqlite://from-file.db\"\n").unwrap();
    assert!(kopek(dir.path(), &["migrate"], None).status.success());
    assert!(dir.path().join("from-file.db").exists());
    let env = Command::new(KOPEK)
        .arg("migrate")
        .current_dir(dir.path())
        .env("KOPEK_DATABASE_URL", "sqlite://from-env.db")
        .output()
        .unwrap();
    assert!(env.status.success());
    assert!(dir.path().join("from-env.db").exists());
    let flag = Command::new(KOPEK)
        .args(["migrate", "--database-url", "sqlite://from-flag.db"])
        .current_dir(dir.path())
        .env("KOPEK_DATABASE_URL", "sqlite://from-env-2.db")
        .output()
        .unwrap();
    assert!(flag.status.success());
    assert!(dir.path().join("from-flag.db").exists() && !dir.path().join("from-env-2.db").exists());
    let bad = kopek(dir.path(), &["migrate", "--database-url", "mysql://nope"], None);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("sqlite://PATH or postgres://"));
}

backend_test!(async fn led1_check_ledger_passes_on_a_filled_database_and_reports_a_corrupted_one(db) {
    let t = TestEngine::over(db);
    t.engine.load_demo().await.unwrap().expect("demo loads into an empty database");
    let url = t.db.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let ok = kopek(dir.path(), &["check-ledger", "--database-url", &url], None);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stdout));
    assert!(text(&ok.stdout).contains("ledger holds: 15 invariants checked, none broken"));

    let mut conn = t.db.store.conn().await.unwrap();
    exec_db!(conn, db => kopek_store::sqlx::query("UPDATE clients SET balance = balance - 1234500 WHERE code = 'DEMO-002'")
        .execute(db).await).unwrap();
    drop(conn);
    let broken = kopek(dir.path(), &["check-ledger", "--database-url", &url], None);
    assert_eq!(broken.status.code(), Some(1));
    let report = text(&broken.stdout);
    assert!(report.starts_with("LEDGER BROKEN: 2 violation(s)"), "{report}");
    assert!(report.contains("[balance_is_sum_of_entries] client 2: the cached balance of client 2 is 9726.55, its entries sum to 9850.00"), "{report}");
});

// CHG-1, OPS-2: every seeded subscription charged once, and the same
// database's set-based reference, the ratio and the peak memory printed
// beside the speed.
#[test]
fn chg1_ops2_bench_charges_every_seeded_subscription_once_next_to_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let out = kopek(dir.path(), &["bench", "charge", "--subscriptions", "300", "--batch", "70"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let line = text(&out.stdout);
    assert!(line.starts_with("charged 300 subscriptions in "), "{line}");
    let (_, rest) = line.split_once(" charges/s (sqlite); reference ").unwrap_or_else(|| panic!("{line}"));
    let (reference, rest) = rest.split_once(" rows/s; ratio ").unwrap_or_else(|| panic!("{line}"));
    assert!(reference.parse::<u64>().is_ok_and(|r| r > 0), "{line}");
    let (ratio, memory) = rest.split_once("; peak memory ").unwrap_or_else(|| panic!("{line}"));
    assert!(ratio.parse::<f64>().is_ok_and(|r| r >= 0.0), "{line}");
    assert!(memory.trim_end().ends_with(" MiB"), "{line}");
}
