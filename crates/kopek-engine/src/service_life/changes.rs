//! SVC-2's actions with money in them: "Изменить" (add-ons up or down in
//! the middle of a paid period: the difference for the time left, charged,
//! or given back when the product refunds unused time) and "Удалить" (per
//! the product's rule: allowed or not, the unused part of the period back
//! or not). Both reach the equipment through the provisioning hook.

use std::collections::BTreeMap;

use kopek_domain::money::{decimal_to_units, units_to_decimal};
use kopek_domain::product::ProductSpec;
use kopek_domain::product::life::{Action, change_difference, deletion_refund};
use kopek_domain::product::quote::{OrderConfig, period_price, resolve};
use kopek_domain::tax::VatRate;
use kopek_domain::{DomainError, Money};
use kopek_store::service_life as store;
use kopek_store::subscriptions::{self as subs, NewCharge, SubscriptionRow};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use kopek_domain::account::Right;

use crate::Engine;
use crate::charging::state::State;
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::notify::notify_service;
use crate::core::uow::Uow;
use crate::core::views::currency_of;
use crate::ledger::entries::{allocate, credit_in, lock_client, post_expense_in};
use crate::ledger::funds::ensure_funds;
use crate::service_life::life::ClientService;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceChange {
    /// New add-on values by code; those left out keep theirs.
    pub addons: BTreeMap<String, u32>,
}

/// What a change or a deletion did with money.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ServiceChangeResult {
    pub service: ClientService,
    /// Charged now (positive) or given back to the balance (negative).
    pub difference: Amount,
}

/// A product's service and its product, the client locked.
struct Loaded {
    sub: SubscriptionRow,
    spec: ProductSpec,
    config: OrderConfig,
}

impl Engine {
    /// "Изменить": new add-on values from now to the end of the paid period.
    pub async fn change_service(&self, ctx: &Ctx, sub_id: i64, change: ServiceChange) -> Result<ServiceChangeResult> {
        ctx.actor.ensure_right(Right::Services)?;
        let mut uow = self.begin(ctx).await?;
        let l = load(&mut uow, ctx, sub_id).await?;
        let client = lock_client(&mut uow.conn, l.sub.client_id).await?;
        let (new, diff, end) = self.change_of(&l, &change)?;
        let units = decimal_to_units(diff)?;
        if units > 0 {
            ensure_funds(&client, units, &format!("the change until {}", self.to_local(end).date()))?;
        }
        let state = self.queue_operation(&mut uow, sub_id, Action::Change).await?;
        let name = format!("{}: изменение конфигурации до {}", l.spec.name, self.to_local(end).date());
        let expense_id = self.settle(&mut uow, &client, &name, units, l.spec.tax_percent).await?;
        // The difference is a charge of the period from now, so deleting
        // later gives back its unused part too.
        if units != 0 {
            self.record_change_charge(&mut uow, client.id, sub_id, end, units, expense_id).await?;
        }
        store::set_config(&mut uow.conn, sub_id, &serde_json::to_string(&new)?).await?;
        uow.audit(
            "service.change",
            "subscription",
            sub_id,
            Some(client.id),
            serde_json::json!({
                "from": l.config.addons, "to": new.addons, "difference": diff, "state": format!("{state:?}"),
            }),
        )
        .await?;
        uow.finish(()).await?;
        Ok(ServiceChangeResult { service: self.client_service(ctx, sub_id).await?, difference: Amount(diff) })
    }

    /// "Изменить" before it is confirmed: what the change would charge now
    /// (positive) or give back (negative), refused as the change would be.
    pub async fn preview_service_change(&self, ctx: &Ctx, sub_id: i64, change: ServiceChange) -> Result<Amount> {
        ctx.actor.ensure_right(Right::Services)?;
        let mut uow = self.begin(ctx).await?;
        let l = load(&mut uow, ctx, sub_id).await?;
        let (_, diff, _) = self.change_of(&l, &change)?;
        uow.conn.rollback().await?;
        Ok(Amount(diff))
    }

    /// The configuration after `change`, the difference it costs for the
    /// rest of the paid period, and that period's end.
    fn change_of(&self, l: &Loaded, change: &ServiceChange) -> Result<(OrderConfig, Decimal, chrono::DateTime<chrono::Utc>)> {
        let mut new = l.config.clone();
        for (code, value) in &change.addons {
            new.addons.insert(code.clone(), *value);
        }
        resolve(&l.spec, &new)?;
        if new == l.config {
            return Err(DomainError::invalid("addons", "nothing to change: the add-ons already have these values").into());
        }
        let (start, end) = current_period(&l.sub)?;
        let diff = change_difference(
            period_price(&l.spec, &l.config, l.config.months)?,
            period_price(&l.spec, &new, l.config.months)?,
            self.to_local(start),
            self.to_local(end),
            self.local_now(),
            l.spec.deletion,
            l.spec.currency.minor_digits(),
        );
        Ok((new, diff, end))
    }

    /// "Удалить": refused when the product does not allow it; otherwise no
    /// more renewals, the unused part back when the product says so, and
    /// the hook closes it.
    pub async fn delete_service(&self, ctx: &Ctx, sub_id: i64) -> Result<ServiceChangeResult> {
        ctx.actor.ensure_right(Right::Services)?;
        let mut uow = self.begin(ctx).await?;
        let l = load(&mut uow, ctx, sub_id).await?;
        let client = lock_client(&mut uow.conn, l.sub.client_id).await?;
        let (_, end) = current_period(&l.sub)?;
        let digits = l.spec.currency.minor_digits();
        // Each charge of the running period (its first payment or renewal,
        // then every change) gives back the part of its own span not used;
        // a product that may not be deleted is refused by the first call.
        let mut refund =
            deletion_refund(Decimal::ZERO, self.local_now(), self.to_local(end), self.local_now(), l.spec.deletion, digits)?;
        for c in subs::charges_of(&mut uow.conn, sub_id).await?.iter().filter(|c| c.period_end == end) {
            refund += deletion_refund(
                units_to_decimal(c.amount),
                self.to_local(c.period_start),
                self.to_local(end),
                self.local_now(),
                l.spec.deletion,
                digits,
            )?;
        }
        self.queue_operation(&mut uow, sub_id, Action::Delete).await?;
        kopek_store::paid_period::set_renewal(&mut uow.conn, sub_id, l.sub.renewal_months.unwrap_or(1), false).await?;
        subs::set_state(&mut uow.conn, sub_id, State::Disconnected, Some(uow.now)).await?;
        let actor = uow.ctx().actor.label();
        subs::record_state(&mut uow.conn, sub_id, client.id, uow.now, Some(l.sub.state), State::Disconnected, "deleted", &actor)
            .await?;
        notify_service(&mut uow, &l.sub, Some(l.sub.state), State::Disconnected, "deleted").await?;
        let name = format!("{}: неиспользованный период до {}", l.spec.name, self.to_local(end).date());
        self.settle(&mut uow, &client, &name, -decimal_to_units(refund)?, l.spec.tax_percent).await?;
        uow.audit("service.delete", "subscription", sub_id, Some(client.id), serde_json::json!({ "refund": refund })).await?;
        uow.finish(()).await?;
        Ok(ServiceChangeResult { service: self.client_service(ctx, sub_id).await?, difference: Amount(Decimal::ZERO - refund) })
    }

    /// A charge row for a change: keyed like every charge by its start, so
    /// two changes in the same microsecond (a frozen clock, a double click)
    /// take the next free one.
    async fn record_change_charge(
        &self,
        uow: &mut Uow<'_>,
        client_id: i64,
        sub_id: i64,
        end: chrono::DateTime<chrono::Utc>,
        units: i64,
        expense_id: Option<i64>,
    ) -> Result<()> {
        for nudge in 0..1000 {
            let charge = NewCharge {
                client_id,
                subscription_id: sub_id,
                period_start: uow.now + chrono::Duration::microseconds(nudge),
                period_end: end,
                amount: units,
                expense_id,
                run_date: self.local_today(),
                created_at: uow.now,
            };
            if subs::insert_charge(&mut uow.conn, &charge).await?.is_some() {
                return Ok(());
            }
        }
        Err(EngineError::conflict("already_changed", "the service is being changed too often; try again"))
    }

    /// Charges `units` (an expense with its tax, whose id it answers) or,
    /// negative, gives them back to the balance.
    async fn settle(
        &self,
        uow: &mut Uow<'_>,
        client: &kopek_store::clients::ClientRow,
        name: &str,
        units: i64,
        tax_percent: Decimal,
    ) -> Result<Option<i64>> {
        let mut expense = None;
        if units > 0 {
            let vat = self.expense_vat(units, VatRate::Fixed(tax_percent), uow.now, &client.currency)?;
            expense = Some(post_expense_in(uow, client, name, units, vat, uow.now).await?.id);
        } else if units < 0 {
            let money = Money::new(units_to_decimal(-units), currency_of(&client.currency)?);
            credit_in(uow, client, "refund", money, name).await?;
        }
        allocate(&mut uow.conn, client.id, uow.now).await?;
        Ok(expense)
    }
}

/// The paid period now running: [its end less the renewal months, its end).
fn current_period(sub: &SubscriptionRow) -> Result<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> {
    let end = sub.paid_until.ok_or_else(|| EngineError::conflict("not_paid", "the service has no paid period"))?;
    let months = u32::try_from(sub.renewal_months.unwrap_or(1)).unwrap_or(1);
    let start = end.checked_sub_months(chrono::Months::new(months)).unwrap_or(end);
    Ok((start, end))
}

async fn load(uow: &mut Uow<'_>, ctx: &Ctx, sub_id: i64) -> Result<Loaded> {
    let life = store::life(&mut uow.conn, sub_id).await?.filter(|l| ctx.actor.ensure_sees_client(l.client_id).is_ok());
    let life = life.ok_or_else(|| EngineError::not_found("service", sub_id))?;
    let product_id = life.product_id.ok_or_else(|| EngineError::not_found("service", sub_id))?;
    let product = kopek_store::products::get(&mut uow.conn, product_id)
        .await?
        .ok_or_else(|| EngineError::not_found("product", product_id))?;
    let sub = subs::get(&mut uow.conn, sub_id).await?.ok_or_else(|| EngineError::not_found("service", sub_id))?;
    if sub.state == State::Disconnected {
        return Err(DomainError::invalid("action", "the service is deleted").into());
    }
    Ok(Loaded {
        sub,
        spec: serde_json::from_str(&product.spec)?,
        config: serde_json::from_str(life.product_config.as_deref().unwrap_or("{}"))?,
    })
}
