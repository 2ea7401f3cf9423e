//! Saved payment methods (PMT-6): a card or wallet kept at its gateway,
//! of which Kopek holds only the token. A method is created by a set-up
//! payment (or by "remember this method" when paying), works once that
//! payment succeeds, stops working when a payment by it fails and works
//! again when one succeeds. Deleting it switches auto-renewal off for every
//! service it paid for, and says which.

use chrono::{DateTime, Utc};
use kopek_domain::DomainError;
use kopek_domain::renewal::{PaymentOutcome, SavedMethodStatus};
use kopek_store::Conn;
use kopek_store::clients::ClientRow;
use kopek_store::payment_methods::MethodRow;
use kopek_store::saved_methods::{self as store, PurposeRow, SavedMethodRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::uow::Uow;
use crate::core::views::Payment;
use crate::ledger::entries::lock_client;
use crate::payments::gateway::GatewayKind;
use crate::payments::methods::usable_method;
use crate::payments::start::StartPayment;

/// Why a payment by a method is made; kept with the payment so that its
/// webhook does what the payment was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "purpose")]
pub(crate) enum PaymentPurpose {
    TopUp,
    /// The set-up payment of a saved method ("Создать" or "Настроить
    /// повторно").
    Setup {
        saved_method_id: i64,
    },
    /// An auto-renewal paid by the subscription's saved method (PMT-7).
    Renewal {
        subscription_id: i64,
        saved_method_id: i64,
    },
    /// A top-up when the balance runs low (PMT-5).
    Autopay {
        saved_method_id: i64,
    },
    /// An order paid directly by a method (PMT-2, ORD-5).
    Order {
        order_id: i64,
    },
}

impl PaymentPurpose {
    fn code(self) -> &'static str {
        match self {
            PaymentPurpose::TopUp => "top_up",
            PaymentPurpose::Setup { .. } => "method_setup",
            PaymentPurpose::Renewal { .. } => "renewal",
            PaymentPurpose::Autopay { .. } => "autopay",
            PaymentPurpose::Order { .. } => "order",
        }
    }
}

/// How a payment by a method ended.
#[derive(Debug, Clone, Copy)]
pub(crate) enum MethodPaymentEnd<'a> {
    /// Credited; the gateway's token for the method, when it sent one.
    Succeeded(Option<&'a str>),
    Failed(&'a str),
    /// Cancelled by the payer or the gateway: a failure for a payment made
    /// without the payer, no news about the card for a set-up.
    Cancelled(&'a str),
    /// One attempt refused while the payment stays open: a failure of the
    /// kept card it was charged to (no payer is there to try another for a
    /// renewal or an autopayment), no news yet about a card being entered.
    Declined(&'a str),
}

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
            let status = parse_status(&row.status)?.reconfigure();
            store::set_status(&mut uow.conn, id, status.as_str(), uow.now).await?;
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

    /// What a payment by a method means for the method ("Статусы
    /// обновляются при оплате") and for what it paid.
    pub(crate) async fn after_method_payment(
        &self,
        uow: &mut Uow<'_>,
        client: &ClientRow,
        payment_id: i64,
        end: MethodPaymentEnd<'_>,
    ) -> Result<()> {
        let Some(link) = store::purpose(&mut uow.conn, payment_id).await? else { return Ok(()) };
        let unattended = matches!(link.purpose.as_str(), "renewal" | "autopay");
        let by_kept_card = match end {
            MethodPaymentEnd::Declined(_) => saved_method_request(&mut uow.conn, payment_id).await?.1.is_some(),
            _ => false,
        };
        let outcome = match end {
            MethodPaymentEnd::Succeeded(_) => Some(PaymentOutcome::Succeeded),
            MethodPaymentEnd::Failed(_) => Some(PaymentOutcome::Failed),
            MethodPaymentEnd::Cancelled(_) if unattended => Some(PaymentOutcome::Failed),
            MethodPaymentEnd::Cancelled(_) => None,
            MethodPaymentEnd::Declined(_) if unattended || by_kept_card => Some(PaymentOutcome::Failed),
            MethodPaymentEnd::Declined(_) => None,
        };
        if let (Some(id), Some(outcome)) = (link.saved_method_id, outcome) {
            let token = match end {
                MethodPaymentEnd::Succeeded(t) => t,
                _ => None,
            };
            self.method_status_after(uow, id, outcome, token).await?;
        }
        let reason = match end {
            MethodPaymentEnd::Failed(r) | MethodPaymentEnd::Cancelled(r) | MethodPaymentEnd::Declined(r) => r,
            MethodPaymentEnd::Succeeded(_) => "",
        };
        match (link.purpose.as_str(), link.subscription_id, outcome) {
            ("renewal", Some(sub), Some(PaymentOutcome::Succeeded)) => self.renewal_paid(uow, client, sub, payment_id).await,
            ("renewal", Some(sub), Some(PaymentOutcome::Failed)) => {
                self.renewal_failed(uow, client, sub, Some(payment_id), reason).await
            }
            ("order", _, Some(PaymentOutcome::Succeeded)) => match link.order_id {
                Some(order) => self.order_paid(uow, client, order).await,
                None => Ok(()),
            },
            ("autopay", _, Some(PaymentOutcome::Failed)) => {
                let data = serde_json::json!({ "payment_id": payment_id, "reason": reason });
                crate::core::notify::notify_client(uow, client.id, "autopay.payment_failed", data, &payment_id.to_string()).await
            }
            _ => Ok(()),
        }
    }

    async fn method_status_after(&self, uow: &mut Uow<'_>, id: i64, outcome: PaymentOutcome, token: Option<&str>) -> Result<()> {
        let Some(row) = store::get(&mut uow.conn, id).await? else { return Ok(()) };
        let next = parse_status(&row.status)?.after(outcome);
        match token {
            Some(token) if outcome == PaymentOutcome::Succeeded => {
                store::set_token(&mut uow.conn, id, token, next.as_str(), uow.now).await?
            }
            // A success without any token leaves a method still unusable.
            _ if row.token.is_none() && outcome == PaymentOutcome::Succeeded => return Ok(()),
            _ => store::set_status(&mut uow.conn, id, next.as_str(), uow.now).await?,
        }
        if row.status != next.as_str() {
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

/// Binds a payment being started to its saved method: the one it pays by,
/// the one it sets up, or a new one for "remember this method".
pub(crate) async fn link_saved_method(
    uow: &mut Uow<'_>,
    client_id: i64,
    req: &StartPayment,
    payer_id: i64,
    method: &MethodRow,
    purpose: &PaymentPurpose,
) -> Result<PurposeRow> {
    let (saved_method_id, subscription_id, order_id) = match *purpose {
        PaymentPurpose::TopUp => (top_up_method(uow, client_id, req, payer_id, method).await?, None, None),
        PaymentPurpose::Order { order_id } => (top_up_method(uow, client_id, req, payer_id, method).await?, None, Some(order_id)),
        PaymentPurpose::Setup { saved_method_id } | PaymentPurpose::Autopay { saved_method_id } => {
            (Some(saved_method_id), None, None)
        }
        PaymentPurpose::Renewal { subscription_id, saved_method_id } => (Some(saved_method_id), Some(subscription_id), None),
    };
    Ok(PurposeRow { purpose: purpose.code().to_string(), saved_method_id, subscription_id, order_id })
}

async fn top_up_method(
    uow: &mut Uow<'_>,
    client_id: i64,
    req: &StartPayment,
    payer_id: i64,
    method: &MethodRow,
) -> Result<Option<i64>> {
    if let Some(id) = req.saved_method_id {
        let row = store::get(&mut uow.conn, id).await?.filter(|r| r.client_id == client_id && r.deleted_at.is_none());
        let row = row.ok_or_else(|| EngineError::not_found("saved_method", id))?;
        if row.method_id != method.id {
            return Err(
                DomainError::invalid("saved_method_id", format!("saved method {id} belongs to another payment method")).into()
            );
        }
        if row.token.is_none() {
            return Err(EngineError::conflict("method_not_set_up", format!("saved method {id} is still being set up")));
        }
        return Ok(Some(id));
    }
    if !req.save_method {
        return Ok(None);
    }
    ensure_savable(GatewayKind::parse(&method.gateway).unwrap_or(GatewayKind::BankTransfer))?;
    let row = store::insert(&mut uow.conn, client_id, payer_id, method.id, "", SavedMethodStatus::Configuring.as_str(), uow.now)
        .await?;
    store::rename(&mut uow.conn, row.id, &format!("{} #{}", method.name, row.id), uow.now).await?;
    Ok(Some(row.id))
}

/// What the gateway is asked about the payment's saved method: keep the
/// card (a set-up), or pay by the kept one.
pub(crate) async fn saved_method_request(conn: &mut Conn, payment_id: i64) -> Result<(bool, Option<String>)> {
    let Some(link) = store::purpose(conn, payment_id).await? else { return Ok((false, None)) };
    let Some(id) = link.saved_method_id else { return Ok((false, None)) };
    let row = store::get(conn, id).await?.ok_or_else(|| EngineError::not_found("saved_method", id))?;
    Ok(match row.token {
        Some(token) if link.purpose != "method_setup" => (false, Some(token)),
        _ => (true, None),
    })
}

/// A method the actor may see, not deleted.
pub(crate) async fn visible(conn: &mut Conn, ctx: &Ctx, id: i64) -> Result<SavedMethodRow> {
    store::get(conn, id)
        .await?
        .filter(|r| r.deleted_at.is_none() && ctx.actor.ensure_sees_client(r.client_id).is_ok())
        .ok_or_else(|| EngineError::not_found("saved_method", id))
}

fn ensure_savable(gateway: GatewayKind) -> Result<()> {
    if gateway == GatewayKind::BankTransfer {
        return Err(EngineError::conflict(
            "method_not_savable",
            "a bank transfer can't be saved: only cards and wallets at a gateway",
        ));
    }
    Ok(())
}

fn checked_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(DomainError::invalid("name", "1 to 100 characters").into());
    }
    Ok(name.to_string())
}

fn parse_status(s: &str) -> Result<SavedMethodStatus> {
    SavedMethodStatus::parse(s).ok_or_else(|| EngineError::Internal(format!("saved method status {s}")))
}

async fn view(conn: &mut Conn, row: &SavedMethodRow, linked: i64) -> Result<SavedMethod> {
    let method = kopek_store::payment_methods::get(conn, row.method_id).await?;
    let status = parse_status(&row.status)?;
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
