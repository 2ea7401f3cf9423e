//! What the documents' use cases hand out, and a client's documents listed
//! and read: a document in a list, and one with what it says.

use chrono::NaiveDate;
use kopek_domain::account::Right;
use kopek_domain::document::{DocumentKind, Logo};
use kopek_store::documents::{self as store, DocumentRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};

/// A document in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DocumentSummary {
    pub id: i64,
    /// invoice, act or contract.
    #[schema(value_type = String)]
    pub kind: DocumentKind,
    /// "2026-000123", gapless per kind and year.
    pub number: String,
    pub issued_on: NaiveDate,
    pub client_id: i64,
    pub payer_id: i64,
    /// The payment an invoice is for.
    pub payment_id: Option<i64>,
    /// The month an act covers.
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub amount: Amount,
    pub currency: String,
    /// The document this one corrects.
    pub corrects_id: Option<i64>,
    /// Replaced by a correction: kept, but no longer current.
    pub replaced: bool,
}

/// Documents on one page of the staff panel's list.
pub const DOCUMENTS_PAGE_SIZE: i64 = 50;

/// One page of every client's current documents of a kind, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentPage {
    pub documents: Vec<DocumentSummary>,
    /// The next page's number, when there is one.
    pub next_page: Option<i64>,
}

/// A document with what it says, for a renderer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuedDocument {
    pub summary: DocumentSummary,
    /// The document's input as issued (`kopek_domain::document::*Input`).
    pub data: serde_json::Value,
    /// The provider's logo the document was issued with (DOC-5).
    #[serde(skip)]
    pub logo: Option<Logo>,
}

/// An issued document with the logo its data names.
pub(crate) async fn issued(conn: &mut kopek_store::Conn, row: &DocumentRow) -> Result<IssuedDocument> {
    let data: serde_json::Value = serde_json::from_str(&row.data)?;
    let logo = match data.get("seller_logo").and_then(serde_json::Value::as_str) {
        Some(sha256) => crate::documents::logo::kept(conn, sha256).await?,
        None => None,
    };
    Ok(IssuedDocument { summary: summary(row), data, logo })
}

pub(crate) fn summary(row: &DocumentRow) -> DocumentSummary {
    DocumentSummary {
        id: row.id,
        kind: row.kind,
        number: row.number.clone(),
        issued_on: row.issued_on,
        client_id: row.client_id,
        payer_id: row.payer_id,
        payment_id: row.payment_id,
        period_from: row.period_from,
        period_to: row.period_to,
        amount: Amount::from_units(row.amount, crate::core::views::minor(&row.currency)),
        currency: row.currency.clone(),
        corrects_id: row.corrects_id,
        replaced: row.replaced,
    }
}

impl Engine {
    /// A client's current documents of a kind, newest first (DOC-1, DOC-2).
    pub async fn documents(&self, ctx: &Ctx, client_id: i64, kind: DocumentKind) -> Result<Vec<DocumentSummary>> {
        ctx.actor.ensure_right(Right::Documents)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        crate::ledger::entries::existing_client(&mut conn, client_id).await?;
        Ok(store::of_client(&mut conn, client_id, kind).await?.iter().map(summary).collect())
    }

    /// Staff: the newest current documents of a kind, every client's.
    pub async fn all_documents(&self, ctx: &Ctx, kind: DocumentKind, limit: i64) -> Result<Vec<DocumentSummary>> {
        ctx.actor.ensure_staff("list every client's documents")?;
        if !(1..=1000).contains(&limit) {
            return Err(kopek_domain::DomainError::invalid("limit", "from 1 to 1000").into());
        }
        let mut conn = self.store.conn().await?;
        Ok(store::all_of_kind(&mut conn, kind, limit).await?.iter().map(summary).collect())
    }

    /// Staff: page `page` (from 1) of every client's current documents of
    /// a kind, newest first, [`DOCUMENTS_PAGE_SIZE`] to a page.
    pub async fn documents_page(&self, ctx: &Ctx, kind: DocumentKind, page: i64) -> Result<DocumentPage> {
        ctx.actor.ensure_staff("list every client's documents")?;
        if page < 1 {
            return Err(kopek_domain::DomainError::invalid("page", "from 1").into());
        }
        let mut conn = self.store.conn().await?;
        let offset = (page - 1).saturating_mul(DOCUMENTS_PAGE_SIZE);
        let mut rows = store::page_of_kind(&mut conn, kind, DOCUMENTS_PAGE_SIZE + 1, offset).await?;
        let more = rows.len() as i64 > DOCUMENTS_PAGE_SIZE;
        rows.truncate(DOCUMENTS_PAGE_SIZE as usize);
        Ok(DocumentPage { documents: rows.iter().map(summary).collect(), next_page: more.then_some(page + 1) })
    }

    /// One document with what it says; another client's is "not found".
    pub async fn document(&self, ctx: &Ctx, id: i64) -> Result<IssuedDocument> {
        ctx.actor.ensure_right(Right::Documents)?;
        let mut conn = self.store.conn().await?;
        let row = store::get(&mut conn, id).await?.ok_or_else(|| EngineError::not_found("document", id))?;
        ctx.actor.ensure_sees_client(row.client_id).map_err(|_| EngineError::not_found("document", id))?;
        issued(&mut conn, &row).await
    }
}
