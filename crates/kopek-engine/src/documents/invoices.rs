//! DOC-1: the invoice («Счёт на оплату») of a payment — issued with every
//! payment by bank transfer (the payer's bank needs it to pay) and on
//! request for any other payment. A top-up is an advance payment (PMT-1)
//! and says so. The purpose line carries the payment's number, which is
//! how a bank statement's line is matched back to it (PMT-4).

use kopek_domain::account::{PaymentStatus, Right};
use kopek_domain::document::{DocumentKind, InvoiceInput, InvoiceLineInput, LineSubject, SERVICE_UNIT};
use kopek_domain::money::units_to_decimal;
use kopek_domain::payer::PayerDetails;
use kopek_domain::tax::{VatMode, standard_rate_on};
use kopek_store::documents::{self as store, DocumentRow};
use kopek_store::ledger::PaymentRow;

use crate::Engine;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::uow::Uow;
use crate::documents::issue::{Issue, issue};
use crate::documents::provider::{Entity, entity};
use crate::documents::views::{IssuedDocument, issued};

impl Engine {
    /// The invoice of a payment, issued now if it has none yet. A payment
    /// without a payer (staff's manual credit) has no one to invoice.
    pub async fn payment_invoice(&self, ctx: &Ctx, payment_id: i64) -> Result<IssuedDocument> {
        ctx.actor.ensure_right(Right::Documents)?;
        let mut uow = self.begin(ctx).await?;
        let pay = kopek_store::ledger::payment(&mut uow.conn, payment_id)
            .await?
            .ok_or_else(|| EngineError::not_found("payment", payment_id))?;
        ctx.actor.ensure_sees_client(pay.client_id).map_err(|_| EngineError::not_found("payment", payment_id))?;
        let row = match store::invoice_of_payment(&mut uow.conn, payment_id).await? {
            Some(row) => {
                drop(uow);
                row
            }
            None => {
                let entity = entity(&mut uow.conn).await?;
                let row = issue_invoice(&mut uow, &entity, &pay, self.local_today()).await?;
                uow.audit(
                    "document.issue",
                    "document",
                    row.id,
                    Some(row.client_id),
                    serde_json::json!({
                        "kind": "invoice", "number": row.number, "payment_id": payment_id,
                    }),
                )
                .await?;
                uow.finish(()).await?;
                row
            }
        };
        let mut conn = self.store.conn().await?;
        issued(&mut conn, &row).await
    }
}

/// DOC-1 at a bank transfer's start: issued in the payment's own
/// transaction when the provider's details are set (without them the
/// invoice is issued on request once they are).
pub(crate) async fn invoice_with_transfer(uow: &mut Uow<'_>, pay: &PaymentRow, today: chrono::NaiveDate) -> Result<()> {
    if let Some(entity) = crate::documents::provider::find(&mut uow.conn).await? {
        issue_invoice(uow, &entity, pay, today).await?;
    }
    Ok(())
}

async fn issue_invoice(
    uow: &mut Uow<'_>,
    entity: &Entity,
    pay: &PaymentRow,
    issued_on: chrono::NaiveDate,
) -> Result<DocumentRow> {
    if matches!(pay.status, PaymentStatus::Failed | PaymentStatus::Cancelled) {
        return Err(EngineError::conflict("payment_not_invoiceable", "a failed or cancelled payment is not invoiced"));
    }
    let flow =
        kopek_store::payments::flow(&mut uow.conn, pay.id).await?.ok_or_else(|| EngineError::not_found("payment", pay.id))?;
    let payer_id = flow.payer_id.ok_or_else(|| {
        EngineError::conflict("payment_without_payer", "this payment names no payer, so there is no one to invoice")
    })?;
    let payer =
        kopek_store::payers::get(&mut uow.conn, payer_id).await?.ok_or_else(|| EngineError::not_found("payer", payer_id))?;
    let buyer: PayerDetails = serde_json::from_str(&payer.details)?;
    let client = kopek_store::clients::get(&mut uow.conn, pay.client_id)
        .await?
        .ok_or_else(|| EngineError::not_found("client", pay.client_id))?;
    let units = flow.paid_amount.unwrap_or(pay.amount);
    let currency = flow.paid_currency.clone().unwrap_or_else(|| pay.currency.clone());
    let to_pay = units_to_decimal(units).round_dp(crate::core::views::minor(&currency));
    let pay_number = pay.number.clone().unwrap_or_else(|| pay.id.to_string());
    // What the line is for stays data: the paper words it in its language.
    let subject = match kopek_store::documents::payment_order(&mut uow.conn, pay.id).await? {
        Some(order) => LineSubject::Order { order: order.to_string(), account: client.code.clone() },
        None => LineSubject::Advance { account: client.code.clone() },
    };
    let (signer_name, signer_position) = entity.details.signer();
    let seller = entity.details.company.clone();
    let vat_percent = entity.details.vat_payer.then(|| standard_rate_on(issued_on));
    let head = Issue {
        entity_id: entity.id,
        kind: DocumentKind::Invoice,
        issued_on,
        client_id: pay.client_id,
        payer_id,
        payment_id: Some(pay.id),
        period: None,
        amount: kopek_domain::money::decimal_to_units(to_pay)?,
        currency: currency.clone(),
        corrects_id: None,
    };
    issue(uow, head, |number| InvoiceInput {
        number: number.to_string(),
        issued_on,
        seller,
        buyer,
        lines: vec![InvoiceLineInput {
            name: String::new(),
            subject: Some(subject),
            quantity: rust_decimal::Decimal::ONE,
            unit: SERVICE_UNIT.into(),
            price: to_pay,
        }],
        vat_percent,
        vat_mode: VatMode::Included,
        signer_name,
        signer_position,
        payment_purpose: String::new(),
        payment_number: Some(pay_number),
        seller_logo: entity.details.logo.clone(),
    })
    .await
}
