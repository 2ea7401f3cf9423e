//! What may happen to a payer once money and documents name it: deleting
//! (PAY-3), merging (PAY-4) and choosing another payer for a payment
//! (PAY-5). The store counts; these rules decide.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// What still ties a payer to the books.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayerUsage {
    /// Unpaid expenses already printed in an act of completed work.
    pub unpaid_expenses_in_acts: u64,
    /// Invoices issued to the payer and not yet paid.
    pub open_invoices: u64,
}

/// PAY-3: a payer can be deleted only when no act or invoice still waits on
/// it, since those documents can't lose the party they were issued to.
pub fn check_delete(usage: &PayerUsage) -> Result<(), DomainError> {
    let mut why = Vec::new();
    if usage.unpaid_expenses_in_acts > 0 {
        why.push(format!("{} unpaid expense(s) in an act", usage.unpaid_expenses_in_acts));
    }
    if usage.open_invoices > 0 {
        why.push(format!("{} open invoice(s)", usage.open_invoices));
    }
    if why.is_empty() { Ok(()) } else { Err(DomainError::PayerInUse(why.join(" and "))) }
}

/// PAY-5: the payer whose unpaid expenses are in an act (`locked`) stays
/// the payer of those expenses; picking another one for the payment is
/// refused until they are paid or the act is reissued.
pub fn check_payment_payer(chosen: i64, locked: Option<i64>) -> Result<(), DomainError> {
    match locked {
        Some(payer) if payer != chosen => Err(DomainError::PayerLockedByAct { payer }),
        _ => Ok(()),
    }
}

/// PAY-4: the merge form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeRequest {
    /// "Основной плательщик": stays.
    pub main: i64,
    /// "Присоединяемый плательщик": disappears.
    pub merged: i64,
    /// "Перенести договоры": otherwise the merged payer's contracts are
    /// deleted.
    pub move_contracts: bool,
}

/// What the merged payer has, as the store found it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergedHoldings {
    pub contract_ids: Vec<i64>,
    pub payments: u64,
    /// Invoices, acts and reconciliation statements.
    pub documents: u64,
}

/// One step of a merge, shown to the user before anything happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum MergeAction {
    MoveContract {
        contract_id: i64,
        to: i64,
    },
    DeleteContract {
        contract_id: i64,
    },
    /// Payments and documents always follow: money already paid can't be
    /// left without a payer.
    MovePayments {
        count: u64,
        to: i64,
    },
    MoveDocuments {
        count: u64,
        to: i64,
    },
    DeletePayer {
        payer_id: i64,
    },
}

impl fmt::Display for MergeAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeAction::MoveContract { contract_id, to } => {
                write!(f, "move contract {contract_id} to payer {to}")
            }
            MergeAction::DeleteContract { contract_id } => write!(f, "delete contract {contract_id}"),
            MergeAction::MovePayments { count, to } => write!(f, "move {count} payment(s) to payer {to}"),
            MergeAction::MoveDocuments { count, to } => write!(f, "move {count} document(s) to payer {to}"),
            MergeAction::DeletePayer { payer_id } => write!(f, "delete payer {payer_id}"),
        }
    }
}

/// PAY-4: the planned actions, in the order they are to be carried out;
/// the last one always removes the merged payer.
pub fn plan_merge(req: &MergeRequest, holdings: &MergedHoldings) -> Result<Vec<MergeAction>, DomainError> {
    if req.main == req.merged {
        return Err(DomainError::invalid("merged", "must be a different payer than the main one"));
    }
    let mut plan: Vec<MergeAction> = holdings
        .contract_ids
        .iter()
        .map(|&contract_id| {
            if req.move_contracts {
                MergeAction::MoveContract { contract_id, to: req.main }
            } else {
                MergeAction::DeleteContract { contract_id }
            }
        })
        .collect();
    if holdings.payments > 0 {
        plan.push(MergeAction::MovePayments { count: holdings.payments, to: req.main });
    }
    if holdings.documents > 0 {
        plan.push(MergeAction::MoveDocuments { count: holdings.documents, to: req.main });
    }
    plan.push(MergeAction::DeletePayer { payer_id: req.merged });
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pay3_unused_payer_can_be_deleted() {
        assert_eq!(check_delete(&PayerUsage::default()), Ok(()));
    }

    #[test]
    fn pay3_delete_refused_with_unpaid_act_or_open_invoice() {
        let e = check_delete(&PayerUsage { unpaid_expenses_in_acts: 2, open_invoices: 0 }).unwrap_err();
        assert_eq!(e.code(), "payer_in_use");
        assert_eq!(e.to_string(), "payer can't be deleted: 2 unpaid expense(s) in an act");
        let e = check_delete(&PayerUsage { unpaid_expenses_in_acts: 1, open_invoices: 3 }).unwrap_err();
        assert_eq!(e.to_string(), "payer can't be deleted: 1 unpaid expense(s) in an act and 3 open invoice(s)");
    }

    #[test]
    fn pay5_other_payer_refused_while_act_unpaid() {
        assert_eq!(check_payment_payer(7, None), Ok(()));
        assert_eq!(check_payment_payer(7, Some(7)), Ok(()));
        let e = check_payment_payer(8, Some(7)).unwrap_err();
        assert_eq!(e, DomainError::PayerLockedByAct { payer: 7 });
        assert_eq!(e.code(), "payer_locked_by_act");
    }

    #[test]
    fn pay4_merge_moving_contracts_lists_every_step_and_deletes_merged() {
        let req = MergeRequest { main: 1, merged: 2, move_contracts: true };
        let held = MergedHoldings { contract_ids: vec![10, 11], payments: 3, documents: 4 };
        let plan = plan_merge(&req, &held).unwrap();
        assert_eq!(
            plan,
            vec![
                MergeAction::MoveContract { contract_id: 10, to: 1 },
                MergeAction::MoveContract { contract_id: 11, to: 1 },
                MergeAction::MovePayments { count: 3, to: 1 },
                MergeAction::MoveDocuments { count: 4, to: 1 },
                MergeAction::DeletePayer { payer_id: 2 },
            ]
        );
        assert_eq!(plan[0].to_string(), "move contract 10 to payer 1");
        assert_eq!(plan[4].to_string(), "delete payer 2");
    }

    #[test]
    fn pay4_merge_without_moving_contracts_deletes_them() {
        let req = MergeRequest { main: 1, merged: 2, move_contracts: false };
        let held = MergedHoldings { contract_ids: vec![10], payments: 0, documents: 0 };
        assert_eq!(
            plan_merge(&req, &held).unwrap(),
            vec![MergeAction::DeleteContract { contract_id: 10 }, MergeAction::DeletePayer { payer_id: 2 }]
        );
    }

    #[test]
    fn pay4_merging_a_payer_into_itself_is_refused() {
        let req = MergeRequest { main: 1, merged: 1, move_contracts: true };
        let e = plan_merge(&req, &MergedHoldings::default()).unwrap_err();
        assert_eq!(e.field(), Some("merged"));
    }
}
