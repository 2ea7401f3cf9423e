//! `kopek bench api` and `kopek bench usage` at tiny sizes (OPS-2,
//! CHG-6): the figures are printed, every answer was the expected one and
//! a repeated batch of usage was ignored. Speed itself is not asserted.

use kopek_store::backend_test;

const KOPEK: &str = env!("CARGO_BIN_EXE_kopek");

/// Runs a bench on the database server of `url` (a SQLite URL: a
/// temporary file) and returns what it printed.
async fn bench(url: &str, args: &[&str]) -> String {
    let out = tokio::process::Command::new(KOPEK)
        .args(["bench"])
        .args(args)
        .args(["--database-url", url])
        .env_remove("KOPEK_DATABASE_URL")
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// The number before `unit` on `line`.
fn figure(line: &str, unit: &str) -> f64 {
    let (before, _) = line.split_once(unit).unwrap_or_else(|| panic!("no {unit:?} in {line}"));
    before.split_whitespace().last().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("no figure before {unit:?} in {line}"))
}

backend_test!(async fn ops2_bench_api_prints_rates_and_latencies_beside_the_healthz_floor(db) {
    let args = ["api", "--clients", "50", "--payments", "2", "--expenses", "5", "--connections", "8", "--requests", "200"];
    let out = bench(&db.url, &args).await;
    for name in ["GET /healthz", "GET /api/v1/clients/{id}/balance", "GET /api/v1/clients/{id}/expenses?limit=50"] {
        let line = out.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("no line for {name}: {out}"));
        assert!(figure(line, " req/s") > 0.0, "{line}");
        assert!(figure(line, " ms  p99") > 0.0 && figure(line, " ms  non-200") >= figure(line, " ms  p99"), "{line}");
        assert!(line.contains("non-200 0 "), "{line}");
    }
    assert!(out.contains("(the floor)") && out.contains("× the floor's rate"), "{out}");
});

backend_test!(async fn chg6_ops2_bench_usage_posts_both_ways_and_ignores_a_repeated_batch(db) {
    let args = ["usage", "--records", "1000", "--subscriptions", "20", "--batch", "100", "--connections", "4"];
    let out = bench(&db.url, &args).await;
    for route in ["POST /api/v1/usage ", "POST /api/v1/usage/csv "] {
        let line = out.lines().find(|l| l.starts_with(route)).unwrap_or_else(|| panic!("no line for {route}: {out}"));
        assert!(line.contains(" 1000 records in "), "{line}");
        assert!(figure(line, " records/s") > 0.0, "{line}");
        assert!(line.contains(" 10 requests, ") && line.ends_with("refused 0"), "{line}");
    }
    assert!(out.lines().any(|l| l.starts_with("the floor: 1000 rows") && l.ends_with(" rows/s")), "{out}");
    for path in ["JSON", "CSV"] {
        let check = format!(
            "duplicates ({path}): the first batch of 100 posted again: accepted 0, duplicates 100; stored 2000 -> 2000 records"
        );
        let line = out.lines().find(|l| l.starts_with(&check)).unwrap_or_else(|| panic!("no {check:?}: {out}"));
        assert!(line.ends_with(": ignored"), "{line}");
    }
});
