//! Forsage (CAT-1, CAT-5): a time-boxed boost the client turns on. A
//! forsage subscription costs nothing while it waits; each turn-on is an
//! activation, charged at once at the service's price (the price of one
//! boost) and telling the equipment the service's speed; after the
//! service's minutes the boost ends by itself and the equipment is told
//! so. "Disable after N activations" (CAT-5) disconnects the service on
//! the day after the N-th (the nightly run's lifetimes); a turn-on past
//! the N-th is refused.

use chrono::Duration;
use kopek_domain::account::{ClientState, Right};
use kopek_domain::catalog::ServiceKind;
use kopek_domain::charging::discount::{discounted, effective_percent};
use kopek_domain::charging::run::below_threshold;
use kopek_domain::money::{decimal_to_units, round_half_up, units_to_decimal};
use kopek_store::clients;
use kopek_store::subscriptions as subs;

use crate::Engine;
use crate::catalog::services::load_price_book;
use crate::charging::booking::{Booking, book_charge};
use crate::charging::speed::{SpeedChange, emit_speed};
use crate::charging::state::State;
use crate::charging::subscriptions::{Subscription, view};
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::ledger::entries::allocate;

impl Engine {
    /// Turns a forsage subscription's boost on: charges one activation and
    /// tells the equipment the boosted speed.
    pub async fn boost(&self, ctx: &Ctx, subscription_id: i64) -> Result<Subscription> {
        ctx.actor.ensure_right(Right::Services)?;
        let mut uow = self.begin(ctx).await?;
        if let Some(done) = uow.replay("boost", &subscription_id).await? {
            return Ok(done);
        }
        let sub = self.locked_subscription(&mut uow, subscription_id).await?;
        let client =
            clients::lock(&mut uow.conn, sub.client_id).await?.ok_or_else(|| EngineError::not_found("client", sub.client_id))?;
        let book = load_price_book(&mut uow.conn).await?;
        let today = self.local_today();
        let spec = book.spec_on(sub.service_id, today).ok_or_else(|| EngineError::not_found("service", sub.service_id))?;
        let minutes = match (spec.main.kind, spec.conditions.boost_minutes) {
            (ServiceKind::Forsage, Some(m)) => m,
            _ => {
                return Err(EngineError::invalid(
                    "not_forsage",
                    format!("subscription {} is not a forsage service: there is nothing to turn on", sub.id),
                ));
            }
        };
        if sub.state != State::Active || client.state != ClientState::Active {
            return Err(EngineError::conflict(
                "not_active",
                format!("subscription {} is {} and the client {}: a boost needs both active", sub.id, sub.state, client.state),
            ));
        }
        let now = uow.now;
        if let Some(until) = subs::boost_until(&mut uow.conn, sub.id).await?.filter(|u| *u > now) {
            return Err(EngineError::conflict(
                "boost_running",
                format!("the boost runs until {}", self.to_local(until).format("%Y-%m-%d %H:%M")),
            ));
        }
        if let Some(n) = spec.lifetime.activations
            && sub.activations >= i64::from(n)
        {
            return Err(EngineError::conflict(
                "activations_used_up",
                format!("all {n} activations of subscription {} are used; it is disconnected the next day", sub.id),
            ));
        }
        let percent = effective_percent(
            units_to_decimal(client.loyalty_percent),
            units_to_decimal(sub.discount_percent),
            spec.discount_rules(),
            sub.tariff_id.is_some(),
        );
        let units = decimal_to_units(round_half_up(discounted(spec.fee.price, percent), 4))?;
        let own = spec.additional.threshold_override.map(decimal_to_units).transpose()?;
        if below_threshold(client.balance - units, client.usable_credit(), client.disconnect_threshold, own) {
            return Err(EngineError::conflict(
                "insufficient_funds",
                format!(
                    "a boost costs {}, the balance of {} does not cover it",
                    units_to_decimal(units),
                    units_to_decimal(client.balance)
                ),
            ));
        }
        let until = now + Duration::minutes(i64::from(minutes));
        let name = format!(
            "{}: {} – {}",
            spec.main.name,
            self.to_local(now).format("%Y-%m-%d %H:%M"),
            self.to_local(until).format("%Y-%m-%d %H:%M")
        );
        let booking = Booking {
            subscription_id: sub.id,
            start: now,
            end: until,
            units,
            vat: self.expense_vat(units, spec.vat(), now, &client.currency)?,
            name: &name,
            charged_at: now,
            run_date: today,
        };
        book_charge(&mut uow, &client, &booking).await?;
        allocate(&mut uow.conn, client.id, now).await?;
        // CAT-5: the run visits the client the next day to end a service
        // whose activations are used up.
        let next = if spec.lifetime.activations.is_some() { Some(today + chrono::Days::new(1)) } else { sub.next_charge_on };
        subs::advance(&mut uow.conn, sub.id, sub.charged_until, next, units).await?;
        subs::count_activation(&mut uow.conn, sub.id, now).await?;
        subs::set_boost_until(&mut uow.conn, sub.id, Some(until)).await?;
        let change = SpeedChange::of((sub.id, sub.client_id, sub.service_id), spec.conditions.speed, true, "boost started", now);
        emit_speed(&mut uow, &change, &format!("boost-{}", now.timestamp_micros())).await?;
        uow.audit(
            "subscription.boost",
            "subscription",
            sub.id,
            Some(sub.client_id),
            serde_json::json!({ "until": until, "charged": units_to_decimal(units).to_string() }),
        )
        .await?;
        let row = subs::get(&mut uow.conn, sub.id).await?.expect("exists");
        uow.finish(view(&row)).await
    }

    /// Ends the boosts whose time is over, telling the equipment; each
    /// once, whatever repeats. Answers how many ended.
    pub async fn end_boosts(&self, ctx: &Ctx) -> Result<usize> {
        ctx.actor.ensure_may_move_money()?;
        let over = {
            let mut conn = self.store.conn().await?;
            subs::boosts_over(&mut conn, self.now()).await?
        };
        let mut ended = 0;
        for (subscription_id, client_id, until) in &over {
            let mut uow = self.begin(ctx).await?;
            clients::lock(&mut uow.conn, *client_id).await?;
            // Read again under the lock: another worker may have ended it.
            if subs::boost_until(&mut uow.conn, *subscription_id).await? != Some(*until) {
                continue;
            }
            let sub = subs::get(&mut uow.conn, *subscription_id).await?.expect("exists under the lock");
            let book = load_price_book(&mut uow.conn).await?;
            let speed = book.spec_on(sub.service_id, self.local_today()).and_then(|s| s.conditions.speed);
            subs::set_boost_until(&mut uow.conn, sub.id, None).await?;
            let change = SpeedChange::of((sub.id, sub.client_id, sub.service_id), speed, false, "boost ended", uow.now);
            emit_speed(&mut uow, &change, &format!("end-{}", until.timestamp_micros())).await?;
            uow.audit(
                "subscription.boost_ended",
                "subscription",
                sub.id,
                Some(sub.client_id),
                serde_json::json!({ "at": until }),
            )
            .await?;
            uow.finish(()).await?;
            ended += 1;
        }
        Ok(ended)
    }
}
