//! Recurring money other than the nightly write-offs: hosting-style paid
//! periods and their auto-renewal (PMT-7), autopayment (PMT-5) and the
//! credit-limit cycle (CRD).

pub mod autopay;
pub mod autorenew;
pub mod credit_limit;
pub mod low_balance;
pub mod paid_period;
