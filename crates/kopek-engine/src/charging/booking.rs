//! Booking a charge: the one way a charged span becomes money — a charge
//! row unique on (subscription, period start), so a span is booked once
//! whatever repeats; and, for a span that costs something, its expense and
//! ledger entry linked to the charge, or for a discount service's span
//! (a negative amount, CAT-1) the bonus it gives. The caller allocates
//! afterwards.

use chrono::{DateTime, NaiveDate, Utc};
use kopek_store::clients::ClientRow;
use kopek_store::subscriptions::{self as subs, ChargeRow, NewCharge};

use crate::core::error::Result;
use crate::core::uow::Uow;
use crate::ledger::entries::{credit_bonus_in, post_expense_in, reverse_expense_in, reverse_payment_in};
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
    rebook(uow, client, charge_id, b.name, b.units, b.vat, b.charged_at).await?;
    Ok(Some(charge_id))
}

/// Posts what a booked charge amounts to — an expense for a fee, a bonus
/// for a discount (CAT-1), nothing for zero — and links it to the charge.
pub(crate) async fn rebook(
    uow: &mut Uow<'_>,
    client: &ClientRow,
    charge_id: i64,
    name: &str,
    units: i64,
    vat: ExpenseVat,
    charged_at: DateTime<Utc>,
) -> Result<()> {
    let (expense, bonus) = match units {
        0 => (None, None),
        u if u > 0 => (Some(post_expense_in(uow, client, name, u, vat, charged_at).await?.id), None),
        u => (None, Some(credit_bonus_in(uow, client, name, -u).await?.id)),
    };
    subs::set_charge_money(&mut uow.conn, charge_id, expense, bonus, units).await?;
    Ok(())
}

/// Undoes the money of a booked charge — reverses its expense or its
/// bonus — leaving the charge at zero for the caller to rebook or leave.
pub(crate) async fn unbook(uow: &mut Uow<'_>, client: &ClientRow, charge: &ChargeRow, reason: &str) -> Result<()> {
    if let Some(expense_id) = charge.expense_id {
        reverse_expense_in(uow, client, expense_id, reason).await?;
    }
    if let Some(bonus_id) = charge.bonus_id {
        reverse_payment_in(uow, client, bonus_id, reason).await?;
    }
    subs::set_charge_money(&mut uow.conn, charge.id, None, None, 0).await?;
    Ok(())
}
