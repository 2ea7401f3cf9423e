//! The nightly run's fast path: a batch of clients read in a few
//! statements, priced in memory by the same rules as the per-client path,
//! and written one statement per table (CHG-1). A client whose run changes
//! a state — a charge not covered, a threshold crossed, a lifetime, usage,
//! a block to lift — goes through [`Engine::charge_client`] instead, in the
//! same transaction; both paths give the same ledger.

use std::collections::HashMap;

use chrono::NaiveDate;
use kopek_domain::account::ClientState;
use kopek_domain::charging::run::{DueCharge, below_threshold, plan_client};
use kopek_domain::ledger::{OpenItem, plan_allocations};
use kopek_domain::money::decimal_to_units;
use kopek_store::bulk::{self, AllocationIn, ChargeIn, ExpenseIn, SubscriptionAdvance};
use kopek_store::clients::ClientRow;
use kopek_store::subscriptions::SubscriptionRow;

use crate::Engine;
use crate::catalog::services::PriceBook;
use crate::charging::run::{ChargeLine, ClientRun, Pending, charge_name, chargeable, included_vat, nominal};
use crate::charging::state::State;
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
    pub(crate) async fn charge_batch(
        &self,
        uow: &mut Uow<'_>,
        book: &PriceBook,
        ids: &[i64],
        date: NaiveDate,
    ) -> Result<Vec<ClientRun>> {
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
            match self.plan_fast(uow, book, &client, &subs, date, in_debt.contains(&client.id)).await? {
                Some((pending, total)) => planned.push((client, pending, total)),
                None => slow.push(client.id),
            }
        }

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
                        let tax = included_vat(line.units, p.vat_percent, &client.currency)?;
                        new_expenses.push((id, line.units, tax, charge_name(&p.name, line)));
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
            for (id, units, tax, name) in new_expenses {
                let paid: i64 = plan.iter().filter(|a| a.expense_id == id).map(|a| a.units).sum();
                writes.expenses.push(ExpenseIn {
                    id,
                    client_id: client.id,
                    name,
                    amount: units,
                    tax,
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
            runs.push(self.charge_client(uow, book, id, date, None).await?);
        }
        runs.sort_by_key(|r| r.client_id);
        Ok(runs)
    }

    /// Prices a client for the fast path, or `None` when its run needs the
    /// per-client path.
    async fn plan_fast(
        &self,
        uow: &mut Uow<'_>,
        book: &PriceBook,
        client: &ClientRow,
        subs: &[SubscriptionRow],
        date: NaiveDate,
        in_debt: bool,
    ) -> Result<Option<(Vec<Pending>, i64)>> {
        if client.state != ClientState::Active || in_debt {
            return Ok(None);
        }
        let mut pending = Vec::new();
        for sub in subs {
            let state = Some(sub.state);
            if matches!(state, Some(State::BlockedForDebt | State::DeactivatedByThreshold)) {
                return Ok(None);
            }
            if state == Some(State::Active) && sub.stopped_at.is_some_and(|t| t <= uow.now) {
                return Ok(None);
            }
            if sub.next_charge_on.is_none_or(|d| d > date) {
                continue;
            }
            let Some(spec) = book.spec_on(sub.service_id, date) else { continue };
            if spec.lifetime.is_set() || !spec.additional.usage_rates.0.is_empty() {
                return Ok(None);
            }
            if !chargeable(sub, spec, client) {
                continue;
            }
            pending.push(self.price_subscription(uow, book, client, sub, spec, date, None).await?);
        }
        let due: Vec<DueCharge> = pending
            .iter()
            .map(|p| DueCharge { subscription_id: p.sub.id, units: p.lines.iter().map(|l| l.units).sum(), funds: p.funds })
            .collect();
        let plan = plan_client(client.balance, client.usable_credit(), &due);
        if !plan.uncovered.is_empty() {
            return Ok(None);
        }
        for sub in subs.iter().filter(|s| s.state == State::Active) {
            let Some(spec) = book.spec_on(sub.service_id, date) else { continue };
            let own = spec.additional.threshold_override.map(decimal_to_units).transpose()?;
            let holiday = book.is_holiday(spec.conditions.holiday_calendar.as_deref(), date);
            if below_threshold(plan.balance_after, client.disconnect_threshold, own) && !holiday {
                return Ok(None);
            }
        }
        let total = client.balance - plan.balance_after;
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
