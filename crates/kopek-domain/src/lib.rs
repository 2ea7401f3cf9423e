//! Kopek's pure rules. Nothing here touches a database, a socket or the
//! system clock: every function takes what it needs and returns a value, so
//! the money rules can be tested with exact amounts and no setup.

pub mod account;
pub mod amount_in_words;
pub mod catalog;
pub mod charging;
pub mod clock;
pub mod contact;
pub mod credit;
pub mod document;
pub mod error;
pub mod file_kind;
pub mod image;
pub mod ledger;
pub mod low_balance;
pub mod money;
pub mod notification;
pub mod payer;
pub mod payment_method;
pub mod phone;
pub mod privacy;
pub mod product;
pub mod renewal;
pub mod schedule;
pub mod statement;
pub mod stored;
pub mod support;
pub mod tax;
pub mod telegram;
pub mod totp;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::DomainError;
pub use money::{Currency, Money};
