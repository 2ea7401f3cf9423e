//! Paid-period subscriptions (hosting style): ordered for a number of
//! months paid ahead from the balance, valid until a date, renewed by hand
//! (or by auto-renewal) before they expire; the nightly run expires those
//! whose time is over. Each paid period is a charge keyed by (subscription,
//! period start), so a renewal repeated by a retry or a double click pays
//! once.

use chrono::{DateTime, Duration, Utc};
use kopek_domain::DomainError;
use kopek_domain::catalog::{ServiceKind, ServiceSpec};
use kopek_domain::charging::paid_period::{period_cost, period_end, renewal_start};
use kopek_domain::money::decimal_to_units;
use kopek_domain::notification::EXPIRY_NOTICE_DAYS;
use kopek_domain::renewal::autorenew_period;
use kopek_store::clients::ClientRow;
use kopek_store::paid_period as store;
use kopek_store::subscriptions::{self as subs, SubscriptionRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use kopek_domain::account::Right;

use crate::Engine;
use crate::catalog::portal::{Offer, ensure_may_acquire};
use crate::catalog::services::load_price_book;
use crate::charging::booking::{Booking, book_charge};
use crate::charging::state::{State, SubscriptionStyle, change_state};
use crate::charging::subscriptions::{ConnectInput, Subscription, view};
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::notify::{notify_client, service_name};
use crate::core::uow::Uow;
use crate::core::views::Payment;
use crate::ledger::entries::{allocate, lock_client};
use crate::ledger::funds::ensure_funds;
use crate::ledger::vat::ExpenseVat;
use crate::payments::purpose::PaymentPurpose;
use crate::payments::start::PayByMethod;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaidPeriodOrder {
    pub service_id: i64,
    /// Months paid ahead; a multiple of the service's period.
    pub months: u32,
    /// Renew automatically before it expires (the order form's default).
    #[serde(default = "yes")]
    pub auto_renew: bool,
    /// Renew from this saved method rather than the balance (PMT-7: chosen
    /// on the order or payment form).
    #[serde(default)]
    pub saved_method_id: Option<i64>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Renewal {
    /// Months to pay for; the subscription's renewal period when left out.
    #[serde(default)]
    pub months: Option<u32>,
}

/// "Продлить" paid now by a method rather than from the balance (PMT-2,
/// SVC-2): the subscription renews when the payment's money arrives.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewalByMethod {
    /// Months to pay for; the subscription's renewal period when left out.
    #[serde(default)]
    pub months: Option<u32>,
    pub method: PayByMethod,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewalSettings {
    #[serde(default)]
    pub months: Option<u32>,
    #[serde(default)]
    pub auto_renew: Option<bool>,
}

impl Engine {
    /// Orders a service paid ahead for `months` from the balance (and the
    /// credit limit): refused, changing nothing, when the money is short.
    pub async fn order_paid_period(&self, ctx: &Ctx, client_id: i64, order: PaidPeriodOrder) -> Result<Subscription> {
        ctx.actor.ensure_right(Right::Orders)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut uow = self.begin(ctx).await?;
        if let Some(done) = uow.replay("order_paid_period", &(client_id, &order)).await? {
            return Ok(done);
        }
        let client = lock_client(&mut uow.conn, client_id).await?;
        let book = load_price_book(&mut uow.conn).await?;
        let spec = book
            .spec_on(order.service_id, self.local_today())
            .ok_or_else(|| EngineError::not_found("service", order.service_id))?
            .clone();
        ensure_may_acquire(&mut uow.conn, &ctx.actor, client_id, Offer::Service { id: order.service_id, spec: &spec }).await?;
        check_paid_ahead(&spec)?;
        let input = ConnectInput { service_id: order.service_id, tariff_id: None, discount_percent: None };
        let mut changes = Vec::new();
        let row = self.connect_in(&mut uow, &client, &book, &input, None, &mut changes).await?;
        if row.state != State::Active {
            return Err(EngineError::conflict("not_active", format!("the service would start as {}, not paid ahead", row.state)));
        }
        let start = uow.now;
        let end = self.pay_period(&mut uow, &client, &spec, &row, start, order.months, true).await?;
        store::make_paid(&mut uow.conn, row.id, end, i64::from(order.months), order.auto_renew).await?;
        if let Some(method) = order.saved_method_id {
            renewal_method(&mut uow.conn, &client, method).await?;
            store::set_saved_method(&mut uow.conn, row.id, Some(method)).await?;
        }
        uow.audit(
            "subscription.order_paid_period",
            "subscription",
            row.id,
            Some(client_id),
            serde_json::json!({
                "service_id": order.service_id, "months": order.months, "paid_until": end, "auto_renew": order.auto_renew,
                "saved_method_id": order.saved_method_id,
            }),
        )
        .await?;
        let row = subs::get(&mut uow.conn, row.id).await?.expect("just inserted");
        uow.finish(view(&row)).await
    }

    /// Renews a paid-period subscription by hand: from the end of its paid
    /// time, or from now when it has expired (it opens again).
    pub async fn renew_subscription(&self, ctx: &Ctx, subscription_id: i64, renewal: Renewal) -> Result<Subscription> {
        ctx.actor.ensure_right(Right::Services)?;
        let mut uow = self.begin(ctx).await?;
        if let Some(done) = uow.replay("renew_subscription", &(subscription_id, &renewal)).await? {
            return Ok(done);
        }
        let (sub, client) = paid_subscription(&mut uow, ctx, subscription_id).await?;
        if !matches!(sub.state, State::Active | State::Expired) {
            return Err(EngineError::conflict("not_renewable", format!("subscription {subscription_id} is {}", sub.state)));
        }
        let (start, end, months) = self.renew_in(&mut uow, &client, &sub, renewal.months, true, "renewed").await?;
        store::set_renewal_outcome(&mut uow.conn, sub.id, None, None).await?;
        uow.audit(
            "subscription.renew",
            "subscription",
            sub.id,
            Some(client.id),
            serde_json::json!({
                "months": months, "from": start, "paid_until": end,
            }),
        )
        .await?;
        let row = subs::get(&mut uow.conn, sub.id).await?.expect("exists");
        uow.finish(view(&row)).await
    }

    /// Starts the payment of a renewal by a method: a card is charged at
    /// its gateway, a bank transfer waits for its money; either way the
    /// subscription renews for the months chosen when the money arrives,
    /// whoever credits it.
    pub async fn renew_by_method(&self, ctx: &Ctx, subscription_id: i64, req: RenewalByMethod) -> Result<Payment> {
        ctx.actor.ensure_right(Right::Services)?;
        let (client_id, months, units, currency) = {
            let mut uow = self.begin(ctx).await?;
            let (sub, client) = paid_subscription(&mut uow, ctx, subscription_id).await?;
            if !matches!(sub.state, State::Active | State::Expired) {
                return Err(EngineError::conflict("not_renewable", format!("subscription {subscription_id} is {}", sub.state)));
            }
            let book = load_price_book(&mut uow.conn).await?;
            let spec = book
                .spec_on(sub.service_id, self.local_today())
                .ok_or_else(|| EngineError::not_found("service", sub.service_id))?;
            let months = req.months.or(sub.renewal_months.and_then(|m| u32::try_from(m).ok())).unwrap_or(1);
            period_cost(spec.fee.price, spec.fee.period, months)?;
            let units = period_units(&mut uow.conn, spec, sub.id, months).await?;
            uow.conn.rollback().await?;
            (client.id, months, units, client.currency)
        };
        let key = ctx.idempotency_key.clone().map(|k| format!("{k}:renewal-payment"));
        let pay_ctx = ctx.clone().with_idempotency_key(key);
        let purpose = PaymentPurpose::Renewal { subscription_id, months };
        self.start_payment_for(&pay_ctx, client_id, req.method.payment_of(units, &currency), purpose).await
    }

    /// Changes the renewal period or auto-renewal of an active subscription.
    pub async fn set_renewal(&self, ctx: &Ctx, subscription_id: i64, settings: RenewalSettings) -> Result<Subscription> {
        ctx.actor.ensure_right(Right::Services)?;
        let mut uow = self.begin(ctx).await?;
        let (sub, client) = paid_subscription(&mut uow, ctx, subscription_id).await?;
        let book = load_price_book(&mut uow.conn).await?;
        let spec =
            book.spec_on(sub.service_id, self.local_today()).ok_or_else(|| EngineError::not_found("service", sub.service_id))?;
        let current = sub.renewal_months.and_then(|m| u32::try_from(m).ok()).unwrap_or(1);
        let active = sub.state == State::Active;
        let months = i64::from(autorenew_period(current, settings.months, active)?);
        period_cost(spec.fee.price, spec.fee.period, u32::try_from(months).unwrap_or(0))?;
        let auto = settings.auto_renew.unwrap_or(sub.auto_renew);
        store::set_renewal(&mut uow.conn, sub.id, months, auto).await?;
        uow.audit(
            "subscription.renewal_settings",
            "subscription",
            sub.id,
            Some(client.id),
            serde_json::json!({
                "months": months, "auto_renew": auto,
            }),
        )
        .await?;
        let row = subs::get(&mut uow.conn, sub.id).await?.expect("exists");
        uow.finish(view(&row)).await
    }

    /// The nightly expiry: paid-period subscriptions whose paid time is
    /// over and that were not renewed are switched off. Run again, it finds
    /// nothing more to do.
    pub async fn expire_paid_periods(&self, ctx: &Ctx) -> Result<usize> {
        self.warn_of_expiry(ctx).await?;
        let due = {
            let mut conn = self.store.conn().await?;
            store::run_out(&mut conn, self.now()).await?
        };
        let mut expired = 0;
        for (id, client_id) in due {
            let mut uow = self.begin(ctx).await?;
            lock_client(&mut uow.conn, client_id).await?;
            let Some(sub) = subs::get(&mut uow.conn, id).await? else { continue };
            let still_due = sub.state == State::Active && sub.paid_until.is_some_and(|p| p <= uow.now);
            if !still_due {
                continue;
            }
            let mut changes = Vec::new();
            change_state(&mut uow, &sub, State::Expired, "the paid period ended", &mut changes).await?;
            subs::set_state(&mut uow.conn, id, State::Expired, sub.paid_until).await?;
            self.tell_the_hook(&mut uow, id, kopek_domain::product::life::Action::Stop).await?;
            uow.emit(
                "subscription.expired",
                &serde_json::json!({ "subscription_id": id, "client_id": client_id }),
                Some(&format!("expired-{id}-{}", sub.paid_until.map(|p| p.timestamp()).unwrap_or_default())),
            )
            .await?;
            uow.audit(
                "subscription.expire",
                "subscription",
                id,
                Some(client_id),
                serde_json::json!({ "paid_until": sub.paid_until }),
            )
            .await?;
            uow.finish(()).await?;
            expired += 1;
        }
        Ok(expired)
    }

    /// NTF-1: services whose paid time ends within the notice days are
    /// told of once per service and end date (the outbox's dedup key), however
    /// many nights see them.
    async fn warn_of_expiry(&self, ctx: &Ctx) -> Result<()> {
        let now = self.now();
        let soon = {
            let mut conn = self.store.conn().await?;
            store::running_out(&mut conn, now, now + Duration::days(EXPIRY_NOTICE_DAYS)).await?
        };
        for (id, client_id) in soon {
            let mut uow = self.begin(ctx).await?;
            let Some(sub) = subs::get(&mut uow.conn, id).await? else { continue };
            let Some(paid_until) = sub.paid_until.filter(|p| *p > uow.now && sub.state == State::Active) else { continue };
            if sub.parent_id.is_some() {
                continue;
            }
            let service = service_name(&mut uow, sub.service_id).await?;
            let data = serde_json::json!({
                "subscription_id": id, "service": service, "paid_until": self.to_local(paid_until).date().to_string(),
                "auto_renew": sub.auto_renew,
            });
            notify_client(&mut uow, client_id, "service.expiring", data, &format!("{id}-{}", paid_until.timestamp())).await?;
            let audit = serde_json::json!({ "paid_until": paid_until });
            uow.audit("subscription.expiry_notice", "subscription", id, Some(client_id), audit).await?;
            uow.finish(()).await?;
        }
        Ok(())
    }

    /// Pays the next period of a paid-period subscription (`months`, or its
    /// renewal period): from the end of its paid time while it is active,
    /// from now once it expired (it opens again). Returns (start, end,
    /// months). `check_funds` is off when the money came in for this very
    /// renewal (a saved method's payment), which a blocked limit must not
    /// refuse (CRD-2 allows auto-renewal from a saved method).
    pub(crate) async fn renew_in(
        &self,
        uow: &mut Uow<'_>,
        client: &ClientRow,
        sub: &SubscriptionRow,
        months: Option<u32>,
        check_funds: bool,
        why: &str,
    ) -> Result<(DateTime<Utc>, DateTime<Utc>, u32)> {
        let months = months.or(sub.renewal_months.and_then(|m| u32::try_from(m).ok())).unwrap_or(1);
        let paid_until =
            sub.paid_until.ok_or_else(|| EngineError::Internal(format!("subscription {} has no paid_until", sub.id)))?;
        let book = load_price_book(&mut uow.conn).await?;
        let spec = book
            .spec_on(sub.service_id, self.local_today())
            .ok_or_else(|| EngineError::not_found("service", sub.service_id))?
            .clone();
        let active = sub.state == State::Active;
        let start = if active { paid_until } else { renewal_start(paid_until, uow.now) };
        let end = self.pay_period(uow, client, &spec, sub, start, months, check_funds).await?;
        if !active {
            let actor = uow.ctx().actor.label();
            subs::record_state(&mut uow.conn, sub.id, client.id, uow.now, Some(sub.state), State::Active, why, &actor).await?;
        }
        self.tell_the_hook(uow, sub.id, kopek_domain::product::life::Action::Renew).await?;
        let data = serde_json::json!({
            "subscription_id": sub.id, "service": spec.main.name, "months": months,
            "paid_until": self.to_local(end).date().to_string(),
        });
        notify_client(uow, client.id, "renewal.done", data, &format!("{}-{}", sub.id, end.timestamp())).await?;
        Ok((start, end, months))
    }

    /// A product's equipment learns of a renewal or an expiry through its
    /// hook; a service in the middle of another operation keeps that one.
    async fn tell_the_hook(&self, uow: &mut Uow<'_>, sub_id: i64, action: kopek_domain::product::life::Action) -> Result<()> {
        let Some(life) = kopek_store::service_life::life(&mut uow.conn, sub_id).await?.filter(|l| l.product_id.is_some()) else {
            return Ok(());
        };
        let state = life.life_state;
        if state.is_some_and(|s| kopek_domain::product::life::begin(s, action).is_ok()) {
            self.queue_operation(uow, sub_id, action).await?;
        }
        Ok(())
    }

    /// Charges one paid period from `start` and returns its end: a charge
    /// row (once per subscription and start), its expense, the allocation.
    #[allow(clippy::too_many_arguments, reason = "an order and a renewal call it with the rows they already read")]
    async fn pay_period(
        &self,
        uow: &mut Uow<'_>,
        client: &ClientRow,
        spec: &ServiceSpec,
        sub: &SubscriptionRow,
        start: DateTime<Utc>,
        months: u32,
        check_funds: bool,
    ) -> Result<DateTime<Utc>> {
        let units = period_units(&mut uow.conn, spec, sub.id, months).await?;
        if check_funds {
            ensure_funds(client, units, &format!("{months} month(s) of {}", spec.main.name))?;
        }
        let end = period_end(start, months)?;
        let paid = PaidSpan { start, end, units, vat: self.expense_vat(units, spec.vat(), uow.now, &client.currency)? };
        self.post_paid_span(uow, client, sub.id, &spec.main.name, &paid).await?;
        Ok(end)
    }

    /// Books a paid span of a subscription: a charge row (once per
    /// subscription and start), its expense, the allocation, the paid time.
    pub(crate) async fn post_paid_span(
        &self,
        uow: &mut Uow<'_>,
        client: &ClientRow,
        sub_id: i64,
        name: &str,
        paid: &PaidSpan,
    ) -> Result<()> {
        if paid.units > 0 {
            let name = format!(
                "{name}: {} – {}",
                self.to_local(paid.start).format("%Y-%m-%d"),
                self.to_local(paid.end).format("%Y-%m-%d")
            );
            let booking = Booking {
                subscription_id: sub_id,
                start: paid.start,
                end: paid.end,
                units: paid.units,
                vat: paid.vat,
                name: &name,
                charged_at: uow.now,
                run_date: self.local_today(),
            };
            book_charge(uow, client, &booking).await?.ok_or_else(|| {
                EngineError::conflict("already_paid", format!("the period from {} is already paid", paid.start))
            })?;
            allocate(&mut uow.conn, client.id, uow.now).await?;
        }
        store::extend(&mut uow.conn, sub_id, paid.end, paid.units).await?;
        Ok(())
    }
}

/// A span of paid time and what it cost (tax inside the amount).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PaidSpan {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub units: i64,
    pub vat: ExpenseVat,
}

/// What `months` of a paid-period subscription cost: a product's
/// configuration priced by its product (CAT-13), any other service by its
/// fee.
pub(crate) async fn period_units(conn: &mut kopek_store::Conn, spec: &ServiceSpec, sub_id: i64, months: u32) -> Result<i64> {
    let life = kopek_store::service_life::life(conn, sub_id).await?;
    if let Some((product_id, config)) = life.and_then(|l| l.product_id.zip(l.product_config)) {
        let product =
            kopek_store::products::get(conn, product_id).await?.ok_or_else(|| EngineError::not_found("product", product_id))?;
        let product: kopek_domain::product::ProductSpec = serde_json::from_str(&product.spec)?;
        let config: kopek_domain::product::quote::OrderConfig = serde_json::from_str(&config)?;
        return Ok(decimal_to_units(kopek_domain::product::quote::period_price(&product, &config, months)?)?);
    }
    Ok(decimal_to_units(period_cost(spec.fee.price, spec.fee.period, months)?)?)
}

/// A saved method the client's services may renew from: its own, working
/// or not yet, and in the client's currency (the renewal pays the period's
/// price as it is).
pub(crate) async fn renewal_method(
    conn: &mut kopek_store::Conn,
    client: &ClientRow,
    id: i64,
) -> Result<kopek_store::saved_methods::SavedMethodRow> {
    let row = kopek_store::saved_methods::get(conn, id).await?.filter(|r| r.client_id == client.id && r.deleted_at.is_none());
    let row = row.ok_or_else(|| EngineError::not_found("saved_method", id))?;
    let method = kopek_store::payment_methods::get(conn, row.method_id)
        .await?
        .ok_or_else(|| EngineError::not_found("payment_method", row.method_id))?;
    if method.currency != client.currency {
        return Err(EngineError::conflict(
            "currency_mismatch",
            format!("saved method {id} pays in {}, the client's services are priced in {}", method.currency, client.currency),
        ));
    }
    Ok(row)
}

/// Only a plain periodic service sold by months can be paid ahead.
fn check_paid_ahead(spec: &ServiceSpec) -> Result<()> {
    if spec.main.kind != ServiceKind::Periodic {
        return Err(DomainError::invalid("service_id", "only a periodic service is paid ahead").into());
    }
    if spec.fee.activate_after_first_session || spec.fee.start_charging_after_first_session {
        return Err(DomainError::invalid(
            "service_id",
            "a service that starts with its first session is charged from the balance",
        )
        .into());
    }
    Ok(())
}

/// A paid-period subscription the actor may see, and its client locked.
async fn paid_subscription(uow: &mut Uow<'_>, ctx: &Ctx, id: i64) -> Result<(SubscriptionRow, ClientRow)> {
    let found = subs::get(&mut uow.conn, id).await?.filter(|s| ctx.actor.ensure_sees_client(s.client_id).is_ok());
    let sub = found.ok_or_else(|| EngineError::not_found("subscription", id))?;
    let client = lock_client(&mut uow.conn, sub.client_id).await?;
    let sub = subs::get(&mut uow.conn, id).await?.ok_or_else(|| EngineError::not_found("subscription", id))?;
    if sub.style != SubscriptionStyle::PaidPeriod {
        return Err(EngineError::conflict("not_paid_period", format!("subscription {id} is charged from the balance")));
    }
    Ok((sub, client))
}
