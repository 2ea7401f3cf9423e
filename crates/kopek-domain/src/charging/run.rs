//! What one client's nightly run does (CAT-4, CAT-7, CHG-5). All of a
//! client's due charges are weighed against its balance as of the run: if
//! balance plus credit limit covers them all, all are charged; if not, none
//! is, except services that charge past the limit, and each uncovered
//! service is deactivated or blocked for debt as its options say.

use serde::{Deserialize, Serialize};

/// The funds options of a service (CAT-4) that the run reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundsOptions {
    /// Don't charge if funds are insufficient, and deactivate.
    pub no_charge_if_insufficient: bool,
    /// Charge even if the client is blocked by admin or by itself.
    pub charge_even_if_blocked: bool,
    /// Deactivate when past the limit, but keep charging into the negative.
    pub keep_charging_past_limit: bool,
    /// Activate only when the balance is above the threshold.
    pub activate_only_above_threshold: bool,
}

/// One subscription's charge due at this run, in stored units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueCharge {
    pub subscription_id: i64,
    pub units: i64,
    pub funds: FundsOptions,
}

/// What becomes of a subscription whose charge was not covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Uncovered {
    /// CAT-4 "don't charge if insufficient, and deactivate".
    Deactivated,
    /// Not charged; waits, blocked, until money comes.
    BlockedForDebt,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientPlan {
    /// Subscriptions charged at this run.
    pub charged: Vec<i64>,
    /// Subscriptions not charged, and what becomes of them.
    pub uncovered: Vec<(i64, Uncovered)>,
    /// The balance after the charges, in stored units.
    pub balance_after: i64,
}

/// Decides a client's run from its balance and credit limit at the run.
pub fn plan_client(balance: i64, credit_limit: i64, due: &[DueCharge]) -> ClientPlan {
    // LED-1: each charge is capped, but a client may have many of them, so
    // they are added up wide; what is covered leaves the balance in range.
    let total: i128 = due.iter().map(|d| i128::from(d.units)).sum();
    let covered_after = i128::from(balance) - total;
    if covered_after + i128::from(credit_limit) >= 0
        && let Ok(balance_after) = i64::try_from(covered_after)
    {
        return ClientPlan { charged: due.iter().map(|d| d.subscription_id).collect(), uncovered: Vec::new(), balance_after };
    }
    let mut plan = ClientPlan { balance_after: balance, ..ClientPlan::default() };
    for d in due {
        if d.funds.keep_charging_past_limit && !d.funds.no_charge_if_insufficient {
            // Past the limit a balance still stops where Kopek's largest
            // balance does; there the service is deactivated instead.
            let after = plan.balance_after.checked_sub(d.units);
            match after.filter(|a| crate::money::check_balance(plan.balance_after, *a).is_ok()) {
                Some(a) => {
                    plan.charged.push(d.subscription_id);
                    plan.balance_after = a;
                }
                None => plan.uncovered.push((d.subscription_id, Uncovered::Deactivated)),
            }
        } else if d.funds.no_charge_if_insufficient {
            plan.uncovered.push((d.subscription_id, Uncovered::Deactivated));
        } else {
            plan.uncovered.push((d.subscription_id, Uncovered::BlockedForDebt));
        }
    }
    plan
}

/// CHG-5: a service is off while the balance is below its threshold (its
/// own override, else the client's).
pub fn below_threshold(balance: i64, client_threshold: i64, service_override: Option<i64>) -> bool {
    balance < service_override.unwrap_or(client_threshold)
}

/// Whether a blocked client's service is still charged (CAT-4 "line fee");
/// "don't charge if insufficient" has the higher priority in the run.
pub fn charged_while_blocked(funds: FundsOptions) -> bool {
    funds.charge_even_if_blocked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn due(id: i64, units: i64, funds: FundsOptions) -> DueCharge {
        DueCharge { subscription_id: id, units, funds }
    }

    #[test]
    fn cat7_a_covered_client_is_charged_everything() {
        let plan =
            plan_client(100_0000, 0, &[due(1, 60_0000, FundsOptions::default()), due(2, 40_0000, FundsOptions::default())]);
        assert_eq!((plan.charged, plan.uncovered, plan.balance_after), (vec![1, 2], vec![], 0));
        let plan = plan_client(-50_0000, 200_0000, &[due(1, 150_0000, FundsOptions::default())]);
        assert_eq!((plan.charged, plan.balance_after), (vec![1], -200_0000), "the credit limit counts");
    }

    /// CAT-7: a balance that covers only some services charges none of them.
    #[test]
    fn cat7_a_balance_covering_only_some_services_charges_none() {
        let stop = FundsOptions { no_charge_if_insufficient: true, ..FundsOptions::default() };
        let line = FundsOptions { keep_charging_past_limit: true, ..FundsOptions::default() };
        let plan =
            plan_client(100_0000, 0, &[due(1, 60_0000, FundsOptions::default()), due(2, 60_0000, stop), due(3, 10_0000, line)]);
        assert_eq!(plan.charged, vec![3]);
        assert_eq!(plan.uncovered, vec![(1, Uncovered::BlockedForDebt), (2, Uncovered::Deactivated)]);
        assert_eq!(plan.balance_after, 90_0000);
    }

    /// LED-1: a thousand maximal charges add up without overflowing, and
    /// charging past the limit stops at the largest balance.
    #[test]
    fn led1_many_maximal_charges_neither_overflow_nor_pass_the_largest_balance() {
        use crate::money::{MAX_AMOUNT_UNITS, MAX_BALANCE_UNITS};
        let many: Vec<DueCharge> = (0..1_000).map(|i| due(i, MAX_AMOUNT_UNITS, FundsOptions::default())).collect();
        let plan = plan_client(0, MAX_AMOUNT_UNITS, &many);
        assert_eq!((plan.charged.len(), plan.uncovered.len(), plan.balance_after), (0, 1_000, 0));
        let line = FundsOptions { keep_charging_past_limit: true, ..FundsOptions::default() };
        let plan = plan_client(-MAX_BALANCE_UNITS + MAX_AMOUNT_UNITS, 0, &[due(1, MAX_AMOUNT_UNITS, line), due(2, 1, line)]);
        assert_eq!(plan.charged, vec![1]);
        assert_eq!(plan.uncovered, vec![(2, Uncovered::Deactivated)]);
        assert_eq!(plan.balance_after, -MAX_BALANCE_UNITS);
    }

    #[test]
    fn chg5_thresholds_with_service_override() {
        assert!(below_threshold(-1, 0, None));
        assert!(!below_threshold(0, 0, None));
        assert!(!below_threshold(-50_0000, 0, Some(-100_0000)));
        assert!(below_threshold(-150_0000, 0, Some(-100_0000)));
    }
}
