//! Saved payment methods (PMT-6): a card or wallet kept at its gateway,
//! of which Kopek holds only the token. A method is created by a set-up
//! payment (or by "remember this method" when paying), works once that
//! payment succeeds, stops working when a payment by it fails and works
//! again when one succeeds. Deleting it switches auto-renewal off for every
//! service it paid for, and says which.

use chrono::{DateTime, Utc};
use kopek_domain::DomainError;
use kopek_domain::renewal::PaymentOutcome;
use kopek_store::Conn;
use kopek_store::saved_methods::{self as store, SavedMethodRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use kopek_domain::account::Right;

use crate::Engine;
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::uow::Uow;
use crate::core::views::Payment;
use crate::ledger::entries::lock_client;
use crate::payments::methods::usable_method;
use crate::payments::purpose::{PaymentPurpose, ensure_savable};
use crate::payments::start::StartPayment;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SavedMethod {
    pub id: i64,
    pub client_id: i64,
    pub payer_id: i64,
    pub method_id: i64,
    /// The payment method's name, e.g. "ЮKassa".
    pub method_name: String,
    pub gateway: String,
    /// The client's name for it, e.g. "Bank card *1111".
    pub name: String,
    /// enabled, configuring or not_working.
    pub status: String,
    /// "Включено", "Настраивается" or "Не работает".
    pub status_label: String,
    /// Auto-renewing services paid by it ("Кол-во").
    pub linked_services: i64,
    pub created_at: DateTime<Utc>,
}

/// The list of the "Способы оплаты" page: the saved methods, and the
/// balance's own line with the services it renews.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SavedMethods {
    pub methods: Vec<SavedMethod>,
    /// Auto-renewing services paid from the balance ("Лицевой счет").
    pub balance_linked_services: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSavedMethod {
    pub payer_id: i64,
    pub method_id: i64,
    /// Defaults to "<method name> #<id>".
    #[serde(default)]
    pub name: Option<String>,
    /// The set-up payment, credited to the balance; the method's minimum
    /// (or 1.00) when left out.
    #[serde(default)]
    pub amount: Option<Amount>,
    #[serde(default)]
    pub return_url: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reconfigure {
    #[serde(default)]
    pub amount: Option<Amount>,
    #[serde(default)]
    pub return_url: Option<String>,
}

/// A method being set up and the payment that sets it up: send the payer
/// to `payment.flow.confirmation_url`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SavedMethodSetup {
    pub saved_method: SavedMethod,
    pub payment: Payment,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameSavedMethod {
    pub name: String,
}

/// What deleting a method did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DeletedSavedMethod {
    pub id: i64,
    /// The subscriptions whose auto-renewal was switched off.
    pub auto_renew_switched_off: Vec<i64>,
    /// Whether the autopayment it paid was switched off.
    pub autopay_switched_off: bool,
}

impl Engine {
    pub async fn saved_methods(&self, ctx: &Ctx, client_id: i64) -> Result<SavedMethods> {
        ctx.actor.ensure_right(Right::Finance)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        let counts = store::linked_counts(&mut conn, client_id).await?;
        let count_of = |id: Option<i64>| counts.iter().find(|(m, _)| *m == id).map_or(0, |(_, n)| *n);
        let mut methods = Vec::new();
        for row in store::of_client(&mut conn, client_id).await? {
            let linked = count_of(Some(row.id));
            methods.push(view(&mut conn, &row, linked).await?);
        }
        Ok(SavedMethods { methods, balance_linked_services: count_of(None) })
    }

    pub async fn saved_method(&self, ctx: &Ctx, id: i64) -> Result<SavedMethod> {
        ctx.actor.ensure_right(Right::Finance)?;
        let mut conn = self.store.conn().await?;
        let row = visible(&mut conn, ctx, id).await?;
        let counts = store::linked_counts(&mut conn, row.client_id).await?;
        let linked = counts.iter().find(|(m, _)| *m == Some(id)).map_or(0, |(_, n)| *n);
        view(&mut conn, &row, linked).await
    }

    /// "Создать": a payment that asks the gateway to keep the card; the
    /// method is written "configuring" in the payment's own transaction, so
    /// a refused payment leaves no method and a retry with the same key
    /// finds the same one.
    pub async fn create_saved_method(&self, ctx: &Ctx, client_id: i64, req: NewSavedMethod) -> Result<SavedMethodSetup> {
        ctx.actor.ensure_right(Right::Finance)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let name = req.name.as_deref().map(checked_name).transpose()?;
        let amount = {
            let mut conn = self.store.conn().await?;
            let method = usable_method(&mut conn, req.method_id).await?;
            ensure_savable(method.gateway)?;
            req.amount.map(|a| a.0).or(method.terms.limits.min).unwrap_or(rust_decimal::Decimal::ONE)
        };
        let start = StartPayment {
            payer_id: req.payer_id,
            method_id: req.method_id,
            amount: Amount(amount),
            return_url: req.return_url,
            save_method: true,
            saved_method_id: None,
        };
        let payment = self.start_payment_for(ctx, client_id, start, PaymentPurpose::TopUp).await?;
        let saved_id = {
            let mut conn = self.store.conn().await?;
            store::purpose(&mut conn, payment.id).await?.and_then(|p| p.saved_method_id)
        };
        let saved_id = saved_id.ok_or_else(|| EngineError::Internal(format!("payment {} saved no method", payment.id)))?;
        let saved_method = match name {
            Some(name) => self.rename_saved_method(ctx, saved_id, RenameSavedMethod { name }).await?,
            None => self.saved_method(ctx, saved_id).await?,
        };
        Ok(SavedMethodSetup { saved_method, payment })
    }

    /// "Настроить повторно": a new set-up payment; the method is
    /// "configuring" until it is paid.
    pub async fn reconfigure_saved_method(&self, ctx: &Ctx, id: i64, req: Reconfigure) -> Result<SavedMethodSetup> {
        ctx.actor.ensure_right(Right::Finance)?;
        let (row, amount) = {
            let mut conn = self.store.conn().await?;
            let row = visible(&mut conn, ctx, id).await?;
            let method = usable_method(&mut conn, row.method_id).await?;
            let amount = req.amount.map(|a| a.0).or(method.terms.limits.min).unwrap_or(rust_decimal::Decimal::ONE);
            (row, amount)
        };
        let start = StartPayment {
            payer_id: row.payer_id,
            method_id: row.method_id,
            amount: Amount(amount),
            return_url: req.return_url,
            save_method: true,
            saved_method_id: None,
        };
        let payment = self.start_payment_for(ctx, row.client_id, start, PaymentPurpose::Setup { saved_method_id: id }).await?;
        if payment.status == "paying" || payment.status == "new" {
            let mut uow = self.begin(ctx).await?;
            lock_client(&mut uow.conn, row.client_id).await?;
            let status = row.status.reconfigure();
            store::set_status(&mut uow.conn, id, status, uow.now).await?;
            uow.audit(
                "saved_method.reconfigure",
                "saved_method",
                id,
                Some(row.client_id),
                serde_json::json!({ "payment_id": payment.id }),
            )
            .await?;
            uow.finish(()).await?;
        }
        let saved_method = self.saved_method(ctx, id).await?;
        Ok(SavedMethodSetup { saved_method, payment })
    }

    pub async fn rename_saved_method(&self, ctx: &Ctx, id: i64, req: RenameSavedMethod) -> Result<SavedMethod> {
        ctx.actor.ensure_right(Right::Finance)?;
        let name = checked_name(&req.name)?;
        let mut uow = self.begin(ctx).await?;
        let row = visible(&mut uow.conn, ctx, id).await?;
        store::rename(&mut uow.conn, id, &name, uow.now).await?;
        uow.audit(
            "saved_method.rename",
            "saved_method",
            id,
            Some(row.client_id),
            serde_json::json!({ "from": row.name, "to": name }),
        )
        .await?;
        uow.finish(()).await?;
        self.saved_method(ctx, id).await
    }

    /// Deletes a method: "После удаления сохраненного способа оплаты (ССО)
    /// автопродление будет отключено для всех привязанных к ССО услуг".
    pub async fn delete_saved_method(&self, ctx: &Ctx, id: i64) -> Result<DeletedSavedMethod> {
        ctx.actor.ensure_right(Right::Finance)?;
        {
            let mut conn = self.store.conn().await?;
            visible(&mut conn, ctx, id).await?;
        }
        // SEC-2: the card's owner proves it is still them with a fresh code.
        self.ensure_second_factor(ctx).await?;
        let mut uow = self.begin(ctx).await?;
        let row = visible(&mut uow.conn, ctx, id).await?;
        lock_client(&mut uow.conn, row.client_id).await?;
        let unlinked = store::unlink(&mut uow.conn, id).await?;
        let autopay = store::disable_autopay_of(&mut uow.conn, id, uow.now).await? > 0;
        store::mark_deleted(&mut uow.conn, id, uow.now).await?;
        let subs: Vec<i64> = unlinked.iter().map(|(s, _)| *s).collect();
        uow.audit(
            "saved_method.delete",
            "saved_method",
            id,
            Some(row.client_id),
            serde_json::json!({
                "auto_renew_switched_off": subs, "autopay_switched_off": autopay,
            }),
        )
        .await?;
        uow.finish(DeletedSavedMethod { id, auto_renew_switched_off: subs, autopay_switched_off: autopay }).await
    }

    pub(crate) async fn method_status_after(
        &self,
        uow: &mut Uow<'_>,
        id: i64,
        outcome: PaymentOutcome,
        token: Option<&str>,
    ) -> Result<()> {
        let Some(row) = store::get(&mut uow.conn, id).await? else { return Ok(()) };
        let next = row.status.after(outcome);
        match token {
            Some(token) if outcome == PaymentOutcome::Succeeded => {
                store::set_token(&mut uow.conn, id, token, next, uow.now).await?
            }
            // A success without any token leaves a method still unusable.
            _ if row.token.is_none() && outcome == PaymentOutcome::Succeeded => return Ok(()),
            _ => store::set_status(&mut uow.conn, id, next, uow.now).await?,
        }
        if row.status != next {
            uow.audit(
                "saved_method.status",
                "saved_method",
                id,
                Some(row.client_id),
                serde_json::json!({
                    "from": row.status, "to": next.as_str(),
                }),
            )
            .await?;
        }
        Ok(())
    }
}

/// A method the actor may see, not deleted.
pub(crate) async fn visible(conn: &mut Conn, ctx: &Ctx, id: i64) -> Result<SavedMethodRow> {
    store::get(conn, id)
        .await?
        .filter(|r| r.deleted_at.is_none() && ctx.actor.ensure_sees_client(r.client_id).is_ok())
        .ok_or_else(|| EngineError::not_found("saved_method", id))
}

fn checked_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(DomainError::invalid("name", "1 to 100 characters").into());
    }
    Ok(name.to_string())
}

async fn view(conn: &mut Conn, row: &SavedMethodRow, linked: i64) -> Result<SavedMethod> {
    let method = kopek_store::payment_methods::get(conn, row.method_id).await?;
    let status = row.status;
    Ok(SavedMethod {
        id: row.id,
        client_id: row.client_id,
        payer_id: row.payer_id,
        method_id: row.method_id,
        method_name: method.as_ref().map(|m| m.name.clone()).unwrap_or_default(),
        gateway: method.map(|m| m.gateway).unwrap_or_default(),
        name: row.name.clone(),
        status: status.as_str().to_string(),
        status_label: status.label_ru().to_string(),
        linked_services: linked,
        created_at: row.created_at,
    })
}
