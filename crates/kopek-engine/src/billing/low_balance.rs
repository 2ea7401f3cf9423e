//! NTF-1 "low balance": the client sets a threshold in its currency (none:
//! off); the night, after every step that moves the balance, tells the
//! client's users once when the balance they see as available (the
//! balance plus the usable credit limit, as the dashboard shows it) is
//! below it, with a forecast of the days it lasts. The rules are in
//! `kopek_domain::low_balance`; this is where they meet the store.

use chrono::Duration;
use kopek_domain::account::Right;
use kopek_domain::low_balance::{LowBalanceStep, average_days, daily_average, days_left, step, threshold_units};
use kopek_store::low_balance as store;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::Result;
use crate::core::notify::notify_client;
use crate::core::views::{currency_of, minor};
use crate::ledger::entries::{existing_client, lock_client};
use crate::ledger::funds::available;

/// The event the client's users get.
pub const LOW_BALANCE_EVENT: &str = "balance.low";

/// The client's low-balance notice as the settings show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LowBalanceSetting {
    pub client_id: i64,
    pub currency: String,
    /// Below this the client is told; none: the notice is off.
    pub threshold: Option<Amount>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LowBalanceInput {
    /// Zero or more, in the client's currency; `null` switches it off.
    #[serde(default)]
    pub threshold: Option<Amount>,
}

/// What the night's check did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LowBalanceReport {
    /// Clients told their balance fell below their threshold.
    pub notified: usize,
    /// Clients whose balance came back, so a new fall is told again.
    pub rearmed: usize,
}

impl Engine {
    pub async fn low_balance(&self, ctx: &Ctx, client_id: i64) -> Result<LowBalanceSetting> {
        ctx.actor.ensure_right(Right::Finance)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        let client = existing_client(&mut conn, client_id).await?;
        let m = minor(&client.currency);
        let row = store::get(&mut conn, client_id).await?;
        Ok(LowBalanceSetting { client_id, currency: client.currency, threshold: row.map(|r| Amount::from_units(r.threshold, m)) })
    }

    /// Sets the threshold or, with none, switches the notice off. A bad
    /// amount (below zero, finer than the currency's minor unit, too
    /// large) is refused on the field `threshold` and changes nothing.
    pub async fn set_low_balance(&self, ctx: &Ctx, client_id: i64, input: LowBalanceInput) -> Result<LowBalanceSetting> {
        ctx.actor.ensure_right(Right::Finance)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut uow = self.begin(ctx).await?;
        let client = lock_client(&mut uow.conn, client_id).await?;
        let currency = currency_of(&client.currency)?;
        match input.threshold {
            Some(amount) => {
                let units = threshold_units(amount.0, currency).map_err(|e| crate::EngineError::from(e).on_field("threshold"))?;
                store::set(&mut uow.conn, client_id, units, uow.now).await?;
            }
            None => store::clear(&mut uow.conn, client_id).await?,
        }
        let details = serde_json::json!({ "threshold": input.threshold });
        uow.audit("low_balance.set", "client", client_id, Some(client_id), details).await?;
        uow.finish(()).await?;
        self.low_balance(ctx, client_id).await
    }

    /// The night's check, after the steps that move balances: each client
    /// below its threshold and not yet told is told (the mark and the
    /// outbox message in one transaction, so a crash or a second run of
    /// the night tells no one twice); each told client back at or above
    /// it is re-armed.
    pub async fn check_low_balances(&self, ctx: &Ctx) -> Result<LowBalanceReport> {
        ctx.actor.ensure_right(Right::Finance)?;
        let ids = {
            let mut conn = self.store.conn().await?;
            store::watched_clients(&mut conn).await?
        };
        let mut report = LowBalanceReport::default();
        for client_id in ids {
            match self.check_low_balance(ctx, client_id).await? {
                LowBalanceStep::Notify => report.notified += 1,
                LowBalanceStep::Rearm => report.rearmed += 1,
                LowBalanceStep::Nothing => {}
            }
        }
        Ok(report)
    }

    async fn check_low_balance(&self, ctx: &Ctx, client_id: i64) -> Result<LowBalanceStep> {
        let mut uow = self.begin(ctx).await?;
        let client = lock_client(&mut uow.conn, client_id).await?;
        let Some(alert) = store::get(&mut uow.conn, client_id).await? else { return Ok(LowBalanceStep::Nothing) };
        let funds = available(&client);
        let what = step(funds, alert.threshold, alert.notified);
        match what {
            LowBalanceStep::Nothing => return Ok(what),
            LowBalanceStep::Rearm => {
                store::set_notified(&mut uow.conn, client_id, false).await?;
                uow.audit("low_balance.rearm", "client", client_id, Some(client_id), serde_json::json!({})).await?;
            }
            LowBalanceStep::Notify => {
                // The night's own charges are stamped with its moment, so
                // the window is open at the end.
                let days = average_days(uow.now - client.created_at);
                let since = uow.now - Duration::days(days);
                let spent = kopek_store::ledger::expense_totals(&mut uow.conn, client_id, Some(since), None).await?.amount;
                let m = minor(&client.currency);
                let data = serde_json::json!({
                    "balance": Amount::from_units(funds, m), "currency": client.currency,
                    "threshold": Amount::from_units(alert.threshold, m),
                    "daily_expense": Amount::shown(daily_average(spent, days), m),
                    "days_left": days_left(funds, spent, days),
                });
                store::set_notified(&mut uow.conn, client_id, true).await?;
                let dedup = format!("{client_id}-{}", uow.now.timestamp_micros());
                notify_client(&mut uow, client_id, LOW_BALANCE_EVENT, data.clone(), &dedup).await?;
                uow.audit("low_balance.notify", "client", client_id, Some(client_id), data).await?;
            }
        }
        uow.finish(()).await?;
        Ok(what)
    }
}
