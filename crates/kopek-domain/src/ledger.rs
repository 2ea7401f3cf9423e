//! Ledger posting rules (LED-1, LED-2): which entry a movement makes, and how
//! open payments are allocated to unpaid expenses, oldest first. Amounts
//! here are stored units (ten-thousandths), so the rules are exact integers.

use serde::{Deserialize, Serialize};

/// What an immutable ledger entry records. The sign of its amount is fixed
/// by the kind: money in is positive, money out is negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Payment,
    Expense,
    /// CAT-1: money a discount service gives; never a payer's payment.
    Bonus,
    PaymentReversal,
    ExpenseReversal,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Payment => "payment",
            EntryKind::Expense => "expense",
            EntryKind::Bonus => "bonus",
            EntryKind::PaymentReversal => "payment_reversal",
            EntryKind::ExpenseReversal => "expense_reversal",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "payment" => EntryKind::Payment,
            "expense" => EntryKind::Expense,
            "bonus" => EntryKind::Bonus,
            "payment_reversal" => EntryKind::PaymentReversal,
            "expense_reversal" => EntryKind::ExpenseReversal,
            _ => return None,
        })
    }

    /// The signed effect on the balance of an entry for `units` (> 0).
    pub fn signed(self, units: i64) -> i64 {
        match self {
            EntryKind::Payment | EntryKind::Bonus | EntryKind::ExpenseReversal => units,
            EntryKind::Expense | EntryKind::PaymentReversal => -units,
        }
    }
}

/// A payment with money not yet allocated, or an expense not yet paid, in
/// the order it should be matched (oldest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenItem {
    pub id: i64,
    pub open_units: i64,
}

/// One planned allocation of part of a payment to part of an expense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedAllocation {
    pub payment_id: i64,
    pub expense_id: i64,
    pub units: i64,
}

/// Matches open payments to unpaid expenses, both given oldest first: the
/// oldest expense is paid by the oldest money, and so on, until one side
/// runs out. Afterwards at most one side still has anything open.
pub fn plan_allocations(payments: &[OpenItem], expenses: &[OpenItem]) -> Vec<PlannedAllocation> {
    let mut plan = Vec::new();
    let mut pay = payments.iter().filter(|p| p.open_units > 0).copied().peekable();
    let mut exp = expenses.iter().filter(|e| e.open_units > 0).copied().peekable();
    let (mut p_left, mut e_left) = (0i64, 0i64);
    let (mut p_cur, mut e_cur) = (None, None);
    loop {
        if p_left == 0 {
            match pay.next() {
                Some(p) => {
                    p_cur = Some(p.id);
                    p_left = p.open_units;
                }
                None => break,
            }
        }
        if e_left == 0 {
            match exp.next() {
                Some(e) => {
                    e_cur = Some(e.id);
                    e_left = e.open_units;
                }
                None => break,
            }
        }
        let units = p_left.min(e_left);
        plan.push(PlannedAllocation {
            payment_id: p_cur.expect("payment chosen"),
            expense_id: e_cur.expect("expense chosen"),
            units,
        });
        p_left -= units;
        e_left -= units;
    }
    plan
}

crate::stored::stored_from_string!(EntryKind);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn item(id: i64, open_units: i64) -> OpenItem {
        OpenItem { id, open_units }
    }

    /// LED-2: the oldest expense is paid first, from the oldest payment.
    #[test]
    fn led2_allocates_oldest_first_and_splits_across_payments() {
        let plan =
            plan_allocations(&[item(1, 100_0000), item(2, 50_0000)], &[item(10, 30_0000), item(11, 90_0000), item(12, 40_0000)]);
        assert_eq!(
            plan,
            vec![
                PlannedAllocation { payment_id: 1, expense_id: 10, units: 30_0000 },
                PlannedAllocation { payment_id: 1, expense_id: 11, units: 70_0000 },
                PlannedAllocation { payment_id: 2, expense_id: 11, units: 20_0000 },
                PlannedAllocation { payment_id: 2, expense_id: 12, units: 30_0000 },
            ]
        );
    }

    #[test]
    fn nothing_to_allocate_when_a_side_is_empty() {
        assert!(plan_allocations(&[], &[item(1, 5)]).is_empty());
        assert!(plan_allocations(&[item(1, 5)], &[]).is_empty());
        assert!(plan_allocations(&[item(1, 0)], &[item(2, 5)]).is_empty());
    }

    #[test]
    fn entry_signs_follow_the_money() {
        assert_eq!(EntryKind::Payment.signed(5), 5);
        assert_eq!(EntryKind::Expense.signed(5), -5);
        assert_eq!(EntryKind::PaymentReversal.signed(5), -5);
        assert_eq!(EntryKind::ExpenseReversal.signed(5), 5);
        for k in [EntryKind::Payment, EntryKind::Expense, EntryKind::PaymentReversal, EntryKind::ExpenseReversal] {
            assert_eq!(EntryKind::parse(k.as_str()), Some(k));
        }
    }

    proptest! {
        /// LED-2: allocation never over-spends a payment or over-pays an
        /// expense, moves min(total money, total debt), and leaves at most
        /// one side open.
        #[test]
        fn led2_allocation_conserves_money(
            pays in prop::collection::vec(0i64..1_000_000, 0..8),
            exps in prop::collection::vec(0i64..1_000_000, 0..8),
        ) {
            let p: Vec<_> = pays.iter().enumerate().map(|(i, u)| item(i as i64, *u)).collect();
            let e: Vec<_> = exps.iter().enumerate().map(|(i, u)| item(100 + i as i64, *u)).collect();
            let plan = plan_allocations(&p, &e);
            let moved: i64 = plan.iter().map(|a| a.units).sum();
            prop_assert_eq!(moved, pays.iter().sum::<i64>().min(exps.iter().sum::<i64>()));
            for x in &p {
                let used: i64 = plan.iter().filter(|a| a.payment_id == x.id).map(|a| a.units).sum();
                prop_assert!(used <= x.open_units);
            }
            for x in &e {
                let paid: i64 = plan.iter().filter(|a| a.expense_id == x.id).map(|a| a.units).sum();
                prop_assert!(paid <= x.open_units);
            }
            prop_assert!(plan.iter().all(|a| a.units > 0));
        }
    }
}
