//! Booking a charge: the one way a charged span becomes money — a charge
//! row unique on (subscription, period start), so a span is booked once
//! whatever repeats; and, for a span that costs something, its expense and
//! ledger entry linked to the charge. The caller allocates afterwards.

use chrono::{DateTime, NaiveDate, Utc};
use kopek_store::clients::ClientRow;
use kopek_store::subscriptions::{self as subs, NewCharge};

use crate::core::error::Result;
use crate::core::uow::Uow;
use crate::ledger::entries::post_expense_in;
use crate::ledger::vat::ExpenseVat;

/// A span of a subscription and what it costs, tax included.
pub(crate) struct Booking<'a> {
    pub subscription_id: i64,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub units: i64,
    pub vat: ExpenseVat,
    /// The expense's name, as the client reads it.
    pub name: &'a str,
    /// When the expense counts as charged (the nominal 02:00 of a run).
    pub charged_at: DateTime<Utc>,
    pub run_date: NaiveDate,
}

/// Books the span; answers the charge's id, or `None` when the span was
/// booked before (a repeated run, a retried request).
pub(crate) async fn book_charge(uow: &mut Uow<'_>, client: &ClientRow, b: &Booking<'_>) -> Result<Option<i64>> {
    let charge = NewCharge {
        client_id: client.id,
        subscription_id: b.subscription_id,
        period_start: b.start,
        period_end: b.end,
        amount: b.units,
        expense_id: None,
        run_date: b.run_date,
        created_at: uow.now,
    };
    let Some(charge_id) = subs::insert_charge(&mut uow.conn, &charge).await? else { return Ok(None) };
    if b.units > 0 {
        let expense = post_expense_in(uow, client, b.name, b.units, b.vat, b.charged_at).await?;
        subs::set_charge_expense(&mut uow.conn, charge_id, Some(expense.id), b.units).await?;
    }
    Ok(Some(charge_id))
}
