//! Gateways' webhooks (PMT-4): a notification is proven authentic by its
//! gateway, then applied once under the client's lock. Every authentic
//! delivery — applied, repeated or unknown — is recorded in the gateway log
//! with what it did and why; one its gateway does not vouch for goes to a
//! short log of its own.

use kopek_domain::account::PaymentStatus;
use kopek_domain::money::units_to_decimal;
use kopek_store::ledger::{self as ledger_store, PaymentRow};
use kopek_store::payments::{self as store, NewEvent};
use kopek_store::refused_webhooks;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::uow::Uow;
use crate::ledger::entries::lock_client;
use crate::payments::gateway::{GatewayError, GatewayKind, GatewayStatus, WebhookEvent, WebhookRequest};
use crate::payments::purpose::MethodPaymentEnd;

/// What one webhook delivery did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WebhookOutcome {
    /// credited, duplicate, declined, failed, cancelled, pending, ignored,
    /// unknown or refused.
    pub outcome: String,
    pub payment_id: Option<i64>,
    pub reason: String,
}

/// How many refused webhooks are kept: enough to see an attack or a
/// misconfigured gateway, never more, as anyone can send them (SEC-1).
pub const REFUSED_KEPT: i64 = 500;

/// A webhook refused because its gateway did not vouch for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RefusedWebhook {
    pub gateway: String,
    /// The sender's address, as the web layer trusted it.
    pub source: Option<String>,
    pub reason: String,
    pub received_at: chrono::DateTime<chrono::Utc>,
}

impl Engine {
    /// A gateway's webhook (PMT-4): proven authentic by the gateway, then
    /// applied once. A forged one changes nothing and is kept only in the
    /// short log of refused deliveries, without an audit record.
    pub async fn gateway_webhook(&self, kind: GatewayKind, req: &WebhookRequest<'_>) -> Result<WebhookOutcome> {
        let gateway = self.gateways.get(&kind).cloned().ok_or_else(|| EngineError::not_found("gateway", kind))?;
        match gateway.verify_webhook(req).await {
            Ok(event) => self.apply_gateway_event(kind, &event).await,
            Err(GatewayError::Ignored(why)) => self.log_event(kind, None, None, "ignored", &why).await,
            // Not a refusal: the gateway could not be asked; it sends again.
            Err(e) if e.is_retryable() => {
                self.log_event(kind, None, None, "unavailable", &e.to_string()).await?;
                Err(EngineError::conflict(e.code(), format!("{e}; deliver the notification again later")))
            }
            Err(e) => {
                let mut conn = self.store.conn().await?;
                let source = req.remote_ip.map(|ip| ip.to_string());
                let reason = e.to_string();
                refused_webhooks::record(&mut conn, kind.as_str(), source.as_deref(), &reason, self.now(), REFUSED_KEPT).await?;
                Err(EngineError::invalid(e.code(), reason))
            }
        }
    }

    /// The latest webhooks refused as unproven, newest first (staff).
    pub async fn refused_webhooks(&self, ctx: &Ctx) -> Result<Vec<RefusedWebhook>> {
        ctx.actor.ensure_staff("read the refused webhooks")?;
        let mut conn = self.store.conn().await?;
        Ok(refused_webhooks::latest(&mut conn, REFUSED_KEPT)
            .await?
            .into_iter()
            .map(|r| RefusedWebhook { gateway: r.gateway, source: r.source, reason: r.reason, received_at: r.received_at })
            .collect())
    }

    async fn log_event(
        &self,
        kind: GatewayKind,
        external_id: Option<&str>,
        payment_id: Option<i64>,
        outcome: &str,
        reason: &str,
    ) -> Result<WebhookOutcome> {
        let ctx = Ctx::system("gateway");
        let mut uow = self.begin(&ctx).await?;
        let event = NewEvent { gateway: kind.as_str(), external_id, payment_id, status: None, outcome, reason };
        record_event(&mut uow, &event, None).await?;
        uow.finish(WebhookOutcome { outcome: outcome.into(), payment_id, reason: reason.into() }).await
    }

    /// Moves a payment by what its gateway proved, under the client's lock.
    pub(crate) async fn apply_gateway_event(&self, kind: GatewayKind, event: &WebhookEvent) -> Result<WebhookOutcome> {
        let ctx = Ctx::system("gateway");
        let mut uow = self.begin(&ctx).await?;
        let found = match store::by_external(&mut uow.conn, kind.as_str(), &event.external_id).await? {
            Some(hit) => Some(hit),
            None => match &event.payment_id {
                Some(number) => store::by_number(&mut uow.conn, number).await?,
                None => None,
            },
        };
        let Some((id, client_id)) = found else {
            drop(uow);
            return self.log_event(kind, Some(&event.external_id), None, "unknown", "no payment has this id").await;
        };
        let client = lock_client(&mut uow.conn, client_id).await?;
        let pay = ledger_store::payment(&mut uow.conn, id).await?.ok_or_else(|| EngineError::not_found("payment", id))?;
        let flow = store::flow(&mut uow.conn, id).await?.ok_or_else(|| EngineError::not_found("payment", id))?;
        let (outcome, reason) = if flow.gateway.as_deref() != Some(kind.as_str())
            || flow.external_id.as_deref().is_some_and(|x| x != event.external_id)
        {
            ("refused", format!("payment {} belongs to another gateway payment", pay.number.clone().unwrap_or_default()))
        } else {
            self.move_by_event(&mut uow, &client, &pay, &flow, event).await?
        };
        let e = NewEvent {
            gateway: kind.as_str(),
            external_id: Some(&event.external_id),
            payment_id: Some(id),
            status: Some(event.status.as_str()),
            outcome,
            reason: &reason,
        };
        record_event(&mut uow, &e, Some(client_id)).await?;
        uow.finish(WebhookOutcome { outcome: outcome.into(), payment_id: Some(id), reason }).await
    }

    async fn move_by_event(
        &self,
        uow: &mut Uow<'_>,
        client: &kopek_store::clients::ClientRow,
        pay: &PaymentRow,
        flow: &store::FlowRow,
        event: &WebhookEvent,
    ) -> Result<(&'static str, String)> {
        let status = pay.status;
        let waiting = status.is_awaiting();
        // A proven success means the gateway holds the money, so it is
        // credited even where an earlier notice (or the payer, in Kopek)
        // closed the payment; only a payment credited once makes it a repeat.
        let creditable = status.can_become(PaymentStatus::Credited);
        let closed = creditable && !waiting;
        let reason = event.failure_reason.clone().unwrap_or_default();
        Ok(match event.status {
            GatewayStatus::Succeeded if creditable => {
                let expected = flow.paid_amount.map(units_to_decimal);
                if expected != Some(event.amount) || flow.paid_currency.as_deref() != Some(event.currency.as_str()) {
                    return Ok((
                        "refused",
                        format!(
                            "the gateway reports {} {}, the payment expects {} {}",
                            event.amount,
                            event.currency,
                            expected.unwrap_or_default(),
                            flow.paid_currency.clone().unwrap_or_default()
                        ),
                    ));
                }
                if flow.external_id.is_none() {
                    store::set_external(&mut uow.conn, pay.id, &event.external_id, None, PaymentStatus::Paying, uow.now).await?;
                }
                self.awaited_money_arrived(uow, client, pay, flow, event.method_token.as_deref()).await?;
                let note =
                    if closed { format!("the payment was {}; the gateway took the money", pay.status) } else { String::new() };
                ("credited", note)
            }
            GatewayStatus::Succeeded => ("duplicate", format!("payment is already {}", pay.status)),
            // The gateway keeps the payment open for the payer's next try:
            // it waits, with why this attempt was refused.
            GatewayStatus::Declined if waiting => {
                store::note_failure(&mut uow.conn, pay.id, &reason, uow.now).await?;
                self.payment_ended(uow, client, pay.id, MethodPaymentEnd::Declined(&reason)).await?;
                ("declined", reason)
            }
            GatewayStatus::Failed | GatewayStatus::Canceled if waiting => {
                let to = if event.status == GatewayStatus::Failed { PaymentStatus::Failed } else { PaymentStatus::Cancelled };
                store::mark_closed(&mut uow.conn, pay.id, to, &reason, uow.now).await?;
                let end = if to == PaymentStatus::Failed {
                    MethodPaymentEnd::Failed(&reason)
                } else {
                    MethodPaymentEnd::Cancelled(&reason)
                };
                self.payment_ended(uow, client, pay.id, end).await?;
                if to == PaymentStatus::Failed { ("failed", reason) } else { ("cancelled", reason) }
            }
            GatewayStatus::Pending | GatewayStatus::WaitingForCapture if waiting => ("pending", String::new()),
            _ => ("refused", format!("payment is {}; a later \"{}\" notice changes nothing", pay.status, event.status.as_str())),
        })
    }
}

/// Writes one line of the gateway log (a webhook, a statement line) and its
/// audit record: what arrived, what it did, and why.
pub(crate) async fn record_event(uow: &mut Uow<'_>, event: &NewEvent<'_>, client_id: Option<i64>) -> Result<()> {
    store::insert_event(&mut uow.conn, event, uow.now).await?;
    let (entity, id) = match event.payment_id {
        Some(p) => ("payment", p.to_string()),
        None => ("gateway", event.gateway.to_string()),
    };
    uow.audit(
        "gateway.event",
        entity,
        id,
        client_id,
        serde_json::json!({
            "gateway": event.gateway, "status": event.status, "outcome": event.outcome, "reason": event.reason,
        }),
    )
    .await
}
