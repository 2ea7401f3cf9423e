//! `kopek bench api` (OPS-2): the API's two busiest reads under load. A
//! fresh database gets N clients, each with payments and paid expenses
//! (set-based, so ten thousand take a second); the router `kopek serve`
//! serves listens on a free port of 127.0.0.1, and many connections at
//! once ask, with a staff token, for random clients' balances and
//! expenses. `GET /healthz` (one database round trip, no token) is loaded
//! the same way in the same run: the machine's own floor, which the
//! endpoints' rates are read against.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Result, bail};
use chrono::Duration;
use kopek_domain::SystemClock;
use kopek_engine::{Engine, Settings};
use kopek_store::Store;
use rand::Rng;

use crate::bench::{drop_fresh, fresh_database};
use crate::bench_http::{Figures, Server, Span, load_get, ms, staff_token};

/// How big the database is and how the server is loaded.
pub struct ApiLoad {
    pub clients: i64,
    pub payments: i64,
    pub expenses: i64,
    pub connections: usize,
    pub span: Span,
}

pub async fn api(database_url: Option<&str>, load: ApiLoad) -> Result<()> {
    let (url, fresh) = fresh_database(database_url).await?;
    let result = run(&url, &load).await;
    drop_fresh(fresh).await?;
    result
}

async fn run(url: &str, load: &ApiLoad) -> Result<()> {
    let store = Store::connect(url).await?;
    store.migrate().await?;
    let engine = Engine::new(store.clone(), Arc::new(SystemClock), Settings::default());
    let backend = store.backend().name();
    let seeding = Instant::now();
    let (first, last) = seed(&engine, load).await?;
    eprintln!(
        "seeded {} clients with {} payments and {} paid expenses each on {backend} in {:.1} s; the ledger holds",
        load.clients,
        load.payments,
        load.expenses,
        seeding.elapsed().as_secs_f64()
    );
    let token = staff_token(&engine).await?;
    let server = Server::start(engine).await?;
    let span = match load.span {
        Span::Requests(n) => format!("{n} requests"),
        Span::Seconds(s) => format!("{s} s"),
    };
    println!("{backend}: {} connections, {span} per endpoint, against {}", load.connections, server.url("/"));
    let floor = load_get(&server, "", load.connections, load.span, |_| "/healthz".to_string()).await?;
    line("GET /healthz", &floor, "(the floor)");
    let mut failed = floor.failed;
    let mut first_failure = floor.first_failure.clone();
    for what in ["balance", "expenses?limit=50"] {
        let f = load_get(&server, &token, load.connections, load.span, move |rng| {
            format!("/api/v1/clients/{}/{what}", rng.random_range(first..=last))
        })
        .await?;
        #[allow(clippy::float_arithmetic, reason = "a ratio for people to read, not money")]
        let ratio = f.rate() / floor.rate().max(1e-9);
        line(&format!("GET /api/v1/clients/{{id}}/{what}"), &f, &format!("({ratio:.2}× the floor's rate)"));
        failed += f.failed;
        first_failure = first_failure.or(f.first_failure);
    }
    server.stop().await?;
    store.close().await;
    if failed > 0 {
        bail!("{failed} answer(s) were not 200 OK; the first: {}", first_failure.unwrap_or_default());
    }
    Ok(())
}

fn line(name: &str, f: &Figures, note: &str) {
    println!(
        "{name:<36} {:>8.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  non-200 {}  {note}",
        f.rate(),
        ms(f.p50),
        ms(f.p99),
        f.failed
    );
}

/// The clients, their ledgers proven by `check-ledger`'s invariants, and
/// the planner's statistics; returns the first and last client id.
async fn seed(engine: &Engine, load: &ApiLoad) -> Result<(i64, i64)> {
    if load.clients < 1 {
        bail!("--clients must be at least 1");
    }
    let store = engine.store();
    let at = engine.now() - Duration::days(1);
    let mut conn = store.begin().await?;
    let ids = kopek_store::bench::seed_clients_with_ledger(&mut conn, load.clients, load.payments, load.expenses, at).await?;
    conn.commit().await?;
    let mut conn = store.conn().await?;
    kopek_store::bench::analyze(&mut conn).await?;
    drop(conn);
    let broken = engine.check_ledger().await?;
    if let Some(v) = broken.first() {
        bail!("the seeded ledger breaks {} invariant(s), the first {}: {}", broken.len(), v.rule, v.detail);
    }
    Ok(ids)
}
