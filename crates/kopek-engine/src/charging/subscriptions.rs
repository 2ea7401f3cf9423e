//! Subscriptions: a service a client has (SVC-1, CAT-3, CAT-8). Connect
//! and disconnect, stop and resume, the first session, states and their
//! history, usage records (CHG-6) and promised payments (CHG-4).

use chrono::{DateTime, Utc};
use kopek_domain::catalog::{ServiceKind, check_threshold_override};
use kopek_domain::charging::fees::{next_run_date, period_amount};
use kopek_domain::charging::run::below_threshold;
use kopek_domain::money::{decimal_to_units, units_to_decimal};
use kopek_store::clients;
use kopek_store::subscriptions::{self as subs, SubscriptionRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use kopek_domain::account::Right;

use crate::Engine;
use crate::catalog::portal::{Offer, ensure_may_acquire};
use crate::catalog::services::load_price_book;
use crate::charging::booking::{rebook, unbook};
use crate::charging::state::{State, SubscriptionStyle, change_state};
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::notify::notify_service;
use crate::core::uow::Uow;
use crate::ledger::entries::allocate;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectInput {
    pub service_id: i64,
    /// The tariff the service is connected as part of.
    #[serde(default)]
    pub tariff_id: Option<i64>,
    /// A discount (positive) or markup (negative) for this subscription.
    #[serde(default)]
    pub discount_percent: Option<Amount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Subscription {
    pub id: i64,
    pub client_id: i64,
    pub service_id: i64,
    pub tariff_id: Option<i64>,
    pub state: String,
    pub connected_at: DateTime<Utc>,
    /// When charging started; empty while waiting for the first session.
    pub charging_from: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    /// The end of the last charged period.
    pub charged_until: Option<DateTime<Utc>>,
    pub next_charge_on: Option<chrono::NaiveDate>,
    pub charged_total: Amount,
    /// balance (charged from the balance) or paid_period.
    pub style: String,
    /// A paid-period subscription is valid until this moment.
    pub paid_until: Option<DateTime<Utc>>,
    pub auto_renew: bool,
    /// Months a renewal pays for.
    pub renewal_months: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StateChange {
    pub at: DateTime<Utc>,
    pub from: Option<String>,
    pub to: String,
    pub reason: String,
    pub actor: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    #[serde(default)]
    pub reason: String,
}

pub(crate) fn view(s: &SubscriptionRow) -> Subscription {
    Subscription {
        id: s.id,
        client_id: s.client_id,
        service_id: s.service_id,
        tariff_id: s.tariff_id,
        state: s.state.to_string(),
        connected_at: s.connected_at,
        charging_from: s.charging_from,
        stopped_at: s.stopped_at,
        charged_until: s.charged_until,
        next_charge_on: s.next_charge_on,
        charged_total: Amount::from_units(s.charged_total, 2),
        style: s.style.to_string(),
        paid_until: s.paid_until,
        auto_renew: s.auto_renew,
        renewal_months: s.renewal_months,
    }
}

impl Engine {
    /// Connects a service to a client: checks the connection cost, the
    /// threshold override and base packages, then charges what is due at
    /// once (a prepaid period, today's daily part).
    pub async fn connect(&self, ctx: &Ctx, client_id: i64, input: ConnectInput) -> Result<Subscription> {
        ctx.actor.ensure_sees_client(client_id)?;
        ctx.actor.ensure_may_manage_accounts()?;
        let mut uow = self.begin(ctx).await?;
        if let Some(done) = uow.replay("connect", &(client_id, &input)).await? {
            return Ok(done);
        }
        let client = clients::lock(&mut uow.conn, client_id).await?.ok_or_else(|| EngineError::not_found("client", client_id))?;
        let book = load_price_book(&mut uow.conn).await?;
        let today = self.local_today();
        if let Some(spec) = book.spec_on(input.service_id, today) {
            ensure_may_acquire(&mut uow.conn, &ctx.actor, client_id, Offer::Service { id: input.service_id, spec }).await?;
        }
        let mut changes = Vec::new();
        let row = self.connect_in(&mut uow, &client, &book, &input, None, &mut changes).await?;
        let charging_from = row.charging_from;
        let state = row.state;
        if charging_from.is_some() {
            let now = self.to_local(uow.now);
            self.charge_client(&mut uow, &book, client_id, today, Some(now)).await?;
        }
        uow.audit(
            "subscription.connect",
            "subscription",
            row.id,
            Some(client_id),
            serde_json::json!({
                "service_id": input.service_id, "tariff_id": input.tariff_id, "state": state.as_str(), "replaced": changes,
            }),
        )
        .await?;
        let row = subs::get(&mut uow.conn, row.id).await?.expect("just inserted");
        uow.finish(view(&row)).await
    }

    /// Checks and inserts one subscription (and, for a package, one for
    /// each of its services), inside the caller's unit of work.
    pub(crate) fn connect_in<'a>(
        &'a self,
        uow: &'a mut Uow<'_>,
        client: &'a kopek_store::clients::ClientRow,
        book: &'a crate::catalog::services::PriceBook,
        input: &'a ConnectInput,
        parent: Option<i64>,
        changes: &'a mut Vec<(i64, String)>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<SubscriptionRow>> + Send + 'a>> {
        Box::pin(async move {
            let client_id = client.id;
            let today = self.local_today();
            let spec =
                book.spec_on(input.service_id, today).ok_or_else(|| EngineError::not_found("service", input.service_id))?.clone();
            if spec.main.kind == ServiceKind::System {
                return Err(EngineError::invalid("system_service", "system services are not connected by hand"));
            }
            check_threshold_override(&spec, units_to_decimal(client.disconnect_threshold))?;
            let cost = decimal_to_units(spec.fee.connection_cost)?;
            if cost > 0 && client.balance < cost {
                return Err(EngineError::invalid(
                    "connection_cost_not_met",
                    format!(
                        "connecting needs a balance of at least {}, the client has {}",
                        spec.fee.connection_cost,
                        units_to_decimal(client.balance)
                    ),
                ));
            }
            if let Some(tariff) = input.tariff_id {
                let members = kopek_store::catalog::tariff_services(&mut uow.conn, tariff).await?;
                if !members.contains(&input.service_id) {
                    return Err(EngineError::invalid(
                        "not_in_tariff",
                        format!("service {} is not in tariff {tariff}", input.service_id),
                    ));
                }
            }
            let discount = input.discount_percent.map(|a| decimal_to_units(a.0)).transpose()?.unwrap_or(0);
            // CAT-8: one base package of a kind; a new one replaces the old,
            // unless the old is part of a tariff.
            if let Some(kind) = &spec.integration.base_package_kind {
                for other in subs::of_client(&mut uow.conn, client_id).await? {
                    if other.state == State::Disconnected {
                        continue;
                    }
                    let same = book.spec_on(other.service_id, today).and_then(|s| s.integration.base_package_kind.as_ref())
                        == Some(kind);
                    if !same {
                        continue;
                    }
                    if other.tariff_id.is_some() {
                        return Err(EngineError::conflict(
                            "base_package_in_tariff",
                            format!("the client's base package {kind:?} (subscription {}) is part of a tariff", other.id),
                        ));
                    }
                    self.end_subscription(uow, &other, State::Disconnected, "replaced by a new base package", changes).await?;
                }
            }
            // CAT-4 "activate only above the threshold": below it the service
            // waits, off, until money lifts the balance (then it is resumed).
            let own = spec.additional.threshold_override.map(decimal_to_units).transpose()?;
            let held = spec.additional.activate_only_above_threshold
                && below_threshold(client.balance, client.usable_credit(), client.disconnect_threshold, own);
            // CAT-1: a forsage is charged per turn-on, never by time.
            let forsage = spec.main.kind == ServiceKind::Forsage;
            let waits = held || forsage || spec.fee.activate_after_first_session || spec.fee.start_charging_after_first_session;
            let state = if held {
                State::DeactivatedByThreshold
            } else if spec.fee.activate_after_first_session {
                State::AwaitingSession
            } else {
                State::Active
            };
            let charging_from = (!waits).then_some(uow.now);
            let row = subs::insert(
                &mut uow.conn,
                &subs::NewSubscription {
                    client_id,
                    service_id: input.service_id,
                    tariff_id: input.tariff_id,
                    parent_id: parent,
                    state,
                    connected_at: uow.now,
                    charging_from,
                    next_charge_on: charging_from.map(|_| today),
                    anchor_date: spec.fee.shift_charge_date.then_some(today),
                    discount_percent: discount,
                    activations: i64::from(!waits),
                },
            )
            .await?;
            let actor = uow.ctx().actor.label();
            subs::record_state(&mut uow.conn, row.id, client_id, uow.now, None, state, "connected", &actor).await?;
            notify_service(uow, &row, None, state, "connected").await?;
            uow.emit("subscription.connected", &serde_json::json!({ "subscription_id": row.id, "client_id": client_id }), None)
                .await?;
            if spec.main.kind == ServiceKind::Package {
                for member in &spec.package_services {
                    let part = ConnectInput { service_id: *member, tariff_id: None, discount_percent: input.discount_percent };
                    self.connect_in(uow, client, book, &part, Some(row.id), changes).await?;
                }
            }
            Ok(row)
        })
    }

    /// CAT-3: a session reported for a subscription that waits for one
    /// starts its charging (and activates it), once.
    pub async fn report_session(&self, ctx: &Ctx, subscription_id: i64, at: Option<DateTime<Utc>>) -> Result<Subscription> {
        ctx.actor.ensure_may_move_money()?;
        let mut uow = self.begin(ctx).await?;
        let sub = self.locked_subscription(&mut uow, subscription_id).await?;
        let at = at.unwrap_or(uow.now).min(uow.now);
        let mut changes = Vec::new();
        let book = load_price_book(&mut uow.conn).await?;
        let forsage = book.spec_on(sub.service_id, self.local_today()).is_some_and(|s| s.main.kind == ServiceKind::Forsage);
        if sub.charging_from.is_none() && sub.state != State::Disconnected && !forsage {
            let day = self.to_local(at).date();
            subs::start_charging(&mut uow.conn, sub.id, at, day).await?;
            subs::count_activation(&mut uow.conn, sub.id, at).await?;
            if sub.state == State::AwaitingSession {
                change_state(&mut uow, &sub, State::Active, "first session", &mut changes).await?;
            }
            let now = self.to_local(uow.now);
            self.charge_client(&mut uow, &book, sub.client_id, now.date(), Some(now)).await?;
        }
        uow.audit(
            "subscription.session",
            "subscription",
            sub.id,
            Some(sub.client_id),
            serde_json::json!({ "at": at, "started": !changes.is_empty() || sub.charging_from.is_none() }),
        )
        .await?;
        let row = subs::get(&mut uow.conn, sub.id).await?.expect("exists");
        uow.finish(view(&row)).await
    }

    /// Disconnects a subscription; a prepaid period is refunded for the
    /// unused part, to the second (CHG-2), by reversal and a new charge.
    pub async fn disconnect(&self, ctx: &Ctx, subscription_id: i64, reason: &str) -> Result<Subscription> {
        self.stop_with(ctx, subscription_id, State::Disconnected, reason).await
    }

    /// Stops a subscription for a while, by the client or by staff.
    pub async fn stop(&self, ctx: &Ctx, subscription_id: i64, reason: &str) -> Result<Subscription> {
        ctx.actor.ensure_right(Right::Services)?;
        let to = if ctx.actor.own_client().is_some() { State::StoppedByClient } else { State::StoppedByAdmin };
        self.stop_with(ctx, subscription_id, to, reason).await
    }

    async fn stop_with(&self, ctx: &Ctx, subscription_id: i64, to: State, reason: &str) -> Result<Subscription> {
        let mut uow = self.begin(ctx).await?;
        let sub = self.locked_subscription(&mut uow, subscription_id).await?;
        if ctx.actor.own_client().is_none() {
            ctx.actor.ensure_may_manage_accounts()?;
        }
        if sub.state == State::Disconnected || sub.state == to {
            return Err(EngineError::conflict("already_stopped", format!("subscription {} is {}", sub.id, sub.state)));
        }
        let mut changes = Vec::new();
        let reason = if reason.trim().is_empty() { "stopped" } else { reason.trim() };
        self.end_subscription(&mut uow, &sub, to, reason, &mut changes).await?;
        // A package's services go with it (CAT-1).
        let mut parents = vec![sub.id];
        while let Some(parent) = parents.pop() {
            for member in subs::of_client(&mut uow.conn, sub.client_id).await? {
                if member.parent_id == Some(parent) && member.state != State::Disconnected && member.state != to {
                    self.end_subscription(&mut uow, &member, to, reason, &mut changes).await?;
                    parents.push(member.id);
                }
            }
        }
        uow.audit(
            "subscription.stop",
            "subscription",
            sub.id,
            Some(sub.client_id),
            serde_json::json!({ "to": to.as_str(), "reason": reason }),
        )
        .await?;
        let row = subs::get(&mut uow.conn, sub.id).await?.expect("exists");
        uow.finish(view(&row)).await
    }

    /// Resumes a stopped subscription: charging starts again from now.
    pub async fn resume(&self, ctx: &Ctx, subscription_id: i64) -> Result<Subscription> {
        ctx.actor.ensure_right(Right::Services)?;
        let mut uow = self.begin(ctx).await?;
        let sub = self.locked_subscription(&mut uow, subscription_id).await?;
        let allowed = match Some(sub.state) {
            Some(State::StoppedByClient) => true,
            Some(State::StoppedByAdmin) => ctx.actor.own_client().is_none(),
            _ => false,
        };
        if !allowed {
            return Err(EngineError::conflict("not_resumable", format!("subscription {} is {}", sub.id, sub.state)));
        }
        let book = load_price_book(&mut uow.conn).await?;
        let today = self.local_today();
        let spec = book.spec_on(sub.service_id, today).ok_or_else(|| EngineError::not_found("service", sub.service_id))?;
        let from = uow.now;
        let activity = kopek_domain::charging::Activity { from: self.to_local(from), until: None };
        // A paid period runs on while stopped: only the write-off style
        // restarts its charging span.
        let paid = sub.style == SubscriptionStyle::PaidPeriod;
        let charged_until = if paid { sub.charged_until } else { sub.charged_until.map(|c| c.max(from)) };
        let next = if paid {
            None
        } else {
            next_run_date(&spec.charge_terms(sub.anchor_date), activity, charged_until.map(|c| self.to_local(c)))
        };
        subs::resume(&mut uow.conn, sub.id, from, charged_until, next).await?;
        let actor = ctx.actor.label();
        subs::record_state(&mut uow.conn, sub.id, sub.client_id, uow.now, Some(sub.state), State::Active, "resumed", &actor)
            .await?;
        let now = self.to_local(uow.now);
        self.charge_client(&mut uow, &book, sub.client_id, today, Some(now)).await?;
        uow.audit("subscription.resume", "subscription", sub.id, Some(sub.client_id), serde_json::json!({})).await?;
        let row = subs::get(&mut uow.conn, sub.id).await?.expect("exists");
        uow.finish(view(&row)).await
    }

    pub async fn subscriptions(&self, ctx: &Ctx, client_id: i64) -> Result<Vec<Subscription>> {
        ctx.actor.ensure_right(Right::Services)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        clients::get(&mut conn, client_id).await?.ok_or_else(|| EngineError::not_found("client", client_id))?;
        Ok(subs::of_client(&mut conn, client_id).await?.iter().map(view).collect())
    }

    pub async fn subscription(&self, ctx: &Ctx, id: i64) -> Result<Subscription> {
        ctx.actor.ensure_right(Right::Services)?;
        let mut conn = self.store.conn().await?;
        let row = subs::get(&mut conn, id).await?.filter(|s| ctx.actor.ensure_sees_client(s.client_id).is_ok());
        row.map(|r| view(&r)).ok_or_else(|| EngineError::not_found("subscription", id))
    }

    pub async fn subscription_history(&self, ctx: &Ctx, id: i64) -> Result<Vec<StateChange>> {
        ctx.actor.ensure_right(Right::Services)?;
        let sub = self.subscription(ctx, id).await?;
        let mut conn = self.store.conn().await?;
        Ok(subs::history(&mut conn, sub.id)
            .await?
            .into_iter()
            .map(|h| StateChange { at: h.at, from: h.state_from, to: h.state_to, reason: h.reason, actor: h.actor })
            .collect())
    }

    /// Ends charging at now: a prepaid period reaching past now is reversed
    /// and charged again for the part used.
    async fn end_subscription(
        &self,
        uow: &mut Uow<'_>,
        sub: &SubscriptionRow,
        to: State,
        reason: &str,
        changes: &mut Vec<(i64, String)>,
    ) -> Result<()> {
        let now = uow.now;
        let client =
            clients::lock(&mut uow.conn, sub.client_id).await?.ok_or_else(|| EngineError::not_found("client", sub.client_id))?;
        let book = load_price_book(&mut uow.conn).await?;
        // CAT-4 "charge even if blocked": a stopped line fee goes on.
        let line_fee = book.spec_on(sub.service_id, self.local_today()).is_some_and(|s| s.additional.charge_even_if_blocked);
        if line_fee && to != State::Disconnected {
            return change_state(uow, sub, to, reason, changes).await;
        }
        if let (Some(activity), Some(spec)) = (self.activity(sub), book.spec_on(sub.service_id, self.local_today())) {
            let terms = spec.charge_terms(sub.anchor_date);
            let stopped =
                kopek_domain::charging::Activity { from: activity.from, until: Some(self.to_local(now).max(activity.from)) };
            for charge in subs::charges_of(&mut uow.conn, sub.id).await? {
                let refund = if spec.main.kind == ServiceKind::OneTime {
                    // CAT-1: a one-time charge is for the connection, not
                    // for time; it comes back only if the service says so.
                    spec.fee.refund_on_disconnect && charge.amount != 0
                } else {
                    charge.period_end > now && charge.amount != 0
                };
                if !refund {
                    continue;
                }
                let start = self.to_local(charge.period_start);
                let end = self.to_local(charge.period_end);
                let used = if spec.main.kind == ServiceKind::OneTime {
                    0
                } else {
                    let (ps, _) = kopek_domain::charging::calendar::period_containing(
                        if terms.write_off == kopek_domain::charging::WriteOff::Daily {
                            kopek_domain::charging::PeriodUnit::Day
                        } else {
                            terms.unit
                        },
                        terms.anchor,
                        start,
                    );
                    let service_id = sub.service_id;
                    let price_on =
                        |d: chrono::NaiveDate| book.spec_on(service_id, d).map_or(rust_decimal::Decimal::ZERO, |s| s.fee.price);
                    let worth = decimal_to_units(period_amount(&terms, ps, end, stopped, &price_on))?;
                    // The part used, never more than was charged: toward
                    // zero for a discount's bonus (CAT-1) as for a fee.
                    if charge.amount > 0 { worth.min(charge.amount) } else { worth.max(charge.amount) }
                };
                unbook(uow, &client, &charge, &format!("{reason}: unused part refunded")).await?;
                let name = format!(
                    "{}: {} – {}",
                    spec.main.name,
                    start.format("%Y-%m-%d %H:%M"),
                    self.to_local(now).format("%Y-%m-%d %H:%M")
                );
                let vat = self.expense_vat(used.max(0), spec.vat(), now, &client.currency)?;
                rebook(uow, &client, charge.id, &name, used, vat, now).await?;
                subs::advance(&mut uow.conn, sub.id, sub.charged_until, sub.next_charge_on, used - charge.amount).await?;
            }
            let next = next_run_date(&terms, stopped, sub.charged_until.map(|c| self.to_local(c)));
            subs::set_next_charge_on(&mut uow.conn, sub.id, next).await?;
        }
        subs::set_state(&mut uow.conn, sub.id, sub.state, Some(now)).await?;
        change_state(uow, sub, to, reason, changes).await?;
        allocate(&mut uow.conn, sub.client_id, now).await?;
        Ok(())
    }

    pub(crate) async fn locked_subscription(&self, uow: &mut Uow<'_>, id: i64) -> Result<SubscriptionRow> {
        let found = subs::get(&mut uow.conn, id).await?.filter(|s| uow.ctx().actor.ensure_sees_client(s.client_id).is_ok());
        let sub = found.ok_or_else(|| EngineError::not_found("subscription", id))?;
        clients::lock(&mut uow.conn, sub.client_id).await?;
        Ok(subs::get(&mut uow.conn, id).await?.expect("exists under the lock"))
    }
}
