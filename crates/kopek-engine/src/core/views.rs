//! What the use cases return: the shapes of clients, users, payments and
//! expenses as the API and the portal show them. Amounts are decimal
//! strings in the client's currency.

use chrono::{DateTime, Utc};
use kopek_domain::Currency;
use kopek_store::clients::ClientRow;
use kopek_store::ledger::{AllocationSum, ExpenseRow, PaymentRow};
use kopek_store::users::{ClientUserRow, StaffUserRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::core::amount::Amount;
use crate::core::error::{EngineError, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Client {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// ISO 3166 alpha-2 country code.
    pub country: String,
    pub currency: String,
    pub balance: Amount,
    pub credit_limit: Amount,
    pub disconnect_threshold: Amount,
    /// active, blocked_by_admin, blocked_by_client or blocked_for_debt.
    pub state: String,
    pub created_at: DateTime<Utc>,
    /// CHG-3: discount in percent (negative: markup).
    pub loyalty_percent: Amount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClientUser {
    pub id: i64,
    pub client_id: i64,
    pub email: String,
    pub full_name: String,
    pub phone: Option<String>,
    pub phone_verified: bool,
    /// The client's first user: only staff may change its email and name.
    pub is_owner: bool,
    /// ACC-3: every right ("Полный доступ"), or only `rights`.
    pub full_access: bool,
    /// The rights the user holds, all of them with full access.
    #[schema(value_type = Vec<String>)]
    pub rights: Vec<kopek_domain::account::Right>,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StaffUser {
    pub id: i64,
    pub email: String,
    pub full_name: String,
    /// admin, accountant, support or read_only.
    pub role: String,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
}

/// Part of a payment that paid part of an expense.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Allocation {
    pub payment_id: i64,
    pub expense_id: i64,
    pub amount: Amount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Payment {
    pub id: i64,
    /// `<method>/<id>`, e.g. `manual/12`.
    pub number: String,
    pub client_id: i64,
    pub method: String,
    pub amount: Amount,
    pub currency: String,
    /// new, paying, credited, failed, cancelled or refunded.
    pub status: String,
    /// What is not yet spent on expenses.
    pub unallocated: Amount,
    pub comment: String,
    pub created_at: DateTime<Utc>,
    pub credited_at: Option<DateTime<Utc>>,
    /// The expenses this payment paid.
    pub allocations: Vec<Allocation>,
    /// How it is paid: payer, method, gateway (PMT-1, PMT-4); none for
    /// money staff credited by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow: Option<PaymentFlow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PaymentFlow {
    pub payer_id: Option<i64>,
    pub method_id: Option<i64>,
    pub gateway: Option<String>,
    pub external_id: Option<String>,
    /// What the payer pays, commission included, in `paid_currency`.
    pub to_pay: Option<Amount>,
    pub paid_currency: Option<String>,
    pub commission: Amount,
    /// Units of the client's currency per unit of the method's.
    pub rate: Option<String>,
    /// Where the payer's browser goes to pay.
    pub confirmation_url: Option<String>,
    pub failure_reason: Option<String>,
    /// For a cashback payment: the payment it was earned by.
    pub cashback_of: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Expense {
    pub id: i64,
    pub client_id: i64,
    pub name: String,
    pub amount: Amount,
    pub tax: Amount,
    /// LED-5: the VAT rate in percent `tax` was computed at, the one in
    /// force on the charge day; null for expenses charged before rates
    /// were kept.
    pub vat_percent: Option<Amount>,
    /// What no payment has covered yet.
    pub unpaid: Amount,
    pub currency: String,
    /// posted or reversed.
    pub status: String,
    pub charged_at: DateTime<Utc>,
    /// The payments that paid it, oldest first.
    pub paid_by: Vec<Allocation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Balance {
    pub client_id: i64,
    pub currency: String,
    pub balance: Amount,
    pub credit_limit: Amount,
    /// Balance plus the usable credit limit: what can still be spent.
    pub available: Amount,
    /// CRD-2: the limit is blocked until the overdue invoice is paid.
    pub credit_blocked: bool,
    /// Sum of the unpaid parts of expenses.
    pub debt: Amount,
    /// Sum of payments not yet spent.
    pub unallocated: Amount,
}

pub(crate) fn currency_of(code: &str) -> Result<Currency> {
    code.parse().map_err(|_| EngineError::Internal(format!("stored currency {code:?} is unknown")))
}

pub(crate) fn minor(code: &str) -> u32 {
    currency_of(code).map(|c| c.minor_digits()).unwrap_or(2)
}

impl From<&ClientRow> for Client {
    fn from(r: &ClientRow) -> Self {
        let m = minor(&r.currency);
        Client {
            id: r.id,
            code: r.code.clone(),
            name: r.name.clone(),
            country: r.country.clone(),
            currency: r.currency.clone(),
            balance: Amount::from_units(r.balance, m),
            credit_limit: Amount::from_units(r.credit_limit, m),
            disconnect_threshold: Amount::from_units(r.disconnect_threshold, m),
            state: r.state.to_string(),
            created_at: r.created_at,
            loyalty_percent: Amount::from_units(r.loyalty_percent, 0),
        }
    }
}

impl From<&ClientUserRow> for ClientUser {
    fn from(r: &ClientUserRow) -> Self {
        ClientUser {
            id: r.id,
            client_id: r.client_id,
            email: r.email.clone(),
            full_name: r.full_name.clone(),
            phone: r.phone.clone(),
            phone_verified: r.phone_verified,
            is_owner: r.is_owner,
            full_access: r.is_owner || r.full_access,
            rights: r.effective_rights().list(),
            enabled: r.enabled,
            created_at: r.created_at,
        }
    }
}

impl From<&StaffUserRow> for StaffUser {
    fn from(r: &StaffUserRow) -> Self {
        StaffUser {
            id: r.id,
            email: r.email.clone(),
            full_name: r.full_name.clone(),
            role: r.role.to_string(),
            enabled: r.enabled,
            created_at: r.created_at,
        }
    }
}

pub(crate) fn allocation(a: &AllocationSum, minor: u32) -> Allocation {
    Allocation { payment_id: a.payment_id, expense_id: a.expense_id, amount: Amount::from_units(a.amount, minor) }
}

pub(crate) fn payment(r: &PaymentRow, allocations: &[AllocationSum]) -> Payment {
    let m = minor(&r.currency);
    Payment {
        id: r.id,
        number: r.number.clone().unwrap_or_default(),
        client_id: r.client_id,
        method: r.method.clone(),
        amount: Amount::from_units(r.amount, m),
        currency: r.currency.clone(),
        status: r.status.to_string(),
        unallocated: Amount::from_units(r.unallocated, m),
        comment: r.comment.clone(),
        created_at: r.created_at,
        credited_at: r.credited_at,
        allocations: allocations.iter().map(|a| allocation(a, m)).collect(),
        flow: None,
    }
}

pub(crate) fn payment_flow(f: &kopek_store::payments::FlowRow) -> PaymentFlow {
    let paid_minor = f.paid_currency.as_deref().map(minor).unwrap_or(2);
    PaymentFlow {
        payer_id: f.payer_id,
        method_id: f.method_id,
        gateway: f.gateway.clone(),
        external_id: f.external_id.clone(),
        to_pay: f.paid_amount.map(|u| Amount::from_units(u, paid_minor)),
        paid_currency: f.paid_currency.clone(),
        commission: Amount::from_units(f.commission, paid_minor),
        rate: f.rate.clone(),
        confirmation_url: f.confirmation_url.clone(),
        failure_reason: f.failure_reason.clone(),
        cashback_of: f.cashback_of,
    }
}

pub(crate) fn expense(r: &ExpenseRow, paid_by: &[AllocationSum]) -> Expense {
    let m = minor(&r.currency);
    Expense {
        id: r.id,
        client_id: r.client_id,
        name: r.name.clone(),
        amount: Amount::from_units(r.amount, m),
        tax: Amount::from_units(r.tax, m),
        vat_percent: r.vat_percent.map(|v| Amount::from_units(v, 0)),
        unpaid: Amount::from_units(r.unpaid, m),
        currency: r.currency.clone(),
        status: r.status.to_string(),
        charged_at: r.charged_at,
        paid_by: paid_by.iter().map(|a| allocation(a, m)).collect(),
    }
}
