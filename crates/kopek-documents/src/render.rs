//! One call per document for the web layer: what the engine hands out
//! (the document's input as issued) in, a printable page or a PDF out.

use kopek_domain::document::{ActInput, ContractInput, DocumentKind, InvoiceInput, ReconciliationInput};
use serde::Serialize;

use crate::act::Act;
use crate::contract::Contract;
use crate::invoice::Invoice;
use crate::pdf::{self, RenderError};
use crate::reconciliation::Reconciliation;
use crate::html;

/// How a document is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A page for "Печать" in a browser tab.
    Html,
    Pdf,
}

impl Format {
    /// "html" or "pdf", as a query string says it.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "html" => Some(Format::Html),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Pdf => "application/pdf",
        }
    }
}

fn lay_out(model: &impl Serialize, html_name: &str, typst: &str, format: Format) -> Result<Vec<u8>, RenderError> {
    match format {
        Format::Html => html::render(html_name, model).map(String::into_bytes).map_err(|e| RenderError(vec![e.to_string()])),
        Format::Pdf => {
            let data = serde_json::to_value(model).map_err(|e| RenderError(vec![e.to_string()]))?;
            pdf::render(typst, &data).map(|r| r.bytes)
        }
    }
}

/// An issued document, from the data stored with it.
pub fn document(kind: DocumentKind, data: &serde_json::Value, format: Format) -> Result<Vec<u8>, RenderError> {
    let bad = |e: serde_json::Error| RenderError(vec![format!("the stored document does not read as a {kind}: {e}")]);
    match kind {
        DocumentKind::Invoice => {
            let input: InvoiceInput = serde_json::from_value(data.clone()).map_err(bad)?;
            lay_out(&Invoice::new(&input), "invoice.html", pdf::INVOICE, format)
        }
        DocumentKind::Act => {
            let input: ActInput = serde_json::from_value(data.clone()).map_err(bad)?;
            lay_out(&Act::new(&input), "act.html", pdf::ACT, format)
        }
        DocumentKind::Contract => {
            let input: ContractInput = serde_json::from_value(data.clone()).map_err(bad)?;
            lay_out(&Contract::new(&input), "contract.html", pdf::CONTRACT, format)
        }
    }
}

/// A reconciliation act, computed when asked.
pub fn reconciliation(input: &ReconciliationInput, format: Format) -> Result<Vec<u8>, RenderError> {
    lay_out(&Reconciliation::new(input), "reconciliation.html", pdf::RECONCILIATION, format)
}
