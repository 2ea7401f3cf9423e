//! Auto-renewal of paid-period subscriptions (PMT-7): one day before the
//! paid time ends (60 days for products marked like domains and SSL
//! certificates) the nightly run renews the subscription for its renewal
//! period, from the balance or from its saved method. A failure makes the
//! method "not working", tells the client's users, and is tried again the
//! next day once the method works. A blocked credit limit holds renewals
//! from the balance until the invoice is paid (CRD-2, CRD-4).
//!
//! Each subscription is tried at most once a day (a row per subscription and
//! day), so a second run of the night charges nothing twice; a renewal paid
//! by a method is completed by that payment's webhook.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use kopek_domain::catalog::ServiceSpec;
use kopek_domain::credit::CreditStatus;
use kopek_domain::product::{ProductSpec, ProductType};
use kopek_domain::renewal::{RENEWAL_FAILED_NOTICE, RenewalDecision, RenewalSource, renewal_decision, renewal_due_on};
use kopek_store::clients::ClientRow;
use kopek_store::paid_period::{self as store, RenewalRow};
use kopek_store::saved_methods as saved;
use kopek_store::subscriptions as subs;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use kopek_domain::account::Right;

use crate::Engine;
use crate::billing::paid_period::renewal_method;
use crate::catalog::services::load_price_book;
use crate::charging::state::{State, SubscriptionStyle};
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::notify::notify_client;
use crate::core::uow::Uow;
use crate::ledger::entries::lock_client;
use crate::ledger::funds::covers;
use crate::payments::purpose::PaymentPurpose;
use crate::payments::start::{StartPayment, payable};

/// Why a renewal waits: the client's credit limit is blocked.
const HELD_BY_CREDIT: &str = "credit_blocked";

/// What one night's auto-renewal did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RenewalReport {
    /// Renewed from the balance.
    pub renewed: usize,
    /// Payments started by saved methods (renewed when they succeed).
    pub payments_started: usize,
    pub failed: usize,
    /// Held by a blocked credit limit.
    pub held: usize,
}

/// A line of "Финансы — Автопродление услуг".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AutoRenewal {
    pub subscription_id: i64,
    /// "Наименование услуги".
    pub service_name: String,
    /// "Тип продукта": a product's type (`virtual_server`, `domain`,
    /// `ssl_certificate`…); a service of the catalog that is not a product
    /// is `isp_service`, a service of the ISP catalog sold in the portal.
    pub product_type: String,
    /// The type as the portal shows it: "Виртуальный сервер", "Услуги связи"…
    pub product_type_label: String,
    /// "Стоимость": the renewal period's price.
    pub cost: Amount,
    /// "Следующая дата": the day the renewal is tried.
    pub next_renewal_on: NaiveDate,
    pub paid_until: Option<DateTime<Utc>>,
    /// "Период", in months.
    pub period_months: i64,
    /// "Способ оплаты": none is the balance ("Лицевой счет").
    pub saved_method_id: Option<i64>,
    pub method_name: String,
    /// "Статус услуги".
    pub state: String,
    pub renewal_failed_on: Option<NaiveDate>,
    /// Why it waits, e.g. "credit_blocked".
    pub renewal_held: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewalMethod {
    /// A saved method of the client; none renews from the balance.
    #[serde(default)]
    pub saved_method_id: Option<i64>,
}

/// A subscription's paid time ends during this local day.
fn expires_on(engine: &Engine, paid_until: DateTime<Utc>) -> NaiveDate {
    engine.to_local(paid_until - Duration::microseconds(1)).date()
}

impl Engine {
    /// The night's auto-renewals for `day` (provider time).
    pub async fn run_auto_renewals(&self, ctx: &Ctx, day: NaiveDate) -> Result<RenewalReport> {
        let horizon = day + Duration::days(kopek_domain::renewal::LONG_RENEWAL_LEAD_DAYS + 2);
        let (rows, book) = {
            let mut conn = self.store.conn().await?;
            let until = self.to_utc(horizon.and_time(NaiveTime::MIN));
            (store::renewing_before(&mut conn, until).await?, load_price_book(&mut conn).await?)
        };
        let mut report = RenewalReport::default();
        for row in rows {
            let (Some(paid_until), Some(spec)) = (row.paid_until, book.spec_on(row.service_id, day)) else { continue };
            if day < renewal_due_on(expires_on(self, paid_until), spec.portal.long_renewal_lead) {
                continue;
            }
            self.auto_renew_one(ctx, row.id, day, spec, &mut report).await?;
        }
        Ok(report)
    }

    async fn auto_renew_one(
        &self,
        ctx: &Ctx,
        id: i64,
        day: NaiveDate,
        spec: &ServiceSpec,
        report: &mut RenewalReport,
    ) -> Result<()> {
        let mut uow = self.begin(ctx).await?;
        let client_id = store::renewal(&mut uow.conn, id)
            .await?
            .map(|r| r.client_id)
            .ok_or_else(|| EngineError::not_found("subscription", id))?;
        let client = lock_client(&mut uow.conn, client_id).await?;
        let Some(row) = store::renewal(&mut uow.conn, id).await?.filter(|r| r.auto_renew && r.state == State::Active) else {
            return Ok(());
        };
        let Some(paid_until) = row.paid_until else { return Ok(()) };
        let method = match row.saved_method_id {
            Some(m) => saved::get(&mut uow.conn, m).await?,
            None => None,
        };
        let source = match &method {
            Some(m) => RenewalSource::SavedMethod(m.status),
            None => RenewalSource::Balance,
        };
        let credit = if client.credit_blocked { CreditStatus::Blocked } else { CreditStatus::Normal };
        let decision = renewal_decision(
            day,
            expires_on(self, paid_until),
            spec.portal.long_renewal_lead,
            source,
            row.renewal_failed_on,
            credit,
        );
        match decision {
            RenewalDecision::CreditBlocked => {
                if row.renewal_held.as_deref() != Some(HELD_BY_CREDIT) {
                    store::set_renewal_outcome(&mut uow.conn, id, row.renewal_failed_on, Some(HELD_BY_CREDIT)).await?;
                    uow.audit(
                        "subscription.renewal_held",
                        "subscription",
                        id,
                        Some(client.id),
                        serde_json::json!({ "reason": HELD_BY_CREDIT }),
                    )
                    .await?;
                    uow.finish(()).await?;
                    report.held += 1;
                }
                Ok(())
            }
            RenewalDecision::Attempt => {
                let source_code = if method.is_some() { "saved_method" } else { "balance" };
                let fresh = store::claim_attempt(&mut uow.conn, id, day, client.id, source_code, uow.now).await?;
                match method {
                    None if fresh => self.renew_from_balance(uow, &client, &row, spec, report).await,
                    Some(m) => {
                        // A second run resumes the day's payment under the same key.
                        uow.audit(
                            "subscription.renewal_attempt",
                            "subscription",
                            id,
                            Some(client.id),
                            serde_json::json!({
                                "saved_method_id": m.id, "day": day,
                            }),
                        )
                        .await?;
                        uow.finish(()).await?;
                        self.auto_renew_by_saved_method(&row, &m, spec, day, report).await
                    }
                    None => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }

    async fn renew_from_balance(
        &self,
        mut uow: Uow<'_>,
        client: &ClientRow,
        row: &RenewalRow,
        spec: &ServiceSpec,
        report: &mut RenewalReport,
    ) -> Result<()> {
        let sub = subs::get(&mut uow.conn, row.id).await?.ok_or_else(|| EngineError::not_found("subscription", row.id))?;
        let cost = renewal_units(&mut uow.conn, spec, row).await?;
        if !covers(client, cost) {
            self.renewal_failed(&mut uow, client, row.id, None, "not enough money on the balance").await?;
            uow.audit(
                "subscription.auto_renew_failed",
                "subscription",
                row.id,
                Some(client.id),
                serde_json::json!({ "from": "balance" }),
            )
            .await?;
            report.failed += 1;
        } else {
            let (start, end, months) = self.renew_in(&mut uow, client, &sub, None, true, "auto-renewed").await?;
            store::set_renewal_outcome(&mut uow.conn, row.id, None, None).await?;
            store::finish_pending_attempts(&mut uow.conn, row.id, "renewed", "", None, uow.now).await?;
            uow.audit(
                "subscription.auto_renew",
                "subscription",
                row.id,
                Some(client.id),
                serde_json::json!({
                    "from": "balance", "months": months, "start": start, "paid_until": end,
                }),
            )
            .await?;
            report.renewed += 1;
        }
        uow.finish(()).await?;
        Ok(())
    }

    /// Pays the renewal by the saved method; its webhook renews. A payment
    /// refused at once is a failure like a declined card.
    async fn auto_renew_by_saved_method(
        &self,
        row: &RenewalRow,
        m: &saved::SavedMethodRow,
        spec: &ServiceSpec,
        day: NaiveDate,
        report: &mut RenewalReport,
    ) -> Result<()> {
        let units = renewal_units(&mut self.store.conn().await?, spec, row).await?;
        let req = StartPayment {
            payer_id: m.payer_id,
            method_id: m.method_id,
            amount: payable(units, &spec.fee.currency),
            return_url: None,
            save_method: false,
            saved_method_id: None,
        };
        let ctx = Ctx::system("auto-renewal").with_idempotency_key(Some(format!("renewal-{}-{day}", row.id)));
        let Some(renews_from) = row.paid_until else { return Ok(()) };
        let purpose = PaymentPurpose::AutoRenewal { subscription_id: row.id, saved_method_id: m.id, renews_from };
        match self.start_payment_for(&ctx, row.client_id, req, purpose).await {
            Ok(_) => report.payments_started += 1,
            Err(e) => {
                tracing::warn!(subscription = row.id, error = %e, "auto-renewal payment not started");
                let mut uow = self.begin(&ctx).await?;
                let client = lock_client(&mut uow.conn, row.client_id).await?;
                self.renewal_failed(&mut uow, &client, row.id, None, &e.to_string()).await?;
                uow.audit(
                    "subscription.auto_renew_failed",
                    "subscription",
                    row.id,
                    Some(client.id),
                    serde_json::json!({
                        "from": "saved_method", "reason": e.to_string(),
                    }),
                )
                .await?;
                uow.finish(()).await?;
                report.failed += 1;
            }
        }
        Ok(())
    }

    /// The renewal payment by a saved method came in: pay the period with
    /// it, whatever the credit limit says.
    /// `chosen` are the months of a renewal the client paid by hand; none is
    /// an auto-renewal for the subscription's renewal period, extending the
    /// paid time that ended at `renews_from`. A service no longer renewable,
    /// or a period another attempt already renewed, keeps the money on the
    /// balance.
    pub(crate) async fn renewal_paid(
        &self,
        uow: &mut Uow<'_>,
        client: &ClientRow,
        sub_id: i64,
        payment_id: i64,
        chosen: Option<u32>,
        renews_from: Option<DateTime<Utc>>,
    ) -> Result<()> {
        let Some(sub) = subs::get(&mut uow.conn, sub_id).await? else { return Ok(()) };
        if !matches!(sub.state, State::Active | State::Expired) {
            return Ok(());
        }
        if chosen.is_none() && renews_from.is_some_and(|from| sub.paid_until != Some(from)) {
            return uow
                .audit(
                    "subscription.renewal_already_paid",
                    "subscription",
                    sub_id,
                    Some(client.id),
                    serde_json::json!({ "payment_id": payment_id, "renews_from": renews_from, "paid_until": sub.paid_until }),
                )
                .await;
        }
        let why = if chosen.is_some() { "renewed" } else { "auto-renewed" };
        let (start, end, months) = self.renew_in(uow, client, &sub, chosen, false, why).await?;
        store::set_renewal_outcome(&mut uow.conn, sub_id, None, None).await?;
        store::finish_pending_attempts(&mut uow.conn, sub_id, "renewed", "", Some(payment_id), uow.now).await?;
        let (action, from) =
            if chosen.is_some() { ("subscription.renew", "method") } else { ("subscription.auto_renew", "saved_method") };
        uow.audit(
            action,
            "subscription",
            sub_id,
            Some(client.id),
            serde_json::json!({
                "from": from, "payment_id": payment_id, "months": months, "start": start, "paid_until": end,
            }),
        )
        .await
    }

    /// A renewal failed: tried again tomorrow, and the client's users are
    /// told (PMT-7).
    pub(crate) async fn renewal_failed(
        &self,
        uow: &mut Uow<'_>,
        client: &ClientRow,
        sub_id: i64,
        payment_id: Option<i64>,
        reason: &str,
    ) -> Result<()> {
        let today = self.local_today();
        let held = store::renewal(&mut uow.conn, sub_id).await?.and_then(|r| r.renewal_held);
        store::set_renewal_outcome(&mut uow.conn, sub_id, Some(today), held.as_deref()).await?;
        store::finish_pending_attempts(&mut uow.conn, sub_id, "failed", reason, payment_id, uow.now).await?;
        let data = serde_json::json!({ "subscription_id": sub_id, "reason": reason, "retry_on": today + Duration::days(1) });
        notify_client(uow, client.id, RENEWAL_FAILED_NOTICE, data, &format!("{sub_id}-{today}")).await
    }

    /// CRD-4: once the overdue invoice is paid, the services held by the
    /// blocked limit renew from the balance (those already due), or simply
    /// wait for their day again.
    pub(crate) async fn release_credit_holds(&self, uow: &mut Uow<'_>, client: &ClientRow) -> Result<Vec<i64>> {
        let today = self.local_today();
        let book = load_price_book(&mut uow.conn).await?;
        let mut renewed = Vec::new();
        for id in store::held_by_credit(&mut uow.conn, client.id).await? {
            store::set_renewal_outcome(&mut uow.conn, id, None, None).await?;
            let (Some(sub), Some(row)) = (subs::get(&mut uow.conn, id).await?, store::renewal(&mut uow.conn, id).await?) else {
                continue;
            };
            let Some(spec) = book.spec_on(sub.service_id, today) else { continue };
            let due = row.paid_until.is_some_and(|p| today >= renewal_due_on(expires_on(self, p), spec.portal.long_renewal_lead));
            let renewable = matches!(sub.state, State::Active | State::Expired);
            if !row.auto_renew || row.saved_method_id.is_some() || !renewable || !due {
                continue;
            }
            let client = lock_client(&mut uow.conn, client.id).await?;
            if !covers(&client, renewal_units(&mut uow.conn, spec, &row).await?) {
                self.renewal_failed(uow, &client, id, None, "not enough money on the balance").await?;
                continue;
            }
            self.renew_in(uow, &client, &sub, None, true, "re-enabled after the credit invoice was paid").await?;
            renewed.push(id);
        }
        Ok(renewed)
    }

    /// "Финансы — Автопродление услуг": the client's auto-renewing services.
    pub async fn auto_renewals(&self, ctx: &Ctx, client_id: i64) -> Result<Vec<AutoRenewal>> {
        ctx.actor.ensure_right(Right::Finance)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        let client = crate::ledger::entries::existing_client(&mut conn, client_id).await?;
        let book = load_price_book(&mut conn).await?;
        let today = self.local_today();
        let mut out = Vec::new();
        for row in store::renewing_of_client(&mut conn, client_id).await? {
            let Some(spec) = book.spec_on(row.service_id, today) else { continue };
            let method_name = match row.saved_method_id {
                Some(m) => saved::get(&mut conn, m).await?.map(|m| m.name).unwrap_or_default(),
                None => "Лицевой счет".to_string(),
            };
            let product_type = product_type_of(&mut conn, row.id).await?;
            out.push(AutoRenewal {
                subscription_id: row.id,
                service_name: spec.main.name.clone(),
                product_type: serde_json::to_value(product_type)?.as_str().unwrap_or_default().to_string(),
                product_type_label: product_type.label_ru().to_string(),
                cost: Amount::from_units(
                    renewal_units(&mut conn, spec, &row).await?,
                    crate::core::views::minor(&client.currency),
                ),
                next_renewal_on: row
                    .paid_until
                    .map_or(today, |p| renewal_due_on(expires_on(self, p), spec.portal.long_renewal_lead)),
                paid_until: row.paid_until,
                period_months: row.renewal_months.unwrap_or(1),
                saved_method_id: row.saved_method_id,
                method_name,
                state: row.state.to_string(),
                renewal_failed_on: row.renewal_failed_on,
                renewal_held: row.renewal_held,
            });
        }
        Ok(out)
    }

    /// "Способ оплаты — Выбрать": the method a service renews from.
    pub async fn set_renewal_method(&self, ctx: &Ctx, subscription_id: i64, req: RenewalMethod) -> Result<AutoRenewal> {
        ctx.actor.ensure_right(Right::Finance)?;
        let mut uow = self.begin(ctx).await?;
        let sub = subs::get(&mut uow.conn, subscription_id).await?.filter(|s| ctx.actor.ensure_sees_client(s.client_id).is_ok());
        let sub = sub.ok_or_else(|| EngineError::not_found("subscription", subscription_id))?;
        let client = lock_client(&mut uow.conn, sub.client_id).await?;
        if sub.style != SubscriptionStyle::PaidPeriod {
            return Err(EngineError::conflict(
                "not_paid_period",
                format!("subscription {subscription_id} is charged from the balance"),
            ));
        }
        if !sub.auto_renew {
            return Err(EngineError::conflict(
                "auto_renew_off",
                format!("subscription {subscription_id} does not renew automatically"),
            ));
        }
        if let Some(m) = req.saved_method_id {
            renewal_method(&mut uow.conn, &client, m).await?;
        }
        store::set_saved_method(&mut uow.conn, subscription_id, req.saved_method_id).await?;
        uow.audit(
            "subscription.renewal_method",
            "subscription",
            subscription_id,
            Some(client.id),
            serde_json::json!({
                "saved_method_id": req.saved_method_id,
            }),
        )
        .await?;
        uow.finish(()).await?;
        let list = self.auto_renewals(ctx, client.id).await?;
        list.into_iter()
            .find(|a| a.subscription_id == subscription_id)
            .ok_or_else(|| EngineError::not_found("subscription", subscription_id))
    }
}

/// PMT-7's "Тип продукта" of a subscription: its product's type, or an
/// ISP service for a service of the catalog ordered as it is.
async fn product_type_of(conn: &mut kopek_store::Conn, sub_id: i64) -> Result<ProductType> {
    let product_id = kopek_store::service_life::life(conn, sub_id).await?.and_then(|l| l.product_id);
    let Some(product_id) = product_id else { return Ok(ProductType::IspService) };
    let product =
        kopek_store::products::get(conn, product_id).await?.ok_or_else(|| EngineError::not_found("product", product_id))?;
    Ok(serde_json::from_str::<ProductSpec>(&product.spec)?.product_type)
}

/// The renewal period's price, in units.
async fn renewal_units(conn: &mut kopek_store::Conn, spec: &ServiceSpec, row: &RenewalRow) -> Result<i64> {
    let months = row.renewal_months.and_then(|m| u32::try_from(m).ok()).unwrap_or(1);
    crate::billing::paid_period::period_units(conn, spec, row.id, months).await
}
