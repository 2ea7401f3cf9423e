//! DOC-1 … DOC-5: an accounting document as issued — its kind, its number
//! and what it says (both parties as they stood on the day of issue, the
//! lines, the tax) — kept as data, so a later edit of a payer or of the
//! provider's details never changes a paper already issued. Amounts are
//! exact decimals here; `kopek-documents` only formats and lays them out.

pub mod act;
pub mod contract;
pub mod invoice;
pub mod number;
pub mod provider;
pub mod reconciliation;

pub use act::{ActExpense, ActInput, ActLineInput, ContractRef, SERVICE_UNIT, act_lines};
pub use contract::ContractInput;
pub use invoice::{InvoiceInput, InvoiceLineInput, LineSubject};
pub use number::{DocumentKind, DocumentNumber};
pub use provider::{Logo, ProviderDetails};
pub use reconciliation::{EntryKind, ReconciliationEntry, ReconciliationInput};
