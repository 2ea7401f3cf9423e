//! `kopek bench charge`: the nightly run's speed on a fresh database of N
//! clients, each with one daily-charged subscription, next to the same
//! database's own set-based limit measured right before (OPS-2): machines
//! here are shared and noisy, the ratio is the figure that holds.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::{Duration, NaiveTime};
use kopek_domain::SystemClock;
use kopek_engine::catalog::services::ServiceInput;
use kopek_engine::{Ctx, Engine, Settings};
use kopek_store::Store;
use sqlx::Connection;

/// A database that exists for one bench run.
pub(crate) enum Fresh {
    /// The temporary directory holding the file; deleted when dropped.
    Sqlite(#[allow(dead_code, reason = "kept for its Drop")] tempfile::TempDir),
    Postgres {
        server: String,
        name: String,
    },
}

pub async fn charge(database_url: Option<&str>, subscriptions: i64, batch: i64) -> Result<()> {
    let (url, fresh) = fresh_database(database_url).await?;
    let result = run(&url, subscriptions, batch).await;
    drop_fresh(fresh).await?;
    result
}

/// Drops the bench's database.
pub(crate) async fn drop_fresh(fresh: Fresh) -> Result<()> {
    if let Fresh::Postgres { server, name } = &fresh {
        let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres")).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).execute(&mut admin).await?;
    }
    Ok(())
}

async fn run(url: &str, n: i64, batch: i64) -> Result<()> {
    let store = Store::connect(url).await?;
    store.migrate().await?;
    let engine = Engine::new(store.clone(), Arc::new(SystemClock), Settings::default());
    let ctx = Ctx::system("bench");
    let spec = serde_json::json!({ "spec": {
        "main": { "name": "Internet", "kind": "periodic" },
        "fee": { "price": "300.00", "write_off": "daily", "currency": "RUB" }
    }, "valid_from": "2000-01-01" });
    let service = engine.create_service(&ctx, serde_json::from_value::<ServiceInput>(spec)?).await?.id;
    let today = engine.local_today();
    let midnight = today.and_time(NaiveTime::MIN);
    let seeding = Instant::now();
    let mut conn = store.begin().await?;
    kopek_store::bench::seed_subscriptions(
        &mut conn,
        n,
        service,
        engine.to_utc(midnight - Duration::days(1)),
        engine.to_utc(midnight),
        today,
        1_000_000_000,
    )
    .await?;
    conn.commit().await?;
    // A live database has its planner statistics; a fresh one gets them now.
    let mut conn = store.conn().await?;
    kopek_store::bench::analyze(&mut conn).await?;
    drop(conn);
    eprintln!("seeded {n} clients and subscriptions on {} in {:.2} s", store.backend().name(), seeding.elapsed().as_secs_f64());
    let reference = reference_rate(&store, n).await?;
    let started = Instant::now();
    let report = engine.run_charges_in_batches(&ctx, today, false, batch).await?;
    let secs = started.elapsed().as_secs_f64();
    let rate = per_second(report.charges, secs);
    println!(
        "charged {} subscriptions in {secs:.2} s: {rate:.0} charges/s ({}); reference {reference:.0} rows/s; ratio {:.3}; peak memory {}",
        report.charges,
        store.backend().name(),
        ratio(rate, reference),
        peak_memory().unwrap_or_else(|| "unknown".into()),
    );
    store.close().await;
    Ok(())
}

/// The reference's speed: balances updated and entries inserted, each
/// pair one row, per second.
async fn reference_rate(store: &Store, n: i64) -> Result<f64> {
    let mut conn = store.conn().await?;
    let mut marks = Vec::new();
    kopek_store::bench::reference(&mut conn, n, || marks.push(Instant::now())).await?;
    let secs = match marks.as_slice() {
        [from, to] => to.duration_since(*from).as_secs_f64(),
        _ => anyhow::bail!("the reference was not timed"),
    };
    Ok(per_second(usize::try_from(n).unwrap_or(0), secs))
}

#[allow(clippy::float_arithmetic, reason = "a speed for people to read, not money")]
fn per_second(count: usize, secs: f64) -> f64 {
    count as f64 / secs.max(1e-9)
}

#[allow(clippy::float_arithmetic, reason = "a ratio for people to read, not money")]
fn ratio(rate: f64, reference: f64) -> f64 {
    rate / reference.max(1e-9)
}

/// The process's peak resident memory (Linux `VmHWM`), as the kernel says it.
pub(crate) fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: u64 = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(format!("{} MiB", kib / 1024))
}

pub(crate) async fn fresh_database(url: Option<&str>) -> Result<(String, Fresh)> {
    match url {
        Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
            let server = match u.rfind('/') {
                Some(i) if i > u.find("://").map_or(0, |s| s + 2) => u[..i].to_string(),
                _ => u.to_string(),
            };
            let name = format!("kopek_bench_{}", std::process::id());
            let mut admin =
                sqlx::PgConnection::connect(&format!("{server}/postgres")).await.context("connecting to PostgreSQL")?;
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut admin).await?;
            Ok((format!("{server}/{name}"), Fresh::Postgres { server, name }))
        }
        _ => {
            let dir = tempfile::tempdir()?;
            let url = format!("sqlite://{}", dir.path().join("bench.db").display());
            Ok((url, Fresh::Sqlite(dir)))
        }
    }
}
