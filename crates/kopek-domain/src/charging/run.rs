//! What one client's nightly run does (CAT-4, CAT-7, CHG-5). All of a
//! client's due charges are weighed against its balance as of the run: if
//! balance plus usable credit covers them all, all are charged; if not,
//! none is, except services that charge past the limit, and each uncovered
//! service is deactivated or blocked for debt as its options say.
//!
//! A run reaches a fixed point. A service that switched itself off for
//! want of money ("don't charge if insufficient and deactivate") is off:
//! it is not among the services weighed, so the next run charges the rest
//! when the balance covers them, and it comes back only when the balance
//! covers its own charge too, on top of theirs, without falling below its
//! threshold. The night it went off charges nothing (CAT-7) and the other
//! services wait blocked for debt; from the next night on, what the
//! balance covers is charged (from that night's day: blocked time is never
//! charged) and active, and the service stays off until money comes that
//! covers it.
//!
//! These rules are the one place both the per-client run and its batch
//! fast path read them from.

use serde::{Deserialize, Serialize};

use crate::account::{ClientState, SubscriptionState, SubscriptionStyle};

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
    /// A service off for want of money that may come back at this run:
    /// what balance plus usable credit must still be after every charge of
    /// the run, its own included, for it to come back (its threshold).
    pub returning: Option<i64>,
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
    /// Subscriptions charged at this run (returning ones come back).
    pub charged: Vec<i64>,
    /// Subscriptions not charged, and what becomes of them.
    pub uncovered: Vec<(i64, Uncovered)>,
    /// Returning subscriptions the balance doesn't cover: they stay off,
    /// unchanged.
    pub kept_off: Vec<i64>,
    /// The balance after the charges, in stored units.
    pub balance_after: i64,
}

/// Decides a client's run from its balance and usable credit at the run.
/// Returning services are weighed after the others, in the order given,
/// each only on top of everything already charged.
pub fn plan_client(balance: i64, usable_credit: i64, due: &[DueCharge]) -> ClientPlan {
    // CAT-1: a discount's bonus (a negative charge) needs no money: it is
    // always given, and the others are weighed against the balance it makes.
    let (bonuses, due): (Vec<&DueCharge>, Vec<&DueCharge>) = due.iter().partition(|d| d.units < 0 && d.returning.is_none());
    // LED-1: posting checks the balance a bonus leads to; the weighing
    // only must not overflow.
    let given = bonuses.iter().fold(0i64, |sum, d| sum.saturating_sub(d.units));
    let balance = balance.saturating_add(given);
    let mut plan = plan_weighed(balance, usable_credit, &due);
    plan.charged.splice(0..0, bonuses.iter().map(|d| d.subscription_id));
    plan
}

fn plan_weighed(balance: i64, usable_credit: i64, due: &[&DueCharge]) -> ClientPlan {
    let (returning, staying): (Vec<&DueCharge>, Vec<&DueCharge>) = due.iter().copied().partition(|d| d.returning.is_some());
    // LED-1: each charge is capped, but a client may have many of them, so
    // they are added up wide; what is covered leaves the balance in range.
    let total: i128 = staying.iter().map(|d| i128::from(d.units)).sum();
    let covered_after = i128::from(balance) - total;
    let mut plan = ClientPlan { balance_after: balance, ..ClientPlan::default() };
    if covered_after + i128::from(usable_credit) >= 0
        && let Ok(balance_after) = i64::try_from(covered_after)
    {
        plan.charged = staying.iter().map(|d| d.subscription_id).collect();
        plan.balance_after = balance_after;
        for d in returning {
            let floor = i128::from(d.returning.unwrap_or_default().max(0));
            if i128::from(plan.balance_after) - i128::from(d.units) + i128::from(usable_credit) >= floor {
                plan.charged.push(d.subscription_id);
                plan.balance_after -= d.units;
            } else {
                plan.kept_off.push(d.subscription_id);
            }
        }
        return plan;
    }
    for d in staying {
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
    plan.kept_off = returning.iter().map(|d| d.subscription_id).collect();
    plan
}

/// CHG-5, CRD-1: a service is off while what the client can spend, its
/// balance plus the credit it may still use, is below the threshold (the
/// service's own override, else the client's). Spending within the credit
/// limit is not falling below the threshold; a blocked limit (CRD-2) no
/// longer counts.
pub fn below_threshold(balance: i64, usable_credit: i64, client_threshold: i64, service_override: Option<i64>) -> bool {
    balance + usable_credit < service_override.unwrap_or(client_threshold)
}

/// CHG-5: whether being below its threshold switches a subscription off.
/// Only an active service charged from the balance is: a paid period runs
/// to the end of the time paid for whatever the balance (seed 000: the
/// services paid into next month stay active when the limit is blocked),
/// and on its holidays a service is provided regardless (CAT-11).
pub fn threshold_switches_off(state: SubscriptionState, style: SubscriptionStyle, below: bool, holiday: bool) -> bool {
    state == SubscriptionState::Active && style == SubscriptionStyle::Balance && below && !holiday
}

/// CAT-4: whether a run charges a subscription in its state. `stopped` is
/// whether it has a stop time: the time before a stop is still owed.
pub fn chargeable(
    style: SubscriptionStyle,
    state: SubscriptionState,
    client: ClientState,
    stopped: bool,
    funds: FundsOptions,
) -> bool {
    // A paid period is paid by its order and renewals, never by write-offs.
    if style == SubscriptionStyle::PaidPeriod {
        return false;
    }
    match state {
        SubscriptionState::Active => client == ClientState::Active || funds.charge_even_if_blocked,
        SubscriptionState::BlockedForDebt => true,
        // A "line fee" is owed all along.
        SubscriptionState::StoppedByClient | SubscriptionState::StoppedByAdmin => funds.charge_even_if_blocked || stopped,
        SubscriptionState::DeactivatedByThreshold => funds.keep_charging_past_limit,
        SubscriptionState::Disconnected => stopped,
        SubscriptionState::AwaitingSession | SubscriptionState::Expired => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn due(id: i64, units: i64, funds: FundsOptions) -> DueCharge {
        DueCharge { subscription_id: id, units, funds, returning: None }
    }

    fn back(id: i64, units: i64, threshold: i64) -> DueCharge {
        let stop = FundsOptions { no_charge_if_insufficient: true, ..FundsOptions::default() };
        DueCharge { subscription_id: id, units, funds: stop, returning: Some(threshold) }
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

    /// CAT-4, CAT-7, CHG-5: 100.00 against 60.00 and a returning 70.00:
    /// the 60.00 is charged, the 70.00 stays off; 130.00 brings it back.
    #[test]
    fn cat4_a_service_off_for_want_of_money_comes_back_only_when_covered() {
        let plan = plan_client(100_0000, 0, &[back(2, 70_0000, 0), due(1, 60_0000, FundsOptions::default())]);
        assert_eq!((plan.charged, plan.uncovered, plan.kept_off, plan.balance_after), (vec![1], vec![], vec![2], 40_0000));
        let plan = plan_client(130_0000, 0, &[back(2, 70_0000, 0), due(1, 60_0000, FundsOptions::default())]);
        assert_eq!((plan.charged, plan.kept_off, plan.balance_after), (vec![1, 2], vec![], 0));
        // Its threshold must hold after the charges, and credit counts.
        let plan = plan_client(130_0000, 0, &[back(2, 70_0000, 1), due(1, 60_0000, FundsOptions::default())]);
        assert_eq!((plan.charged, plan.kept_off), (vec![1], vec![2]));
        let plan = plan_client(-10_0000, 100_0000, &[back(2, 70_0000, 0)]);
        assert_eq!((plan.charged, plan.balance_after), (vec![2], -80_0000));
        // With the others not covered, it stays off and they wait.
        let plan = plan_client(50_0000, 0, &[back(2, 0, 0), due(1, 60_0000, FundsOptions::default())]);
        assert_eq!((plan.charged, plan.uncovered, plan.kept_off), (vec![], vec![(1, Uncovered::BlockedForDebt)], vec![2]));
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

    /// CAT-1: a discount's bonus is always given, and covers the others.
    #[test]
    fn cat1_a_bonus_is_given_and_weighed_with_the_others() {
        let plain = FundsOptions::default();
        let plan = plan_client(10_0000, 0, &[due(1, 60_0000, plain), due(2, -50_0000, plain)]);
        assert_eq!((plan.charged, plan.uncovered, plan.balance_after), (vec![2, 1], vec![], 0));
        let plan = plan_client(0, 0, &[due(1, 60_0000, plain), due(2, -50_0000, plain)]);
        assert_eq!((plan.charged, plan.uncovered), (vec![2], vec![(1, Uncovered::BlockedForDebt)]));
        assert_eq!(plan.balance_after, 50_0000, "the bonus is given even when the rest waits");
    }

    #[test]
    fn chg5_thresholds_with_service_override() {
        assert!(below_threshold(-1, 0, 0, None));
        assert!(!below_threshold(0, 0, 0, None));
        assert!(!below_threshold(-50_0000, 0, 0, Some(-100_0000)));
        assert!(below_threshold(-150_0000, 0, 0, Some(-100_0000)));
    }

    /// CRD-1, CHG-5: spending within the credit limit is not falling below
    /// the threshold; a paid period is never switched off by it.
    #[test]
    fn crd1_chg5_the_threshold_counts_usable_credit_and_spares_paid_periods() {
        assert!(!below_threshold(-300_0000, 1000_0000, 0, None));
        assert!(below_threshold(-1000_0001, 1000_0000, 0, None));
        assert!(below_threshold(-300_0000, 0, 0, None), "a blocked limit counts for nothing");
        let (active, balance, paid) = (SubscriptionState::Active, SubscriptionStyle::Balance, SubscriptionStyle::PaidPeriod);
        assert!(threshold_switches_off(active, balance, true, false));
        assert!(!threshold_switches_off(active, paid, true, false));
        assert!(!threshold_switches_off(active, balance, true, true), "not on a holiday");
        assert!(!threshold_switches_off(SubscriptionState::BlockedForDebt, balance, true, false));
    }

    #[test]
    fn cat4_what_a_run_charges_in_each_state() {
        let plain = FundsOptions::default();
        let line = FundsOptions { charge_even_if_blocked: true, ..plain };
        let (balance, paid) = (SubscriptionStyle::Balance, SubscriptionStyle::PaidPeriod);
        let (on, blocked) = (ClientState::Active, ClientState::BlockedByAdmin);
        assert!(chargeable(balance, SubscriptionState::Active, on, false, plain));
        assert!(!chargeable(paid, SubscriptionState::Active, on, false, plain));
        assert!(!chargeable(balance, SubscriptionState::Active, blocked, false, plain));
        assert!(chargeable(balance, SubscriptionState::Active, blocked, false, line));
        assert!(chargeable(balance, SubscriptionState::StoppedByClient, on, true, plain));
        assert!(!chargeable(balance, SubscriptionState::DeactivatedByThreshold, on, false, plain));
        let keep = FundsOptions { keep_charging_past_limit: true, ..plain };
        assert!(chargeable(balance, SubscriptionState::DeactivatedByThreshold, on, false, keep));
    }
}
