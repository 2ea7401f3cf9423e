//! The charge run (CHG-1 … CHG-8, CAT-4, CAT-7, CAT-11): every night, for
//! each client with something due, the periods due by the run's horizon are
//! priced (versions, discounts, holidays, usage), weighed together against
//! the balance, and either charged — an expense, its entry and a charge row
//! keyed by (subscription, period) — or left uncovered, blocking or
//! deactivating the services as their options say. Thresholds and lifetimes
//! are applied after. Clients are processed in batches, one transaction per
//! batch: a run stopped anywhere and started again charges exactly what one
//! uninterrupted run would have. A dry run is the same code, rolled back.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use futures::StreamExt;
use kopek_domain::account::ClientState;
use kopek_domain::catalog::ServiceSpec;
use kopek_domain::charging::discount::{apply, effective_percent};
use kopek_domain::charging::fees::{Activity, due_periods, next_run_date};
use kopek_domain::charging::lifetime::{LifeSoFar, ends_at, is_over};
use kopek_domain::charging::run::{DueCharge, Uncovered, below_threshold, plan_client};
use kopek_domain::charging::usage::{Usage, rate};
use kopek_domain::charging::{WriteOff, charge_moment};
use kopek_domain::money::{decimal_to_units, units_to_decimal};
use kopek_store::clients::{self, ClientRow};
use kopek_store::subscriptions::{self as subs, NewCharge, SubscriptionRow};
use kopek_store::{Backend, bulk};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::catalog::services::{PriceBook, load_price_book};
use crate::charging::state::{State, SubscriptionStyle, change_state};
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::uow::Uow;
use crate::core::views::minor;
use crate::ledger::entries::{allocate, post_expense_in};

/// Clients per transaction in a run.
pub const RUN_BATCH: i64 = 500;

/// One charged (or, in a dry run, chargeable) period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChargeLine {
    pub subscription_id: i64,
    pub service: String,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub amount: Amount,
}

/// What a run did (or would do) for one client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClientRun {
    pub client_id: i64,
    pub balance_before: Amount,
    pub balance_after: Amount,
    pub charged: Amount,
    pub lines: Vec<ChargeLine>,
    /// Subscriptions whose charges the balance didn't cover: blocked or
    /// deactivated.
    pub uncovered: Vec<(i64, String)>,
    /// State changes: (subscription, new state).
    pub changes: Vec<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RunReport {
    pub date: NaiveDate,
    pub dry_run: bool,
    pub clients: Vec<ClientRun>,
    /// Charges made, per currency is not mixed: amounts are in each
    /// client's currency, and a provider's clients share one in practice.
    pub total: Amount,
    pub charges: usize,
}

/// When a charge counts as made: the nominal 02:00 of the run (CAT-7).
pub(crate) fn nominal(date: NaiveDate) -> NaiveDateTime {
    charge_moment(date, 0)
}

impl Engine {
    pub fn to_local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        t.with_timezone(&self.settings.provider_offset).naive_local()
    }

    pub fn to_utc(&self, t: NaiveDateTime) -> DateTime<Utc> {
        self.settings.provider_offset.from_local_datetime(&t).single().expect("fixed offsets are unambiguous").with_timezone(&Utc)
    }

    /// The run for `date` (CHG-1). Idempotent: run again, it charges
    /// nothing more; stopped halfway and run again, it finishes the rest.
    pub async fn run_charges(&self, ctx: &Ctx, date: NaiveDate, dry_run: bool) -> Result<RunReport> {
        self.run_charges_in_batches(ctx, date, dry_run, RUN_BATCH).await
    }

    /// [`Engine::run_charges`] with `batch` clients per transaction.
    pub async fn run_charges_in_batches(&self, ctx: &Ctx, date: NaiveDate, dry_run: bool, batch: i64) -> Result<RunReport> {
        self.run_charges_paced(ctx, date, dry_run, batch, std::time::Duration::ZERO).await
    }

    /// A run that waits `pause` after each batch: crash tests use it to
    /// kill a run between (or inside) its transactions.
    pub async fn run_charges_paced(
        &self,
        ctx: &Ctx,
        date: NaiveDate,
        dry_run: bool,
        batch: i64,
        pause: std::time::Duration,
    ) -> Result<RunReport> {
        ctx.actor.ensure_may_move_money()?;
        let batch_size = batch.clamp(1, 100_000);
        let book = {
            let mut conn = self.store.conn().await?;
            load_price_book(&mut conn).await?
        };
        let mut report = RunReport { date, dry_run, clients: Vec::new(), total: Amount(Decimal::ZERO), charges: 0 };
        // The clients with work are read once; a run started again after a
        // crash reads only those still due.
        let due = {
            let mut conn = self.store.conn().await?;
            bulk::clients_due(&mut conn, date).await?
        };
        // Batches hold disjoint clients, so on PostgreSQL two of them run at
        // once on two connections; SQLite has one writer and takes them in turn.
        let parallel = match self.store.backend() {
            Backend::Postgres => 2,
            Backend::Sqlite => 1,
        };
        let chunks = due.chunks(usize::try_from(batch_size).unwrap_or(500)).map(<[i64]>::to_vec);
        let book = &book;
        let mut runs = futures::stream::iter(chunks)
            .map(|batch| async move { self.charge_one_batch(ctx, book, &batch, date, dry_run, pause).await })
            .buffered(parallel);
        while let Some(runs) = runs.next().await {
            for run in runs? {
                report.charges += run.lines.len();
                report.total = Amount(report.total.0 + run.charged.0);
                report.clients.push(run);
            }
        }
        Ok(report)
    }

    /// One batch of the run in its own transaction (rolled back on a dry run).
    async fn charge_one_batch(
        &self,
        ctx: &Ctx,
        book: &PriceBook,
        batch: &[i64],
        date: NaiveDate,
        dry_run: bool,
        pause: std::time::Duration,
    ) -> Result<Vec<ClientRun>> {
        let last = *batch.last().expect("chunks are not empty");
        let mut uow = self.begin(ctx).await?;
        let runs = self.charge_batch(&mut uow, book, batch, date).await?;
        if dry_run {
            uow.conn.rollback().await?;
        } else {
            uow.audit(
                "charge.run.batch",
                "charge_run",
                date,
                None,
                serde_json::json!({
                    "nominal_time": nominal(date), "last_client": last,
                }),
            )
            .await?;
            uow.finish(()).await?;
        }
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
        Ok(runs)
    }

    /// Charges one client (its lock held by the unit of work) for what is
    /// due by `date`'s horizon, or by `now` (a connection or a payment).
    pub(crate) async fn charge_client(
        &self,
        uow: &mut Uow<'_>,
        book: &PriceBook,
        client_id: i64,
        date: NaiveDate,
        now: Option<NaiveDateTime>,
    ) -> Result<ClientRun> {
        let client = clients::lock(&mut uow.conn, client_id).await?.ok_or_else(|| EngineError::not_found("client", client_id))?;
        let m = minor(&client.currency);
        let mut early_changes = Vec::new();
        self.reactivate(uow, book, &client, date, &mut early_changes).await?;
        self.restart_blocked(uow, book, client_id, date, now).await?;
        self.end_scheduled_stops(uow, &client, &mut early_changes).await?;
        let subscriptions = subs::of_client(&mut uow.conn, client_id).await?;
        let mut pending: Vec<Pending> = Vec::new();
        for sub in &subscriptions {
            if sub.next_charge_on.is_none_or(|d| d > date) {
                continue;
            }
            let Some(spec) = book.spec_on(sub.service_id, date) else { continue };
            if !chargeable(sub, spec, &client) {
                continue;
            }
            pending.push(self.price_subscription(uow, book, &client, sub, spec, date, now).await?);
        }
        let due: Vec<DueCharge> = pending
            .iter()
            .map(|p| DueCharge { subscription_id: p.sub.id, units: p.lines.iter().map(|l| l.units).sum(), funds: p.funds })
            .collect();
        let plan = plan_client(client.balance, client.usable_credit(), &due);
        let mut run = ClientRun {
            client_id,
            balance_before: Amount::from_units(client.balance, m),
            balance_after: Amount::from_units(client.balance, m),
            charged: Amount(Decimal::ZERO),
            lines: Vec::new(),
            uncovered: Vec::new(),
            changes: early_changes,
        };
        let mut charged_units = 0;
        for p in pending.iter().filter(|p| plan.charged.contains(&p.sub.id)) {
            charged_units += self.post_charges(uow, &client, p, date, &mut run).await?;
            if p.sub.state == State::BlockedForDebt {
                change_state(uow, &p.sub, State::Active, "charged after the debt was covered", &mut run.changes).await?;
            }
        }
        for (id, outcome) in &plan.uncovered {
            let sub = subscriptions.iter().find(|s| s.id == *id).expect("planned from these");
            let (to, label) = match outcome {
                Uncovered::Deactivated => (State::DeactivatedByThreshold, "deactivated"),
                Uncovered::BlockedForDebt => (State::BlockedForDebt, "blocked_for_debt"),
            };
            if sub.state != to {
                change_state(uow, sub, to, "the balance does not cover the charges", &mut run.changes).await?;
            }
            run.uncovered.push((*id, label.to_string()));
        }
        let balance = client.balance - charged_units;
        self.apply_thresholds(uow, book, &client, balance, date, &mut run.changes).await?;
        self.apply_lifetimes(uow, book, &client, date, &mut run.changes).await?;
        allocate(&mut uow.conn, client_id, uow.now).await?;
        run.charged = Amount::from_units(charged_units, m);
        run.balance_after = Amount::from_units(balance, m);
        if !run.lines.is_empty() || !run.changes.is_empty() {
            uow.audit(
                "charge.client",
                "client",
                client_id,
                Some(client_id),
                serde_json::json!({
                    "date": date, "nominal_time": nominal(date), "charged": run.charged, "lines": run.lines.len(),
                    "changes": run.changes,
                }),
            )
            .await?;
        }
        Ok(run)
    }

    #[allow(clippy::too_many_arguments, reason = "the batch and the per-client run call it with the rows they already read")]
    pub(crate) async fn price_subscription(
        &self,
        uow: &mut Uow<'_>,
        book: &PriceBook,
        client: &ClientRow,
        sub: &SubscriptionRow,
        spec: &ServiceSpec,
        date: NaiveDate,
        now: Option<NaiveDateTime>,
    ) -> Result<Pending> {
        let mut lines: Vec<Line> = Vec::new();
        let horizon = now.unwrap_or_else(|| charge_moment(date, spec.additional.charge_shift_minutes));
        // CAT-5: a time-bound lifetime ends the charged span.
        let activity = self.activity(sub).map(|mut a| {
            if let Some(end) = ends_at(&spec.lifetime, self.to_local(sub.connected_at)) {
                a.until = Some(a.until.map_or(end, |u| u.min(end)));
            }
            a
        });
        let terms = spec.charge_terms(sub.anchor_date);
        let charged_until = sub.charged_until.map(|t| self.to_local(t));
        let mut last_end = charged_until;
        if let Some(activity) = activity {
            // CAT-6: the calendar may move where the paid span starts (the
            // 1st of the month); the expense is named by the span it pays.
            let paid_from = kopek_domain::charging::fees::effective_activity(&terms, activity).map_or(activity.from, |a| a.from);
            let service_id = sub.service_id;
            let price_on = |d: NaiveDate| book.spec_on(service_id, d).map_or(Decimal::ZERO, |s| s.fee.price);
            let percent = effective_percent(
                units_to_decimal(client.loyalty_percent),
                units_to_decimal(sub.discount_percent),
                spec.discount_rules(),
                sub.tariff_id.is_some(),
            );
            for period in due_periods(&terms, activity, charged_until, horizon, &price_on) {
                // CAT-11: on the provider's holidays the service is free.
                let free = book.is_holiday(spec.conditions.holiday_calendar.as_deref(), period.start.date());
                let amount = if free { Decimal::ZERO } else { apply(period.amount, percent) };
                let key = period.start.max(activity.from);
                let units = decimal_to_units(amount)?;
                // Hourly resources: the hours of one run make one charge.
                match lines.last_mut() {
                    Some(l) if terms.write_off == WriteOff::Hourly && l.end == period.start => {
                        l.end = period.end;
                        l.units += units;
                    }
                    _ => lines.push(Line { key, from: period.start.max(paid_from), end: period.end, units, usage: false }),
                }
                last_end = Some(period.end);
            }
        }
        // CHG-6: usage recorded before the horizon is charged with the run.
        if !spec.additional.usage_rates.0.is_empty() {
            let until = self.to_utc(horizon);
            let records = subs::open_usage(&mut uow.conn, sub.id, until).await?;
            if !records.is_empty() {
                let usage: Vec<Usage> = records
                    .iter()
                    .map(|r| Usage { kind: r.kind, class: r.class.clone(), quantity: units_to_decimal(r.quantity) })
                    .collect();
                let units = decimal_to_units(rate(&usage, &spec.additional.usage_rates)?)?;
                lines.push(Line { key: horizon, from: horizon, end: horizon, units, usage: true });
            }
        }
        let lifetime_end = ends_at(&spec.lifetime, self.to_local(sub.connected_at));
        // With nothing more to charge, a lifetime still ends on its day.
        let next = activity.and_then(|a| next_run_date(&terms, a, last_end)).or(lifetime_end.map(|e| e.date()));
        Ok(Pending {
            sub: sub.clone(),
            name: spec.main.name.clone(),
            vat_percent: spec.fee.vat_percent,
            funds: spec.funds(),
            lines,
            last_end,
            next,
            horizon,
            immediate: now.is_some(),
        })
    }

    /// Posts a subscription's priced lines: charge rows (idempotent by
    /// subscription and period), expenses and entries. Returns the units
    /// charged.
    async fn post_charges(
        &self,
        uow: &mut Uow<'_>,
        client: &ClientRow,
        p: &Pending,
        date: NaiveDate,
        run: &mut ClientRun,
    ) -> Result<i64> {
        let m = minor(&client.currency);
        let mut total = 0;
        for line in &p.lines {
            let start = self.to_utc(line.key);
            let end = self.to_utc(line.end);
            let inserted = subs::insert_charge(
                &mut uow.conn,
                &NewCharge {
                    client_id: client.id,
                    subscription_id: p.sub.id,
                    period_start: start,
                    period_end: end,
                    amount: line.units,
                    expense_id: None,
                    run_date: date,
                    created_at: uow.now,
                },
            )
            .await?;
            let Some(charge_id) = inserted else { continue };
            if line.usage {
                subs::mark_usage_charged(&mut uow.conn, p.sub.id, self.to_utc(p.horizon), charge_id).await?;
            }
            if line.units > 0 {
                let name = charge_name(&p.name, line);
                let charged_at = if p.immediate { uow.now } else { self.to_utc(nominal(date)) };
                let tax = included_vat(line.units, p.vat_percent, &client.currency)?;
                let expense = post_expense_in(uow, client, &name, line.units, tax, charged_at).await?;
                subs::set_charge_expense(&mut uow.conn, charge_id, Some(expense.id), line.units).await?;
            }
            total += line.units;
            run.lines.push(ChargeLine {
                subscription_id: p.sub.id,
                service: p.name.clone(),
                period_start: start,
                period_end: end,
                amount: Amount::from_units(line.units, m),
            });
        }
        subs::advance(&mut uow.conn, p.sub.id, p.last_end.map(|t| self.to_utc(t)), p.next, total).await?;
        Ok(total)
    }

    /// CHG-5: with the balance back above a deactivated service's
    /// threshold, it comes back. A service that was not charged while off
    /// ("don't charge if insufficient") starts its charging again from now.
    async fn reactivate(
        &self,
        uow: &mut Uow<'_>,
        book: &PriceBook,
        client: &ClientRow,
        date: NaiveDate,
        changes: &mut Vec<(i64, String)>,
    ) -> Result<()> {
        for sub in subs::of_client(&mut uow.conn, client.id).await? {
            if sub.state != State::DeactivatedByThreshold {
                continue;
            }
            let Some(spec) = book.spec_on(sub.service_id, date) else { continue };
            let own = spec.additional.threshold_override.map(decimal_to_units).transpose()?;
            if below_threshold(client.balance, client.disconnect_threshold, own) {
                continue;
            }
            if !spec.additional.deactivate_past_limit_keep_charging {
                let from = uow.now;
                let charged_until = sub.charged_until.map(|c| c.max(from)).or(Some(from));
                let activity = Activity { from: self.to_local(from), until: None };
                let next = next_run_date(&spec.charge_terms(sub.anchor_date), activity, charged_until.map(|c| self.to_local(c)));
                subs::resume(&mut uow.conn, sub.id, from, charged_until, next).await?;
            }
            change_state(uow, &sub, State::Active, "the balance is above the threshold again", changes).await?;
        }
        Ok(())
    }

    /// A subscription blocked for debt is off: when it is tried again it is
    /// charged from the start of the run's day (or from now, when money
    /// came in), never for the time it was blocked.
    async fn restart_blocked(
        &self,
        uow: &mut Uow<'_>,
        book: &PriceBook,
        client_id: i64,
        date: NaiveDate,
        now: Option<NaiveDateTime>,
    ) -> Result<()> {
        let restart = now.unwrap_or_else(|| date.and_time(chrono::NaiveTime::MIN));
        for sub in subs::of_client(&mut uow.conn, client_id).await? {
            if sub.state != State::BlockedForDebt {
                continue;
            }
            let Some(spec) = book.spec_on(sub.service_id, date) else { continue };
            let charged_until = sub.charged_until.map(|c| self.to_local(c));
            if charged_until.is_some_and(|c| c >= restart) {
                continue;
            }
            let activity = Activity { from: restart, until: sub.stopped_at.map(|t| self.to_local(t)) };
            let next = next_run_date(&spec.charge_terms(sub.anchor_date), activity, Some(restart));
            subs::restart_charging(&mut uow.conn, sub.id, self.to_utc(restart), next).await?;
        }
        Ok(())
    }

    /// Subscriptions whose scheduled stop has come are disconnected.
    async fn end_scheduled_stops(&self, uow: &mut Uow<'_>, client: &ClientRow, changes: &mut Vec<(i64, String)>) -> Result<()> {
        for sub in subs::of_client(&mut uow.conn, client.id).await? {
            if sub.state == State::Active && sub.stopped_at.is_some_and(|t| t <= uow.now) {
                change_state(uow, &sub, State::Disconnected, "scheduled end", changes).await?;
            }
        }
        Ok(())
    }

    /// CHG-5: below its threshold an active service is deactivated, except
    /// on its holidays (CAT-11). Coming back is [`Engine::reactivate`]'s.
    async fn apply_thresholds(
        &self,
        uow: &mut Uow<'_>,
        book: &PriceBook,
        client: &ClientRow,
        balance: i64,
        date: NaiveDate,
        changes: &mut Vec<(i64, String)>,
    ) -> Result<()> {
        for sub in subs::of_client(&mut uow.conn, client.id).await? {
            let Some(spec) = book.spec_on(sub.service_id, date) else { continue };
            let own = spec.additional.threshold_override.map(decimal_to_units).transpose()?;
            let below = below_threshold(balance, client.disconnect_threshold, own);
            let holiday = book.is_holiday(spec.conditions.holiday_calendar.as_deref(), date);
            if sub.state == State::Active && below && !holiday {
                change_state(uow, &sub, State::DeactivatedByThreshold, "the balance fell below the threshold", changes).await?;
            }
        }
        Ok(())
    }

    /// CAT-5: subscriptions whose lifetime is over are disconnected.
    async fn apply_lifetimes(
        &self,
        uow: &mut Uow<'_>,
        book: &PriceBook,
        client: &ClientRow,
        date: NaiveDate,
        changes: &mut Vec<(i64, String)>,
    ) -> Result<()> {
        let now = self.to_local(uow.now).max(nominal(date));
        for sub in subs::of_client(&mut uow.conn, client.id).await? {
            if sub.state == State::Disconnected {
                continue;
            }
            let Some(spec) = book.spec_on(sub.service_id, date) else { continue };
            if !spec.lifetime.is_set() {
                continue;
            }
            let so_far = LifeSoFar {
                connected_at: self.to_local(sub.connected_at),
                minutes_used: sub.minutes_used,
                activations: u32::try_from(sub.activations).unwrap_or(u32::MAX),
                last_activation_at: sub.last_activation_at.map(|t| self.to_local(t)),
                charged_total: units_to_decimal(sub.charged_total),
            };
            if let Some(end) = is_over(&spec.lifetime, &so_far, now) {
                change_state(uow, &sub, State::Disconnected, &format!("lifetime over: {end:?}"), changes).await?;
                subs::set_state(&mut uow.conn, sub.id, State::Disconnected, Some(uow.now)).await?;
                subs::set_next_charge_on(&mut uow.conn, sub.id, None).await?;
            }
        }
        Ok(())
    }

    /// The span a subscription is charged for, in provider time.
    pub(crate) fn activity(&self, sub: &SubscriptionRow) -> Option<Activity> {
        sub.charging_from.map(|from| Activity { from: self.to_local(from), until: sub.stopped_at.map(|t| self.to_local(t)) })
    }
}

pub(crate) struct Line {
    /// The charge's key: the start of the charged span.
    pub(crate) key: NaiveDateTime,
    /// Where the span the amount pays starts: the key, or the 1st of the
    /// month a CAT-6 calendar charges from.
    pub(crate) from: NaiveDateTime,
    pub(crate) end: NaiveDateTime,
    pub(crate) units: i64,
    pub(crate) usage: bool,
}

pub(crate) struct Pending {
    pub(crate) sub: SubscriptionRow,
    pub(crate) name: String,
    /// LED-5: the service's VAT, included in its price.
    pub(crate) vat_percent: Decimal,
    pub(crate) funds: kopek_domain::charging::run::FundsOptions,
    pub(crate) lines: Vec<Line>,
    pub(crate) last_end: Option<NaiveDateTime>,
    pub(crate) next: Option<NaiveDate>,
    horizon: NaiveDateTime,
    /// Charged at once (a connection, a payment), not by a nightly run.
    immediate: bool,
}

/// LED-5: the VAT included in a charge, in stored units, rounded to the
/// currency's minor unit as documents show it.
pub(crate) fn included_vat(units: i64, vat_percent: Decimal, currency: &str) -> Result<i64> {
    if vat_percent.is_zero() {
        return Ok(0);
    }
    let money = kopek_domain::Money::from_units(units, crate::core::views::currency_of(currency)?);
    Ok(kopek_domain::tax::vat(money, vat_percent, kopek_domain::tax::VatMode::Included).tax.to_units()?)
}

/// The name of a charge's expense: the service and the span it pays.
pub(crate) fn charge_name(service: &str, line: &Line) -> String {
    if line.usage {
        format!("{service}: usage to {}", line.end.format("%Y-%m-%d %H:%M"))
    } else {
        format!("{service}: {} – {}", line.from.format("%Y-%m-%d %H:%M"), line.end.format("%Y-%m-%d %H:%M"))
    }
}

/// Whether a run charges a subscription in its state (CAT-4).
pub(crate) fn chargeable(sub: &SubscriptionRow, spec: &ServiceSpec, client: &ClientRow) -> bool {
    // A paid-period subscription is paid by its order and renewals, never
    // by the nightly write-offs.
    if sub.style == SubscriptionStyle::PaidPeriod {
        return false;
    }
    let client_blocked = client.state != ClientState::Active;
    match Some(sub.state) {
        Some(State::Active) => !client_blocked || spec.additional.charge_even_if_blocked,
        Some(State::BlockedForDebt) => true,
        // Stopped: the time before the stop is still owed; a "line fee" is
        // owed all along.
        Some(State::StoppedByClient | State::StoppedByAdmin) => {
            spec.additional.charge_even_if_blocked || sub.stopped_at.is_some()
        }
        Some(State::DeactivatedByThreshold) => spec.additional.deactivate_past_limit_keep_charging,
        Some(State::Disconnected) => sub.stopped_at.is_some(),
        _ => false,
    }
}
