//! Kopek's accounting documents (DOC-1 … DOC-5): each is a model whose
//! every amount, date and «сумма прописью» is computed and formatted here
//! in Rust, with exact decimals, in Russian or English ([`Lang`]), with
//! the layouts' fixed words in it, then laid out twice from the same model —
//! as HTML for "Печать" in a browser tab and as PDF through typst, with
//! the fonts inside the binary and no network at render time. This is the
//! only crate that depends on the PDF engine, so the rest builds fast.

pub mod act;
pub mod contract;
pub mod format;
pub mod html;
pub mod invoice;
pub mod lang;
pub mod pdf;
pub mod reconciliation;
pub mod render;

pub use act::Act;
pub use contract::Contract;
pub use invoice::{Invoice, Party};
pub use kopek_domain::document::{InvoiceInput, InvoiceLineInput};
pub use lang::Lang;
pub use pdf::{RenderError, RenderedPdf};
pub use reconciliation::Reconciliation;
