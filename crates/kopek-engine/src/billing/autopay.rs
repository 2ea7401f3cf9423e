//! Autopayment (PMT-5): when the balance runs low the nightly run tops it
//! up through a saved method "на сумму, которой хватит на месяц", never
//! past the monthly maximum the client set. The set-up form shows the
//! month's forecast from the client's services and auto-renewals and the
//! recommended maximum (the forecast maximum + 10%).
//!
//! The forecast over the next 30 days: a service charged from the balance
//! counts its monthly fee (a daily fee times 30); an auto-renewal due in
//! those days counts its price, for sure when it renews from the balance,
//! as a possibility when a saved method pays it (should the card fail, the
//! balance is where the client renews from).

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use kopek_domain::catalog::ServiceSpec;
use kopek_domain::money::{decimal_to_units, round_half_up, units_to_decimal};
use kopek_domain::renewal::{
    AutopayCase, AutopayDecision, AutopaySettings, Forecast, ForecastItem, forecast, method_selectable, plan_autopay,
    recommended_max, renewal_due_on,
};
use kopek_store::Conn;
use kopek_store::clients::ClientRow;
use kopek_store::saved_methods as store;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use kopek_domain::account::Right;

use crate::Engine;
use crate::catalog::services::load_price_book;
use crate::charging::state::State;
use crate::charging::state::SubscriptionStyle;
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::views::currency_of;
use crate::ledger::entries::{existing_client, lock_client};
use crate::payments::methods::usable_method;
use crate::payments::purpose::PaymentPurpose;
use crate::payments::start::StartPayment;

/// Days the forecast looks ahead: "в месяц".
const FORECAST_DAYS: i64 = 30;

/// A saved method as the form offers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AutopayMethod {
    pub saved_method_id: i64,
    pub name: String,
    pub status: String,
    /// "Сумма платежа от … до …".
    pub min_amount: Option<Amount>,
    pub max_amount: Option<Amount>,
    /// Whether it may be chosen with an unlimited maximum.
    pub selectable_when_unlimited: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AutopayState {
    pub saved_method_id: i64,
    /// None is unlimited (∞).
    pub monthly_max: Option<Amount>,
    pub enabled: bool,
    /// Autopayments made this calendar month.
    pub paid_this_month: Amount,
}

/// "Финансы — Автоплатеж — Настроить".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AutopayForm {
    pub client_id: i64,
    pub currency: String,
    pub forecast_min: Amount,
    pub forecast_max: Amount,
    /// The forecast maximum + 10%.
    pub recommended_max: Amount,
    pub methods: Vec<AutopayMethod>,
    pub current: Option<AutopayState>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AutopayInput {
    pub saved_method_id: i64,
    /// "Максимальная сумма платежей" in a month; none is ∞.
    #[serde(default)]
    pub monthly_max: Option<Amount>,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AutopayReport {
    pub payments_started: usize,
    pub monthly_max_reached: usize,
}

impl Engine {
    pub async fn autopay_form(&self, ctx: &Ctx, client_id: i64) -> Result<AutopayForm> {
        ctx.actor.ensure_right(Right::Finance)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        let client = existing_client(&mut conn, client_id).await?;
        let currency = currency_of(&client.currency)?;
        let today = self.local_today();
        let f = self.month_forecast(&mut conn, &client, today).await?;
        let m = currency.minor_digits();
        let mut methods = Vec::new();
        for row in store::of_client(&mut conn, client_id).await? {
            let Ok(method) = usable_method(&mut conn, row.method_id).await else { continue };
            if method.row.currency != client.currency {
                continue;
            }
            let limits = method.terms.limits;
            methods.push(AutopayMethod {
                saved_method_id: row.id,
                name: row.name,
                status: row.status.to_string(),
                min_amount: limits.min.map(|a| Amount(a.round_dp(m))),
                max_amount: limits.max.map(|a| Amount(a.round_dp(m))),
                selectable_when_unlimited: method_selectable(None, &limits),
            });
        }
        let current = match store::autopay(&mut conn, client_id).await? {
            Some(row) => Some(AutopayState {
                saved_method_id: row.saved_method_id,
                monthly_max: row.monthly_max.map(|u| Amount(units_to_decimal(u).round_dp(m))),
                enabled: row.enabled,
                paid_this_month: Amount(
                    units_to_decimal(self.autopaid_this_month(&mut conn, client_id, today).await?).round_dp(m),
                ),
            }),
            None => None,
        };
        Ok(AutopayForm {
            client_id,
            currency: client.currency.clone(),
            forecast_min: Amount(round_half_up(f.min, m)),
            forecast_max: Amount(round_half_up(f.max, m)),
            recommended_max: Amount(recommended_max(f.max, currency)),
            methods,
            current,
        })
    }

    /// Sets the autopayment up (or switches it off): a saved method of the
    /// client in its currency; with ∞, one without amount limits.
    pub async fn set_autopay(&self, ctx: &Ctx, client_id: i64, input: AutopayInput) -> Result<AutopayForm> {
        ctx.actor.ensure_right(Right::Finance)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut uow = self.begin(ctx).await?;
        let client = lock_client(&mut uow.conn, client_id).await?;
        let settings = AutopaySettings { monthly_max: input.monthly_max.map(|a| a.0) };
        settings.validate(currency_of(&client.currency)?)?;
        let saved = crate::billing::paid_period::renewal_method(&mut uow.conn, &client, input.saved_method_id).await?;
        let method = usable_method(&mut uow.conn, saved.method_id).await?;
        if !method_selectable(settings.monthly_max, &method.terms.limits) {
            return Err(EngineError::invalid(
                "method_limited",
                "with an unlimited monthly maximum only a method without amount limits can be chosen",
            ));
        }
        let max_units = settings.monthly_max.map(decimal_to_units).transpose()?;
        store::set_autopay(&mut uow.conn, client_id, saved.id, max_units, input.enabled, uow.now).await?;
        uow.audit(
            "autopay.set",
            "client",
            client_id,
            Some(client_id),
            serde_json::json!({
                "saved_method_id": saved.id, "monthly_max": settings.monthly_max, "enabled": input.enabled,
            }),
        )
        .await?;
        uow.finish(()).await?;
        self.autopay_form(ctx, client_id).await
    }

    /// The night's autopayments for `day`: one per client at most.
    pub async fn run_autopay(&self, ctx: &Ctx, day: NaiveDate) -> Result<AutopayReport> {
        ctx.actor.ensure_right(Right::Finance)?;
        let ids = {
            let mut conn = self.store.conn().await?;
            store::autopay_clients(&mut conn).await?
        };
        let mut report = AutopayReport::default();
        for client_id in ids {
            match self.autopay_one(ctx, client_id, day).await? {
                Some(AutopayDecision::Pay(_)) => report.payments_started += 1,
                Some(AutopayDecision::MonthlyMaxReached) => report.monthly_max_reached += 1,
                _ => {}
            }
        }
        Ok(report)
    }

    async fn autopay_one(&self, ctx: &Ctx, client_id: i64, day: NaiveDate) -> Result<Option<AutopayDecision>> {
        let (req, saved_method_id, decision) = {
            let mut conn = self.store.conn().await?;
            let Some(settings) = store::autopay(&mut conn, client_id).await?.filter(|s| s.enabled) else { return Ok(None) };
            let Some(saved) = store::get(&mut conn, settings.saved_method_id).await?.filter(|s| s.deleted_at.is_none()) else {
                return Ok(None);
            };
            if !saved.status.may_charge() || saved.token.is_none() {
                return Ok(None);
            }
            let client = existing_client(&mut conn, client_id).await?;
            let method = usable_method(&mut conn, saved.method_id).await?;
            let f = self.month_forecast(&mut conn, &client, day).await?;
            let low_below = self.renewals_due_soon(&mut conn, &client, day).await?;
            let case = AutopayCase {
                currency: currency_of(&client.currency)?,
                balance: units_to_decimal(client.balance),
                low_below,
                top_up_to: f.max.max(low_below),
                paid_this_month: units_to_decimal(self.autopaid_this_month(&mut conn, client_id, day).await?),
                settings: AutopaySettings { monthly_max: settings.monthly_max.map(units_to_decimal) },
                method_limits: method.terms.limits,
            };
            let decision = plan_autopay(&case);
            let Some(amount) = decision.amount() else { return Ok(Some(decision)) };
            let req = StartPayment {
                payer_id: saved.payer_id,
                method_id: saved.method_id,
                amount: Amount(amount),
                return_url: None,
                save_method: false,
                saved_method_id: None,
            };
            (req, saved.id, decision)
        };
        let ctx = Ctx::system(&format!("autopay by {}", ctx.actor.label()))
            .with_idempotency_key(Some(format!("autopay-{client_id}-{day}")));
        if let Err(e) = self.start_payment_for(&ctx, client_id, req, PaymentPurpose::Autopay { saved_method_id }).await {
            tracing::warn!(client = client_id, error = %e, "autopayment not started");
        }
        Ok(Some(decision))
    }

    async fn autopaid_this_month(&self, conn: &mut Conn, client_id: i64, day: NaiveDate) -> Result<i64> {
        let first = day.with_day(1).expect("the 1st exists");
        Ok(store::autopaid_since(conn, client_id, self.to_utc(first.and_time(NaiveTime::MIN))).await?)
    }

    /// The month's charges from the client's services and auto-renewals.
    async fn month_forecast(&self, conn: &mut Conn, client: &ClientRow, day: NaiveDate) -> Result<Forecast> {
        let book = load_price_book(conn).await?;
        let horizon = day + Duration::days(FORECAST_DAYS);
        let mut items = Vec::new();
        for sub in kopek_store::subscriptions::of_client(conn, client.id).await? {
            let Some(spec) = book.spec_on(sub.service_id, day) else { continue };
            if sub.style != SubscriptionStyle::PaidPeriod {
                if matches!(sub.state, State::Active) && spec.fee.price > Decimal::ZERO {
                    items.push(ForecastItem::fixed(monthly_fee(spec))?);
                }
                continue;
            }
            let renewal = kopek_store::paid_period::renewal(conn, sub.id).await?;
            let Some(r) = renewal.filter(|r| r.auto_renew && r.state == State::Active) else { continue };
            let Some(paid_until) = r.paid_until else { continue };
            let due = renewal_due_on(self.to_local(paid_until - Duration::microseconds(1)).date(), spec.portal.long_renewal_lead);
            if due > horizon {
                continue;
            }
            let months = r.renewal_months.and_then(|m| u32::try_from(m).ok()).unwrap_or(1);
            let cost = units_to_decimal(crate::billing::paid_period::period_units(conn, spec, sub.id, months).await?);
            items.push(if r.saved_method_id.is_some() {
                ForecastItem::new(Decimal::ZERO, cost)?
            } else {
                ForecastItem::fixed(cost)?
            });
        }
        Ok(forecast(&items))
    }

    /// What the balance must hold now: the auto-renewals from the balance
    /// due today or tomorrow.
    async fn renewals_due_soon(&self, conn: &mut Conn, client: &ClientRow, day: NaiveDate) -> Result<Decimal> {
        let book = load_price_book(conn).await?;
        let mut total = Decimal::ZERO;
        for r in kopek_store::paid_period::renewing_of_client(conn, client.id).await? {
            let (Some(spec), Some(paid_until)) = (book.spec_on(r.service_id, day), r.paid_until) else { continue };
            if r.saved_method_id.is_some() || r.state != State::Active {
                continue;
            }
            let due = renewal_due_on(self.to_local(paid_until - Duration::microseconds(1)).date(), spec.portal.long_renewal_lead);
            if due <= day + Duration::days(1) {
                let months = r.renewal_months.and_then(|m| u32::try_from(m).ok()).unwrap_or(1);
                total += units_to_decimal(crate::billing::paid_period::period_units(conn, spec, r.id, months).await?);
            }
        }
        Ok(total)
    }
}

/// A balance-charged service's fee for a month: a daily fee times 30, a
/// quarterly or yearly one divided by its months.
fn monthly_fee(spec: &ServiceSpec) -> Decimal {
    match spec.fee.period.months() {
        0 => spec.fee.price * Decimal::from(FORECAST_DAYS),
        n => round_half_up(spec.fee.price / Decimal::from(n), 4),
    }
}
