//! The command line (OPS-1).

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "kopek", version, about = "Kopek: billing for hosting providers and ISPs")]
pub struct Cli {
    /// Configuration file (default: ./kopek.toml when it exists).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Database: sqlite://PATH or postgres://… (default: sqlite://./data/kopek.db).
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Log as JSON lines instead of text.
    #[arg(long, global = true)]
    pub log_json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server, the API and the background workers.
    Serve(ServeArgs),
    /// Create or upgrade the database schema.
    Migrate,
    /// Prove the ledger's invariants; exit 1 with a report when one breaks.
    CheckLedger,
    /// Load the demo data set into an empty database.
    Demo,
    /// Run the whole night of a date as `kopek serve` runs it at 02:00: the
    /// charges, the credit-limit cycle, autopayments, auto-renewals and the
    /// expiry of paid periods, in that order, on a clock set to that 02:00.
    /// `kopek charge` runs the first step, the charges, alone.
    Night(NightArgs),
    /// Run only the charges of a date, the first step of the night (the
    /// write-offs); `kopek night` runs the whole night.
    Charge {
        /// The run date, YYYY-MM-DD (provider time).
        #[arg(long)]
        date: chrono::NaiveDate,
        /// Show what the run would charge, per client and in total, and
        /// change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Clients per transaction.
        #[arg(long, default_value_t = 500)]
        batch: i64,
        /// Pause between batches, for crash tests that kill a run midway.
        #[arg(long, default_value_t = 0, hide = true)]
        pause_ms: u64,
    },
    /// Measure: `kopek bench charge --subscriptions N` seeds a fresh
    /// database (a temporary SQLite file, or a new database on the
    /// PostgreSQL server of --database-url) and times one nightly run.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Staff users.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Notification channels (NTF).
    Notify {
        #[command(subcommand)]
        command: NotifyCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum NotifyCommand {
    /// Send a test message through one configured channel.
    Test {
        /// email, sms or telegram.
        #[arg(long)]
        channel: String,
        /// The e-mail address, phone number or Telegram chat id.
        #[arg(long)]
        to: String,
        /// The language of the message: ru or en.
        #[arg(long, default_value = "ru")]
        locale: String,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long)]
    pub listen: Option<String>,
    /// Load the demo data set when the database is empty.
    #[arg(long)]
    pub demo: bool,
    /// Turn the test clock on (as `test_clock = true` does), for staging
    /// and demos: staff move this server's time forward with
    /// `POST /api/v1/test-clock`. Never on real clients' data.
    #[arg(long)]
    pub test_clock: bool,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("nights").required(true).args(["date", "from"])))]
pub struct NightArgs {
    /// The night's date, YYYY-MM-DD (provider time).
    #[arg(long)]
    pub date: Option<chrono::NaiveDate>,
    /// The first night of a range, run in order (to catch up after an
    /// outage); with --to.
    #[arg(long, requires = "to")]
    pub from: Option<chrono::NaiveDate>,
    /// The last night of the range.
    #[arg(long, requires = "from", conflicts_with = "date")]
    pub to: Option<chrono::NaiveDate>,
    /// Show what the night would do, per step and client and in total, and
    /// change nothing: the night runs in one transaction that is rolled
    /// back. Nights still to come can be rehearsed too.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a staff admin; the password is read from standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Administrator")]
        name: String,
        /// admin, accountant, support or read_only.
        #[arg(long, default_value = "admin")]
        role: String,
        /// Read the password from standard input (the only way offered, so
        /// it never shows in the process list or shell history).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Print a new API token for the user with this email.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "cli")]
        label: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Time the portal's dashboard, expenses and services pages for a
    /// client with many expenses and services (p50 and p99, server-side).
    Portal {
        #[arg(long, default_value_t = 10_000)]
        expenses: u32,
        #[arg(long, default_value_t = 200)]
        services: u32,
        /// Requests per page.
        #[arg(long, default_value_t = 300)]
        requests: u32,
    },
    /// Time the night of the 1st issuing acts for many payers, and one
    /// act's PDF.
    Documents {
        #[arg(long, default_value_t = 100_000)]
        payers: i64,
        /// Expenses per payer in the month.
        #[arg(long, default_value_t = 3)]
        expenses: i64,
        /// PDF renders timed.
        #[arg(long, default_value_t = 50)]
        renders: u32,
    },
    /// Deliver N queued e-mail notifications through the delivery worker
    /// to a local SMTP server started in the process, beside the rate of
    /// sending the same letter straight to it (NTF-4).
    Notifications {
        #[arg(long, default_value_t = 100_000)]
        count: u32,
        /// Outbox messages and deliveries the worker takes at a time.
        #[arg(long, default_value_t = 50)]
        batch: i64,
    },
    /// Load the API's balance and expenses reads from many connections at
    /// once through the real HTTP server, beside `/healthz` as the floor:
    /// requests/s, p50 and p99 per endpoint; fails on any answer not 200.
    Api {
        #[arg(long, default_value_t = 10_000)]
        clients: i64,
        /// Payments per client.
        #[arg(long, default_value_t = 3)]
        payments: i64,
        /// Expenses per client, all paid.
        #[arg(long, default_value_t = 20)]
        expenses: i64,
        /// Connections asking at once.
        #[arg(long, default_value_t = 64)]
        connections: usize,
        /// Requests per endpoint.
        #[arg(long, default_value_t = 20_000, conflicts_with = "seconds")]
        requests: u64,
        /// Seconds per endpoint, instead of a number of requests.
        #[arg(long)]
        seconds: Option<u64>,
    },
    /// Post N usage records through the API in batches, as JSON and as
    /// CSV (records/s for each), then post a batch again and check its
    /// records were ignored as duplicates (CHG-6).
    Usage {
        /// Records per path (JSON, then CSV).
        #[arg(long, default_value_t = 1_000_000)]
        records: u64,
        /// Usage-priced subscriptions the records are spread over.
        #[arg(long, default_value_t = 10_000)]
        subscriptions: i64,
        /// Records per request (a request's body is at most 1 MiB).
        #[arg(long, default_value_t = 5_000)]
        batch: usize,
        /// Connections posting at once.
        #[arg(long, default_value_t = 4)]
        connections: usize,
    },
    /// Time the nightly charge run.
    Charge {
        #[arg(long, default_value_t = 100_000)]
        subscriptions: i64,
        /// Clients per transaction.
        #[arg(long, default_value_t = 500)]
        batch: i64,
    },
}
