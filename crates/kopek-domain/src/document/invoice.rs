//! DOC-1: what an invoice says when it is issued. `kopek-documents` turns
//! it into the paper (each line rounded to the kopeck, the total their sum,
//! VAT by the one rule of [`crate::tax`]).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::payer::PayerDetails;
use crate::tax::VatMode;

/// What a payment's invoice line is for, kept as data so the paper words
/// it in its own language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LineSubject {
    /// A top-up: an advance for services (PMT-1) on the client's account.
    Advance { account: String },
    /// The payment of an order.
    Order { order: String, account: String },
}

/// One line as sold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceLineInput {
    /// The line's own words; a line with a [`LineSubject`] leaves it
    /// empty and the paper writes the subject.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<LineSubject>,
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
    /// What the payment order must say, in the invoice's own words; empty
    /// when [`InvoiceInput::payment_number`] is set and the paper words it
    /// ("Оплата по счёту № … от …, платёж …") in its language.
    pub payment_purpose: String,
    /// The payment the invoice is for, whose number the payment order must
    /// carry (PMT-4 matches a bank statement's line back by it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_number: Option<String>,
    /// The SHA-256 of the provider's logo on the day of issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_logo: Option<String>,
}
