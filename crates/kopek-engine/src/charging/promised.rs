//! Promised payments (CHG-4): a client whose balance ran out takes money
//! on trust, up to the limit of the catalog's promised-payment service, for
//! its lifetime in days. It is credited as a payment (method `promised`),
//! which lifts the blocks; the next real payment repays it, and if none
//! comes in time it expires. Either way the promised payment is reversed,
//! so the ledger shows exactly what was lent and when it came back.

use chrono::Duration;
use kopek_domain::account::{PromisedStatus, Right};
use kopek_domain::catalog::ServiceKind;
use kopek_domain::money::{decimal_to_units, parse_payment_amount};
use kopek_store::clients;
use kopek_store::subscriptions as subs;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::catalog::portal::{Offer, may_acquire};
use crate::catalog::services::load_price_book;
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::views::{self, currency_of};
use crate::ledger::entries::{allocate, credit_in, reverse_payment_in};

pub const PROMISED_METHOD: &str = "promised";

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromiseInput {
    pub amount: Amount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Promised {
    pub id: i64,
    pub payment_id: i64,
    pub amount: Amount,
    pub taken_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// open, repaid or expired.
    pub status: String,
}

fn view(r: &subs::PromisedRow) -> Promised {
    Promised {
        id: r.id,
        payment_id: r.payment_id,
        amount: Amount::from_units(r.amount, 2),
        taken_at: r.taken_at,
        expires_at: r.expires_at,
        status: r.status.to_string(),
    }
}

impl Engine {
    /// The client takes a promised payment (CHG-4).
    pub async fn take_promised_payment(&self, ctx: &Ctx, client_id: i64, input: PromiseInput) -> Result<Promised> {
        ctx.actor.ensure_right(Right::Finance)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut uow = self.begin(ctx).await?;
        if let Some(done) = uow.replay("promised_payment", &(client_id, &input)).await? {
            return Ok(done);
        }
        let client = clients::lock(&mut uow.conn, client_id).await?.ok_or_else(|| EngineError::not_found("client", client_id))?;
        let book = load_price_book(&mut uow.conn).await?;
        let today = self.local_today();
        let mut terms = None;
        for row in kopek_store::catalog::services(&mut uow.conn).await?.into_iter().filter(|s| !s.archived) {
            let Some(spec) = book.spec_on(row.id, today).filter(|s| s.main.kind == ServiceKind::PromisedPayment) else {
                continue;
            };
            if may_acquire(&mut uow.conn, &ctx.actor, client_id, &Offer::Service { id: row.id, spec }).await? {
                terms = Some(spec.clone());
                break;
            }
        }
        let terms =
            terms.ok_or_else(|| EngineError::conflict("no_promised_payment", "the provider offers no promised payment"))?;
        let money = parse_payment_amount(input.amount.0, currency_of(&client.currency)?)?;
        if money.amount > terms.fee.price {
            return Err(EngineError::invalid(
                "over_promised_limit",
                format!("a promised payment is at most {}", terms.fee.price),
            ));
        }
        if subs::open_promised(&mut uow.conn, client_id).await?.is_some() {
            return Err(EngineError::conflict("promised_payment_open", "the client has a promised payment open already"));
        }
        let days = i64::from(terms.lifetime.days.unwrap_or(3).max(1));
        let payment = credit_in(&mut uow, &client, PROMISED_METHOD, money, "promised payment").await?;
        let expires_at = uow.now + Duration::days(days);
        let id =
            subs::insert_promised(&mut uow.conn, client_id, payment.id, decimal_to_units(money.amount)?, uow.now, expires_at)
                .await?;
        self.money_in(&mut uow, client_id, payment.id).await?;
        uow.audit(
            "promised_payment.take",
            "promised_payment",
            id,
            Some(client_id),
            serde_json::json!({
                "amount": money.amount.to_string(), "expires_at": expires_at,
            }),
        )
        .await?;
        let row = subs::promised_of(&mut uow.conn, client_id).await?.into_iter().find(|p| p.id == id).expect("just taken");
        uow.finish(view(&row)).await
    }

    pub async fn promised_payments(&self, ctx: &Ctx, client_id: i64) -> Result<Vec<Promised>> {
        ctx.actor.ensure_right(Right::Finance)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        Ok(subs::promised_of(&mut conn, client_id).await?.iter().map(view).collect())
    }

    /// Expires promised payments whose time ran out; the run then applies
    /// the thresholds again. Returns how many expired.
    pub async fn expire_promised_payments(&self, ctx: &Ctx) -> Result<usize> {
        let clients_due = {
            let mut conn = self.store.conn().await?;
            subs::expired_promised(&mut conn, self.now()).await?
        };
        for client_id in &clients_due {
            let mut uow = self.begin(ctx).await?;
            let client =
                clients::lock(&mut uow.conn, *client_id).await?.ok_or_else(|| EngineError::not_found("client", client_id))?;
            let Some(open) = subs::open_promised(&mut uow.conn, *client_id).await?.filter(|p| p.expires_at <= uow.now) else {
                continue;
            };
            reverse_payment_in(&mut uow, &client, open.payment_id, "promised payment expired").await?;
            subs::close_promised(&mut uow.conn, open.id, PromisedStatus::Expired, uow.now).await?;
            allocate(&mut uow.conn, *client_id, uow.now).await?;
            let book = load_price_book(&mut uow.conn).await?;
            let now = self.to_local(uow.now);
            self.charge_client(&mut uow, &book, *client_id, now.date(), Some(now)).await?;
            uow.audit(
                "promised_payment.expire",
                "promised_payment",
                open.id,
                Some(*client_id),
                serde_json::json!({
                    "amount": Amount::from_units(open.amount, views::minor(&client.currency)),
                }),
            )
            .await?;
            uow.finish(()).await?;
        }
        Ok(clients_due.len())
    }
}
