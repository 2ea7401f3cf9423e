//! Accounting documents (DOC-1 … DOC-5): the provider's details, the
//! invoices of payments, the monthly acts of completed work and the
//! reconciliation acts. A document is issued once — numbered in the same
//! transaction that writes it, with both parties' details copied in — and
//! never changes; the engine hands out what it says, and `kopek-documents`
//! lays that out as HTML or PDF.

pub mod acts;
pub mod contracts;
pub mod invoices;
mod issue;
pub mod logo;
pub mod provider;
pub mod reconciliation;
pub mod views;
