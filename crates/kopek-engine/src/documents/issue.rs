//! DOC-5: the one way a document comes into being. Its number is taken
//! from the entity's counter for the kind and the year of its date, in the
//! transaction that writes it, so numbers have no gaps (a rollback gives
//! the number back) and none is ever used twice.

use chrono::{Datelike, NaiveDate};
use kopek_domain::document::{DocumentKind, DocumentNumber};
use kopek_store::documents::{self as store, DocumentRow, NewDocument};
use serde::Serialize;

use crate::core::error::Result;
use crate::core::notify::notify_client;
use crate::core::uow::Uow;

/// Who and what a document is for; the number comes at issue.
pub(crate) struct Issue {
    pub entity_id: i64,
    pub kind: DocumentKind,
    pub issued_on: NaiveDate,
    pub client_id: i64,
    pub payer_id: i64,
    pub payment_id: Option<i64>,
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// The total, in ten-thousandths.
    pub amount: i64,
    pub currency: String,
    pub corrects_id: Option<i64>,
}

/// Numbers and writes the document whose data `build` makes from its
/// number, and tells the client's users of it ("invoice.issued",
/// "act.issued") once.
pub(crate) async fn issue<T: Serialize>(uow: &mut Uow<'_>, head: Issue, build: impl FnOnce(&str) -> T) -> Result<DocumentRow> {
    let year = head.issued_on.year();
    let seq = store::next_number(&mut uow.conn, head.entity_id, head.kind, i64::from(year)).await?;
    let number = DocumentNumber { year, seq }.to_string();
    let data = serde_json::to_string(&build(&number))?;
    let row = store::insert(
        &mut uow.conn,
        &NewDocument {
            entity_id: head.entity_id,
            kind: head.kind,
            year: i64::from(year),
            seq,
            number: &number,
            issued_on: head.issued_on,
            client_id: head.client_id,
            payer_id: head.payer_id,
            payment_id: head.payment_id,
            period: head.period,
            amount: head.amount,
            currency: &head.currency,
            data: &data,
            corrects_id: head.corrects_id,
        },
        uow.now,
    )
    .await?;
    let event = match head.kind {
        DocumentKind::Invoice => "invoice.issued",
        DocumentKind::Act => "act.issued",
        DocumentKind::Contract => "contract.issued",
    };
    let amount = kopek_domain::money::units_to_decimal(row.amount);
    let data = serde_json::json!({
        "document_id": row.id, "number": row.number, "issued_on": row.issued_on.format("%d.%m.%Y").to_string(),
        "amount": amount.to_string(), "currency": row.currency,
    });
    notify_client(uow, row.client_id, event, data, &row.id.to_string()).await?;
    Ok(row)
}
