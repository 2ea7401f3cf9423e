//! `kopek bench notifications --count N` (NTF-4): N e-mail notifications
//! queued in the outbox, taken by the delivery worker as the server runs
//! it (fan-out to the inbox and deliveries, render, send, mark sent) to a
//! local SMTP server started in this process, which only counts what it
//! accepts. The rate is set beside this machine's own limit measured in
//! the same run: the same letter sent straight to the same server through
//! the same courier (lettre), with no database and no worker.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Result, bail};
use kopek_domain::SystemClock;
use kopek_engine::accounts::clients::{NewClient, NewUser};
use kopek_engine::core::notify::{NOTIFICATION_TOPIC, Notification};
use kopek_engine::jobs::worker::Worker;
use kopek_engine::notifications::channels::{Courier, Outgoing, Renderer};
use kopek_engine::notifications::delivery::Notifier;
use kopek_engine::{Ctx, Engine, Settings};
use kopek_integrations::notifications::smtp_sink::SmtpServer;
use kopek_integrations::notifications::{EmailCourier, ShippedTemplates, SmtpConfig, SmtpSecurity};
use kopek_store::Store;
use kopek_store::outbox::{NewMessage, enqueue};

use crate::bench::{drop_fresh, fresh_database};

/// The clients the notifications are spread over, one user each.
const CLIENTS: u32 = 100;

/// The letters of the baseline: enough for a steady rate.
const BASELINE: usize = 10_000;

pub async fn notifications(database_url: Option<&str>, count: u32, batch: i64) -> Result<()> {
    let (url, fresh) = fresh_database(database_url).await?;
    let result = run(&url, count, batch).await;
    drop_fresh(fresh).await?;
    result
}

async fn run(url: &str, count: u32, batch: i64) -> Result<()> {
    let store = Store::connect(url).await?;
    store.migrate().await?;
    let engine = Engine::new(store.clone(), Arc::new(SystemClock), Settings::default());
    let sink = SmtpServer::start_counting().await?;
    let smtp = SmtpConfig {
        host: "127.0.0.1".into(),
        port: sink.addr.port(),
        security: SmtpSecurity::Plain,
        username: None,
        password: None,
        from: "Kopek <billing@provider.example>".into(),
        timeout_secs: 30,
    };
    let courier = Arc::new(EmailCourier::new(&smtp).map_err(anyhow::Error::msg)?);
    let renderer = Arc::new(ShippedTemplates::new());

    let seeding = Instant::now();
    queue(&engine, count).await?;
    eprintln!("queued {count} notifications on {} in {:.1} s", store.backend().name(), seeding.elapsed().as_secs_f64());

    // The floor: the same letter straight to the same server.
    let letter = renderer.render("payment.credited", "ru", &data(1)).map_err(anyhow::Error::msg)?;
    let sample = BASELINE.min(count as usize).max(1);
    let started = Instant::now();
    for i in 0..sample {
        let key = format!("kopek-baseline-{i}");
        let out = Outgoing { to: "client1@bench.example", content: &letter, key: &key };
        courier.send(&out).await.map_err(|e| anyhow::anyhow!(e.message))?;
    }
    let raw = rate(sample, started.elapsed().as_secs_f64());
    let raw_sessions = sink.sessions();
    println!("straight to the SMTP server: {sample} letters, {raw:.0} letters/s over {raw_sessions} connection(s) (the floor)");

    let notifier = Arc::new(Notifier::new(renderer).with_courier(courier).batch(batch));
    let worker = notifier.attach(Worker::new(engine.clone(), "bench").batch(batch));
    let before = sink.accepted();
    let started = Instant::now();
    while worker.run_once().await? > 0 {}
    // What the handlers left due (none, unless a send failed) goes too.
    let report = notifier.deliver_due(&engine).await?;
    let secs = started.elapsed().as_secs_f64();
    let delivered = sink.accepted() - before;
    if delivered != count as usize || report.failed + report.dead > 0 {
        bail!("{delivered} of {count} letters reached the SMTP server ({report:?} after the worker)");
    }
    let worker_rate = rate(delivered, secs);
    #[allow(clippy::float_arithmetic, reason = "a ratio for people to read, not money")]
    let percent = worker_rate / raw.max(1e-9) * 100.0;
    println!(
        "delivery worker: {delivered} notifications in {secs:.1} s: {worker_rate:.0} deliveries/s over {} connection(s) \
         ({:.0}% of the floor, {})",
        sink.sessions() - raw_sessions,
        percent,
        store.backend().name()
    );
    store.close().await;
    Ok(())
}

#[allow(clippy::float_arithmetic, reason = "a speed for people to read, not money")]
fn rate(n: usize, secs: f64) -> f64 {
    n as f64 / secs.max(1e-9)
}

fn data(i: u32) -> serde_json::Value {
    serde_json::json!({
        "payment_id": i, "number": format!("P-{i}"), "amount": "1500.0000", "currency": "RUB",
        "balance": "1500.0000", "balance_currency": "RUB",
    })
}

/// [`CLIENTS`] clients with one user each, and `count` "payment credited"
/// notifications spread over them, queued as the engine queues them.
async fn queue(engine: &Engine, count: u32) -> Result<()> {
    let ctx = Ctx::system("bench");
    let mut clients = Vec::new();
    for c in 1..=CLIENTS.min(count.max(1)) {
        let owner = NewUser {
            email: format!("client{c}@bench.example"),
            full_name: format!("Bench Owner {c}"),
            password: "bench-password".into(),
            phone: None,
            full_access: true,
            rights: Vec::new(),
        };
        let new = NewClient {
            code: Some(format!("N{c}")),
            name: format!("Bench {c}"),
            country: "RU".into(),
            currency: "RUB".into(),
            credit_limit: None,
            disconnect_threshold: None,
            owner: Some(owner),
        };
        clients.push((engine.create_client(&ctx, new).await?.id, format!("client{c}@bench.example")));
    }
    let now = engine.now();
    let mut conn = engine.store().begin().await?;
    for i in 0..count {
        let (client_id, email) = &clients[i as usize % clients.len()];
        let note = Notification {
            event: "payment.credited".into(),
            client_id: *client_id,
            recipients: vec![email.clone()],
            data: data(i + 1),
        };
        let payload = serde_json::to_string(&note)?;
        let m = NewMessage {
            topic: NOTIFICATION_TOPIC,
            payload: &payload,
            dedup_key: None,
            max_attempts: 10,
            available_at: now,
            created_at: now,
        };
        enqueue(&mut conn, &m).await?;
    }
    conn.commit().await?;
    Ok(())
}
