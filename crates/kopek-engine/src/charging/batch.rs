//! The nightly run's fast path: a batch of clients read in a few
//! statements, priced in memory by the same rules as the per-client path,
//! and written one statement per table (CHG-1). A client whose run changes
//! a state — a charge not covered, a threshold crossed, a lifetime, usage,
//! a block to lift — goes through the per-client run instead, in the same
//! transaction. Both paths price with the same functions and decide with
//! the same domain rules, and a property test runs random nights through
//! both (`tests/engine/charge_paths.rs`): they give the same ledger.

use std::collections::HashMap;

use chrono::NaiveDate;
use kopek_domain::account::ClientState;
use kopek_domain::charging::run::plan_client;
use kopek_domain::ledger::{OpenItem, plan_allocations};
use kopek_store::bulk::{self, AllocationIn, ChargeIn, ExpenseIn, SubscriptionAdvance};
use kopek_store::clients::ClientRow;
use kopek_store::subscriptions::SubscriptionRow;

use crate::Engine;
use crate::catalog::services::PriceBook;
use crate::charging::client::{Pending, Reach, charge_name, charges_in_state};
use crate::charging::run::{ChargeLine, ClientRun, Night, nominal};
use crate::charging::state::State;
use crate::charging::switches::switched_off;
use crate::core::amount::Amount;
use crate::core::error::Result;
use crate::core::uow::Uow;
use crate::core::views::minor;

/// What the fast path will write for the clients it takes.
#[derive(Default)]
struct Writes {
    expenses: Vec<ExpenseIn>,
    charges: Vec<ChargeIn>,
    allocations: Vec<AllocationIn>,
    balances: Vec<(i64, i64)>,
    unallocated: Vec<(i64, i64)>,
    advances: Vec<SubscriptionAdvance>,
}

impl Engine {
    /// Charges a batch of clients for a run of a night; returns their runs
    /// and the clients the fast path took. `per_client` sends every client
    /// through the per-client run: the fast path's reference in tests.
    pub(crate) async fn charge_batch(
        &self,
        uow: &mut Uow<'_>,
        book: &PriceBook,
        ids: &[i64],
        night: Night,
        per_client: bool,
    ) -> Result<(Vec<ClientRun>, Vec<i64>)> {
        let date = night.date;
        let clients = bulk::lock_clients(&mut uow.conn, ids).await?;
        let mut subs_by_client: HashMap<i64, Vec<SubscriptionRow>> = HashMap::new();
        for s in bulk::subscriptions_of(&mut uow.conn, ids).await? {
            subs_by_client.entry(s.client_id).or_default().push(s);
        }
        let mut payments_by_client: HashMap<i64, Vec<kopek_store::ledger::PaymentRow>> = HashMap::new();
        for p in bulk::open_payments_of(&mut uow.conn, ids).await? {
            payments_by_client.entry(p.client_id).or_default().push(p);
        }
        let in_debt = bulk::clients_with_debt(&mut uow.conn, ids).await?;

        let mut runs = Vec::with_capacity(clients.len());
        let mut slow = Vec::new();
        let mut planned: Vec<(ClientRow, Vec<Pending>, i64)> = Vec::new();
        for client in clients {
            let subs = subs_by_client.remove(&client.id).unwrap_or_default();
            let fast = if per_client {
                None
            } else {
                self.plan_fast(uow, book, &client, &subs, night, in_debt.contains(&client.id)).await?
            };
            match fast {
                Some((pending, total)) => planned.push((client, pending, total)),
                None => slow.push(client.id),
            }
        }
        let fast_ids: Vec<i64> = planned.iter().map(|(c, _, _)| c.id).collect();

        let lines: usize =
            planned.iter().map(|(_, p, _)| p.iter().map(|x| x.lines.iter().filter(|l| l.units > 0).count()).sum::<usize>()).sum();
        let mut ids_pool = bulk::reserve_expense_ids(&mut uow.conn, lines as i64).await?.into_iter();
        let mut writes = Writes::default();
        let charged_at = self.to_utc(nominal(date));
        for (client, pending, total) in planned {
            let m = minor(&client.currency);
            let mut run = ClientRun {
                client_id: client.id,
                balance_before: Amount::from_units(client.balance, m),
                balance_after: Amount::from_units(client.balance - total, m),
                charged: Amount::from_units(total, m),
                lines: Vec::new(),
                uncovered: Vec::new(),
                changes: Vec::new(),
            };
            let mut new_expenses = Vec::new();
            for p in &pending {
                let mut sub_total = 0;
                for line in &p.lines {
                    let start = self.to_utc(line.key);
                    let end = self.to_utc(line.end);
                    let expense_id = if line.units > 0 {
                        let id = ids_pool.next().expect("an id reserved per line");
                        let vat = self.expense_vat(line.units, p.vat, charged_at, &client.currency)?;
                        new_expenses.push((id, line.units, vat, charge_name(&p.name, line)));
                        Some(id)
                    } else {
                        None
                    };
                    writes.charges.push(ChargeIn {
                        client_id: client.id,
                        subscription_id: p.sub.id,
                        period_start: start,
                        period_end: end,
                        amount: line.units,
                        expense_id,
                    });
                    sub_total += line.units;
                    run.lines.push(ChargeLine {
                        subscription_id: p.sub.id,
                        service: p.name.clone(),
                        period_start: start,
                        period_end: end,
                        amount: Amount::from_units(line.units, m),
                    });
                }
                writes.advances.push(SubscriptionAdvance {
                    id: p.sub.id,
                    charged_until: p.last_end.map(|t| self.to_utc(t)),
                    next_charge_on: p.next,
                    add_to_total: sub_total,
                });
            }
            // LED-2: the new expenses are paid from the client's open
            // payments, oldest first; there is no older debt (checked).
            let open = payments_by_client.remove(&client.id).unwrap_or_default();
            let plan = plan_allocations(
                &open.iter().map(|p| OpenItem { id: p.id, open_units: p.unallocated }).collect::<Vec<_>>(),
                &new_expenses.iter().map(|(id, units, _, _)| OpenItem { id: *id, open_units: *units }).collect::<Vec<_>>(),
            );
            for (id, units, vat, name) in new_expenses {
                let paid: i64 = plan.iter().filter(|a| a.expense_id == id).map(|a| a.units).sum();
                writes.expenses.push(ExpenseIn {
                    id,
                    client_id: client.id,
                    name,
                    amount: units,
                    tax: vat.tax,
                    vat_percent: vat.rate,
                    unpaid: units - paid,
                    currency: client.currency.clone(),
                    charged_at,
                });
            }
            for a in plan {
                writes.allocations.push(AllocationIn {
                    client_id: client.id,
                    payment_id: a.payment_id,
                    expense_id: a.expense_id,
                    amount: a.units,
                });
                writes.unallocated.push((a.payment_id, -a.units));
            }
            if total != 0 {
                writes.balances.push((client.id, -total));
            }
            runs.push(run);
        }
        self.write_fast(uow, writes, date).await?;
        for id in slow {
            runs.push(self.charge_client_in(uow, book, id, night).await?);
        }
        runs.sort_by_key(|r| r.client_id);
        Ok((runs, fast_ids))
    }

    /// Prices a client for the fast path, or `None` when its run needs the
    /// per-client path: anything to switch on or off, to restart, usage or
    /// a lifetime, a charge not covered, a bonus to give.
    async fn plan_fast(
        &self,
        uow: &mut Uow<'_>,
        book: &PriceBook,
        client: &ClientRow,
        subs: &[SubscriptionRow],
        night: Night,
        in_debt: bool,
    ) -> Result<Option<(Vec<Pending>, i64)>> {
        if client.state != ClientState::Active || in_debt {
            return Ok(None);
        }
        let date = night.date;
        let mut priced = Vec::new();
        for sub in subs {
            if matches!(sub.state, State::BlockedForDebt | State::DeactivatedByThreshold) {
                return Ok(None);
            }
            if sub.state == State::Active && sub.stopped_at.is_some_and(|t| t <= uow.now) {
                return Ok(None);
            }
            if sub.next_charge_on.is_none_or(|d| d > date) {
                continue;
            }
            let Some(spec) = book.spec_on(sub.service_id, date) else { continue };
            if spec.lifetime.is_set() || spec.prices_usage() {
                return Ok(None);
            }
            if !charges_in_state(sub, spec, client) {
                continue;
            }
            priced.push(self.price_due(uow, book, client, sub, spec, date, Reach::Night(night.cutoff)).await?);
        }
        let plan = plan_client(client.balance, client.usable_credit(), &priced.iter().map(|p| p.due).collect::<Vec<_>>());
        if !plan.uncovered.is_empty() || !plan.kept_off.is_empty() {
            return Ok(None);
        }
        let pending: Vec<Pending> = priced.into_iter().filter_map(|p| p.now).collect();
        // A discount's bonus (CAT-1) is credited money, which the bulk
        // writes don't post.
        if pending.iter().any(|p| p.lines.iter().any(|l| l.units < 0)) {
            return Ok(None);
        }
        let total: i64 = pending.iter().map(Pending::units).sum();
        if !switched_off(book, client, subs, client.balance - total, date)?.is_empty() {
            return Ok(None);
        }
        Ok(Some((pending, total)))
    }

    async fn write_fast(&self, uow: &mut Uow<'_>, w: Writes, date: NaiveDate) -> Result<()> {
        let now = uow.now;
        bulk::insert_expenses(&mut uow.conn, &w.expenses, now).await?;
        bulk::insert_charges(&mut uow.conn, &w.charges, date, now).await?;
        bulk::insert_allocations(&mut uow.conn, &w.allocations, now).await?;
        bulk::add_to_balances(&mut uow.conn, &w.balances).await?;
        bulk::add_to_unallocated(&mut uow.conn, &w.unallocated).await?;
        bulk::advance_subscriptions(&mut uow.conn, &w.advances).await?;
        Ok(())
    }
}

#[cfg(feature = "testing")]
impl Engine {
    /// Tests only: charges `clients` for `date`'s night up to `cutoff` in
    /// one batch, through the fast path where it can (as a run does) or,
    /// with `per_client`, every client through the per-client run. Returns
    /// the runs and the clients the fast path took.
    pub async fn charge_clients_by_path(
        &self,
        ctx: &crate::Ctx,
        clients: &[i64],
        date: NaiveDate,
        cutoff: chrono::NaiveDateTime,
        per_client: bool,
    ) -> Result<(Vec<ClientRun>, Vec<i64>)> {
        ctx.actor.ensure_may_move_money()?;
        let mut uow = self.begin(ctx).await?;
        let book = crate::catalog::services::load_price_book(&mut uow.conn).await?;
        let done = self.charge_batch(&mut uow, &book, clients, Night { date, cutoff }, per_client).await?;
        uow.audit(
            "charge.run.batch",
            "charge_run",
            date,
            None,
            serde_json::json!({ "cutoff": cutoff, "per_client": per_client }),
        )
        .await?;
        uow.finish(done).await
    }
}
