//! Activity windows and telephony in a run (CAT-11, CAT-5, CHG-6); the
//! window's rule itself is the domain's (`kopek_domain::charging::window`).
//!
//! - A windowed service's period is free when it doesn't meet the window,
//!   as a holiday makes it free ([`period_is_free`]).
//! - A subscription's usage is priced record by record: by the client's
//!   windowed service whose window holds the record's time and that prices
//!   it, else by its own service's rates; roaming by roaming rates
//!   ([`Engine::usage_cost`]).
//! - The minutes a run charges count towards the subscription's minutes
//!   used, for the "N minutes" lifetime ([`count_charged_minutes`]).
//! - A tick of the scheduler tells the equipment the speed of each active
//!   windowed subscription whose window opened or closed since it was last
//!   told ([`Engine::announce_windows`]).

use async_trait::async_trait;
use chrono::NaiveDateTime;
use kopek_domain::catalog::{ServiceKind, ServiceSpec};
use kopek_domain::charging::fees::DuePeriod;
use kopek_domain::charging::usage::{Usage, rate_by};
use kopek_domain::charging::window::{RatesInForce, pick_rates};
use kopek_domain::money::{decimal_to_units, units_to_decimal};
use kopek_store::subscriptions::{self as subs, SubscriptionRow};
use serde::{Deserialize, Serialize};

use crate::Engine;
use crate::catalog::services::{PriceBook, load_price_book};
use crate::charging::speed::{SpeedChange, emit_speed};
use crate::charging::state::State;
use crate::core::ctx::Ctx;
use crate::core::error::Result;
use crate::core::uow::Uow;
use crate::jobs::worker::{Handler, Message};

/// A forsage's boost: from, until (provider time).
type Boost = (NaiveDateTime, NaiveDateTime);

pub const WINDOWS_SCHEDULE: &str = "charging.windows";
pub const WINDOWS_TOPIC: &str = "charging.windows";
/// How often the scheduler looks at the windows.
pub const WINDOWS_TICK_SECONDS: i64 = 60;

/// CAT-11: a period of a service is free on the provider's holidays and,
/// for a windowed service, when no moment of it is inside the window.
pub(crate) fn period_is_free(book: &PriceBook, spec: &ServiceSpec, period: &DuePeriod) -> bool {
    book.is_holiday(spec.conditions.holiday_calendar.as_deref(), period.start.date())
        || spec.conditions.window.as_ref().is_some_and(|w| !w.overlaps(period.start, period.end))
}

/// CAT-5: a usage charge's minutes count towards its subscription's
/// minutes used. They are kept in stored units (ten-thousandths of a
/// minute, as the records' quantities), not rounded to whole minutes: the
/// minutes counted are exactly the minutes charged, so a lifetime of 100
/// minutes ends at the charge that reaches 100, never earlier or later for
/// fractions lost or added on the way.
pub(crate) async fn count_charged_minutes(uow: &mut Uow<'_>, subscription_id: i64, charge_id: i64) -> Result<()> {
    subs::add_charged_minutes(&mut uow.conn, subscription_id, charge_id).await?;
    Ok(())
}

/// What one look at the windows told the equipment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowsReport {
    /// The subscriptions whose window opened.
    pub opened: Vec<i64>,
    /// The subscriptions whose window closed.
    pub closed: Vec<i64>,
}

impl Engine {
    /// CHG-6: what `sub`'s usage recorded before `horizon` costs, in stored
    /// units; `None` when its service prices no usage or none is open.
    pub(crate) async fn usage_cost(
        &self,
        uow: &mut Uow<'_>,
        book: &PriceBook,
        sub: &SubscriptionRow,
        spec: &ServiceSpec,
        horizon: NaiveDateTime,
    ) -> Result<Option<i64>> {
        if !spec.prices_usage() {
            return Ok(None);
        }
        let records = subs::open_usage(&mut uow.conn, sub.id, self.to_utc(horizon)).await?;
        if records.is_empty() {
            return Ok(None);
        }
        let date = horizon.date();
        // CAT-11: the client's windowed services, and CAT-1 the forsages
        // whose boosts give traffic, in the order connected.
        let others = subs::of_client(&mut uow.conn, sub.client_id).await?;
        let mut windowed: Vec<(&SubscriptionRow, &ServiceSpec, Option<Vec<Boost>>)> = Vec::new();
        for s in others.iter().filter(|s| s.state == State::Active) {
            let Some(sp) = book.spec_on(s.service_id, date) else { continue };
            if sp.conditions.window.is_some() {
                windowed.push((s, sp, None));
            } else if sp.main.kind == ServiceKind::Forsage && sp.prices_usage() {
                windowed.push((s, sp, Some(self.boosts_of(uow, s.id).await?)));
            }
        }
        let own_boosts = if spec.main.kind == ServiceKind::Forsage { Some(self.boosts_of(uow, sub.id).await?) } else { None };
        let own = RatesInForce { boosts: own_boosts.as_deref(), ..spec.rates_in_force() };
        let usage: Vec<Usage> = records
            .iter()
            .map(|r| Usage { kind: r.kind, class: r.class.clone(), quantity: units_to_decimal(r.quantity), roaming: r.roaming })
            .collect();
        let cost = rate_by(&usage, |i, u| {
            let at = records[i].recorded_at;
            let in_force: Vec<_> = windowed
                .iter()
                .filter(|(s, _, _)| s.connected_at <= at && s.stopped_at.is_none_or(|t| t > at))
                .map(|(_, sp, boosts)| RatesInForce { boosts: boosts.as_deref(), ..sp.rates_in_force() })
                .collect();
            pick_rates(u, self.to_local(at), own, &in_force)
        })?;
        Ok(Some(decimal_to_units(cost)?))
    }

    /// CAT-1: a forsage's boosts so far, in provider time: the spans its
    /// charges paid for.
    async fn boosts_of(&self, uow: &mut Uow<'_>, subscription_id: i64) -> Result<Vec<Boost>> {
        let charges = subs::charges_of(&mut uow.conn, subscription_id).await?;
        Ok(charges.iter().map(|c| (self.to_local(c.period_start), self.to_local(c.period_end))).collect())
    }

    /// CAT-11: tells the equipment the speed of every active windowed
    /// subscription whose window opened or closed since it was last told
    /// (a `subscription.speed_changed` message each). What was told is
    /// kept per subscription in the same transaction, so a repeated or
    /// concurrent tick tells nothing twice; a subscription starts closed,
    /// so a window open at connection is told at the first tick.
    pub async fn announce_windows(&self, ctx: &Ctx) -> Result<WindowsReport> {
        let mut uow = self.begin(ctx).await?;
        let book = load_price_book(&mut uow.conn).await?;
        let local_now = self.to_local(uow.now);
        let date = local_now.date();
        let windowed: Vec<i64> =
            book.service_ids().filter(|id| book.spec_on(*id, date).is_some_and(|s| s.conditions.window.is_some())).collect();
        let mut report = WindowsReport::default();
        for row in subs::windowed(&mut uow.conn, &windowed).await? {
            let Some(spec) = book.spec_on(row.service_id, date) else { continue };
            let Some(window) = &spec.conditions.window else { continue };
            let open = window.contains(local_now);
            if open == row.window_open || !subs::set_window_open(&mut uow.conn, row.id, open).await? {
                continue;
            }
            let reason = if open { "window opened" } else { "window closed" };
            let change = SpeedChange::of((row.id, row.client_id, row.service_id), spec.conditions.speed, open, reason, uow.now);
            let dedup = format!("window-{}", uow.now.timestamp_micros());
            emit_speed(&mut uow, &change, &dedup).await?;
            if open { report.opened.push(row.id) } else { report.closed.push(row.id) }
        }
        if report.opened.is_empty() && report.closed.is_empty() {
            uow.conn.rollback().await?;
            return Ok(report);
        }
        uow.audit("window.announce", "windows", local_now, None, serde_json::to_value(&report)?).await?;
        uow.finish(report).await
    }
}

/// The scheduler's tick of the windows.
pub(crate) struct WindowTick;

#[async_trait]
impl Handler for WindowTick {
    async fn handle(&self, engine: &Engine, _: &Message) -> std::result::Result<(), String> {
        let report = engine.announce_windows(&Ctx::system("activity windows")).await.map_err(|e| e.chain())?;
        if !report.opened.is_empty() || !report.closed.is_empty() {
            tracing::info!(opened = report.opened.len(), closed = report.closed.len(), "activity windows told");
        }
        Ok(())
    }
}
