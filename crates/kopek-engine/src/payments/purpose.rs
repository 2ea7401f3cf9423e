//! What a payment by a method is for (a top-up, a saved method's set-up,
//! an auto-renewal, an autopayment, an order), kept with the payment so
//! that the money arriving for it finishes what it was for; and the saved
//! method it pays by, sets up, or remembers.

use chrono::{DateTime, Utc};
use kopek_domain::DomainError;
use kopek_domain::account::PurposeKind;
use kopek_domain::renewal::SavedMethodStatus;
use kopek_store::Conn;
use kopek_store::payment_methods::MethodRow;
use kopek_store::saved_methods::{self as store, PurposeRow};
use serde::{Deserialize, Serialize};

use crate::core::error::{EngineError, Result};
use crate::core::uow::Uow;
use crate::payments::gateway::GatewayKind;

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
    AutoRenewal {
        subscription_id: i64,
        saved_method_id: i64,
        /// The end of the paid time it extends.
        renews_from: DateTime<Utc>,
    },
    /// A renewal for `months` the client pays now by a method (SVC-2).
    Renewal {
        subscription_id: i64,
        months: u32,
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
    fn kind(self) -> PurposeKind {
        match self {
            PaymentPurpose::TopUp => PurposeKind::TopUp,
            PaymentPurpose::Setup { .. } => PurposeKind::MethodSetup,
            PaymentPurpose::AutoRenewal { .. } | PaymentPurpose::Renewal { .. } => PurposeKind::Renewal,
            PaymentPurpose::Autopay { .. } => PurposeKind::Autopay,
            PaymentPurpose::Order { .. } => PurposeKind::Order,
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

/// The payer's choice about saved methods when a payment starts: pay by
/// one, or remember the one used now.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SavedChoice {
    pub saved_method_id: Option<i64>,
    pub save_method: bool,
}

/// Binds a payment being started to its saved method: the one it pays by,
/// the one it sets up, or a new one for "remember this method".
pub(crate) async fn link_saved_method(
    uow: &mut Uow<'_>,
    client_id: i64,
    by: SavedChoice,
    payer_id: i64,
    method: &MethodRow,
    purpose: &PaymentPurpose,
) -> Result<PurposeRow> {
    let mut row = PurposeRow {
        purpose: purpose.kind(),
        saved_method_id: None,
        subscription_id: None,
        order_id: None,
        renewal_months: None,
        renews_from: None,
    };
    match *purpose {
        PaymentPurpose::TopUp => row.saved_method_id = top_up_method(uow, client_id, by, payer_id, method).await?,
        PaymentPurpose::Order { order_id } => {
            row.saved_method_id = top_up_method(uow, client_id, by, payer_id, method).await?;
            row.order_id = Some(order_id);
        }
        PaymentPurpose::Setup { saved_method_id } | PaymentPurpose::Autopay { saved_method_id } => {
            row.saved_method_id = Some(saved_method_id);
        }
        PaymentPurpose::AutoRenewal { subscription_id, saved_method_id, renews_from } => {
            row.saved_method_id = Some(saved_method_id);
            row.subscription_id = Some(subscription_id);
            row.renews_from = Some(renews_from);
        }
        PaymentPurpose::Renewal { subscription_id, months } => {
            row.saved_method_id = top_up_method(uow, client_id, by, payer_id, method).await?;
            row.subscription_id = Some(subscription_id);
            row.renewal_months = Some(i64::from(months));
        }
    }
    Ok(row)
}

async fn top_up_method(
    uow: &mut Uow<'_>,
    client_id: i64,
    by: SavedChoice,
    payer_id: i64,
    method: &MethodRow,
) -> Result<Option<i64>> {
    if let Some(id) = by.saved_method_id {
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
    if !by.save_method {
        return Ok(None);
    }
    ensure_savable(GatewayKind::parse(&method.gateway).unwrap_or(GatewayKind::BankTransfer))?;
    let row = store::insert(&mut uow.conn, client_id, payer_id, method.id, "", SavedMethodStatus::Configuring, uow.now).await?;
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
        Some(token) if link.purpose != PurposeKind::MethodSetup => (false, Some(token)),
        _ => (true, None),
    })
}

pub(crate) fn ensure_savable(gateway: GatewayKind) -> Result<()> {
    if gateway == GatewayKind::BankTransfer {
        return Err(EngineError::conflict(
            "method_not_savable",
            "a bank transfer can't be saved: only cards and wallets at a gateway",
        ));
    }
    Ok(())
}
