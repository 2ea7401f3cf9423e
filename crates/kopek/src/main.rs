//! `kopek`: one binary that serves the portal and API, runs the background
//! workers, and administers the database.

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "a command-line program answers on stdout and fails on stderr")]

mod bench;
mod bench_api;
mod bench_documents;
mod bench_http;
mod bench_notify;
mod bench_portal;
mod bench_usage;
mod cli;
mod commands;
mod config;
mod gateways;
mod night;
mod notify;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    // A benchmark seeds thousands of changes; its figures are what is read.
    let default_level = if matches!(cli.command, cli::Command::Bench { .. }) { "warn" } else { "info" };
    init_logging(cli.log_json, default_level);
    match commands::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

/// Logs to stderr at `default_level` unless `RUST_LOG` says otherwise.
fn init_logging(json: bool, default_level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("{default_level},sqlx=warn,tower_http=info")));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
