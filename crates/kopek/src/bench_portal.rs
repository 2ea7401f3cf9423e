//! `kopek bench portal`: how long the portal's busiest pages take to make,
//! server-side, for a client with many expenses and services (OPS-5). Each
//! page is asked for through the real router (session, rights, engine,
//! store, template) with no network in between, and its p50 and p99 are
//! set beside those of `/healthz` (one database round trip) measured in the
//! same run, so the figure reads against this machine's own floor.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use kopek_domain::SystemClock;
use kopek_engine::accounts::auth::LoginKind;
use kopek_engine::accounts::clients::{NewClient, NewUser};
use kopek_engine::core::amount::Amount;
use kopek_engine::ledger::entries::{CreditPayment, PostExpense};
use kopek_engine::shop::orders::CartInput;
use kopek_engine::shop::products::ProductInput;
use kopek_engine::{Ctx, Engine, Settings};
use kopek_store::Store;
use tower::ServiceExt;

use crate::bench::{drop_fresh, fresh_database};

const PAGES: [&str; 3] = ["/", "/finance/expenses", "/services"];

pub async fn portal(database_url: Option<&str>, expenses: u32, services: u32, requests: u32) -> Result<()> {
    let (url, fresh) = fresh_database(database_url).await?;
    let result = run(&url, expenses, services, requests).await;
    drop_fresh(fresh).await?;
    result
}

async fn run(url: &str, expenses: u32, services: u32, requests: u32) -> Result<()> {
    let store = Store::connect(url).await?;
    store.migrate().await?;
    let engine = Engine::new(store.clone(), Arc::new(SystemClock), Settings::default());
    let seeding = Instant::now();
    let token = seed(&engine, expenses, services).await?;
    eprintln!(
        "seeded a client with {expenses} expenses and {services} services on {} in {:.1} s",
        store.backend().name(),
        seeding.elapsed().as_secs_f64()
    );
    let router = kopek_web::router(kopek_web::AppState::new(engine.clone()));
    let cookie = format!("{}={token}", kopek_web::extract::SESSION_COOKIE);
    let floor = measure(&router, "/healthz", &cookie, requests).await?;
    println!("{:<20} p50 {:>8.2} ms  p99 {:>8.2} ms  (the floor)", "/healthz", ms(floor.0), ms(floor.1));
    for page in PAGES {
        let (p50, p99) = measure(&router, page, &cookie, requests).await?;
        #[allow(clippy::float_arithmetic, reason = "a ratio for people to read, not money")]
        let ratio = p99.as_secs_f64() / floor.1.as_secs_f64().max(1e-9);
        println!("{page:<20} p50 {:>8.2} ms  p99 {:>8.2} ms  ({ratio:.1}× the floor's p99)", ms(p50), ms(p99));
    }
    store.close().await;
    Ok(())
}

#[allow(clippy::float_arithmetic, reason = "milliseconds for people to read")]
fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// (p50, p99) of `requests` answers to `path`, after a few to warm up.
async fn measure(router: &axum::Router, path: &str, cookie: &str, requests: u32) -> Result<(Duration, Duration)> {
    let mut times = Vec::with_capacity(requests as usize);
    for i in 0..requests + 5 {
        let req = Request::get(path).header("cookie", cookie).body(Body::empty())?;
        let started = Instant::now();
        let res = router.clone().oneshot(req).await?;
        let status = res.status();
        axum::body::to_bytes(res.into_body(), usize::MAX).await?;
        let took = started.elapsed();
        if status != StatusCode::OK {
            bail!("{path} answered {status}");
        }
        if i >= 5 {
            times.push(took);
        }
    }
    times.sort();
    let at = |q: usize| times[(times.len() * q / 100).min(times.len() - 1)];
    Ok((at(50), at(99)))
}

/// A client whose owner holds a session: `expenses` expenses over the last
/// year and `services` virtual servers bought in the shop.
async fn seed(engine: &Engine, expenses: u32, services: u32) -> Result<String> {
    let ctx = Ctx::system("bench");
    let owner = NewUser {
        email: "bench@client.example".into(),
        full_name: "Bench Owner".into(),
        password: "bench-password".into(),
        phone: None,
        full_access: true,
        rights: Vec::new(),
    };
    let client = engine
        .create_client(
            &ctx,
            NewClient {
                code: Some("BENCH".into()),
                name: "Bench".into(),
                country: "RU".into(),
                currency: "RUB".into(),
                credit_limit: None,
                disconnect_threshold: None,
                owner: Some(owner),
            },
        )
        .await?;
    let money = CreditPayment {
        amount: Amount(rust_decimal::Decimal::from(1_000_000_000)),
        currency: "RUB".into(),
        method: "manual".into(),
        comment: "bench".into(),
    };
    engine.credit_payment(&ctx, client.id, money).await?;
    let now = engine.now();
    for i in 0..expenses {
        let expense = PostExpense {
            name: format!("Трафик, день {i}"),
            amount: Amount("22.4137".parse()?),
            currency: "RUB".into(),
            vat_percent: None,
            charged_at: Some(now - chrono::Duration::minutes(i64::from(expenses - i) * 50)),
        };
        engine.post_expense(&ctx, client.id, expense).await?;
    }
    let spec = serde_json::json!({
        "name": "VDS Start", "product_type": "virtual_server", "currency": "RUB",
        "prices": [{ "months": 1, "price": "300.00" }],
        "addons": [{ "code": "ipv4", "name": "IPv4", "unit": "Шт.", "unit_price": "150.00", "included": 1, "min": 1, "max": 8, "default": 1 }],
        "tax_percent": "20", "tax_included": true
    });
    let product =
        engine.create_product(&ctx, ProductInput { spec: serde_json::from_value(spec)?, hook: None, archived: false }).await?.id;
    for _ in 0..services {
        let config = serde_json::from_value(serde_json::json!({ "months": 1 }))?;
        let input = CartInput { product_id: product, config, auto_renew: true, promo_code: None };
        engine.order_now(&ctx, client.id, input, None).await?;
    }
    let session = engine.login(LoginKind::Client, "bench@client.example", "bench-password").await.context("logging in")?;
    Ok(session.token)
}
