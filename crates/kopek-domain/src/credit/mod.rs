//! The credit limit (CRD-1 … CRD-5), after the client guide's "Информация о
//! кредитном лимите": a client may spend below zero down to its limit; on the
//! 1st an invoice is issued for last month's unpaid expenses, due on the
//! 15th, overdue from the 16th, and on the 30th (the last day of a shorter
//! month) the limit is blocked until the invoice is paid. Everything here is
//! a function of a day and the facts of an invoice, so the nightly job and
//! the dashboard agree without sharing state.

use chrono::{Datelike, Duration, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::schedule::last_day_of_month;

mod reminders;
pub use reminders::{Reminder, ReminderKind, reminder_schedule, reminders_on};

/// "Первого числа каждого месяца биллинговая платформа формирует счета".
pub const INVOICE_DAY: u32 = 1;
/// "необходимо произвести оплату до 15-го числа" (the 15th still counts).
pub const DUE_DAY: u32 = 15;
/// "30-го числа кредитный лимит станет недоступен"; a shorter month blocks
/// on its last day (see [`block_day`]).
pub const BLOCK_DAY: u32 = 30;
/// "за три дня до срока оплаты".
pub const DUE_SOON_DAYS: i64 = 3;
/// "за пять дней до даты блокировки".
pub const BLOCK_SOON_DAYS: i64 = 5;

/// The 1st of `year`-`month`, if the month and the one after it exist (the
/// next month bounds the last day), so every date of a built calendar is
/// infallible.
fn first_of(year: i32, month: u32) -> Result<NaiveDate, DomainError> {
    NaiveDate::from_ymd_opt(year, month, 1)
        .filter(|first| first.checked_add_months(Months::new(1)).is_some())
        .ok_or_else(|| DomainError::invalid("month", format!("{year}-{month:02} is not a month of the calendar")))
}

/// The dates of one invoice cycle: the month the invoice is issued in (the
/// expenses it covers are the month before).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CreditCalendar {
    year: i32,
    month: u32,
}

impl CreditCalendar {
    /// The cycle whose invoice is issued in `year`-`month`.
    pub fn new(year: i32, month: u32) -> Result<Self, DomainError> {
        first_of(year, month).map(|_| CreditCalendar { year, month })
    }

    /// The cycle of the month `day` falls in.
    pub fn of(day: NaiveDate) -> Self {
        CreditCalendar { year: day.year(), month: day.month() }
    }

    /// The cycle that invoices the expenses of `year`-`month`: December's
    /// expenses are invoiced on 1 January of the next year.
    pub fn for_expenses_of(year: i32, month: u32) -> Result<Self, DomainError> {
        let next = first_of(year, month)? + Months::new(1);
        CreditCalendar::new(next.year(), next.month())
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn month(&self) -> u32 {
        self.month
    }

    fn day(&self, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, d).expect("checked in new")
    }

    /// The first day of the invoiced expenses (the 1st of the month before);
    /// they run up to, not including, [`Self::invoice_day`].
    pub fn expenses_from(&self) -> NaiveDate {
        let prev = self.invoice_day().pred_opt().expect("a month before the calendar's");
        prev.with_day(1).expect("the 1st exists")
    }

    /// The 1st: the invoice for last month's unpaid expenses is issued.
    pub fn invoice_day(&self) -> NaiveDate {
        self.day(INVOICE_DAY)
    }

    /// The 15th: the last day to pay without being overdue.
    pub fn due_day(&self) -> NaiveDate {
        self.day(DUE_DAY)
    }

    /// The 16th: "С 16-го числа платеж станет просроченным".
    pub fn overdue_from(&self) -> NaiveDate {
        self.day(DUE_DAY + 1)
    }

    /// The 30th, or the last day of February.
    pub fn block_day(&self) -> NaiveDate {
        self.day(BLOCK_DAY.min(last_day_of_month(self.year, self.month)))
    }

    /// The 12th: three days before the due date.
    pub fn due_soon_day(&self) -> NaiveDate {
        self.due_day() - Duration::days(DUE_SOON_DAYS)
    }

    /// Five days before blocking: the 25th, the 23rd of a 28-day February,
    /// the 24th of a leap one.
    pub fn block_soon_day(&self) -> NaiveDate {
        self.block_day() - Duration::days(BLOCK_SOON_DAYS)
    }
}

/// The day the limit is blocked in `year`-`month`: the 30th, or the last day
/// of a shorter month ("30-го числа"; February: the 28th or 29th).
pub fn block_day(year: i32, month: u32) -> Result<NaiveDate, DomainError> {
    CreditCalendar::new(year, month).map(|c| c.block_day())
}

/// "Счета, выставленные по неоплаченным расходам, имеют один из трех статусов".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceState {
    /// "к оплате — счет выставлен".
    ToPay,
    /// "частично оплачен — оплачена часть расходов в платеже".
    PartlyPaid,
    /// "полностью погашен — все расходы в счете оплачены".
    Paid,
}

impl InvoiceState {
    pub const ALL: &'static [InvoiceState] = &[InvoiceState::ToPay, InvoiceState::PartlyPaid, InvoiceState::Paid];

    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceState::ToPay => "to_pay",
            InvoiceState::PartlyPaid => "partly_paid",
            InvoiceState::Paid => "paid",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        InvoiceState::ALL.iter().copied().find(|v| v.as_str() == s)
    }

    /// The guide's words, as the client sees them.
    pub fn label_ru(self) -> &'static str {
        match self {
            InvoiceState::ToPay => "к оплате",
            InvoiceState::PartlyPaid => "частично оплачен",
            InvoiceState::Paid => "полностью погашен",
        }
    }
}

/// The state of an invoice of `amount` of which `paid` is paid. Exact: a
/// ten-thousandth left unpaid keeps it partly paid. Paying more than the
/// amount (the rest stays on the balance) still makes it paid.
pub fn state(amount: Decimal, paid: Decimal) -> InvoiceState {
    if paid >= amount {
        InvoiceState::Paid
    } else if paid > Decimal::ZERO {
        InvoiceState::PartlyPaid
    } else {
        InvoiceState::ToPay
    }
}

/// What an invoice is, as far as the rules need: when it was issued, its
/// amount and what of it is paid by the day in question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceFacts {
    pub issued_on: NaiveDate,
    pub amount: Decimal,
    pub paid: Decimal,
}

impl InvoiceFacts {
    pub fn validate(&self) -> Result<(), DomainError> {
        if self.amount <= Decimal::ZERO {
            return Err(DomainError::invalid("amount", "an invoice is only issued for unpaid expenses"));
        }
        if self.paid < Decimal::ZERO {
            return Err(DomainError::invalid("paid", "must not be negative"));
        }
        Ok(())
    }

    /// The cycle of the month it was issued in (a late nightly run on the
    /// 2nd keeps the month's due and block dates).
    pub fn calendar(&self) -> CreditCalendar {
        CreditCalendar::of(self.issued_on)
    }

    pub fn state(&self) -> InvoiceState {
        state(self.amount, self.paid)
    }

    pub fn is_paid(&self) -> bool {
        self.state() == InvoiceState::Paid
    }

    /// What is left to pay, never below zero.
    pub fn remaining(&self) -> Decimal {
        (self.amount - self.paid).max(Decimal::ZERO)
    }
}

/// Where the client stands with its limit, worst last so `max` combines
/// several invoices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditStatus {
    /// Nothing invoiced is unpaid.
    Normal,
    /// Issued, not paid, the due date not passed: "Кредитный лимит остается
    /// доступным для оплаты заказов и продления услуг".
    Due,
    /// From the 16th: "счет стал просроченным"; the limit is still usable
    /// during the 15 days' grace ("дается отсрочка в 15 дней").
    Overdue,
    /// From the block day until the invoice is paid (CRD-4).
    Blocked,
}

impl CreditStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CreditStatus::Normal => "normal",
            CreditStatus::Due => "due",
            CreditStatus::Overdue => "overdue",
            CreditStatus::Blocked => "blocked",
        }
    }

    /// Whether `action` is allowed in this status; only blocking forbids.
    pub fn allows(self, action: CreditAction) -> bool {
        self != CreditStatus::Blocked || !blocked_forbids(action)
    }
}

/// The status one invoice puts the client in on `day`. A paid invoice
/// puts it nowhere: paying the overdue invoice unblocks the limit (CRD-4).
pub fn credit_state_on(day: NaiveDate, invoice: &InvoiceFacts) -> CreditStatus {
    let cal = invoice.calendar();
    if invoice.is_paid() || day < invoice.issued_on {
        CreditStatus::Normal
    } else if day <= cal.due_day() {
        CreditStatus::Due
    } else if day < cal.block_day() {
        CreditStatus::Overdue
    } else {
        CreditStatus::Blocked
    }
}

/// The client's status: the worst over its invoices (an unpaid January
/// invoice keeps the limit blocked through February).
pub fn client_credit_state(day: NaiveDate, invoices: &[InvoiceFacts]) -> CreditStatus {
    invoices.iter().map(|i| credit_state_on(day, i)).max().unwrap_or(CreditStatus::Normal)
}

/// CRD-4: "Заблокированные услуги, у которых установлено автопродление с
/// лицевого счета, будут включены автоматически после оплаты просроченного
/// платежа" — true when a payment moved the client out of `Blocked`.
pub fn reenables_balance_autorenew(before: CreditStatus, after: CreditStatus) -> bool {
    before == CreditStatus::Blocked && after != CreditStatus::Blocked
}

/// What a client may try to do while its limit may be blocked. The guide's
/// two lists ("При блокировке недоступны" / "При блокировке доступно") are
/// mirrored one variant per line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditAction {
    /// "возможность оплаты услуг" — from the balance.
    PayServicesFromBalance,
    /// "возможность оплаты услуг" — the guide does not exempt paying by a
    /// method directly, so this is forbidden too; the allowed list names
    /// only top-ups and auto-renewal from saved methods.
    PayServicesByMethod,
    /// "продление услуг через корзину".
    RenewThroughCart,
    /// "автопродление с лицевого счета".
    AutoRenewFromBalance,
    /// "пополнение лицевого счета".
    TopUp,
    /// "автопродление с ССО (сохраненные способы оплаты)".
    AutoRenewFromSavedMethod,
    /// Paying the invoice itself: the way out ("Разблокировка … после
    /// оплаты просроченного платежа"); it is a payment into the balance.
    PayCreditInvoice,
}

impl CreditAction {
    pub const ALL: &'static [CreditAction] = &[
        CreditAction::PayServicesFromBalance,
        CreditAction::PayServicesByMethod,
        CreditAction::RenewThroughCart,
        CreditAction::AutoRenewFromBalance,
        CreditAction::TopUp,
        CreditAction::AutoRenewFromSavedMethod,
        CreditAction::PayCreditInvoice,
    ];
}

/// "При блокировке недоступны: возможность оплаты услуг; продление услуг
/// через корзину; автопродление с лицевого счета. При блокировке доступно:
/// пополнение лицевого счета; автопродление с ССО". Services already paid
/// for keep running: "Услуги, которые действуют в следующем месяце,
/// например, до 20 февраля, останутся активными."
pub fn blocked_forbids(action: CreditAction) -> bool {
    match action {
        CreditAction::PayServicesFromBalance
        | CreditAction::PayServicesByMethod
        | CreditAction::RenewThroughCart
        | CreditAction::AutoRenewFromBalance => true,
        CreditAction::TopUp | CreditAction::AutoRenewFromSavedMethod | CreditAction::PayCreditInvoice => false,
    }
}

/// CRD-1: what can still be spent below zero — the limit less the debt,
/// never negative. A positive balance leaves the whole limit.
pub fn available(limit: Decimal, balance: Decimal) -> Decimal {
    (limit + balance.min(Decimal::ZERO)).clamp(Decimal::ZERO, limit.max(Decimal::ZERO))
}

/// CRD-5's dashboard figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditSummary {
    pub status: CreditStatus,
    pub limit: Decimal,
    /// "доступно — остаток доступного кредитного лимита"; zero while blocked
    /// ("кредитный лимит станет недоступен").
    pub available: Decimal,
    /// Left to pay of invoices not yet overdue, with their due dates shown
    /// beside ("информация о выставленном счете с датами").
    pub to_pay: Decimal,
    /// "просрочено — сумма неоплаченных счетов" past their due date.
    pub overdue: Decimal,
    /// "не оплачено — сумма расходов на услуги, приобретенные в кредит после
    /// выставленного платежа".
    pub unpaid_since_invoice: Decimal,
}

/// The dashboard on `day`. The debt (a negative balance) is every unpaid
/// expense, since payments go to the oldest expenses first; what the issued
/// invoices don't cover was spent after the last one.
pub fn credit_summary(day: NaiveDate, limit: Decimal, balance: Decimal, invoices: &[InvoiceFacts]) -> CreditSummary {
    let issued: Vec<&InvoiceFacts> = invoices.iter().filter(|i| i.issued_on <= day).collect();
    let sum_where = |pred: &dyn Fn(CreditStatus) -> bool| -> Decimal {
        issued.iter().filter(|i| pred(credit_state_on(day, i))).map(|i| i.remaining()).sum()
    };
    let status = client_credit_state(day, invoices);
    let to_pay = sum_where(&|s| s == CreditStatus::Due);
    let overdue = sum_where(&|s| matches!(s, CreditStatus::Overdue | CreditStatus::Blocked));
    let debt = (-balance).max(Decimal::ZERO);
    let invoiced: Decimal = issued.iter().map(|i| i.remaining()).sum();
    CreditSummary {
        status,
        limit,
        available: if status == CreditStatus::Blocked { Decimal::ZERO } else { available(limit, balance) },
        to_pay,
        overdue,
        unpaid_since_invoice: (debt - invoiced).max(Decimal::ZERO),
    }
}

crate::stored::stored_from_string!(InvoiceState);

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn invoice(issued_on: NaiveDate, amount: Decimal, paid: Decimal) -> InvoiceFacts {
        InvoiceFacts { issued_on, amount, paid }
    }

    /// Every reminder of a whole month, day by day, as the nightly job sees it.
    fn month_of_reminders(inv: &InvoiceFacts, y: i32, m: u32) -> Vec<(u32, &'static str)> {
        (1..=last_day_of_month(y, m))
            .flat_map(|day| reminders_on(d(y, m, day), inv).into_iter().map(move |r| (day, r.code())))
            .collect()
    }

    #[test]
    fn crd2_guide_example_december_spending_invoiced_in_january() {
        let cal = CreditCalendar::for_expenses_of(2026, 12).unwrap();
        assert_eq!((cal.year(), cal.month()), (2027, 1));
        assert_eq!(cal.expenses_from(), d(2026, 12, 1));
        assert_eq!(cal.invoice_day(), d(2027, 1, 1));
        assert_eq!(cal.due_day(), d(2027, 1, 15));
        assert_eq!(cal.overdue_from(), d(2027, 1, 16));
        assert_eq!(cal.block_day(), d(2027, 1, 30));
        assert_eq!(block_day(2027, 1).unwrap(), d(2027, 1, 30));
    }

    #[test]
    fn crd2_block_day_is_the_30th_or_the_last_day_of_february() {
        assert_eq!(block_day(2027, 2).unwrap(), d(2027, 2, 28));
        assert_eq!(block_day(2028, 2).unwrap(), d(2028, 2, 29));
        assert_eq!(block_day(2027, 4).unwrap(), d(2027, 4, 30));
        assert_eq!(block_day(2027, 3).unwrap(), d(2027, 3, 30));
        assert_eq!(CreditCalendar::for_expenses_of(2027, 1).unwrap().block_day(), d(2027, 2, 28));
        assert!(block_day(2027, 13).is_err());
        assert!(CreditCalendar::new(2027, 0).is_err());
    }

    #[test]
    fn crd3_reminders_of_the_guide_example_on_1_12_16_25_30_january() {
        let inv = invoice(d(2027, 1, 1), dec!(1234.5678), dec!(0));
        assert_eq!(
            month_of_reminders(&inv, 2027, 1),
            vec![
                (1, "credit.invoice_issued"),
                (12, "credit.due_soon"),
                (16, "credit.overdue"),
                (25, "credit.block_soon"),
                (30, "credit.blocked"),
            ]
        );
    }

    #[test]
    fn crd3_february_reminders_five_days_before_the_28th_or_29th() {
        let inv = invoice(d(2027, 2, 1), dec!(100), dec!(0));
        let feb = month_of_reminders(&inv, 2027, 2);
        assert_eq!(feb[3..], [(23, "credit.block_soon"), (28, "credit.blocked")]);
        let inv = invoice(d(2028, 2, 1), dec!(100), dec!(0));
        let feb = month_of_reminders(&inv, 2028, 2);
        assert_eq!(feb[1..3], [(12, "credit.due_soon"), (16, "credit.overdue")]);
        assert_eq!(feb[3..], [(24, "credit.block_soon"), (29, "credit.blocked")]);
    }

    #[test]
    fn crd3_only_the_issue_notice_goes_once_paid_and_partly_paid_still_reminds() {
        let paid = invoice(d(2027, 1, 1), dec!(500.00), dec!(500.00));
        assert_eq!(month_of_reminders(&paid, 2027, 1), vec![(1, "credit.invoice_issued")]);
        let partly = invoice(d(2027, 1, 1), dec!(500.00), dec!(499.9999));
        assert_eq!(month_of_reminders(&partly, 2027, 1).len(), 5);
        // Issued late by the nightly run: the notice follows the issue day,
        // the dates stay the month's.
        let late = invoice(d(2027, 1, 2), dec!(500.00), dec!(0));
        assert_eq!(month_of_reminders(&late, 2027, 1)[0], (2, "credit.invoice_issued"));
        assert_eq!(month_of_reminders(&late, 2027, 1)[4], (30, "credit.blocked"));
    }

    #[test]
    fn crd5_invoice_states_are_exact() {
        assert_eq!(state(dec!(100.00), dec!(0)), InvoiceState::ToPay);
        assert_eq!(state(dec!(100.00), dec!(0.0001)), InvoiceState::PartlyPaid);
        assert_eq!(state(dec!(100.00), dec!(99.9999)), InvoiceState::PartlyPaid);
        assert_eq!(state(dec!(100.00), dec!(100.0000)), InvoiceState::Paid);
        assert_eq!(state(dec!(100.00), dec!(120)), InvoiceState::Paid);
        let inv = invoice(d(2027, 1, 1), dec!(100.0000), dec!(22.4137));
        assert_eq!(inv.remaining(), dec!(77.5863));
        assert_eq!(inv.state().as_str(), "partly_paid");
        assert_eq!(inv.state().label_ru(), "частично оплачен");
        assert_eq!(InvoiceState::parse("to_pay"), Some(InvoiceState::ToPay));
        assert!(invoice(d(2027, 1, 1), dec!(0), dec!(0)).validate().is_err());
        assert!(invoice(d(2027, 1, 1), dec!(1), dec!(-1)).validate().is_err());
    }

    #[test]
    fn crd2_status_walk_due_overdue_blocked_and_crd4_paying_unblocks() {
        let unpaid = invoice(d(2027, 1, 1), dec!(300.00), dec!(100.00));
        assert_eq!(credit_state_on(d(2026, 12, 31), &unpaid), CreditStatus::Normal);
        assert_eq!(credit_state_on(d(2027, 1, 1), &unpaid), CreditStatus::Due);
        assert_eq!(credit_state_on(d(2027, 1, 15), &unpaid), CreditStatus::Due);
        assert_eq!(credit_state_on(d(2027, 1, 16), &unpaid), CreditStatus::Overdue);
        assert_eq!(credit_state_on(d(2027, 1, 29), &unpaid), CreditStatus::Overdue);
        assert_eq!(credit_state_on(d(2027, 1, 30), &unpaid), CreditStatus::Blocked);
        assert_eq!(credit_state_on(d(2027, 2, 20), &unpaid), CreditStatus::Blocked);
        let feb = invoice(d(2028, 2, 1), dec!(1), dec!(0));
        assert_eq!(credit_state_on(d(2028, 2, 28), &feb), CreditStatus::Overdue);
        assert_eq!(credit_state_on(d(2028, 2, 29), &feb), CreditStatus::Blocked);

        let paid = InvoiceFacts { paid: dec!(300.00), ..unpaid };
        let before = client_credit_state(d(2027, 2, 3), &[unpaid]);
        let after = client_credit_state(d(2027, 2, 3), &[paid]);
        assert_eq!((before, after), (CreditStatus::Blocked, CreditStatus::Normal));
        assert!(reenables_balance_autorenew(before, after));
        // February's invoice is only due: still unblocked once January is paid.
        let next = invoice(d(2027, 2, 1), dec!(50), dec!(0));
        assert_eq!(client_credit_state(d(2027, 2, 3), &[paid, next]), CreditStatus::Due);
        assert_eq!(client_credit_state(d(2027, 2, 3), &[unpaid, next]), CreditStatus::Blocked);
        assert!(!reenables_balance_autorenew(CreditStatus::Overdue, CreditStatus::Normal));
    }

    #[test]
    fn crd2_blocking_forbids_exactly_the_guides_list() {
        let forbidden: Vec<CreditAction> = CreditAction::ALL.iter().copied().filter(|a| blocked_forbids(*a)).collect();
        assert_eq!(
            forbidden,
            [
                CreditAction::PayServicesFromBalance,
                CreditAction::PayServicesByMethod,
                CreditAction::RenewThroughCart,
                CreditAction::AutoRenewFromBalance
            ]
        );
        assert!(CreditStatus::Blocked.allows(CreditAction::TopUp));
        assert!(CreditStatus::Blocked.allows(CreditAction::AutoRenewFromSavedMethod));
        assert!(!CreditStatus::Blocked.allows(CreditAction::AutoRenewFromBalance));
        // Overdue is a grace period: the limit is still usable.
        assert!(CreditStatus::Overdue.allows(CreditAction::PayServicesFromBalance));
    }

    #[test]
    fn crd1_available_is_the_limit_less_the_debt() {
        assert_eq!(available(dec!(5000), dec!(300.00)), dec!(5000));
        assert_eq!(available(dec!(5000), dec!(0)), dec!(5000));
        assert_eq!(available(dec!(5000), dec!(-1234.5678)), dec!(3765.4322));
        assert_eq!(available(dec!(5000), dec!(-5000)), dec!(0));
        assert_eq!(available(dec!(5000), dec!(-6000)), dec!(0));
        assert_eq!(available(dec!(0), dec!(-10)), dec!(0));
    }

    #[test]
    fn crd5_dashboard_after_the_grace_date() {
        // 800.00 invoiced on 1 January, 300.00 paid; 150.5000 spent on credit
        // since: the balance is -(500 + 150.5).
        let inv = invoice(d(2027, 1, 1), dec!(800.00), dec!(300.00));
        let s = credit_summary(d(2027, 1, 20), dec!(5000), dec!(-650.5000), &[inv]);
        assert_eq!(s.status, CreditStatus::Overdue);
        assert_eq!(s.available, dec!(4349.5000));
        assert_eq!(s.overdue, dec!(500.00));
        assert_eq!(s.to_pay, dec!(0));
        assert_eq!(s.unpaid_since_invoice, dec!(150.5000));

        let s = credit_summary(d(2027, 1, 10), dec!(5000), dec!(-650.5000), &[inv]);
        assert_eq!((s.status, s.to_pay, s.overdue), (CreditStatus::Due, dec!(500.00), dec!(0)));

        let s = credit_summary(d(2027, 1, 30), dec!(5000), dec!(-650.5000), &[inv]);
        assert_eq!((s.status, s.available, s.overdue), (CreditStatus::Blocked, dec!(0), dec!(500.00)));
    }
}
