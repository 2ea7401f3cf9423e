//! The charging rules of the services document (CHG-1 … CHG-6, CAT-2 …
//! CAT-7, CAT-11): which periods of a subscription are due at a run, what
//! each costs, and what a client's run does when its balance can't cover
//! everything. All pure: times are the provider's local times, amounts are
//! exact decimals rounded to four places as expenses are.

pub mod calendar;
pub mod discount;
pub mod fees;
pub mod lifetime;
pub mod paid_period;
pub mod run;
pub mod usage;
pub mod window;

pub use calendar::{CalendarRule, MAX_SHIFT_MINUTES, PeriodUnit, WriteOff, charge_moment, last_moment, night_of, whole_night};
pub use fees::{Activity, ChargeTerms, DuePeriod, due_periods, next_run_date};
