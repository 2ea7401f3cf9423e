//! One client's charges (CHG-1 … CHG-6, CAT-4, CAT-7): what is due is
//! priced, weighed against the balance by the domain's plan, and posted —
//! by a night's run (every client its batch's fast path can't take) or at
//! once, when a connection, a payment or a resumption changes what is owed.

use chrono::{NaiveDate, NaiveDateTime};
use kopek_domain::catalog::ServiceSpec;
use kopek_domain::charging::discount::{discounted, effective_percent};
use kopek_domain::charging::fees::{due_periods, next_run_date};
use kopek_domain::charging::lifetime::ends_at;
use kopek_domain::charging::run::{DueCharge, Uncovered, chargeable, plan_client};
use kopek_domain::charging::{WriteOff, charge_moment, last_moment};
use kopek_domain::money::{decimal_to_units, units_to_decimal};
use kopek_store::clients::{self, ClientRow};
use kopek_store::subscriptions::{self as subs, SubscriptionRow};
use rust_decimal::Decimal;

use crate::Engine;
use crate::catalog::services::PriceBook;
use crate::charging::booking::{Booking, book_charge};
use crate::charging::run::{ChargeLine, ClientRun, Night, nominal};
use crate::charging::state::{State, change_state};
use crate::charging::windows::{count_charged_minutes, period_is_free};
use crate::core::amount::Amount;
use crate::core::error::{EngineError, Result};
use crate::core::uow::Uow;
use crate::core::views::minor;
use crate::ledger::entries::allocate;

/// How far a client's charges reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// A run of a night (CAT-7): each service up to its last own moment
    /// that has come by the cutoff. The balance is weighed against every
    /// charge of the night, those still to come included ("the balance as
    /// of 02:00"), and only what has come is posted.
    Night(NaiveDateTime),
    /// At once, for everything due by now (a connection, a payment).
    Now(NaiveDateTime),
}

/// A subscription's charge at a run: what the plan weighs, and what is
/// posted now if the plan charges it.
pub(crate) struct Priced {
    pub(crate) due: DueCharge,
    /// `None` while its moment of the night has not come: the plan counts
    /// it, a later run posts it.
    pub(crate) now: Option<Pending>,
}

impl Engine {
    /// Charges one client (its lock held by the unit of work) for what is
    /// due by `date`'s whole night, or by `now` (a connection or a payment).
    pub(crate) async fn charge_client(
        &self,
        uow: &mut Uow<'_>,
        book: &PriceBook,
        client_id: i64,
        date: NaiveDate,
        now: Option<NaiveDateTime>,
    ) -> Result<ClientRun> {
        let reach = now.map_or_else(|| Reach::Night(kopek_domain::charging::whole_night(date)), Reach::Now);
        self.charge_client_at(uow, book, client_id, date, reach).await
    }

    /// One client's run of a night.
    pub(crate) async fn charge_client_in(
        &self,
        uow: &mut Uow<'_>,
        book: &PriceBook,
        client_id: i64,
        night: Night,
    ) -> Result<ClientRun> {
        self.charge_client_at(uow, book, client_id, night.date, Reach::Night(night.cutoff)).await
    }

    async fn charge_client_at(
        &self,
        uow: &mut Uow<'_>,
        book: &PriceBook,
        client_id: i64,
        date: NaiveDate,
        reach: Reach,
    ) -> Result<ClientRun> {
        let client = clients::lock(&mut uow.conn, client_id).await?.ok_or_else(|| EngineError::not_found("client", client_id))?;
        let m = minor(&client.currency);
        let mut early_changes = Vec::new();
        let returning = self.reactivate(uow, book, &client, date, &mut early_changes).await?;
        self.restart_blocked(uow, book, client_id, date, reach).await?;
        self.end_scheduled_stops(uow, &client, &mut early_changes).await?;
        let subscriptions = subs::of_client(&mut uow.conn, client_id).await?;
        let mut priced: Vec<Priced> = Vec::new();
        for sub in &subscriptions {
            if sub.next_charge_on.is_none_or(|d| d > date) {
                continue;
            }
            let Some(spec) = book.spec_on(sub.service_id, date) else { continue };
            if !charges_in_state(sub, spec, &client) {
                continue;
            }
            priced.push(self.price_due(uow, book, &client, sub, spec, date, reach).await?);
        }
        // CAT-4: a service off for want of money is weighed as it would be
        // charged back from now, after the others.
        for r in &returning {
            let Some(spec) = book.spec_on(r.resumed.service_id, date) else { continue };
            let mut p = if charges_in_state(&r.resumed, spec, &client) {
                self.price_due(uow, book, &client, &r.resumed, spec, date, reach).await?
            } else {
                Priced {
                    due: DueCharge { subscription_id: r.resumed.id, units: 0, funds: spec.funds(), returning: None },
                    now: None,
                }
            };
            p.due.returning = Some(r.threshold);
            priced.push(p);
        }
        let plan = plan_client(client.balance, client.usable_credit(), &priced.iter().map(|p| p.due).collect::<Vec<_>>());
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
        for p in priced.iter().filter(|p| plan.charged.contains(&p.due.subscription_id)) {
            if let Some(r) = returning.iter().find(|r| r.resumed.id == p.due.subscription_id) {
                self.bring_back(uow, r, &mut run.changes).await?;
            }
            let Some(pending) = &p.now else { continue };
            charged_units += self.post_charges(uow, &client, pending, date, &mut run).await?;
            if pending.sub.state == State::BlockedForDebt {
                change_state(uow, &pending.sub, State::Active, "charged after the debt was covered", &mut run.changes).await?;
            }
        }
        for (id, outcome) in &plan.uncovered {
            // A service whose moment has not come is decided at its moment.
            if priced.iter().any(|p| p.due.subscription_id == *id && p.now.is_none()) {
                continue;
            }
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
        run.uncovered.extend(plan.kept_off.iter().map(|id| (*id, "deactivated".to_string())));
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

    /// Prices a due subscription for a run: for the plan, everything due by
    /// its moment of the night (or by now); to post, what is due by its
    /// last moment that has come.
    #[allow(clippy::too_many_arguments, reason = "the batch and the per-client run call it with the rows they already read")]
    pub(crate) async fn price_due(
        &self,
        uow: &mut Uow<'_>,
        book: &PriceBook,
        client: &ClientRow,
        sub: &SubscriptionRow,
        spec: &ServiceSpec,
        date: NaiveDate,
        reach: Reach,
    ) -> Result<Priced> {
        let due = |units| DueCharge { subscription_id: sub.id, units, funds: spec.funds(), returning: None };
        let cutoff = match reach {
            Reach::Now(now) => {
                let p = self.price_subscription(uow, book, client, sub, spec, now, true).await?;
                return Ok(Priced { due: due(p.units()), now: Some(p) });
            }
            Reach::Night(cutoff) => cutoff,
        };
        let shift = spec.additional.charge_shift_minutes;
        let own = charge_moment(date, shift);
        let presumed = self.price_subscription(uow, book, client, sub, spec, own, false).await?;
        let units = presumed.units();
        if own <= cutoff {
            return Ok(Priced { due: due(units), now: Some(presumed) });
        }
        // Nothing is due before its moment of the night unless an earlier
        // night's moment passed with no run: that is due now.
        let now = if sub.next_charge_on.is_some_and(|d| d < date) {
            Some(self.price_subscription(uow, book, client, sub, spec, last_moment(date, shift, cutoff), false).await?)
        } else {
            None
        };
        Ok(Priced { due: due(units), now })
    }

    /// What a subscription owes by `horizon` (provider time): its periods
    /// (CAT-2, CHG-2), discounted (CHG-3), free on holidays (CAT-11), and
    /// its usage (CHG-6).
    #[allow(clippy::too_many_arguments, reason = "a subscription is priced from the rows the run already read")]
    async fn price_subscription(
        &self,
        uow: &mut Uow<'_>,
        book: &PriceBook,
        client: &ClientRow,
        sub: &SubscriptionRow,
        spec: &ServiceSpec,
        horizon: NaiveDateTime,
        immediate: bool,
    ) -> Result<Pending> {
        let mut lines: Vec<Line> = Vec::new();
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
            let percent = effective_percent(
                units_to_decimal(client.loyalty_percent),
                units_to_decimal(sub.discount_percent),
                spec.discount_rules(),
                sub.tariff_id.is_some(),
            );
            // CHG-3: the parts are priced from the discounted price and
            // rounded once each, so a discounted month adds up exactly.
            let price_on = |d: NaiveDate| book.spec_on(service_id, d).map_or(Decimal::ZERO, |s| discounted(s.fee.price, percent));
            for period in due_periods(&terms, activity, charged_until, horizon, &price_on) {
                // CAT-11: on the provider's holidays and outside its
                // activity window the service is free. A one-time price is
                // for the connection, not for a day.
                let free = !terms.once && period_is_free(book, spec, &period);
                let amount = if free { Decimal::ZERO } else { period.amount };
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
        // CHG-6: usage recorded before the horizon is charged with the run
        // (priced by windows and roaming, CAT-11, CAT-5).
        if let Some(units) = self.usage_cost(uow, book, sub, spec, horizon).await? {
            lines.push(Line { key: horizon, from: horizon, end: horizon, units, usage: true });
        }
        let lifetime_end = ends_at(&spec.lifetime, self.to_local(sub.connected_at));
        // With nothing more to charge, a lifetime still ends on its day.
        let next = activity.and_then(|a| next_run_date(&terms, a, last_end)).or(lifetime_end.map(|e| e.date()));
        Ok(Pending { sub: sub.clone(), name: spec.main.name.clone(), vat: spec.vat(), lines, last_end, next, horizon, immediate })
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
            let name = charge_name(&p.name, line);
            let charged_at = if p.immediate { uow.now } else { self.to_utc(nominal(date)) };
            let booking = Booking {
                subscription_id: p.sub.id,
                start,
                end,
                units: line.units,
                // A discount's bonus (CAT-1) is given money: it carries no VAT.
                vat: self.expense_vat(line.units.max(0), p.vat, charged_at, &client.currency)?,
                name: &name,
                charged_at,
                run_date: date,
            };
            let Some(charge_id) = book_charge(uow, client, &booking).await? else { continue };
            if line.usage {
                subs::mark_usage_charged(&mut uow.conn, p.sub.id, self.to_utc(p.horizon), charge_id).await?;
                count_charged_minutes(uow, p.sub.id, charge_id).await?;
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
    pub(crate) vat: kopek_domain::tax::VatRate,
    pub(crate) lines: Vec<Line>,
    pub(crate) last_end: Option<NaiveDateTime>,
    pub(crate) next: Option<NaiveDate>,
    horizon: NaiveDateTime,
    /// Charged at once (a connection, a payment), not by a nightly run.
    immediate: bool,
}

impl Pending {
    pub(crate) fn units(&self) -> i64 {
        self.lines.iter().map(|l| l.units).sum()
    }
}

/// The name of a charge's expense: the service and the span it pays.
pub(crate) fn charge_name(service: &str, line: &Line) -> String {
    if line.usage {
        format!("{service}: usage to {}", line.end.format("%Y-%m-%d %H:%M"))
    } else if line.from == line.end {
        // A one-time charge (CAT-1) pays a moment, not a span.
        format!("{service}: {}", line.from.format("%Y-%m-%d %H:%M"))
    } else {
        format!("{service}: {} – {}", line.from.format("%Y-%m-%d %H:%M"), line.end.format("%Y-%m-%d %H:%M"))
    }
}

/// CAT-4: whether a run charges a subscription in its state.
pub(crate) fn charges_in_state(sub: &SubscriptionRow, spec: &ServiceSpec, client: &ClientRow) -> bool {
    chargeable(sub.style, sub.state, client.state, sub.stopped_at.is_some(), spec.funds())
}
