//! Changing a client's tariff (CAT-6): before the 15th the old tariff's
//! charges for this month are reversed and the new tariff is charged for
//! the whole month; from the 15th on the old tariff stays to the end of
//! the month and the new one starts on the 1st of the next.

use chrono::{Datelike, NaiveTime};
use kopek_domain::charging::calendar::{FIFTEENTH, add_months, first_of_month};
use kopek_store::clients;
use kopek_store::subscriptions as subs;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::charging::booking::unbook;
use crate::charging::state::{State, change_state};
use crate::charging::subscriptions::{ConnectInput, Subscription};
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::ledger::entries::allocate;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TariffChange {
    pub from_tariff: i64,
    pub to_tariff: i64,
}

impl Engine {
    pub async fn change_tariff(&self, ctx: &Ctx, client_id: i64, change: TariffChange) -> Result<Vec<Subscription>> {
        ctx.actor.ensure_sees_client(client_id)?;
        ctx.actor.ensure_may_manage_accounts()?;
        let new_services = {
            let mut conn = self.store.conn().await?;
            kopek_store::catalog::tariff(&mut conn, change.to_tariff)
                .await?
                .ok_or_else(|| EngineError::not_found("tariff", change.to_tariff))?;
            kopek_store::catalog::tariff_services(&mut conn, change.to_tariff).await?
        };
        let mut uow = self.begin(ctx).await?;
        let client = clients::lock(&mut uow.conn, client_id).await?.ok_or_else(|| EngineError::not_found("client", client_id))?;
        let today = self.local_today();
        let month_start = self.to_utc(first_of_month(today).and_time(NaiveTime::MIN));
        let next_month = self.to_utc(add_months(first_of_month(today), 1).and_time(NaiveTime::MIN));
        let early = today.day() < FIFTEENTH;
        let old: Vec<_> = subs::of_client(&mut uow.conn, client_id)
            .await?
            .into_iter()
            .filter(|s| s.tariff_id == Some(change.from_tariff) && s.state != State::Disconnected)
            .collect();
        if old.is_empty() {
            return Err(EngineError::invalid(
                "not_on_tariff",
                format!("the client has no services of tariff {}", change.from_tariff),
            ));
        }
        let mut changes = Vec::new();
        for sub in &old {
            if early {
                for charge in subs::charges_of(&mut uow.conn, sub.id).await? {
                    if charge.period_start < month_start || charge.amount == 0 {
                        continue;
                    }
                    unbook(&mut uow, &client, &charge, "tariff changed before the 15th").await?;
                    subs::advance(&mut uow.conn, sub.id, sub.charged_until, sub.next_charge_on, -charge.amount).await?;
                }
                subs::set_state(&mut uow.conn, sub.id, sub.state, Some(month_start)).await?;
                subs::set_next_charge_on(&mut uow.conn, sub.id, None).await?;
                change_state(&mut uow, sub, State::Disconnected, "tariff changed before the 15th", &mut changes).await?;
            } else {
                // Stays to the end of the month; the run disconnects it then.
                subs::set_state(&mut uow.conn, sub.id, sub.state, Some(next_month)).await?;
            }
        }
        allocate(&mut uow.conn, client_id, uow.now).await?;
        uow.audit(
            "tariff.change",
            "client",
            client_id,
            Some(client_id),
            serde_json::json!({
                "from": change.from_tariff, "to": change.to_tariff, "before_15th": early, "ended": changes,
            }),
        )
        .await?;
        uow.finish(()).await?;
        let mut connected = Vec::new();
        for service_id in new_services {
            let input = ConnectInput { service_id, tariff_id: Some(change.to_tariff), discount_percent: None };
            connected.push(self.connect(ctx, client_id, input).await?);
        }
        Ok(connected)
    }
}
