//! The money ledger (LED-1 … LED-3, CHG-7): immutable entries and the
//! cached balance, payments credited and expenses posted, reversals, and
//! the allocation of money to debt, oldest first; the staff dashboard's
//! sums of money in and charged (OPS-5).

pub mod dashboard;
pub mod entries;
pub mod expense_list;
pub mod funds;
pub mod vat;
