//! `kopek bench usage` (CHG-6, OPS-2): N usage records posted through the
//! API as equipment posts them, in batches from several connections at
//! once, once through `POST /api/v1/usage` (JSON) and once more, other
//! records, through `POST /api/v1/usage/csv`, against the router `kopek
//! serve` serves on a free port of 127.0.0.1 and a fresh database of
//! usage-priced subscriptions. The floor is the same database writing N
//! rows of a record's width set-based in one statement. Then the first
//! batch of each path is posted again: its records must all come back as
//! duplicates and the stored records and their total quantity (what the
//! night will charge for) stay as they were, or the bench fails.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::{Result, bail};
use chrono::{DateTime, Duration, NaiveTime, SecondsFormat, Utc};
use kopek_domain::SystemClock;
use kopek_domain::money::units_to_decimal;
use kopek_engine::catalog::services::ServiceInput;
use kopek_engine::charging::usage::UsageReceipt;
use kopek_engine::{Ctx, Engine, Settings};
use kopek_store::Store;

use crate::bench::{drop_fresh, fresh_database};
use crate::bench_http::{Figures, Server, Span, answer, ms, staff_token};

/// How many records go how.
pub struct UsageLoad {
    pub records: u64,
    pub subscriptions: i64,
    pub batch: usize,
    pub connections: usize,
}

/// One way in: its route, its content type and how it writes a batch.
struct Path {
    name: &'static str,
    route: &'static str,
    content_type: &'static str,
    /// The first characters of its record ids, so the paths never collide.
    prefix: &'static str,
    body: fn(&[Record]) -> String,
}

static PATHS: [Path; 2] = [
    Path { name: "JSON", route: "/api/v1/usage", content_type: "application/json", prefix: "j", body: json_body },
    Path { name: "CSV", route: "/api/v1/usage/csv", content_type: "text/csv", prefix: "c", body: csv_body },
];

/// A usage record as it is sent.
struct Record {
    subscription_id: i64,
    record_id: String,
    quantity: String,
    recorded_at: String,
}

pub async fn usage(database_url: Option<&str>, load: UsageLoad) -> Result<()> {
    let (url, fresh) = fresh_database(database_url).await?;
    let result = run(&url, &load).await;
    drop_fresh(fresh).await?;
    result
}

async fn run(url: &str, load: &UsageLoad) -> Result<()> {
    if load.subscriptions < 1 || load.batch < 1 {
        bail!("--subscriptions and --batch must be at least 1");
    }
    let store = Store::connect(url).await?;
    store.migrate().await?;
    let engine = Engine::new(store.clone(), Arc::new(SystemClock), Settings::default());
    let backend = store.backend().name();
    let seeding = Instant::now();
    let (subscriptions, recorded_at) = seed(&engine, load.subscriptions).await?;
    eprintln!(
        "seeded {} usage-priced subscriptions on {backend} in {:.1} s",
        subscriptions.len(),
        seeding.elapsed().as_secs_f64()
    );
    let token = staff_token(&engine).await?;
    let server = Server::start(engine).await?;
    println!(
        "{backend}: {} records per path in batches of {}, {} connections, against {}",
        load.records,
        load.batch,
        load.connections,
        server.url("/")
    );
    let mut first_batches = Vec::new();
    for path in &PATHS {
        let bodies: Vec<String> =
            records(path.prefix, load.records, &subscriptions, recorded_at).chunks(load.batch).map(path.body).collect();
        let first = (bodies.first().cloned().unwrap_or_default(), load.batch.min(usize::try_from(load.records)?));
        let largest = bodies.iter().map(String::len).max().unwrap_or(0);
        if largest > kopek_web::extract::BODY_LIMIT {
            bail!(
                "a batch of {} records as {} is {largest} bytes, over the API's {} bytes: lower --batch",
                load.batch,
                path.name,
                kopek_web::extract::BODY_LIMIT
            );
        }
        let (figures, accepted) = post_all(&server, &token, path, bodies, load.connections).await?;
        let f = &figures;
        println!(
            "POST {:<18} {:<4} {accepted} records in {:.2} s: {:>8.0} records/s; {} requests, p50 {:.1} ms, p99 {:.1} ms; refused {}",
            path.route,
            path.name,
            f.elapsed.as_secs_f64(),
            f.per_second(usize::try_from(accepted).unwrap_or(0)),
            f.requests,
            ms(f.p50),
            ms(f.p99),
            f.failed,
        );
        if f.failed > 0 || accepted != load.records {
            bail!(
                "{} of {} records stored through {}; {} request(s) failed, the first: {}",
                accepted,
                load.records,
                path.route,
                f.failed,
                f.first_failure.clone().unwrap_or_default()
            );
        }
        first_batches.push((path, first));
    }
    floor(&store, load.records).await?;
    for (path, (body, size)) in first_batches {
        repeat(&server, &token, &store, path, body, size).await?;
    }
    server.stop().await?;
    store.close().await;
    Ok(())
}

/// A usage-priced service (traffic at 1.10 a unit, no fee) and a
/// subscription to it for each of `n` clients, connected yesterday at
/// midnight; returns the subscriptions and a moment within their time.
async fn seed(engine: &Engine, n: i64) -> Result<(Vec<i64>, DateTime<Utc>)> {
    let spec = serde_json::json!({ "spec": {
        "main": { "name": "Traffic", "kind": "traffic" },
        "fee": { "price": "0", "write_off": "daily", "currency": "RUB" },
        "additional": { "usage_rates": { "traffic_in:": "1.10" } }
    }, "valid_from": "2000-01-01" });
    let service = engine.create_service(&Ctx::system("bench"), serde_json::from_value::<ServiceInput>(spec)?).await?.id;
    let today = engine.local_today();
    let midnight = engine.to_utc(today.and_time(NaiveTime::MIN));
    let store = engine.store();
    let mut conn = store.begin().await?;
    let yesterday = midnight - Duration::days(1);
    kopek_store::bench::seed_subscriptions(&mut conn, n, service, yesterday, midnight, today, 1_000_000_000).await?;
    conn.commit().await?;
    let mut conn = store.conn().await?;
    kopek_store::bench::analyze(&mut conn).await?;
    let subscriptions = kopek_store::bench::seeded_subscriptions(&mut conn).await?;
    Ok((subscriptions, yesterday + Duration::hours(12)))
}

/// `n` records spread over the subscriptions, with quantities 1.00 to
/// 7.99.
fn records(prefix: &str, n: u64, subscriptions: &[i64], at: DateTime<Utc>) -> Vec<Record> {
    let at = at.to_rfc3339_opts(SecondsFormat::Secs, true);
    (0..n)
        .map(|i| Record {
            subscription_id: subscriptions[usize::try_from(i).unwrap_or(0) % subscriptions.len()],
            record_id: format!("{prefix}{i}"),
            quantity: format!("{}.{:02}", 1 + i % 7, i % 100),
            recorded_at: at.clone(),
        })
        .collect()
}

fn json_body(records: &[Record]) -> String {
    let items: Vec<String> = records
        .iter()
        .map(|r| {
            format!(
                r#"{{"subscription_id":{},"record_id":"{}","kind":"traffic_in","class":"","quantity":"{}","recorded_at":"{}"}}"#,
                r.subscription_id, r.record_id, r.quantity, r.recorded_at
            )
        })
        .collect();
    format!("[{}]", items.join(","))
}

fn csv_body(records: &[Record]) -> String {
    let mut out = String::from("subscription_id,record_id,kind,class,quantity,recorded_at\n");
    for r in records {
        out.push_str(&format!("{},{},traffic_in,,{},{}\n", r.subscription_id, r.record_id, r.quantity, r.recorded_at));
    }
    out
}

/// Posts every body once, from `connections` connections at once; returns
/// the figures and the records the receipts say were taken. A receipt
/// that reports duplicates counts as a failed request.
async fn post_all(
    server: &Server,
    token: &str,
    path: &'static Path,
    bodies: Vec<String>,
    connections: usize,
) -> Result<(Figures, u64)> {
    let bodies = Arc::new(bodies);
    let accepted = Arc::new(AtomicU64::new(0));
    let url = server.url(path.route);
    let span = Span::Requests(bodies.len() as u64);
    let figures = crate::bench_http::run(server, connections, span, |_| {
        let (bodies, accepted, url, token) = (bodies.clone(), accepted.clone(), url.clone(), token.to_string());
        move |client: reqwest::Client, n: u64| {
            let body = usize::try_from(n).ok().and_then(|i| bodies.get(i)).cloned().unwrap_or_default();
            let (accepted, url, token) = (accepted.clone(), url.clone(), token.clone());
            async move {
                let req = client.post(&url).bearer_auth(&token).header("content-type", path.content_type).body(body);
                let body = answer(&url, req.send().await, reqwest::StatusCode::CREATED).await?;
                let receipt: UsageReceipt = serde_json::from_slice(&body).map_err(|e| format!("{url}: the receipt: {e}"))?;
                accepted.fetch_add(receipt.accepted as u64, Ordering::Relaxed);
                if receipt.duplicates > 0 {
                    return Err(format!("{url}: {} new records reported as duplicates", receipt.duplicates));
                }
                Ok(body)
            }
        }
    })
    .await?;
    Ok((figures, accepted.load(Ordering::Relaxed)))
}

/// The database's own speed at writing as many rows of a stored record's
/// width, set-based in one statement, rolled back.
async fn floor(store: &Store, records: u64) -> Result<()> {
    let n = i64::try_from(records)?;
    let mut conn = store.begin().await?;
    let started = Instant::now();
    kopek_store::bench::floor_rows(&mut conn, n, 64).await?;
    let secs = started.elapsed().as_secs_f64();
    drop(conn);
    #[allow(clippy::float_arithmetic, reason = "a rate for people to read, not money")]
    let rate = records as f64 / secs.max(1e-9);
    println!("the floor: {records} rows of 64 bytes written set-based in one statement in {secs:.2} s: {rate:.0} rows/s");
    Ok(())
}

/// Posts a batch again and proves it was ignored: every record a
/// duplicate, and the stored records and their total quantity unchanged.
async fn repeat(server: &Server, token: &str, store: &Store, path: &Path, body: String, size: usize) -> Result<()> {
    let totals = || async {
        let mut conn = store.conn().await?;
        kopek_store::bench::usage_totals(&mut conn).await
    };
    let before = totals().await?;
    let url = server.url(path.route);
    let client = reqwest::Client::new();
    let req = client.post(&url).bearer_auth(token).header("content-type", path.content_type).body(body);
    let body = answer(&url, req.send().await, reqwest::StatusCode::CREATED).await.map_err(anyhow::Error::msg)?;
    let receipt: UsageReceipt = serde_json::from_slice(&body)?;
    let after = totals().await?;
    let ignored = receipt.accepted == 0 && receipt.duplicates == size && before == after;
    println!(
        "duplicates ({}): the first batch of {size} posted again: accepted {}, duplicates {}; stored {} -> {} records, \
         quantity {} -> {}: {}",
        path.name,
        receipt.accepted,
        receipt.duplicates,
        before.0,
        after.0,
        units_to_decimal(before.1),
        units_to_decimal(after.1),
        if ignored { "ignored" } else { "NOT IGNORED" }
    );
    if !ignored {
        bail!("a repeated batch through {} changed the stored usage", path.route);
    }
    Ok(())
}
