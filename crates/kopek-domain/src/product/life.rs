//! The life of a client's service (SVC-1, SVC-2), after the guide's
//! "Информация об услугах": every state it lists, the actions that start a
//! provisioning operation ("Обрабатывается" with its sub-state), what the
//! hook's answer makes of it, and the money of a change or a deletion in the
//! middle of a paid period.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::DeletionRule;
use crate::DomainError;
use crate::money::round_half_up;
use crate::stored::{UnknownStored, stored_enum};

stored_enum! {
    /// "Обрабатывается — идет процесс … У этого статуса может быть несколько
    /// состояний".
    Operation {
        Opening = "opening",
        TurningOff = "turning_off",
        TurningOn = "turning_on",
        Rebooting = "rebooting",
        Renewing = "renewing",
        /// A change of add-ons or period reaching the equipment.
        Changing = "changing",
        Transferring = "transferring",
        Deleting = "deleting",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "operation")]
pub enum ServiceState {
    /// "Заказан": in the cart or waiting for its payment.
    Ordered,
    Processing(Operation),
    Active,
    /// "Временно остановлен": a daily-charged service the client stopped.
    TemporarilyStopped,
    /// "Остановлен": a periodic service the client stopped.
    Stopped,
    StoppedByAdmin,
    /// "Остановлен за нарушение".
    StoppedForViolation,
    /// "Требуется настройка".
    NeedsSetup,
    /// "Нет в наличии".
    OutOfStock,
    Deleted,
}

impl Operation {
    pub fn label_ru(self) -> &'static str {
        match self {
            Operation::Opening => "открытие",
            Operation::TurningOff => "выключение",
            Operation::TurningOn => "включение",
            Operation::Rebooting => "перезагрузка",
            Operation::Renewing => "продление",
            Operation::Changing => "изменение",
            Operation::Transferring => "трансфер",
            Operation::Deleting => "удаление",
        }
    }
}

impl ServiceState {
    /// The stored name: the state's, with the operation after a colon
    /// while processing ("processing:opening").
    pub fn stored(self) -> String {
        let name = match self {
            ServiceState::Processing(op) => return format!("processing:{op}"),
            ServiceState::Ordered => "ordered",
            ServiceState::Active => "active",
            ServiceState::TemporarilyStopped => "temporarily_stopped",
            ServiceState::Stopped => "stopped",
            ServiceState::StoppedByAdmin => "stopped_by_admin",
            ServiceState::StoppedForViolation => "stopped_for_violation",
            ServiceState::NeedsSetup => "needs_setup",
            ServiceState::OutOfStock => "out_of_stock",
            ServiceState::Deleted => "deleted",
        };
        name.to_string()
    }

    pub fn parse_stored(s: &str) -> Option<ServiceState> {
        if let Some(op) = s.strip_prefix("processing:") {
            return Operation::parse(op).map(ServiceState::Processing);
        }
        let all = [
            ServiceState::Ordered,
            ServiceState::Active,
            ServiceState::TemporarilyStopped,
            ServiceState::Stopped,
            ServiceState::StoppedByAdmin,
            ServiceState::StoppedForViolation,
            ServiceState::NeedsSetup,
            ServiceState::OutOfStock,
            ServiceState::Deleted,
        ];
        all.into_iter().find(|state| state.stored() == s)
    }

    pub fn label_ru(self) -> String {
        match self {
            ServiceState::Ordered => "Заказан".into(),
            ServiceState::Processing(op) => format!("Обрабатывается ({})", op.label_ru()),
            ServiceState::Active => "Активен".into(),
            ServiceState::TemporarilyStopped => "Временно остановлен".into(),
            ServiceState::Stopped => "Остановлен".into(),
            ServiceState::StoppedByAdmin => "Остановлен администратором".into(),
            ServiceState::StoppedForViolation => "Остановлен за нарушение".into(),
            ServiceState::NeedsSetup => "Требуется настройка".into(),
            ServiceState::OutOfStock => "Нет в наличии".into(),
            ServiceState::Deleted => "Удалён".into(),
        }
    }
}

impl TryFrom<String> for ServiceState {
    type Error = UnknownStored;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        ServiceState::parse_stored(&value).ok_or(UnknownStored { what: "ServiceState", value })
    }
}

/// What a client (or staff) asks of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The order is paid: open it.
    Open,
    Stop,
    Start,
    Reboot,
    Renew,
    Change,
    Delete,
}

/// The operation `action` starts from `state`, or why it can't.
pub fn begin(state: ServiceState, action: Action) -> Result<Operation, DomainError> {
    use ServiceState::*;
    let refuse = |why: &str| Err(DomainError::invalid("action", format!("{}: {why}", state.label_ru())));
    match (state, action) {
        (Processing(op), _) => refuse(&format!("wait until the {} is over", op.label_ru())),
        (Deleted, _) => refuse("the service is deleted"),
        (Ordered | OutOfStock | NeedsSetup, Action::Open) => Ok(Operation::Opening),
        (_, Action::Open) => refuse("the service is already open"),
        (_, Action::Delete) => Ok(Operation::Deleting),
        (StoppedByAdmin | StoppedForViolation, _) => refuse("only the provider can start it again"),
        (Ordered | OutOfStock | NeedsSetup, _) => refuse("the service is not open yet"),
        (Active, Action::Stop) => Ok(Operation::TurningOff),
        (Active, Action::Reboot) => Ok(Operation::Rebooting),
        (Stopped | TemporarilyStopped, Action::Start) => Ok(Operation::TurningOn),
        (Active | Stopped | TemporarilyStopped, Action::Renew) => Ok(Operation::Renewing),
        (Active | Stopped | TemporarilyStopped, Action::Change) => Ok(Operation::Changing),
        (Active, Action::Start) => refuse("the service is already on"),
        (_, Action::Stop | Action::Reboot) => refuse("the service is not on"),
    }
}

/// What the provisioning hook answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HookResult {
    Success,
    NeedsSetup,
    OutOfStock,
    /// Failed for good (after its retries): the service stays in its
    /// operation with the error shown to staff.
    Failed,
}

/// The state after an operation ends. `daily` services stop "temporarily".
/// `before` is where the service was when the operation began: a failed
/// renewal or change leaves it there, as the equipment did not change.
pub fn finish(op: Operation, result: HookResult, daily: bool, before: ServiceState) -> ServiceState {
    use ServiceState::*;
    match (op, result) {
        (Operation::Opening, HookResult::NeedsSetup) => NeedsSetup,
        (Operation::Opening, HookResult::OutOfStock) => OutOfStock,
        (_, HookResult::Failed) => Processing(op),
        (Operation::TurningOff, _) if daily => TemporarilyStopped,
        (Operation::TurningOff, _) => Stopped,
        (Operation::Deleting, _) => Deleted,
        (Operation::Renewing | Operation::Changing, _) => before,
        (_, HookResult::NeedsSetup) => NeedsSetup,
        _ => Active,
    }
}

/// The share of [start, end) left at `now`, between 0 and 1.
fn left_share(start: NaiveDateTime, end: NaiveDateTime, now: NaiveDateTime) -> Decimal {
    let full = (end - start).num_seconds();
    if full <= 0 {
        return Decimal::ZERO;
    }
    Decimal::from((end - now).num_seconds().clamp(0, full)) / Decimal::from(full)
}

/// SVC-2 "Изменить": an add-on moved from a price of `old` to `new` per
/// period in the middle of [start, end): the difference for the time left,
/// to the minor unit. Positive is charged now; negative is what lowering
/// gives back, paid only when the product refunds unused time.
pub fn change_difference(
    old: Decimal,
    new: Decimal,
    start: NaiveDateTime,
    end: NaiveDateTime,
    now: NaiveDateTime,
    rule: DeletionRule,
    digits: u32,
) -> Decimal {
    let diff = round_half_up((new - old) * left_share(start, end, now), digits);
    if diff < Decimal::ZERO && !rule.refund_unused { Decimal::ZERO } else { diff }
}

/// SVC-2 "Удалить": whether it may be deleted, and what of the paid
/// period's `paid` comes back for the time left.
pub fn deletion_refund(
    paid: Decimal,
    start: NaiveDateTime,
    end: NaiveDateTime,
    now: NaiveDateTime,
    rule: DeletionRule,
    digits: u32,
) -> Result<Decimal, DomainError> {
    if !rule.allowed {
        return Err(DomainError::invalid("action", "the provider does not allow deleting this product; ask support"));
    }
    Ok(if rule.refund_unused { round_half_up(paid * left_share(start, end, now), digits) } else { Decimal::ZERO })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use rust_decimal_macros::dec;

    #[test]
    fn svc1_states_are_stored_by_name_with_the_operation_after_a_colon() {
        assert_eq!(ServiceState::Processing(Operation::Opening).stored(), "processing:opening");
        assert_eq!(ServiceState::NeedsSetup.stored(), "needs_setup");
        for op in Operation::ALL {
            let s = ServiceState::Processing(*op);
            assert_eq!(ServiceState::parse_stored(&s.stored()), Some(s));
        }
        assert_eq!(ServiceState::parse_stored("processing:melting"), None);
        assert!(ServiceState::try_from("frozen".to_string()).is_err());
    }

    fn at(m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap().and_hms_opt(h, 0, 0).unwrap()
    }

    #[test]
    fn svc1_order_pay_open_stop_start_renew_delete() {
        use ServiceState::*;
        let op = begin(Ordered, Action::Open).unwrap();
        assert_eq!((op, Processing(op).label_ru()), (Operation::Opening, "Обрабатывается (открытие)".to_string()));
        assert_eq!(finish(op, HookResult::Success, false, Ordered), Active);
        assert_eq!(finish(Operation::TurningOff, HookResult::Success, false, Active), Stopped);
        assert_eq!(finish(Operation::TurningOff, HookResult::Success, true, Active), TemporarilyStopped);
        assert_eq!(begin(Stopped, Action::Start).unwrap(), Operation::TurningOn);
        assert_eq!(finish(Operation::TurningOn, HookResult::Success, false, Stopped), Active);
        assert_eq!(finish(Operation::Renewing, HookResult::Success, false, Stopped), Stopped, "renewing keeps it stopped");
        assert_eq!(finish(Operation::Deleting, HookResult::Success, false, Active), Deleted);
        // The hook's other answers.
        assert_eq!(finish(Operation::Opening, HookResult::NeedsSetup, false, Ordered), NeedsSetup);
        assert_eq!(finish(Operation::Opening, HookResult::OutOfStock, false, Ordered), OutOfStock);
        assert_eq!(finish(Operation::Opening, HookResult::Failed, false, Ordered), Processing(Operation::Opening));
        assert_eq!(begin(OutOfStock, Action::Open).unwrap(), Operation::Opening, "tried again when stock comes");
    }

    #[test]
    fn svc2_actions_refused_where_the_guide_does_not_allow_them() {
        use ServiceState::*;
        assert!(begin(Processing(Operation::Opening), Action::Stop).is_err());
        assert!(begin(StoppedByAdmin, Action::Start).is_err());
        assert!(begin(StoppedForViolation, Action::Start).is_err());
        assert_eq!(begin(StoppedByAdmin, Action::Delete).unwrap(), Operation::Deleting);
        assert!(begin(Active, Action::Start).is_err());
        assert!(begin(Stopped, Action::Stop).is_err());
        assert!(begin(Ordered, Action::Stop).is_err());
        assert!(begin(Deleted, Action::Delete).is_err());
        assert!(begin(Active, Action::Open).is_err());
        assert_eq!(ServiceState::NeedsSetup.label_ru(), "Требуется настройка");
    }

    #[test]
    fn svc2_an_addon_raised_mid_period_pays_the_prorated_difference_and_lowered_refunds_by_rule() {
        let refund = DeletionRule { allowed: true, refund_unused: true };
        let keep = DeletionRule { allowed: true, refund_unused: false };
        // March has 31 days; from 11 March 00:00, 21 of them are left.
        let (start, end, now) = (at(3, 1, 0), at(4, 1, 0), at(3, 11, 0));
        assert_eq!(change_difference(dec!(0), dec!(300.00), start, end, now, keep, 2), dec!(203.23));
        assert_eq!(change_difference(dec!(300.00), dec!(150.00), start, end, now, refund, 2), dec!(-101.61));
        assert_eq!(change_difference(dec!(300.00), dec!(150.00), start, end, now, keep, 2), dec!(0));
        assert_eq!(change_difference(dec!(0), dec!(300.00), start, end, end, keep, 2), dec!(0), "nothing is left at the end");
    }

    #[test]
    fn svc2_deleting_refunds_the_unused_part_only_when_the_product_says_so() {
        let (start, end, now) = (at(3, 1, 0), at(4, 1, 0), at(3, 11, 0));
        let refund = DeletionRule { allowed: true, refund_unused: true };
        assert_eq!(deletion_refund(dec!(605.08), start, end, now, refund, 2).unwrap(), dec!(409.89));
        assert_eq!(deletion_refund(dec!(605.08), start, end, now, DeletionRule::default(), 2).unwrap(), dec!(0));
        let never = DeletionRule { allowed: false, refund_unused: false };
        assert_eq!(deletion_refund(dec!(605.08), start, end, now, never, 2).unwrap_err().field(), Some("action"));
    }
}
