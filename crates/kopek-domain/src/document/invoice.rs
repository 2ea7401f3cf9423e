//! DOC-1: what an invoice says when it is issued. `kopek-documents` turns
//! it into the paper (each line rounded to the kopeck, the total their sum,
//! VAT by the one rule of [`crate::tax`]).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::payer::PayerDetails;
use crate::tax::VatMode;

/// One line as sold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceLineInput {
    pub name: String,
    pub quantity: Decimal,
    /// "шт.", "мес.", "ГиБ".
    pub unit: String,
    /// The price of one unit, tax as the invoice's mode says.
    pub price: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceInput {
    /// Assigned when the invoice is issued, never before.
    pub number: String,
    pub issued_on: NaiveDate,
    /// The provider as it stood on the day of issue.
    pub seller: PayerDetails,
    /// The payer as it stood on the day of issue (DOC-5).
    pub buyer: PayerDetails,
    pub lines: Vec<InvoiceLineInput>,
    /// None: "Без налога (НДС)".
    pub vat_percent: Option<Decimal>,
    pub vat_mode: VatMode,
    /// Who signs for the seller, and as what.
    pub signer_name: String,
    pub signer_position: String,
    /// What the payment order must say, e.g. "Оплата по счёту № 2026-000123".
    pub payment_purpose: String,
}
