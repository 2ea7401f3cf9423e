//! The charging engine (CHG, CAT-3 … CAT-7, CAT-11): subscriptions and
//! their states, the nightly run and its set-based fast path, usage rating
//! (telephony and roaming), activity windows and promised payments.

pub mod batch;
pub mod booking;
pub mod client;
pub mod forsage;
pub mod moments;
pub mod promised;
pub mod run;
pub mod speed;
pub mod state;
pub mod subscriptions;
pub mod switches;
pub mod usage;
pub mod windows;
