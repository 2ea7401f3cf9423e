//! The credit-limit cycle (CRD-1 … CRD-5) on the nightly schedule: on the
//! 1st an invoice for each client's unpaid expenses of last month; the
//! reminders of the guide on their days; the limit blocked on the 30th (the
//! last day of February) while the invoice is unpaid; unblocked by the
//! payment that pays it, which also renews the services the block held.
//! Every step is recorded once (an invoice per client and month, a reminder
//! per invoice and kind), so a second run of the night changes nothing.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use kopek_domain::credit::{CreditCalendar, CreditStatus, InvoiceFacts, client_credit_state, credit_summary, reminders_on};
use kopek_domain::money::{STORED_SCALE, units_to_decimal};
use kopek_store::clients::{self, ClientRow};
use kopek_store::credit::{self as store, InvoiceRow, NewInvoice};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use kopek_domain::account::Right;

use crate::Engine;
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::Result;
use crate::core::notify::notify_client;
use crate::core::uow::Uow;
use crate::core::views::minor;
use crate::ledger::entries::{existing_client, lock_client};

/// A nightly run missed on the 1st still issues the month's invoices up to
/// this day; the due and block dates stay the month's.
const LAST_ISSUE_DAY: u32 = 5;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CreditReport {
    pub invoices_issued: usize,
    pub reminders_sent: usize,
    pub invoices_paid: usize,
    pub blocked: usize,
    pub unblocked: usize,
}

/// Credit-limit invoices a staff page shows.
pub const CREDIT_INVOICES_PAGE: i64 = 30;

/// A client's credit-limit invoice, as staff list them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClientInvoice {
    pub client_id: i64,
    pub currency: String,
    pub invoice: CreditInvoice,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreditInvoicePage {
    pub invoices: Vec<ClientInvoice>,
    /// The id to pass as `before` for older ones.
    pub next_before: Option<i64>,
}

/// An invoice as the client sees it ("Информация о счете").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreditInvoice {
    pub id: i64,
    /// The month it was issued in, "YYYY-MM".
    pub cycle: String,
    pub issued_on: NaiveDate,
    /// Pay by this day.
    pub due_on: NaiveDate,
    pub overdue_from: NaiveDate,
    /// The limit is blocked on this day if it is still unpaid.
    pub block_on: NaiveDate,
    pub amount: Amount,
    pub paid: Amount,
    pub remaining: Amount,
    /// to_pay, partly_paid or paid.
    pub state: String,
    /// "к оплате", "частично оплачен" or "полностью погашен".
    pub state_label: String,
    /// The reminders sent: (kind, day).
    pub reminders: Vec<(String, NaiveDate)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DayExpenses {
    pub day: NaiveDate,
    pub amount: Amount,
}

/// CRD-5: the dashboard's credit block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreditDashboard {
    pub client_id: i64,
    pub currency: String,
    /// normal, due, overdue or blocked.
    pub status: String,
    pub limit: Amount,
    /// "доступно".
    pub available: Amount,
    /// Left to pay of invoices not yet overdue.
    pub to_pay: Amount,
    /// "просрочено".
    pub overdue: Amount,
    /// "не оплачено": spent on credit after the last invoice.
    pub unpaid_since_invoice: Amount,
    /// The invoices not yet paid, with their dates.
    pub open_invoices: Vec<CreditInvoice>,
    /// The chart: expenses per day since the 1st of last month.
    pub expenses_by_day: Vec<DayExpenses>,
}

fn facts(i: &InvoiceRow) -> InvoiceFacts {
    InvoiceFacts {
        issued_on: i.issued_on,
        amount: units_to_decimal(i.amount),
        paid: units_to_decimal((i.amount - i.remaining).max(0)),
    }
}

impl Engine {
    /// The night's credit-limit work for `day` (provider time).
    pub async fn run_credit_cycle(&self, ctx: &Ctx, day: NaiveDate) -> Result<CreditReport> {
        let mut report = CreditReport::default();
        if day.day() <= LAST_ISSUE_DAY {
            self.issue_credit_invoices(ctx, day, &mut report).await?;
        }
        let ids = {
            let mut conn = self.store.conn().await?;
            let mut ids = store::clients_with_open_invoices(&mut conn).await?;
            ids.extend(store::blocked_clients(&mut conn).await?);
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        for id in ids {
            self.review_credit(ctx, id, day, &mut report).await?;
        }
        Ok(report)
    }

    fn local_midnight(&self, day: NaiveDate) -> DateTime<Utc> {
        self.to_utc(day.and_time(NaiveTime::MIN))
    }

    async fn issue_credit_invoices(&self, ctx: &Ctx, day: NaiveDate, report: &mut CreditReport) -> Result<()> {
        let cal = CreditCalendar::of(day);
        let (from, to) = (self.local_midnight(cal.expenses_from()), self.local_midnight(cal.invoice_day()));
        let cycle = format!("{:04}-{:02}", cal.year(), cal.month());
        let due = {
            let mut conn = self.store.conn().await?;
            store::uninvoiced(&mut conn, from, to, &cycle).await?
        };
        for (client_id, _) in due {
            let mut uow = self.begin(ctx).await?;
            let client = lock_client(&mut uow.conn, client_id).await?;
            // Read again under the lock: a payment may have come meanwhile.
            let Some((_, amount)) =
                store::uninvoiced(&mut uow.conn, from, to, &cycle).await?.into_iter().find(|(c, _)| *c == client_id)
            else {
                continue;
            };
            let new = NewInvoice {
                client_id,
                cycle: &cycle,
                issued_on: day,
                expenses_from: from,
                expenses_to: to,
                amount,
                currency: &client.currency,
            };
            let Some(id) = store::insert_invoice(&mut uow.conn, &new, uow.now).await? else { continue };
            uow.audit(
                "credit.invoice",
                "credit_invoice",
                id,
                Some(client_id),
                serde_json::json!({
                    "cycle": cycle, "amount": units_to_decimal(amount), "due_on": cal.due_day(), "block_on": cal.block_day(),
                }),
            )
            .await?;
            uow.finish(()).await?;
            report.invoices_issued += 1;
        }
        Ok(())
    }

    /// One client's invoices on `day`: paid ones closed, reminders sent,
    /// the limit blocked or unblocked as the invoices say.
    async fn review_credit(&self, ctx: &Ctx, client_id: i64, day: NaiveDate, report: &mut CreditReport) -> Result<()> {
        let mut uow = self.begin(ctx).await?;
        let client = lock_client(&mut uow.conn, client_id).await?;
        let invoices = store::open_invoices(&mut uow.conn, client_id).await?;
        let mut changes = Vec::new();
        for inv in &invoices {
            let f = facts(inv);
            for r in reminders_on(day, &f) {
                if store::record_reminder(&mut uow.conn, inv.id, r.code(), day).await? {
                    notify_client(&mut uow, client_id, r.code(), invoice_notice(inv, &f), &inv.id.to_string()).await?;
                    changes.push(r.code().to_string());
                    report.reminders_sent += 1;
                }
            }
            if f.is_paid() {
                store::mark_paid(&mut uow.conn, inv.id, uow.now).await?;
                changes.push(format!("invoice {} paid", inv.id));
                report.invoices_paid += 1;
            }
        }
        let status = client_credit_state(day, &invoices.iter().map(facts).collect::<Vec<_>>());
        if status == CreditStatus::Blocked && !client.credit_blocked {
            clients::set_credit_blocked(&mut uow.conn, client_id, true).await?;
            changes.push("blocked".into());
            report.blocked += 1;
        } else if status != CreditStatus::Blocked && client.credit_blocked {
            self.unblock_credit(&mut uow, &client).await?;
            changes.push("unblocked".into());
            report.unblocked += 1;
        }
        if changes.is_empty() {
            return Ok(());
        }
        uow.audit("credit.review", "client", client_id, Some(client_id), serde_json::json!({ "day": day, "changes": changes }))
            .await?;
        uow.finish(()).await?;
        Ok(())
    }

    /// CRD-4, after money came in: a blocked limit whose overdue invoices
    /// are now paid is unblocked at once, in the payment's transaction.
    pub(crate) async fn recheck_credit(&self, uow: &mut Uow<'_>, client_id: i64) -> Result<()> {
        let client = lock_client(&mut uow.conn, client_id).await?;
        if !client.credit_blocked {
            return Ok(());
        }
        let invoices = store::open_invoices(&mut uow.conn, client_id).await?;
        if client_credit_state(self.local_today(), &invoices.iter().map(facts).collect::<Vec<_>>()) == CreditStatus::Blocked {
            return Ok(());
        }
        for inv in invoices.iter().filter(|i| facts(i).is_paid()) {
            store::mark_paid(&mut uow.conn, inv.id, uow.now).await?;
        }
        self.unblock_credit(uow, &client).await
    }

    async fn unblock_credit(&self, uow: &mut Uow<'_>, client: &ClientRow) -> Result<()> {
        clients::set_credit_blocked(&mut uow.conn, client.id, false).await?;
        let client = lock_client(&mut uow.conn, client.id).await?;
        let renewed = self.release_credit_holds(uow, &client).await?;
        let data = serde_json::json!({ "renewed_subscriptions": renewed });
        notify_client(uow, client.id, "credit.unblocked", data.clone(), &format!("{}-{}", client.id, uow.now.timestamp_micros()))
            .await?;
        uow.audit("credit.unblock", "client", client.id, Some(client.id), data).await
    }

    /// The client's invoices, newest first.
    pub async fn credit_invoices(&self, ctx: &Ctx, client_id: i64) -> Result<Vec<CreditInvoice>> {
        ctx.actor.ensure_right(Right::Finance)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        let mut out = Vec::new();
        for inv in store::invoices(&mut conn, client_id).await? {
            let reminders = store::reminders(&mut conn, inv.id).await?;
            out.push(invoice_view(&inv, reminders));
        }
        Ok(out)
    }

    /// CRD-2, OPS-5: every client's credit-limit invoices with their states,
    /// newest first, a page at a time, for the night's screen (not
    /// support's: ACC-4).
    pub async fn all_credit_invoices(&self, ctx: &Ctx, before: Option<i64>) -> Result<CreditInvoicePage> {
        ctx.actor.ensure_may_see_money()?;
        let mut conn = self.store.conn().await?;
        let mut rows = store::recent_invoices(&mut conn, before, CREDIT_INVOICES_PAGE + 1).await?;
        let more = rows.len() as i64 > CREDIT_INVOICES_PAGE;
        rows.truncate(CREDIT_INVOICES_PAGE as usize);
        let next_before = if more { rows.last().map(|r| r.id) } else { None };
        let mut invoices = Vec::new();
        for inv in &rows {
            let reminders = store::reminders(&mut conn, inv.id).await?;
            invoices.push(ClientInvoice {
                client_id: inv.client_id,
                currency: inv.currency.clone(),
                invoice: invoice_view(inv, reminders),
            });
        }
        Ok(CreditInvoicePage { invoices, next_before })
    }

    /// CRD-5: what the dashboard shows of the credit limit.
    pub async fn credit_dashboard(&self, ctx: &Ctx, client_id: i64) -> Result<CreditDashboard> {
        ctx.actor.ensure_right(Right::Finance)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        let client = existing_client(&mut conn, client_id).await?;
        let today = self.local_today();
        let open = store::open_invoices(&mut conn, client_id).await?;
        let m = minor(&client.currency);
        let amount = |d: rust_decimal::Decimal| Amount::shown(d, m);
        let mut s = credit_summary(
            today,
            units_to_decimal(client.credit_limit),
            units_to_decimal(client.balance),
            &open.iter().map(facts).collect::<Vec<_>>(),
        );
        // The flag set by the nightly run is what the engine enforces.
        if client.credit_blocked {
            s.status = CreditStatus::Blocked;
            s.available = rust_decimal::Decimal::ZERO;
        }
        let mut open_invoices = Vec::new();
        for inv in &open {
            open_invoices.push(invoice_view(inv, store::reminders(&mut conn, inv.id).await?));
        }
        let from = CreditCalendar::of(today).expenses_from();
        let rows = store::expenses_between(
            &mut conn,
            client_id,
            self.local_midnight(from),
            self.local_midnight(today + Duration::days(1)),
        )
        .await?;
        // Wide sums: a day may hold many expenses, each up to the maximum.
        let mut days: BTreeMap<NaiveDate, i128> = BTreeMap::new();
        for (at, units) in rows {
            *days.entry(self.to_local(at).date()).or_default() += i128::from(units);
        }
        Ok(CreditDashboard {
            client_id,
            currency: client.currency.clone(),
            status: s.status.as_str().to_string(),
            limit: amount(s.limit),
            available: amount(s.available),
            to_pay: amount(s.to_pay),
            overdue: amount(s.overdue),
            unpaid_since_invoice: amount(s.unpaid_since_invoice),
            open_invoices,
            expenses_by_day: days
                .into_iter()
                .map(|(day, units)| DayExpenses {
                    day,
                    amount: Amount::shown(rust_decimal::Decimal::from_i128_with_scale(units, STORED_SCALE), m),
                })
                .collect(),
        })
    }
}

fn invoice_notice(inv: &InvoiceRow, f: &InvoiceFacts) -> serde_json::Value {
    let cal = f.calendar();
    serde_json::json!({
        "invoice_id": inv.id, "amount": f.amount, "remaining": f.remaining(), "currency": inv.currency,
        "due_on": cal.due_day(), "block_on": cal.block_day(),
    })
}

fn invoice_view(inv: &InvoiceRow, reminders: Vec<(String, NaiveDate)>) -> CreditInvoice {
    let f = facts(inv);
    let cal = f.calendar();
    let m = minor(&inv.currency);
    let state = f.state();
    CreditInvoice {
        id: inv.id,
        cycle: inv.cycle.clone(),
        issued_on: inv.issued_on,
        due_on: cal.due_day(),
        overdue_from: cal.overdue_from(),
        block_on: cal.block_day(),
        amount: Amount::from_units(inv.amount, m),
        paid: Amount::from_units((inv.amount - inv.remaining).max(0), m),
        remaining: Amount::from_units(inv.remaining, m),
        state: state.as_str().to_string(),
        state_label: state.label_ru().to_string(),
        reminders,
    }
}
