//! `kopek night` (OPS-1, CHG-1, CHG-8): the whole night of a date, or of
//! every date of a range in order, as the schedule runs it; with
//! `--dry-run`, rehearsed and rolled back, reported per client and step.

use std::process::ExitCode;

use anyhow::{Result, bail};
use chrono::{Duration, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use kopek_engine::jobs::night_runs::NightSummary;
use kopek_engine::jobs::rehearsal::RehearsedNight;
use kopek_engine::{Ctx, Engine};

use crate::cli::NightArgs;

pub async fn run(engine: &Engine, args: NightArgs) -> Result<ExitCode> {
    let (from, to) = match (args.date, args.from, args.to) {
        (Some(date), None, None) => (date, date),
        (None, Some(from), Some(to)) => (from, to),
        _ => bail!("give --date D, or --from D1 --to D2"),
    };
    if to < from {
        bail!("--to {to} is before --from {from}");
    }
    // The audit keeps who ran the night and when, whatever time the night
    // itself reads.
    let ctx = Ctx::system(&format!("kopek night, run at {}", Utc::now().format("%Y-%m-%dT%H:%M:%SZ")));
    if args.dry_run {
        let nights = engine.rehearse_nights(&ctx, from, to).await?;
        let mut total = NightSummary::default();
        for night in &nights {
            print_rehearsed(night);
            total.add(&night.report);
        }
        if nights.len() > 1 {
            println!("{} nights, {from} to {to}, in total (dry run):", nights.len());
            total.print();
        }
        return Ok(ExitCode::SUCCESS);
    }
    // A range runs only when all of it has come, so it is not left half done.
    engine.ensure_night_has_come(to)?;
    let count = u64::try_from((to - from).num_days() + 1).unwrap_or(u64::MAX);
    let bar = if count > 1 { ProgressBar::new(count) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} nights, {msg} ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut total = NightSummary::default();
    let mut date = from;
    while date <= to {
        bar.set_message(date.to_string());
        let report = engine.run_night_at_its_time(&ctx, date).await?;
        if count == 1 {
            println!("night of {date}:");
        }
        total.add(&report);
        bar.inc(1);
        date += Duration::days(1);
    }
    bar.finish_and_clear();
    if count > 1 {
        println!("{count} nights, {from} to {to}, in total:");
    }
    total.print();
    Ok(ExitCode::SUCCESS)
}

fn print_rehearsed(night: &RehearsedNight) {
    println!("night of {} (dry run: rolled back, nothing changed):", night.report.date);
    for c in &night.clients {
        println!("  client {} {}: balance {} -> {}", c.client_id, c.code, c.balance_before.0, c.balance_after.0);
        for (step, line) in &c.lines {
            println!("    {}: {line}", step.name());
        }
    }
    let mut one = NightSummary::default();
    one.add(&night.report);
    one.print();
}

/// The steps' figures, printed.
trait Print {
    fn print(&self);
}

impl Print for NightSummary {
    fn print(&self) {
        println!(
            "  charges: {} in {} charge(s) for {} client(s), {} subscription(s) not covered",
            self.charged.0, self.charges, self.clients_charged, self.skipped
        );
        println!(
            "  credit: {} invoice(s) issued, {} reminder(s) sent, {} invoice(s) paid, {} limit(s) blocked, {} unblocked",
            self.invoices_issued, self.reminders_sent, self.invoices_paid, self.blocked, self.unblocked
        );
        println!("  autopay: {} payment(s) started, {} at the monthly maximum", self.autopayments, self.autopay_at_max);
        println!(
            "  renewals: {} renewed from the balance, {} payment(s) started, {} failed, {} held by a blocked limit",
            self.renewed, self.renewal_payments, self.renewals_failed, self.renewals_held
        );
        println!("  expiries: {} paid period(s) expired", self.expired);
        println!(
            "  low balance: {} client(s) told their balance fell below their threshold, {} re-armed",
            self.low_balance_notified, self.low_balance_rearmed
        );
        println!("  tickets: {} ticket(s) closed awaiting the client's reply", self.tickets_closed);
        println!("  acts: {} act(s) of completed work issued", self.acts_issued);
    }
}
