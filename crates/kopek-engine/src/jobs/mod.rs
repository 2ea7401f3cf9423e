//! Background work: the outbox worker and durable schedules, the night at
//! 02:00 (also run from the command line, rehearsed by a dry run, and run
//! by the test clock), housekeeping, and the demo data set.

pub mod demo;
mod demo_shop;
pub mod night_runs;
pub mod nightly;
pub mod rehearsal;
pub mod schedules;
pub mod test_clock;
pub mod worker;
