//! `kopek`: one binary that serves the portal and API, runs the background
//! workers, and administers the database.

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "a command-line program answers on stdout and fails on stderr")]

mod bench;
mod bench_portal;
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
    init_logging(cli.log_json);
    match commands::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
