//! DOC-4: a payer's contract, made with its first payment that brings
//! money (a gateway's, a bank transfer's): numbered like every document,
//! both parties' details as they stood that day, and recorded among the
//! payer's contracts (PAY-4 moves or ends them on a merge). A payer that
//! already has a live contract gets no other.

use chrono::NaiveDate;
use kopek_domain::document::{ContractInput, DocumentKind};
use kopek_domain::payer::PayerDetails;
use kopek_store::documents as store;

use crate::core::error::Result;
use crate::core::uow::Uow;
use crate::documents::issue::{Issue, issue};
use crate::documents::provider::find;

/// Makes the payer's contract unless it has one, or the provider's
/// details are not set yet (then the next payment makes it).
pub(crate) async fn contract_with_first_payment(uow: &mut Uow<'_>, payer_id: Option<i64>, today: NaiveDate) -> Result<()> {
    let Some(payer_id) = payer_id else { return Ok(()) };
    if store::first_contract(&mut uow.conn, payer_id).await?.is_some() {
        return Ok(());
    }
    let Some(entity) = find(&mut uow.conn).await? else { return Ok(()) };
    let Some(payer) = kopek_store::payers::get(&mut uow.conn, payer_id).await? else { return Ok(()) };
    let buyer: PayerDetails = serde_json::from_str(&payer.details)?;
    let seller = entity.details.company.clone();
    let city = seller.legal_address.as_ref().and_then(|a| a.city.clone()).unwrap_or_default();
    let currency = kopek_store::clients::get(&mut uow.conn, payer.client_id).await?.map(|c| c.currency).unwrap_or_default();
    let head = Issue {
        entity_id: entity.id,
        kind: DocumentKind::Contract,
        issued_on: today,
        client_id: payer.client_id,
        payer_id,
        payment_id: None,
        period: None,
        amount: 0,
        currency,
        corrects_id: None,
    };
    let buyer_kind = payer.kind;
    let row = issue(uow, head, |number| ContractInput {
        number: number.to_string(),
        signed_on: today,
        city,
        seller,
        buyer,
        buyer_kind,
        seller_logo: entity.details.logo.clone(),
    })
    .await?;
    kopek_store::payers::insert_contract(&mut uow.conn, payer.client_id, payer_id, &row.number, today, uow.now).await?;
    Ok(())
}
