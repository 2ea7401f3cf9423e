//! Payments by a method through its gateway (PMT-1, PMT-2, PMT-4, LED-3):
//! a payment is written (status new) before the gateway is asked, so a
//! crash between the two leaves a payment that a retry with the same
//! idempotency key completes; money is credited only under the client's
//! lock, once, whatever the gateway repeats.

use std::sync::Arc;

use kopek_domain::DomainError;
use kopek_domain::account::{PaymentStatus, Right};
use kopek_domain::money::units_to_decimal;
use kopek_store::ledger::{self as ledger_store, NewPayment, PaymentRow};
use kopek_store::payments::{self as store, Flow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::uow::Uow;
use crate::core::views::Payment;
use crate::ledger::entries::{allocate, lock_client, payment_view, reverse_payment_in};
use crate::payments::gateway::{CreatePayment, GatewayKind, GatewayStatus, PaymentGateway, RefundStatus, WebhookEvent};
use crate::payments::methods::{Method, Priced, price, usable_method};
use crate::payments::purpose::{MethodPaymentEnd, PaymentPurpose, SavedChoice, link_saved_method, saved_method_request};
use kopek_store::saved_methods as saved;

/// PMT-1: top up the balance by an amount, a method and a payer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartPayment {
    pub payer_id: i64,
    pub method_id: i64,
    /// In the method's currency, before commission.
    pub amount: Amount,
    /// Where the gateway sends the payer back.
    #[serde(default)]
    pub return_url: Option<String>,
    /// Ask the gateway to keep the card for later payments (PMT-6): the
    /// saved method is created now ("configuring") and works once the
    /// payment succeeds.
    #[serde(default)]
    pub save_method: bool,
    /// Pay with a saved method of the client (its method must be
    /// `method_id`); paying again with a method that stopped working is how
    /// the client makes it work again.
    #[serde(default)]
    pub saved_method_id: Option<i64>,
}

/// Pay by a method instead of the balance (PMT-2).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayByMethod {
    pub method_id: i64,
    pub payer_id: i64,
    #[serde(default)]
    pub save_method: bool,
    #[serde(default)]
    pub return_url: Option<String>,
}

impl PayByMethod {
    /// The payment of `units` of `currency` by this method.
    pub(crate) fn payment_of(self, units: i64, currency: &str) -> StartPayment {
        StartPayment {
            payer_id: self.payer_id,
            method_id: self.method_id,
            amount: payable(units, currency),
            return_url: self.return_url,
            save_method: self.save_method,
            saved_method_id: None,
        }
    }
}

/// A price kept to four places as a method pays it: in the currency's
/// minor units, rounded up, so what is paid always covers the price (the
/// fraction left over stays on the balance).
pub(crate) fn payable(units: i64, currency: &str) -> Amount {
    let digits = crate::core::views::minor(currency);
    Amount(units_to_decimal(units).round_dp_with_strategy(digits, rust_decimal::RoundingStrategy::AwayFromZero))
}

impl Engine {
    /// Starts a payment by a method: written as "new", then created at the
    /// gateway (none for a bank transfer, which waits for the money).
    pub async fn start_payment(&self, ctx: &Ctx, client_id: i64, req: StartPayment) -> Result<Payment> {
        ctx.actor.ensure_right(Right::Finance)?;
        self.start_payment_for(ctx, client_id, req, PaymentPurpose::TopUp).await
    }

    /// [`Engine::start_payment`] for a purpose: a top-up, a saved method's
    /// set-up, an auto-renewal or an autopayment.
    pub(crate) async fn start_payment_for(
        &self,
        ctx: &Ctx,
        client_id: i64,
        req: StartPayment,
        purpose: PaymentPurpose,
    ) -> Result<Payment> {
        ctx.actor.ensure_sees_client(client_id)?;
        let return_url = req.return_url.clone().unwrap_or_default();
        if return_url.len() > 2000 {
            return Err(DomainError::invalid("return_url", "at most 2000 characters").into());
        }
        if !return_url.is_empty() && !self.settings.is_own_url(&return_url) {
            return Err(DomainError::invalid("return_url", "a path of this site, or an address under its public URL").into());
        }
        let mut uow = self.begin(ctx).await?;
        if let Some(first) = uow.replay::<Payment, _>("start_payment", &(client_id, &req, &purpose)).await? {
            drop(uow);
            return self.resume_start(ctx, first.id, &req).await;
        }
        let client = lock_client(&mut uow.conn, client_id).await?;
        let (payer, method, priced) =
            self.checked_payment(&mut uow.conn, ctx, &client, req.payer_id, req.method_id, req.amount.0).await?;
        let row = ledger_store::insert_payment(
            &mut uow.conn,
            &NewPayment {
                client_id,
                method: &method.row.prefix,
                amount: priced.credited.to_units()?,
                currency: &client.currency,
                status: PaymentStatus::New,
                comment: "advance payment",
                created_at: uow.now,
                credited_at: None,
            },
        )
        .await?;
        let rate = priced.rate.map(|r| r.normalize().to_string());
        store::set_flow(
            &mut uow.conn,
            row.id,
            &Flow {
                payer_id: Some(payer.id),
                method_id: Some(method.row.id),
                gateway: Some(method.gateway.as_str()),
                paid_amount: Some(priced.quote.to_pay.to_units()?),
                paid_currency: Some(method.terms.currency.code()),
                commission: priced.quote.commission.to_units()?,
                rate: rate.as_deref(),
                cashback_of: None,
            },
            uow.now,
        )
        .await?;
        let link = link_saved_method(
            &mut uow,
            client_id,
            SavedChoice { saved_method_id: req.saved_method_id, save_method: req.save_method },
            payer.id,
            &method.row,
            &purpose,
        )
        .await?;
        saved::set_purpose(&mut uow.conn, row.id, &link).await?;
        if method.gateway == GatewayKind::BankTransfer {
            // DOC-1: the payer's bank pays by the invoice.
            crate::documents::invoices::invoice_with_transfer(&mut uow, &row, self.local_today()).await?;
        }
        uow.audit(
            "payment.start",
            "payment",
            row.id,
            Some(client_id),
            serde_json::json!({
                "number": row.number, "method": method.row.prefix, "to_pay": priced.quote.to_pay.amount.to_string(),
            }),
        )
        .await?;
        // The key's answer is the payment as written: a retry with the same
        // key finds it and completes what a crash or an outage left undone.
        let written = payment_view(&mut uow.conn, row.id).await?;
        uow.finish(written).await?;
        self.resume_start(ctx, row.id, &req).await
    }

    /// Asks the gateway for a payment still "new" (the same idempotency key
    /// each time, so the gateway creates it once) and answers its state.
    async fn resume_start(&self, ctx: &Ctx, id: i64, req: &StartPayment) -> Result<Payment> {
        let (pay, flow) = {
            let mut conn = self.store.conn().await?;
            let pay = ledger_store::payment(&mut conn, id).await?.ok_or_else(|| EngineError::not_found("payment", id))?;
            (pay, store::flow(&mut conn, id).await?.ok_or_else(|| EngineError::not_found("payment", id))?)
        };
        let kind = flow.gateway.as_deref().and_then(GatewayKind::parse);
        let waiting = pay.status == PaymentStatus::New && flow.external_id.is_none();
        if let (true, Some(kind)) = (waiting, kind.filter(|k| *k != GatewayKind::BankTransfer)) {
            let gateway =
                self.gateways.get(&kind).cloned().ok_or_else(|| {
                    EngineError::conflict("gateway_not_configured", format!("gateway {kind} is not configured"))
                })?;
            let number = number(&pay);
            let currency = flow.paid_currency.clone().unwrap_or_else(|| pay.currency.clone());
            // Stored to four places; the gateway takes the currency's own.
            let mut amount = units_to_decimal(flow.paid_amount.unwrap_or(pay.amount));
            amount.rescale(crate::core::views::minor(&currency));
            let (save_method, saved_method_token) = saved_method_request(&mut self.store.conn().await?, id).await?;
            let create = CreatePayment {
                payment_id: number.clone(),
                idempotency_key: format!("kopek-payment-{number}"),
                amount,
                currency,
                description: format!("Advance payment {number}"),
                return_url: self.settings.absolute_url(req.return_url.as_deref().unwrap_or_default()),
                save_method,
                saved_method_token,
            };
            self.create_at_gateway(ctx, gateway, id, &create).await?;
        }
        let mut conn = self.store.conn().await?;
        payment_view(&mut conn, id).await
    }

    /// Asks the gateway for the payment and records its answer; a refusal
    /// fails the payment, an outage leaves it new for a retry.
    async fn create_at_gateway(&self, ctx: &Ctx, gateway: Arc<dyn PaymentGateway>, id: i64, req: &CreatePayment) -> Result<()> {
        let answer = gateway.create(req).await;
        let mut uow = self.begin(ctx).await?;
        let pay = ledger_store::payment(&mut uow.conn, id).await?.ok_or_else(|| EngineError::not_found("payment", id))?;
        let client = lock_client(&mut uow.conn, pay.client_id).await?;
        match answer {
            Ok(created) => {
                store::set_external(
                    &mut uow.conn,
                    id,
                    &created.external_id,
                    created.confirmation_url.as_deref(),
                    PaymentStatus::Paying,
                    uow.now,
                )
                .await?;
                uow.audit(
                    "payment.gateway_created",
                    "payment",
                    id,
                    Some(pay.client_id),
                    serde_json::json!({ "external_id": created.external_id }),
                )
                .await?;
                uow.finish(()).await?;
                if created.status != GatewayStatus::Pending {
                    self.apply_gateway_event(gateway.kind(), &WebhookEvent::from_payment(created, Some(req.payment_id.clone())))
                        .await?;
                }
                Ok(())
            }
            Err(e) if e.is_retryable() => Err(EngineError::conflict(
                "gateway_unavailable",
                format!("the payment gateway did not answer ({e}); payment {} waits and may be paid again", req.payment_id),
            )),
            Err(e) => {
                store::mark_closed(&mut uow.conn, id, PaymentStatus::Failed, &e.to_string(), uow.now).await?;
                self.payment_ended(&mut uow, &client, id, MethodPaymentEnd::Failed(&e.to_string())).await?;
                uow.audit(
                    "payment.gateway_refused",
                    "payment",
                    id,
                    Some(pay.client_id),
                    serde_json::json!({ "reason": e.to_string() }),
                )
                .await?;
                uow.finish(()).await?;
                Err(EngineError::conflict(e.code(), e.to_string()))
            }
        }
    }

    /// Cancels a payment still waiting for money; the client's users may
    /// cancel their own.
    pub async fn cancel_payment(&self, ctx: &Ctx, payment_id: i64) -> Result<Payment> {
        ctx.actor.ensure_right(Right::Finance)?;
        let mut uow = self.begin(ctx).await?;
        let (pay, _) = locked_payment(&mut uow, payment_id).await?;
        ctx.actor.ensure_sees_client(pay.client_id).map_err(|_| EngineError::not_found("payment", payment_id))?;
        let from = pay.status;
        kopek_domain::payment_method::transition(from, PaymentStatus::Cancelled)?;
        store::mark_closed(&mut uow.conn, payment_id, PaymentStatus::Cancelled, "cancelled by the payer", uow.now).await?;
        uow.audit("payment.cancel", "payment", payment_id, Some(pay.client_id), serde_json::json!({ "number": number(&pay) }))
            .await?;
        let view = payment_view(&mut uow.conn, payment_id).await?;
        uow.finish(view).await
    }

    /// Refunds a credited payment (PMT-4, CHG-7): the gateway returns the
    /// money first, then a reversal takes it (and its cashback) off the
    /// balance and releases what it paid.
    pub async fn refund_payment(&self, ctx: &Ctx, payment_id: i64, reason: &str) -> Result<Payment> {
        ctx.actor.ensure_may_move_money()?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 1000 {
            return Err(DomainError::invalid("reason", "a refund needs a reason (1 to 1000 characters)").into());
        }
        let (pay, flow) = {
            let mut conn = self.store.conn().await?;
            let pay = ledger_store::payment(&mut conn, payment_id)
                .await?
                .ok_or_else(|| EngineError::not_found("payment", payment_id))?;
            (pay, store::flow(&mut conn, payment_id).await?.ok_or_else(|| EngineError::not_found("payment", payment_id))?)
        };
        if pay.status != PaymentStatus::Credited {
            return Err(EngineError::conflict(
                "not_reversible",
                format!("payment {} is {}, only credited payments are refunded", number(&pay), pay.status),
            ));
        }
        let kind = flow.gateway.as_deref().and_then(GatewayKind::parse);
        if let (Some(kind), Some(external)) = (kind.filter(|k| *k != GatewayKind::BankTransfer), flow.external_id.as_deref()) {
            let gateway =
                self.gateways.get(&kind).cloned().ok_or_else(|| {
                    EngineError::conflict("gateway_not_configured", format!("gateway {kind} is not configured"))
                })?;
            let amount = units_to_decimal(flow.paid_amount.unwrap_or(pay.amount));
            let refund = gateway
                .refund(external, amount, &format!("kopek-refund-{}", number(&pay)))
                .await
                .map_err(|e| EngineError::conflict(e.code(), e.to_string()))?;
            // The money is taken off the balance only once the gateway has
            // accepted to return it; a refused refund changes nothing.
            if refund.status == RefundStatus::Failed {
                return Err(EngineError::conflict(
                    "refund_failed",
                    format!("the gateway refused to refund payment {} (refund {})", number(&pay), refund.external_id),
                ));
            }
        }
        let mut uow = self.begin(ctx).await?;
        let (pay, client) = locked_payment(&mut uow, payment_id).await?;
        if pay.status != PaymentStatus::Credited {
            return payment_view(&mut uow.conn, payment_id).await;
        }
        reverse_payment_in(&mut uow, &client, payment_id, reason).await?;
        if let Some(cb) = kopek_store::payments::cashback_of(&mut uow.conn, payment_id).await? {
            reverse_payment_in(&mut uow, &client, cb, reason).await?;
        }
        allocate(&mut uow.conn, client.id, uow.now).await?;
        uow.audit("payment.refund", "payment", payment_id, Some(client.id), serde_json::json!({ "reason": reason })).await?;
        uow.emit("payment.refunded", &serde_json::json!({ "payment_id": payment_id, "client_id": client.id }), None).await?;
        let view = payment_view(&mut uow.conn, payment_id).await?;
        uow.finish(view).await
    }

    /// The gateway log for staff: one payment's events, or the latest.
    pub async fn gateway_events(&self, ctx: &Ctx, payment_id: Option<i64>) -> Result<Vec<store::EventRow>> {
        ctx.actor.ensure_staff("read the gateway log")?;
        let mut conn = self.store.conn().await?;
        Ok(store::events(&mut conn, payment_id, 500).await?)
    }
}

pub(crate) fn number(p: &PaymentRow) -> String {
    p.number.clone().unwrap_or_else(|| p.id.to_string())
}

/// The payment and its client, the client's row locked.
pub(crate) async fn locked_payment(uow: &mut Uow<'_>, payment_id: i64) -> Result<(PaymentRow, kopek_store::clients::ClientRow)> {
    let pay =
        ledger_store::payment(&mut uow.conn, payment_id).await?.ok_or_else(|| EngineError::not_found("payment", payment_id))?;
    let client = lock_client(&mut uow.conn, pay.client_id).await?;
    // Read again under the lock: a webhook may have moved it meanwhile.
    let pay =
        ledger_store::payment(&mut uow.conn, payment_id).await?.ok_or_else(|| EngineError::not_found("payment", payment_id))?;
    Ok((pay, client))
}

impl Engine {
    /// The payer and method of a payment of `amount` to `client`, each
    /// checked (the client's own payer, of a kind the method takes; an
    /// enabled method whose gateway is configured; the amount within its
    /// limits), and the amount priced by them.
    pub(crate) async fn checked_payment(
        &self,
        conn: &mut kopek_store::Conn,
        ctx: &Ctx,
        client: &kopek_store::clients::ClientRow,
        payer_id: i64,
        method_id: i64,
        amount: rust_decimal::Decimal,
    ) -> Result<(kopek_store::payers::PayerRow, Method, Priced)> {
        let payer = crate::payments::payers::visible(conn, ctx, payer_id).await?;
        if payer.client_id != client.id {
            return Err(EngineError::not_found("payer", payer_id));
        }
        // PAY-5: unpaid expenses in an act stay with that act's payer.
        let locked = kopek_store::documents::payer_locked_by_act(conn, client.id).await?;
        kopek_domain::payer::rules::check_payment_payer(payer.id, locked)?;
        let method = usable_method(conn, method_id).await?;
        if method.gateway != GatewayKind::BankTransfer && !self.gateways.contains_key(&method.gateway) {
            return Err(EngineError::conflict("gateway_not_configured", format!("gateway {} is not configured", method.gateway)));
        }
        let priced = price(conn, &method, payer.kind, &client.currency, amount, self.local_today()).await?;
        Ok((payer, method, priced))
    }
}
