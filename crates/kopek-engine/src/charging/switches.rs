//! What a client's run switches on and off around its charges (CHG-5,
//! CAT-4, CAT-5): services coming back above their threshold, blocked ones
//! restarted, scheduled stops, services going off below their threshold,
//! lifetimes that are over.

use chrono::NaiveDate;
use kopek_domain::charging::fees::{Activity, next_run_date};
use kopek_domain::charging::lifetime::{LifeSoFar, is_over};
use kopek_domain::charging::run::{below_threshold, threshold_switches_off};
use kopek_domain::money::{decimal_to_units, units_to_decimal};
use kopek_store::clients::ClientRow;
use kopek_store::subscriptions::{self as subs, SubscriptionRow};

use crate::Engine;
use crate::catalog::services::PriceBook;
use crate::charging::client::Reach;
use crate::charging::run::nominal;
use crate::charging::state::{State, SubscriptionStyle, change_state};
use crate::core::error::Result;
use crate::core::uow::Uow;

/// A service off for want of money that may come back at this run
/// (CAT-4): the row as it would be resumed now, for the plan to weigh.
pub(crate) struct Returning {
    pub(crate) resumed: SubscriptionRow,
    pub(crate) off: SubscriptionRow,
    /// What balance plus usable credit must keep after the run's charges.
    pub(crate) threshold: i64,
}

impl Engine {
    /// CHG-5: with the balance back above a deactivated service's
    /// threshold, it comes back; one that was not charged while off starts
    /// its charging again from now. A service that switched itself off for
    /// want of money ("don't charge if insufficient and deactivate") comes
    /// back only if the run covers its charge too: it is returned,
    /// unchanged, for the plan to weigh (see `kopek_domain::charging::run`).
    pub(crate) async fn reactivate(
        &self,
        uow: &mut Uow<'_>,
        book: &PriceBook,
        client: &ClientRow,
        date: NaiveDate,
        changes: &mut Vec<(i64, String)>,
    ) -> Result<Vec<Returning>> {
        let mut returning = Vec::new();
        for sub in subs::of_client(&mut uow.conn, client.id).await? {
            if sub.state != State::DeactivatedByThreshold {
                continue;
            }
            let Some(spec) = book.spec_on(sub.service_id, date) else { continue };
            let own = spec.additional.threshold_override.map(decimal_to_units).transpose()?;
            if below_threshold(client.balance, client.usable_credit(), client.disconnect_threshold, own) {
                continue;
            }
            // A paid period runs on its paid time: only its state comes back.
            if sub.style == SubscriptionStyle::PaidPeriod || spec.additional.deactivate_past_limit_keep_charging {
                change_state(uow, &sub, State::Active, "the balance is above the threshold again", changes).await?;
                continue;
            }
            let from = uow.now;
            let charged_until = sub.charged_until.map(|c| c.max(from)).or(Some(from));
            let activity = Activity { from: self.to_local(from), until: None };
            let next = next_run_date(&spec.charge_terms(sub.anchor_date), activity, charged_until.map(|c| self.to_local(c)));
            let resumed = SubscriptionRow {
                state: State::Active,
                charging_from: Some(from),
                stopped_at: None,
                charged_until,
                next_charge_on: next,
                ..sub.clone()
            };
            if spec.additional.no_charge_if_insufficient_and_deactivate {
                returning.push(Returning { resumed, off: sub, threshold: own.unwrap_or(client.disconnect_threshold) });
                continue;
            }
            subs::resume(&mut uow.conn, sub.id, from, charged_until, next).await?;
            change_state(uow, &sub, State::Active, "the balance is above the threshold again", changes).await?;
        }
        Ok(returning)
    }

    /// A returning service the run covers comes back, charged from now.
    pub(crate) async fn bring_back(&self, uow: &mut Uow<'_>, r: &Returning, changes: &mut Vec<(i64, String)>) -> Result<()> {
        let s = &r.resumed;
        let from = s.charging_from.unwrap_or(uow.now);
        subs::resume(&mut uow.conn, s.id, from, s.charged_until, s.next_charge_on).await?;
        change_state(uow, &r.off, State::Active, "the balance covers it again", changes).await
    }

    /// A subscription blocked for debt is off: when it is tried again it is
    /// charged from the start of the run's day (or from now, when money
    /// came in), never for the time it was blocked.
    pub(crate) async fn restart_blocked(
        &self,
        uow: &mut Uow<'_>,
        book: &PriceBook,
        client_id: i64,
        date: NaiveDate,
        reach: Reach,
    ) -> Result<()> {
        let restart = match reach {
            Reach::Now(now) => now,
            Reach::Night(_) => date.and_time(chrono::NaiveTime::MIN),
        };
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
    pub(crate) async fn end_scheduled_stops(
        &self,
        uow: &mut Uow<'_>,
        client: &ClientRow,
        changes: &mut Vec<(i64, String)>,
    ) -> Result<()> {
        for sub in subs::of_client(&mut uow.conn, client.id).await? {
            if sub.state == State::Active && sub.stopped_at.is_some_and(|t| t <= uow.now) {
                change_state(uow, &sub, State::Disconnected, "scheduled end", changes).await?;
            }
        }
        Ok(())
    }

    /// CHG-5: the subscriptions a balance below their threshold switches
    /// off. Coming back is [`Engine::reactivate`]'s.
    pub(crate) async fn apply_thresholds(
        &self,
        uow: &mut Uow<'_>,
        book: &PriceBook,
        client: &ClientRow,
        balance: i64,
        date: NaiveDate,
        changes: &mut Vec<(i64, String)>,
    ) -> Result<()> {
        let all = subs::of_client(&mut uow.conn, client.id).await?;
        for sub in switched_off(book, client, &all, balance, date)? {
            change_state(uow, sub, State::DeactivatedByThreshold, "the balance fell below the threshold", changes).await?;
        }
        Ok(())
    }

    /// CAT-5: subscriptions whose lifetime is over are disconnected.
    pub(crate) async fn apply_lifetimes(
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
                // CAT-5: stored in ten-thousandths of a minute (see `windows.rs`).
                minutes_used: units_to_decimal(sub.minutes_used),
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

/// CHG-5: of `subs`, those a balance of `balance` switches off by their
/// threshold on `date`. The per-client run applies it; the batch path
/// leaves a client it would switch anything off for to that run.
pub(crate) fn switched_off<'a>(
    book: &PriceBook,
    client: &ClientRow,
    subs: &'a [SubscriptionRow],
    balance: i64,
    date: NaiveDate,
) -> Result<Vec<&'a SubscriptionRow>> {
    let mut off = Vec::new();
    for sub in subs {
        let Some(spec) = book.spec_on(sub.service_id, date) else { continue };
        let own = spec.additional.threshold_override.map(decimal_to_units).transpose()?;
        let below = below_threshold(balance, client.usable_credit(), client.disconnect_threshold, own);
        let holiday = book.is_holiday(spec.conditions.holiday_calendar.as_deref(), date);
        if threshold_switches_off(sub.state, sub.style, below, holiday) {
            off.push(sub);
        }
    }
    Ok(off)
}
