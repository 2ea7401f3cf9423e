//! DOC-5: the one way a document comes into being. Its number is taken
//! from the entity's counter for the kind and the year of its date, in the
//! transaction that writes it, so numbers have no gaps (a rollback gives
//! the number back) and none is ever used twice.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use kopek_domain::document::{DocumentKind, DocumentNumber};
use kopek_store::documents::{DocumentRow, NewDocument};
use kopek_store::documents_batch as batch;
use serde::Serialize;

use crate::core::error::{EngineError, Result};
use crate::core::notify::{ClientEvent, notify_clients};
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
/// number, and tells the client's users of it once.
pub(crate) async fn issue<T: Serialize>(uow: &mut Uow<'_>, head: Issue, build: impl FnOnce(&str) -> T) -> Result<DocumentRow> {
    let mut rows = issue_many(uow, vec![(head, build)]).await?;
    rows.pop().ok_or_else(|| EngineError::Internal("a document was issued without its row".into()))
}

/// Numbers and writes many documents, in the order given, and queues
/// their "invoice.issued", "act.issued" or "contract.issued" events: a
/// counter bump per kind and year, and one statement for the documents
/// and one for the events, so the night of the 1st costs a few round
/// trips per hundreds of acts.
pub(crate) async fn issue_many<T: Serialize, F: FnOnce(&str) -> T>(
    uow: &mut Uow<'_>,
    items: Vec<(Issue, F)>,
) -> Result<Vec<DocumentRow>> {
    let mut wanted: BTreeMap<(i64, &'static str, i32), i64> = BTreeMap::new();
    for (head, _) in &items {
        *wanted.entry((head.entity_id, head.kind.as_str(), head.issued_on.year())).or_default() += 1;
    }
    let mut next: BTreeMap<(i64, &'static str, i32), i64> = BTreeMap::new();
    // In key order, so two issuers bump shared counters in one order.
    for (&(entity_id, kind, year), &count) in &wanted {
        let first = batch::next_numbers(&mut uow.conn, entity_id, kind, i64::from(year), count).await?;
        next.insert((entity_id, kind, year), first);
    }
    let mut numbered = Vec::with_capacity(items.len());
    for (head, build) in items {
        let year = head.issued_on.year();
        let seq = next.get_mut(&(head.entity_id, head.kind.as_str(), year)).expect("a number was taken for every kind and year");
        let number = DocumentNumber { year, seq: *seq }.to_string();
        let data = serde_json::to_string(&build(&number))?;
        numbered.push((head, *seq, number, data));
        *seq += 1;
    }
    let docs: Vec<NewDocument> = numbered
        .iter()
        .map(|(head, seq, number, data)| NewDocument {
            entity_id: head.entity_id,
            kind: head.kind,
            year: i64::from(head.issued_on.year()),
            seq: *seq,
            number,
            issued_on: head.issued_on,
            client_id: head.client_id,
            payer_id: head.payer_id,
            payment_id: head.payment_id,
            period: head.period,
            amount: head.amount,
            currency: &head.currency,
            data,
            corrects_id: head.corrects_id,
        })
        .collect();
    let rows = batch::insert_documents(&mut uow.conn, &docs, uow.now).await?;
    let events = rows
        .iter()
        .map(|row| ClientEvent {
            client_id: row.client_id,
            event: match row.kind {
                DocumentKind::Invoice => "invoice.issued",
                DocumentKind::Act => "act.issued",
                DocumentKind::Contract => "contract.issued",
            },
            data: serde_json::json!({
                "document_id": row.id, "number": row.number, "issued_on": row.issued_on.format("%d.%m.%Y").to_string(),
                "amount": kopek_domain::money::units_to_decimal(row.amount).to_string(), "currency": row.currency,
            }),
            dedup: row.id.to_string(),
        })
        .collect();
    notify_clients(uow, events).await?;
    Ok(rows)
}
