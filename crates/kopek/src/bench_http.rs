//! What `kopek bench api` and `kopek bench usage` share: the router
//! `kopek serve` serves, listening on a free port of 127.0.0.1 in this
//! process; a staff admin's API token; and a load of many connections,
//! each a client of its own, timed request by request.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use kopek_engine::accounts::clients::NewStaff;
use kopek_engine::{Ctx, Engine};
use rand::SeedableRng;
use rand::rngs::StdRng;
use tokio::sync::{Barrier, oneshot};
use tokio::task::JoinHandle;

/// The server under load, until [`Server::stop`].
pub(crate) struct Server {
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Serves `engine` as `kopek serve` does (the same router, its layers
    /// and the peer's address), minus the background workers.
    pub async fn start(engine: Engine) -> Result<Server> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let state = kopek_web::AppState::new(engine);
        let task = tokio::spawn(kopek_web::serve(listener, state, async {
            let _ = stopped.await;
        }));
        Ok(Server { addr, stop, task })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn stop(self) -> Result<()> {
        let _ = self.stop.send(());
        self.task.await?.context("the server")?;
        Ok(())
    }
}

/// A new staff admin's API token, as `kopek token create` prints it.
pub(crate) async fn staff_token(engine: &Engine) -> Result<String> {
    let ctx = Ctx::system("bench");
    let email = "bench@provider.example";
    let staff =
        NewStaff { email: email.into(), full_name: "Bench".into(), password: "bench-password".into(), role: "admin".into() };
    engine.create_staff_user(&ctx, staff).await?;
    Ok(engine.create_token(&ctx, email, "bench").await?)
}

/// How long a load lasts: this many requests in all, or this many seconds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Span {
    Requests(u64),
    Seconds(u64),
}

/// What one load measured.
pub(crate) struct Figures {
    pub requests: usize,
    pub elapsed: Duration,
    pub p50: Duration,
    pub p99: Duration,
    /// Answers other than the expected status, and transport errors.
    pub failed: usize,
    pub first_failure: Option<String>,
}

impl Figures {
    #[allow(clippy::float_arithmetic, reason = "a rate for people to read, not money")]
    pub fn per_second(&self, items: usize) -> f64 {
        items as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn rate(&self) -> f64 {
        self.per_second(self.requests)
    }
}

#[allow(clippy::float_arithmetic, reason = "milliseconds for people to read")]
pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Asks for `path(rng)` with GET from `connections` connections at once
/// until `span` is spent, with the token unless it is empty.
pub(crate) async fn load_get<F>(server: &Server, token: &str, connections: usize, span: Span, path: F) -> Result<Figures>
where
    F: Fn(&mut StdRng) -> String + Send + Sync + 'static,
{
    let path = Arc::new(path);
    let base = server.url("");
    let token = token.to_string();
    run(server, connections, span, move |worker| {
        let (path, base, token) = (path.clone(), base.clone(), token.clone());
        let mut rng = StdRng::seed_from_u64(worker as u64);
        move |client: reqwest::Client, _: u64| {
            let url = format!("{base}{}", path(&mut rng));
            let token = token.clone();
            async move {
                let req = client.get(&url);
                let req = if token.is_empty() { req } else { req.bearer_auth(&token) };
                let res = req.send().await;
                answer(&url, res, reqwest::StatusCode::OK).await
            }
        }
    })
    .await
}

/// The body of an answer with the `expected` status; otherwise what came.
pub(crate) async fn answer(
    url: &str,
    res: reqwest::Result<reqwest::Response>,
    expected: reqwest::StatusCode,
) -> Result<Vec<u8>, String> {
    let r = res.map_err(|e| format!("{url}: {e}"))?;
    let status = r.status();
    let body = r.bytes().await.map_err(|e| format!("{url}: reading the answer: {e}"))?;
    if status != expected {
        return Err(format!("{url} answered {status}: {}", String::from_utf8_lossy(&body[..body.len().min(300)])));
    }
    Ok(body.to_vec())
}

/// Runs `connections` workers, each with its own client and so its own
/// connection, opened by an untimed `GET /healthz`. A worker makes the
/// requests its `make(worker)` returns, each given its number in the run,
/// until `span` is spent. The time runs from the
/// moment every connection is open to the last answer.
pub(crate) async fn run<M, R, Fut>(server: &Server, connections: usize, span: Span, make: M) -> Result<Figures>
where
    M: Fn(usize) -> R,
    R: FnMut(reqwest::Client, u64) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<Vec<u8>, String>> + Send + 'static,
{
    let connections = connections.max(1);
    let issued = Arc::new(AtomicU64::new(0));
    let ready = Arc::new(Barrier::new(connections + 1));
    let health = server.url("/healthz");
    let mut workers = Vec::with_capacity(connections);
    for worker in 0..connections {
        let mut request = make(worker);
        let (issued, ready, health) = (issued.clone(), ready.clone(), health.clone());
        let client = reqwest::Client::builder().pool_max_idle_per_host(1).build()?;
        workers.push(tokio::spawn(async move {
            let opened = client.get(&health).send().await.map(|_| ()).map_err(|e| format!("{health}: {e}"));
            ready.wait().await;
            let deadline = match span {
                Span::Seconds(s) => Some(Instant::now() + Duration::from_secs(s)),
                Span::Requests(_) => None,
            };
            let mut times = Vec::new();
            let mut failures: Vec<String> = opened.err().into_iter().collect();
            loop {
                let n = issued.fetch_add(1, Ordering::Relaxed);
                let go = match (span, deadline) {
                    (Span::Requests(total), _) => n < total,
                    (Span::Seconds(_), Some(d)) => Instant::now() < d,
                    (Span::Seconds(_), None) => false,
                };
                if !go {
                    break;
                }
                let started = Instant::now();
                let answer = request(client.clone(), n).await;
                times.push(started.elapsed());
                if let Err(e) = answer {
                    failures.push(e);
                }
            }
            (times, failures)
        }));
    }
    ready.wait().await;
    let started = Instant::now();
    let mut times = Vec::new();
    let mut failed = 0;
    let mut first_failure = None;
    for w in workers {
        let (t, f) = w.await?;
        times.extend(t);
        failed += f.len();
        if first_failure.is_none() {
            first_failure = f.into_iter().next();
        }
    }
    let elapsed = started.elapsed();
    times.sort();
    let at = |q: usize| times.get((times.len() * q / 100).min(times.len().saturating_sub(1))).copied().unwrap_or_default();
    Ok(Figures { requests: times.len(), elapsed, p50: at(50), p99: at(99), failed, first_failure })
}
