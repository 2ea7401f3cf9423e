//! The money ledger's use cases (LED-1 … LED-3, CHG-7): crediting payments,
//! posting expenses, reversing either, and allocating money to debt oldest
//! first. Each runs in one unit of work under the client's row lock and
//! moves the cached balance with its immutable entries.

use chrono::{DateTime, Utc};
use kopek_domain::account::{ExpenseStatus, PaymentStatus, Right};
use kopek_domain::ledger::{EntryKind, OpenItem, plan_allocations};
use kopek_domain::money::{parse_expense_amount, parse_payment_amount};
use kopek_domain::payment_method::BONUS_PREFIX;
use kopek_domain::tax::VatRate;
use kopek_domain::{Currency, DomainError, Money};
use kopek_store::clients::{self, ClientRow};
use kopek_store::ledger::{self as store, NewEntry};
use kopek_store::{Conn, StoreError};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::notify::notify_payment;
use crate::core::text;
use crate::core::uow::Uow;
use crate::core::views::{self, Balance, Expense, Payment, currency_of};
use crate::ledger::vat::ExpenseVat;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditPayment {
    pub amount: Amount,
    /// Must be the client's currency.
    #[schema(value_type = kopek_domain::Currency)]
    pub currency: String,
    /// The payment method; `manual` when staff credit money by hand.
    #[serde(default = "manual")]
    pub method: String,
    #[serde(default)]
    pub comment: String,
}

fn manual() -> String {
    "manual".into()
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostExpense {
    pub name: String,
    /// Up to four decimal places, as the guide's expenses (22.4137).
    pub amount: Amount,
    /// Must be the client's currency.
    #[schema(value_type = kopek_domain::Currency)]
    pub currency: String,
    /// VAT rate in percent, included in the amount (LED-5).
    #[serde(default)]
    pub vat_percent: Option<Amount>,
    /// When the service was charged; now when left out.
    #[serde(default)]
    pub charged_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reversal {
    /// Why the entry is reversed; kept with the reversing entry.
    pub reason: String,
}

impl Engine {
    /// Credits a payment to a client's balance (LED-3) and spends it on the
    /// oldest unpaid expenses.
    pub async fn credit_payment(&self, ctx: &Ctx, client_id: i64, req: CreditPayment) -> Result<Payment> {
        ctx.actor.ensure_sees_client(client_id)?;
        ctx.actor.ensure_may_move_money()?;
        let method = parse_method(&req.method)?;
        let comment = text::bounded("comment", &req.comment, text::NOTE)?;
        let mut uow = self.begin(ctx).await?;
        if let Some(done) = uow.replay("credit_payment", &(client_id, &req)).await? {
            return Ok(done);
        }
        let client = lock_client(&mut uow.conn, client_id).await?;
        let money = parse_payment_amount(req.amount.0, same_currency(&client, &req.currency)?)?;
        let row = credit_in(&mut uow, &client, &method, money, comment).await?;
        self.money_in(&mut uow, client_id, row.id).await?;
        uow.audit(
            "payment.credit",
            "payment",
            row.id,
            Some(client_id),
            serde_json::json!({
                "number": row.number, "amount": money.amount.to_string(), "currency": money.currency, "method": method,
            }),
        )
        .await?;
        uow.emit("payment.credited", &serde_json::json!({ "payment_id": row.id, "client_id": client_id }), None).await?;
        notify_payment(&mut uow, row.id, "payment.credited", None).await?;
        let view = payment_view(&mut uow.conn, row.id).await?;
        uow.finish(view).await
    }

    /// Posts an expense against a client (LED-2) and pays it from open money.
    pub async fn post_expense(&self, ctx: &Ctx, client_id: i64, req: PostExpense) -> Result<Expense> {
        ctx.actor.ensure_sees_client(client_id)?;
        ctx.actor.ensure_may_move_money()?;
        let name = req.name.trim();
        if name.is_empty() || name.chars().count() > 500 {
            return Err(DomainError::invalid("name", "1 to 500 characters").into());
        }
        let mut uow = self.begin(ctx).await?;
        if let Some(done) = uow.replay("post_expense", &(client_id, &req)).await? {
            return Ok(done);
        }
        let client = lock_client(&mut uow.conn, client_id).await?;
        let money = parse_expense_amount(req.amount.0, same_currency(&client, &req.currency)?)?;
        let charged_at = req.charged_at.unwrap_or(uow.now);
        let units = money.to_units()?;
        let vat = self.expense_vat(units, expense_rate(req.vat_percent)?, charged_at, &client.currency)?;
        let row = post_expense_in(&mut uow, &client, name, units, vat, charged_at).await?;
        let tax = Money::from_units(vat.tax, money.currency).round_for_payment();
        allocate(&mut uow.conn, client_id, uow.now).await?;
        uow.audit(
            "expense.post",
            "expense",
            row.id,
            Some(client_id),
            serde_json::json!({
                "name": name, "amount": money.amount.to_string(), "tax": tax.amount.to_string(),
            }),
        )
        .await?;
        let view = expense_view(&mut uow.conn, row.id).await?;
        uow.finish(view).await
    }

    /// Reverses a credited payment (CHG-7): a new entry takes the money
    /// back, the expenses it paid are unpaid again (and paid from other
    /// open money, oldest first), and the payment reads "refunded".
    pub async fn reverse_payment(&self, ctx: &Ctx, payment_id: i64, req: Reversal) -> Result<Payment> {
        ctx.actor.ensure_may_move_money()?;
        let reason = reason(&req)?;
        let mut uow = self.begin(ctx).await?;
        if let Some(done) = uow.replay("reverse_payment", &(payment_id, &req)).await? {
            return Ok(done);
        }
        let found = store::payment(&mut uow.conn, payment_id).await?;
        let pay = found
            .filter(|p| ctx.actor.ensure_sees_client(p.client_id).is_ok())
            .ok_or_else(|| EngineError::not_found("payment", payment_id))?;
        let client = lock_client(&mut uow.conn, pay.client_id).await?;
        reverse_payment_in(&mut uow, &client, payment_id, reason).await?;
        allocate(&mut uow.conn, pay.client_id, uow.now).await?;
        uow.audit("payment.reverse", "payment", payment_id, Some(pay.client_id), serde_json::json!({ "reason": reason })).await?;
        uow.emit("payment.reversed", &serde_json::json!({ "payment_id": payment_id, "client_id": pay.client_id }), None).await?;
        let view = payment_view(&mut uow.conn, payment_id).await?;
        uow.finish(view).await
    }

    /// Reverses a posted expense (CHG-7): the money comes back to the
    /// balance, what paid it is free again, the expense reads "reversed".
    pub async fn reverse_expense(&self, ctx: &Ctx, expense_id: i64, req: Reversal) -> Result<Expense> {
        ctx.actor.ensure_may_move_money()?;
        let reason = reason(&req)?;
        let mut uow = self.begin(ctx).await?;
        if let Some(done) = uow.replay("reverse_expense", &(expense_id, &req)).await? {
            return Ok(done);
        }
        let found = store::expense(&mut uow.conn, expense_id).await?;
        let exp = found
            .filter(|e| ctx.actor.ensure_sees_client(e.client_id).is_ok())
            .ok_or_else(|| EngineError::not_found("expense", expense_id))?;
        let client = lock_client(&mut uow.conn, exp.client_id).await?;
        reverse_expense_in(&mut uow, &client, expense_id, reason).await?;
        allocate(&mut uow.conn, exp.client_id, uow.now).await?;
        uow.audit("expense.reverse", "expense", expense_id, Some(exp.client_id), serde_json::json!({ "reason": reason })).await?;
        let view = expense_view(&mut uow.conn, expense_id).await?;
        uow.finish(view).await
    }

    pub async fn payment(&self, ctx: &Ctx, id: i64) -> Result<Payment> {
        ctx.actor.ensure_right(Right::Finance)?;
        let mut conn = self.store.conn().await?;
        let view = payment_view(&mut conn, id).await;
        match view {
            Ok(p) if ctx.actor.ensure_sees_client(p.client_id).is_ok() => Ok(p),
            Ok(_) | Err(EngineError::NotFound { .. }) => Err(EngineError::not_found("payment", id)),
            Err(e) => Err(e),
        }
    }

    pub async fn expense(&self, ctx: &Ctx, id: i64) -> Result<Expense> {
        ctx.actor.ensure_right(Right::Finance)?;
        let mut conn = self.store.conn().await?;
        match expense_view(&mut conn, id).await {
            Ok(e) if ctx.actor.ensure_sees_client(e.client_id).is_ok() => Ok(e),
            Ok(_) | Err(EngineError::NotFound { .. }) => Err(EngineError::not_found("expense", id)),
            Err(e) => Err(e),
        }
    }

    pub async fn payments(&self, ctx: &Ctx, client_id: i64) -> Result<Vec<Payment>> {
        ctx.actor.ensure_right(Right::Finance)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        existing_client(&mut conn, client_id).await?;
        let allocations = store::allocations_of_client(&mut conn, client_id).await?;
        let flows = kopek_store::payments::flows_of_client(&mut conn, client_id).await?;
        Ok(store::payments_of(&mut conn, client_id)
            .await?
            .iter()
            .map(|p| {
                let mine: Vec<_> = allocations.iter().filter(|a| a.payment_id == p.id).cloned().collect();
                let mut view = views::payment(p, &mine);
                view.flow = flows.iter().find(|f| f.id == p.id).filter(|f| shows_flow(f)).map(views::payment_flow);
                view
            })
            .collect())
    }

    pub async fn expenses(&self, ctx: &Ctx, client_id: i64) -> Result<Vec<Expense>> {
        ctx.actor.ensure_right(Right::Finance)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        existing_client(&mut conn, client_id).await?;
        // Grouped once: a client with ten thousand expenses would otherwise
        // scan every allocation for each expense.
        let mut allocations: std::collections::HashMap<i64, Vec<_>> = std::collections::HashMap::new();
        for a in store::allocations_of_client(&mut conn, client_id).await? {
            allocations.entry(a.expense_id).or_default().push(a);
        }
        Ok(store::expenses_of(&mut conn, client_id)
            .await?
            .iter()
            .map(|e| views::expense(e, allocations.get(&e.id).map_or(&[][..], Vec::as_slice)))
            .collect())
    }

    /// OPS-3: a page of the client's expenses in id order, after the
    /// expense `after`, at most `limit` (1 to 1000): read in two statements
    /// however many expenses the client has.
    pub async fn expenses_page(&self, ctx: &Ctx, client_id: i64, after: i64, limit: i64) -> Result<Vec<Expense>> {
        ctx.actor.ensure_right(Right::Finance)?;
        ctx.actor.ensure_sees_client(client_id)?;
        if !(1..=1000).contains(&limit) {
            return Err(DomainError::invalid("limit", "1 to 1000").into());
        }
        let mut conn = self.store.conn().await?;
        existing_client(&mut conn, client_id).await?;
        let rows = store::expenses_after(&mut conn, client_id, after, limit).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let paid = store::paid_by(&mut conn, client_id, &ids).await?;
        Ok(rows
            .iter()
            .map(|e| {
                let mine: Vec<store::AllocationSum> = paid
                    .iter()
                    .filter(|p| p.expense_id == e.id)
                    .map(|p| store::AllocationSum { payment_id: p.payment_id, expense_id: p.expense_id, amount: p.amount })
                    .collect();
                views::expense(e, &mine)
            })
            .collect())
    }

    pub async fn balance(&self, ctx: &Ctx, client_id: i64) -> Result<Balance> {
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        let c = existing_client(&mut conn, client_id).await?;
        let m = views::minor(&c.currency);
        let debt: i64 = store::open_expenses(&mut conn, client_id).await?.iter().map(|e| e.unpaid).sum();
        let free: i64 = store::open_payments(&mut conn, client_id).await?.iter().map(|p| p.unallocated).sum();
        Ok(Balance {
            client_id,
            currency: c.currency.clone(),
            balance: Amount::from_units(c.balance, m),
            credit_limit: Amount::from_units(c.credit_limit, m),
            available: Amount::from_units(crate::ledger::funds::available(&c), m),
            credit_blocked: c.credit_blocked,
            debt: Amount::from_units(debt, m),
            unallocated: Amount::from_units(free, m),
        })
    }
}

pub(crate) async fn existing_client(conn: &mut Conn, client_id: i64) -> Result<ClientRow> {
    clients::get(conn, client_id).await?.ok_or_else(|| EngineError::not_found("client", client_id))
}

pub(crate) async fn lock_client(conn: &mut Conn, client_id: i64) -> Result<ClientRow> {
    clients::lock(conn, client_id).await?.ok_or_else(|| EngineError::not_found("client", client_id))
}

fn same_currency(client: &ClientRow, given: &str) -> Result<Currency> {
    let own = currency_of(&client.currency)?;
    let given: Currency = given.parse()?;
    if given != own {
        return Err(DomainError::CurrencyMismatch { expected: own.to_string(), got: given.to_string() }.into());
    }
    Ok(own)
}

fn parse_method(raw: &str) -> Result<String> {
    let m = raw.trim().to_lowercase();
    let ok = !m.is_empty() && m.len() <= 32 && m.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok { Ok(m) } else { Err(DomainError::invalid("method", "1 to 32 letters, digits, '-' or '_'").into()) }
}

fn reason(req: &Reversal) -> Result<&str> {
    let r = req.reason.trim();
    if r.is_empty() || r.chars().count() > 1000 {
        return Err(DomainError::invalid("reason", "a reversal needs a reason (1 to 1000 characters)").into());
    }
    Ok(r)
}

/// A staff expense's VAT: the percent given (none is 0), fixed whatever
/// the charge day.
fn expense_rate(vat_percent: Option<Amount>) -> Result<VatRate> {
    let Some(Amount(rate)) = vat_percent else { return Ok(VatRate::Fixed(Decimal::ZERO)) };
    if rate < Decimal::ZERO || rate > Decimal::ONE_HUNDRED {
        return Err(DomainError::invalid("vat_percent", "between 0 and 100").into());
    }
    Ok(VatRate::Fixed(rate))
}

/// Posts an expense and its entry inside a unit of work that holds the
/// client's lock; the caller allocates afterwards.
pub(crate) async fn post_expense_in(
    uow: &mut Uow<'_>,
    client: &ClientRow,
    name: &str,
    units: i64,
    vat: ExpenseVat,
    charged_at: DateTime<Utc>,
) -> Result<store::ExpenseRow> {
    let row = store::insert_expense(
        &mut uow.conn,
        &store::NewExpense {
            client_id: client.id,
            name,
            amount: units,
            tax: vat.tax,
            vat_percent: vat.rate,
            currency: &client.currency,
            charged_at,
            created_at: uow.now,
        },
    )
    .await?;
    post_entry(uow, client, EntryKind::Expense, units, None, Some(row.id), None, "").await?;
    Ok(row)
}

/// Reverses a posted expense inside a unit of work that holds the client's
/// lock: releases what paid it, writes the reversing entry, marks it
/// reversed. The caller allocates afterwards.
pub(crate) async fn reverse_expense_in(uow: &mut Uow<'_>, client: &ClientRow, expense_id: i64, reason: &str) -> Result<()> {
    let exp = store::expense(&mut uow.conn, expense_id).await?.ok_or_else(|| EngineError::not_found("expense", expense_id))?;
    if exp.status != ExpenseStatus::Posted {
        return Err(EngineError::conflict("not_reversible", format!("expense {expense_id} is already {}", exp.status)));
    }
    for a in store::allocations_to_expense(&mut uow.conn, expense_id).await? {
        store::insert_allocation(&mut uow.conn, exp.client_id, a.payment_id, expense_id, -a.amount, uow.now).await?;
        store::add_to_unallocated(&mut uow.conn, a.payment_id, a.amount).await?;
    }
    store::add_to_unpaid(&mut uow.conn, expense_id, -exp.unpaid).await?;
    let original = store::original_entry(&mut uow.conn, None, Some(expense_id))
        .await?
        .ok_or_else(|| EngineError::Internal(format!("expense {expense_id} has no entry")))?;
    post_entry(uow, client, EntryKind::ExpenseReversal, exp.amount, None, Some(expense_id), Some(original.id), reason).await?;
    store::set_expense_status(&mut uow.conn, expense_id, ExpenseStatus::Reversed).await?;
    Ok(())
}

/// Reverses a credited payment inside a unit of work that holds the
/// client's lock: releases what it paid, writes the reversing entry, marks
/// it refunded. The caller allocates afterwards.
pub(crate) async fn reverse_payment_in(uow: &mut Uow<'_>, client: &ClientRow, payment_id: i64, reason: &str) -> Result<()> {
    let pay = store::payment(&mut uow.conn, payment_id).await?.ok_or_else(|| EngineError::not_found("payment", payment_id))?;
    if pay.status != PaymentStatus::Credited {
        return Err(EngineError::conflict(
            "not_reversible",
            format!("payment {} is {}, only credited payments are reversed", pay.number.unwrap_or_default(), pay.status),
        ));
    }
    for a in store::allocations_from_payment(&mut uow.conn, payment_id).await? {
        store::insert_allocation(&mut uow.conn, pay.client_id, payment_id, a.expense_id, -a.amount, uow.now).await?;
        store::add_to_unpaid(&mut uow.conn, a.expense_id, a.amount).await?;
    }
    store::add_to_unallocated(&mut uow.conn, payment_id, -pay.unallocated).await?;
    let original = store::original_entry(&mut uow.conn, Some(payment_id), None)
        .await?
        .ok_or_else(|| EngineError::Internal(format!("payment {payment_id} has no entry")))?;
    post_entry(uow, client, EntryKind::PaymentReversal, pay.amount, Some(payment_id), None, Some(original.id), reason).await?;
    store::set_payment_status(&mut uow.conn, payment_id, PaymentStatus::Refunded).await?;
    Ok(())
}

/// Credits a payment inside a unit of work that holds the client's lock.
pub(crate) async fn credit_in(
    uow: &mut Uow<'_>,
    client: &ClientRow,
    method: &str,
    money: Money,
    comment: &str,
) -> Result<store::PaymentRow> {
    let units = money.to_units()?;
    credit_entry(uow, client, EntryKind::Payment, method, (units, money.currency.code()), comment).await
}

/// CAT-1: a discount service's bonus of `units`, credited to the balance
/// as money of no payer (method "bonus", an entry of its own kind), so it
/// pays expenses as money does but never shows in a payer's documents.
pub(crate) async fn credit_bonus_in(uow: &mut Uow<'_>, client: &ClientRow, name: &str, units: i64) -> Result<store::PaymentRow> {
    credit_entry(uow, client, EntryKind::Bonus, BONUS_PREFIX, (units, &client.currency), name).await
}

async fn credit_entry(
    uow: &mut Uow<'_>,
    client: &ClientRow,
    kind: EntryKind,
    method: &str,
    (units, currency): (i64, &str),
    comment: &str,
) -> Result<store::PaymentRow> {
    let row = store::insert_payment(
        &mut uow.conn,
        &store::NewPayment {
            client_id: client.id,
            method,
            amount: units,
            currency,
            status: PaymentStatus::Credited,
            comment,
            created_at: uow.now,
            credited_at: Some(uow.now),
        },
    )
    .await?;
    post_entry(uow, client, kind, units, Some(row.id), None, None, "").await?;
    Ok(row)
}

/// Writes one immutable entry and moves the cached balance with it.
#[allow(clippy::too_many_arguments, reason = "one argument per column of the entry")]
async fn post_entry(
    uow: &mut Uow<'_>,
    client: &ClientRow,
    kind: EntryKind,
    units: i64,
    payment_id: Option<i64>,
    expense_id: Option<i64>,
    reverses: Option<i64>,
    reason: &str,
) -> Result<()> {
    let signed = kind.signed(units);
    let inserted = store::insert_entry(
        &mut uow.conn,
        &NewEntry {
            client_id: client.id,
            kind: kind.as_str(),
            amount: signed,
            currency: &client.currency,
            payment_id,
            expense_id,
            reverses_entry_id: reverses,
            reason,
            created_at: uow.now,
        },
    )
    .await;
    match inserted {
        Err(e) if e.breaks_unique("ledger_entries", "reverses_entry_id") => {
            return Err(EngineError::conflict("already_reversed", "this entry was already reversed"));
        }
        other => other.map_err(|e: StoreError| EngineError::from(e))?,
    };
    let after = clients::add_to_balance(&mut uow.conn, client.id, signed).await?;
    // LED-1: a balance stays where its sums can't overflow; the caller's
    // unit of work rolls back the entry with the refusal.
    kopek_domain::money::check_balance(after.saturating_sub(signed), after)?;
    Ok(())
}

/// Spends a client's open payments on its unpaid expenses, oldest first
/// (LED-2). Called after every movement, under the client's lock.
pub(crate) async fn allocate(conn: &mut Conn, client_id: i64, now: DateTime<Utc>) -> Result<()> {
    let payments = store::open_payments(conn, client_id).await?;
    if payments.is_empty() {
        return Ok(());
    }
    let expenses = store::open_expenses(conn, client_id).await?;
    let plan = plan_allocations(
        &payments.iter().map(|p| OpenItem { id: p.id, open_units: p.unallocated }).collect::<Vec<_>>(),
        &expenses.iter().map(|e| OpenItem { id: e.id, open_units: e.unpaid }).collect::<Vec<_>>(),
    );
    for a in plan {
        store::insert_allocation(conn, client_id, a.payment_id, a.expense_id, a.units, now).await?;
        store::add_to_unallocated(conn, a.payment_id, -a.units).await?;
        store::add_to_unpaid(conn, a.expense_id, -a.units).await?;
    }
    Ok(())
}

pub(crate) async fn payment_view(conn: &mut Conn, id: i64) -> Result<Payment> {
    let row = store::payment(conn, id).await?.ok_or_else(|| EngineError::not_found("payment", id))?;
    let allocations = store::allocations_from_payment(conn, id).await?;
    let mut view = views::payment(&row, &allocations);
    view.flow = kopek_store::payments::flow(conn, id).await?.filter(shows_flow).map(|f| views::payment_flow(&f));
    Ok(view)
}

/// Money staff credited by hand has no way through a method to show.
fn shows_flow(f: &kopek_store::payments::FlowRow) -> bool {
    f.method_id.is_some() || f.cashback_of.is_some()
}

/// Money arrived for a payment that waited for it (a gateway's success, a
/// bank transfer): it is credited and its entry posted. The caller holds
/// the client's lock and allocates afterwards.
pub(crate) async fn credit_awaiting_in(uow: &mut Uow<'_>, client: &ClientRow, pay: &store::PaymentRow) -> Result<()> {
    kopek_store::payments::mark_credited(&mut uow.conn, pay.id, uow.now).await?;
    post_entry(uow, client, EntryKind::Payment, pay.amount, Some(pay.id), None, None, "").await
}

async fn expense_view(conn: &mut Conn, id: i64) -> Result<Expense> {
    let row = store::expense(conn, id).await?.ok_or_else(|| EngineError::not_found("expense", id))?;
    let paid_by = store::allocations_to_expense(conn, id).await?;
    Ok(views::expense(&row, &paid_by))
}
