//! What each command does, on top of the engine.

use std::io::Read;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use kopek_domain::{Clock, SystemClock};
use kopek_engine::accounts::clients::NewStaff;
use kopek_engine::jobs::demo::DemoLogins;
use kopek_engine::jobs::test_clock::TestClock;
use kopek_engine::{Ctx, Engine, Settings};
use kopek_store::Store;
use kopek_web::AppState;
use tokio::sync::watch;

use crate::cli::{AdminCommand, BenchCommand, Cli, Command, NotifyCommand, ServeArgs, TokenCommand};
use crate::config::Config;

pub async fn run(cli: Cli) -> Result<ExitCode> {
    if let Command::Bench { command } = &cli.command {
        match command {
            BenchCommand::Charge { subscriptions, batch } => {
                crate::bench::charge(cli.database_url.as_deref(), *subscriptions, *batch).await?;
            }
            BenchCommand::Documents { payers, expenses, renders } => {
                crate::bench_documents::documents(cli.database_url.as_deref(), *payers, *expenses, *renders).await?;
            }
            BenchCommand::Notifications { count, batch } => {
                crate::bench_notify::notifications(cli.database_url.as_deref(), *count, *batch).await?;
            }
            BenchCommand::Api { clients, payments, expenses, connections, requests, seconds } => {
                let span = match seconds {
                    Some(s) => crate::bench_http::Span::Seconds(*s),
                    None => crate::bench_http::Span::Requests(*requests),
                };
                let load = crate::bench_api::ApiLoad {
                    clients: *clients,
                    payments: *payments,
                    expenses: *expenses,
                    connections: *connections,
                    span,
                };
                crate::bench_api::api(cli.database_url.as_deref(), load).await?;
            }
            BenchCommand::Usage { records, subscriptions, batch, connections } => {
                let load = crate::bench_usage::UsageLoad {
                    records: *records,
                    subscriptions: *subscriptions,
                    batch: *batch,
                    connections: *connections,
                };
                crate::bench_usage::usage(cli.database_url.as_deref(), load).await?;
            }
            BenchCommand::Portal { expenses, services, requests } => {
                crate::bench_portal::portal(cli.database_url.as_deref(), *expenses, *services, *requests).await?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let listen = match &cli.command {
        Command::Serve(args) => args.listen.as_deref(),
        _ => None,
    };
    let mut config = Config::load(cli.config.as_deref(), cli.database_url.as_deref(), listen)?;
    if let Command::Serve(args) = &cli.command {
        config.test_clock |= args.test_clock;
    }
    // A test message needs the channels only, not the database.
    if let Command::Notify { command: NotifyCommand::Test { channel, to, locale } } = &cli.command {
        return crate::notify::test(&config.channels, channel, to, locale).await;
    }
    // Every command on a database whose clock was advanced reads that
    // clock, so `kopek night` agrees with the server about what has come.
    let test_clock = config.test_clock.then(|| Arc::new(TestClock::new()));
    let clock: Arc<dyn Clock> = match &test_clock {
        Some(c) => c.clone(),
        None => Arc::new(SystemClock),
    };
    let engine = open(&config, clock).await?;
    if let Some(c) = &test_clock
        && let Some(at) = engine.resume_test_clock(c).await?
    {
        tracing::warn!(%at, "the test clock resumes where it was last advanced");
    }
    let (engine, sandbox) = crate::gateways::wire(engine, &config.gateways)?;
    match cli.command {
        Command::Serve(args) => serve(engine, sandbox, &config, args, test_clock).await,
        Command::Migrate => {
            println!("database is at the latest schema ({})", engine.store().backend().name());
            Ok(ExitCode::SUCCESS)
        }
        Command::CheckLedger => check_ledger(&engine).await,
        Command::Demo => {
            match engine.load_demo().await? {
                Some(logins) => print_demo(&logins),
                None => println!("the database already holds clients; the demo loads only into an empty one"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { .. } | Command::Notify { .. } => unreachable!("handled before opening the database"),
        Command::Night(args) => crate::night::run(&engine, args).await,
        Command::Charge { date, dry_run, batch, pause_ms } => charge(&engine, date, dry_run, batch, pause_ms).await,
        Command::Admin { command: AdminCommand::Create { email, name, role, password_stdin: _ } } => {
            let password = read_password()?;
            let staff =
                engine.create_staff_user(&Ctx::system("cli"), NewStaff { email, full_name: name, password, role }).await?;
            println!("created staff user {} ({}) with id {}", staff.email, staff.role, staff.id);
            Ok(ExitCode::SUCCESS)
        }
        Command::Token { command: TokenCommand::Create { email, label } } => {
            let token = engine.create_token(&Ctx::system("cli"), &email, &label).await?;
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Connects and migrates, so every command sees the current schema.
async fn open(config: &Config, clock: Arc<dyn Clock>) -> Result<Engine> {
    let store =
        Store::connect(&config.database_url).await.with_context(|| format!("connecting to {}", redact(&config.database_url)))?;
    store.migrate().await.context("migrating the database")?;
    let defaults = Settings::default();
    let settings = Settings {
        provider_offset: config.provider_offset,
        public_url: config.public_url.clone(),
        staff_two_factor_required: config.staff_two_factor_required,
        two_factor_issuer: config.two_factor_issuer.clone().unwrap_or(defaults.two_factor_issuer.clone()),
        sms_enabled: config.channels.sms.is_some(),
        telegram_bot_name: config.channels.telegram.as_ref().and_then(|t| t.bot_name.clone()),
        support: config.support.clone(),
        support_files: config.support_files.clone(),
        ..defaults
    };
    let templates = Arc::new(kopek_integrations::notifications::ShippedTemplates::new());
    Ok(Engine::new(store, clock, settings).with_renderer(templates))
}

async fn serve(
    engine: Engine,
    sandbox: Option<Arc<kopek_integrations::SandboxGateway>>,
    config: &Config,
    args: ServeArgs,
    test_clock: Option<Arc<TestClock>>,
) -> Result<ExitCode> {
    // DOC-1 … DOC-4: a replaced document layout that does not render stops
    // the start here, naming its file and line, rather than a download later.
    let layouts = match config.templates_dir.as_ref().map(|d| d.join("documents")).filter(|d| d.is_dir()) {
        Some(dir) => kopek_documents::render::Layouts::with_dir(&dir)
            .map_err(|e| anyhow::anyhow!("document layouts in {}: {e}", dir.display()))?,
        None => kopek_documents::render::Layouts::shipped(),
    };
    if test_clock.is_some() {
        tracing::warn!(
            "the test clock is on: staff can move this server's time forward and run every night on the way \
             (POST /api/v1/test-clock); for staging and demos only, never on real clients' data"
        );
    }
    if args.demo
        && let Some(logins) = engine.load_demo().await?
    {
        print_demo(&logins);
    }
    engine.install_schedules().await?;
    let notifier = Arc::new(crate::notify::notifier(&config.channels)?);
    notifier.install_schedule(&engine).await?;
    tracing::info!(channels = ?notifier.channels(), "notifications: the inbox, and these channels");
    let listener =
        tokio::net::TcpListener::bind(&config.listen).await.with_context(|| format!("listening on {}", config.listen))?;
    let addr = listener.local_addr()?;
    println!("Kopek is listening on http://{addr}/ (database: {})", engine.store().backend().name());
    println!("API explorer: http://{addr}/api/docs");
    if let Some(clock) = &test_clock {
        println!("Test clock: on, reading {}; move it forward with", engine.clock_view(clock).now);
        println!("  POST http://{addr}/api/v1/test-clock {{\"advance_to\": \"YYYY-MM-DDT03:00:00+03:00\"}} (as staff)");
    }

    let (stop, stopped) = watch::channel(false);
    let worker_id = format!("{}-{}", hostname(), std::process::id());
    let mut worker = notifier.attach(engine.standard_worker(worker_id));
    if let Some(clock) = &test_clock {
        worker = worker.paused_by(clock.pause());
    }
    let bot = match &config.channels.telegram {
        Some(tg) => {
            let client = kopek_integrations::telegram::client::TelegramClient::new(tg.clone()).map_err(anyhow::Error::msg)?;
            let bot = kopek_integrations::telegram::poller::Bot::new(engine.clone(), client);
            tracing::info!(bot = ?tg.bot_name, "telegram: polling the Bot API");
            Some(tokio::spawn(bot.run(stopped.clone())))
        }
        None => None,
    };
    let worker = tokio::spawn(worker.run(config.worker_idle, stopped));
    let state = AppState::new(engine.clone())
        .with_sandbox(sandbox)
        .with_test_clock(test_clock)
        .with_templates_dir(config.templates_dir.clone())
        .with_document_layouts(layouts)
        .with_shield(config.shield.clone());
    kopek_web::serve(listener, state, shutdown_signal()).await?;
    let _ = stop.send(true);
    let _ = worker.await;
    if let Some(bot) = bot {
        let _ = bot.await;
    }
    engine.store().close().await;
    Ok(ExitCode::SUCCESS)
}

async fn charge(engine: &Engine, date: chrono::NaiveDate, dry_run: bool, batch: i64, pause_ms: u64) -> Result<ExitCode> {
    let pause = std::time::Duration::from_millis(pause_ms);
    let report = engine.run_charges_paced(&Ctx::system("cli charge run"), date, dry_run, batch, pause).await?;
    if dry_run {
        for c in report.clients.iter().filter(|c| !c.lines.is_empty() || !c.uncovered.is_empty()) {
            println!(
                "client {}: {} to charge in {} line(s), balance {} -> {}{}",
                c.client_id,
                c.charged.0,
                c.lines.len(),
                c.balance_before.0,
                c.balance_after.0,
                if c.uncovered.is_empty() { String::new() } else { format!(", {} not covered", c.uncovered.len()) },
            );
        }
    }
    let verb = if dry_run { "would charge" } else { "charged" };
    println!("{date}: {verb} {} in {} charge(s) for {} client(s)", report.total.0, report.charges, report.clients.len());
    Ok(ExitCode::SUCCESS)
}

async fn check_ledger(engine: &Engine) -> Result<ExitCode> {
    let violations = engine.check_ledger().await?;
    let rules = kopek_store::check::rule_names().count();
    if violations.is_empty() {
        println!("ledger holds: {rules} invariants checked, none broken");
        return Ok(ExitCode::SUCCESS);
    }
    println!("LEDGER BROKEN: {} violation(s) of {rules} invariants", violations.len());
    for v in &violations {
        println!("  [{}] client {}: {}", v.rule, v.client_id, v.detail);
    }
    Ok(ExitCode::from(1))
}

fn read_password() -> Result<String> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).context("reading the password from standard input")?;
    let password = input.lines().next().unwrap_or("").to_string();
    if password.is_empty() {
        bail!("no password on standard input: echo the password into `kopek admin create --password-stdin`");
    }
    Ok(password)
}

fn print_demo(l: &DemoLogins) {
    println!("demo data loaded:");
    println!("  staff admin: {} / {}", l.admin_email, l.admin_password);
    for email in &l.client_emails {
        println!("  client user: {email} / {}", l.client_password);
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_string()).unwrap_or_else(|_| "kopek".into())
}

/// Hides a password in a database URL before it is printed.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_in_urls_are_hidden() {
        assert_eq!(redact("postgres://kopek:secret@db:5432/kopek"), "postgres://kopek:***@db:5432/kopek");
        assert_eq!(redact("postgres://postgres@127.0.0.1:5432/x"), "postgres://postgres@127.0.0.1:5432/x");
        assert_eq!(redact("sqlite://./data/kopek.db"), "sqlite://./data/kopek.db");
    }
}
