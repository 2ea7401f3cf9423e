//! CRD-3: the notices of a credit invoice's cycle — when it is issued,
//! three days before it is due, the day after, five days before the limit
//! is blocked, and on the day of blocking — and which of them are due on a
//! day.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::InvoiceFacts;

/// CRD-3 notices. Codes are stable: templates and the outbox key on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ReminderKind {
    /// "В момент выставления платежа будет получено уведомление".
    #[serde(rename = "credit.invoice_issued")]
    InvoiceIssued,
    /// "за три дня до срока оплаты".
    #[serde(rename = "credit.due_soon")]
    DueSoon,
    /// "на следующий день после срока оплаты".
    #[serde(rename = "credit.overdue")]
    Overdue,
    /// "за пять дней до даты блокировки".
    #[serde(rename = "credit.block_soon")]
    BlockSoon,
    /// "в день блокировки".
    #[serde(rename = "credit.blocked")]
    Blocked,
}

impl ReminderKind {
    pub const ALL: &'static [ReminderKind] = &[
        ReminderKind::InvoiceIssued,
        ReminderKind::DueSoon,
        ReminderKind::Overdue,
        ReminderKind::BlockSoon,
        ReminderKind::Blocked,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReminderKind::InvoiceIssued => "credit.invoice_issued",
            ReminderKind::DueSoon => "credit.due_soon",
            ReminderKind::Overdue => "credit.overdue",
            ReminderKind::BlockSoon => "credit.block_soon",
            ReminderKind::Blocked => "credit.blocked",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        ReminderKind::ALL.iter().copied().find(|k| k.code() == code)
    }

    /// Only the notice of issue goes regardless; the rest are sent "Если
    /// оплата не поступила".
    pub fn only_if_unpaid(self) -> bool {
        self != ReminderKind::InvoiceIssued
    }
}

/// A notice to send about an invoice on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reminder {
    pub kind: ReminderKind,
    pub on: NaiveDate,
}

impl Reminder {
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

/// Every notice of an invoice's cycle with its date, in date order, paid or
/// not (the dashboard shows the dates; [`reminders_on`] filters).
pub fn reminder_schedule(invoice: &InvoiceFacts) -> Vec<Reminder> {
    let cal = invoice.calendar();
    vec![
        Reminder { kind: ReminderKind::InvoiceIssued, on: invoice.issued_on },
        Reminder { kind: ReminderKind::DueSoon, on: cal.due_soon_day() },
        Reminder { kind: ReminderKind::Overdue, on: cal.overdue_from() },
        Reminder { kind: ReminderKind::BlockSoon, on: cal.block_soon_day() },
        Reminder { kind: ReminderKind::Blocked, on: cal.block_day() },
    ]
}

/// The notices due on `day`: the issue notice on the day of issue, the
/// others only while the invoice is not fully paid (a partly paid invoice
/// is still unpaid: "Если оплата не поступила").
pub fn reminders_on(day: NaiveDate, invoice: &InvoiceFacts) -> Vec<Reminder> {
    let unpaid = !invoice.is_paid();
    reminder_schedule(invoice).into_iter().filter(|r| r.on == day && (unpaid || !r.kind.only_if_unpaid())).collect()
}
