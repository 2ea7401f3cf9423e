//! The client's expenses as a list (LED-2): a window of charge days in the
//! provider's time, one page of it read from the database, and the totals
//! of the whole window summed there, so a client with years of daily
//! charges is answered in a few rows.

use chrono::{Days, NaiveDate};
use kopek_domain::account::Right;
use kopek_store::ledger::{self as store, AllocationSum};

use crate::Engine;
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::views::{self, Expense};
use crate::ledger::entries::existing_client;

/// Which expenses to list: charge days from and to (both included, in the
/// provider's time), and which slice of them.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExpenseFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub offset: u64,
    pub limit: u64,
}

/// One listed expense with the day it was charged and the numbers of the
/// payments that paid it ("pfx/5635").
#[derive(Debug, Clone)]
pub struct ExpenseLine {
    pub expense: Expense,
    pub charged_on: NaiveDate,
    pub paid_by: Vec<String>,
    pub reversed: bool,
}

/// A page of the list and what the whole filter found.
#[derive(Debug, Clone)]
pub struct ExpenseList {
    pub lines: Vec<ExpenseLine>,
    pub found: u64,
    pub currency: String,
    pub amount: Amount,
    pub unpaid: Amount,
    pub tax: Amount,
}

impl Engine {
    /// The client's expenses charged in the filter's days, newest first.
    pub async fn expense_list(&self, ctx: &Ctx, client_id: i64, filter: ExpenseFilter) -> Result<ExpenseList> {
        ctx.actor.ensure_right(Right::Finance)?;
        ctx.actor.ensure_sees_client(client_id)?;
        if let (Some(from), Some(to)) = (filter.from, filter.to)
            && from > to
        {
            return Err(EngineError::invalid_field("to", "date_order", "the \"to\" day is before the \"from\" day"));
        }
        let start = filter.from.map(|d| self.to_utc(d.and_time(chrono::NaiveTime::MIN)));
        let until =
            filter.to.and_then(|d| d.checked_add_days(Days::new(1))).map(|d| self.to_utc(d.and_time(chrono::NaiveTime::MIN)));
        let limit = i64::try_from(filter.limit.clamp(1, 1000)).expect("clamped");
        let offset = i64::try_from(filter.offset).map_err(|_| EngineError::invalid("bad_offset", "the page is too far"))?;

        let mut conn = self.store.conn().await?;
        let client = existing_client(&mut conn, client_id).await?;
        let totals = store::expense_totals(&mut conn, client_id, start, until).await?;
        let rows = store::expenses_page(&mut conn, client_id, start, until, limit, offset).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let paid = store::paid_by(&mut conn, client_id, &ids).await?;

        let lines = rows
            .iter()
            .map(|r| {
                let mine: Vec<_> = paid.iter().filter(|p| p.expense_id == r.id).collect();
                let sums: Vec<AllocationSum> = mine
                    .iter()
                    .map(|p| AllocationSum { payment_id: p.payment_id, expense_id: p.expense_id, amount: p.amount })
                    .collect();
                let mut numbers: Vec<String> = mine.iter().filter_map(|p| p.number.clone()).collect();
                numbers.dedup();
                ExpenseLine {
                    expense: views::expense(r, &sums),
                    charged_on: self.to_local(r.charged_at).date(),
                    paid_by: numbers,
                    reversed: r.status == kopek_domain::account::ExpenseStatus::Reversed,
                }
            })
            .collect();
        let m = views::minor(&client.currency);
        Ok(ExpenseList {
            lines,
            found: u64::try_from(totals.found).unwrap_or(0),
            currency: client.currency,
            amount: Amount::from_units(totals.amount, m),
            unpaid: Amount::from_units(totals.unpaid, m),
            tax: Amount::from_units(totals.tax, m),
        })
    }
}
