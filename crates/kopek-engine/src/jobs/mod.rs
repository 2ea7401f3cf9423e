//! Background work: the outbox worker and durable schedules, the night at
//! 02:00, housekeeping, and the demo data set.

pub mod demo;
pub mod nightly;
pub mod schedules;
pub mod worker;
