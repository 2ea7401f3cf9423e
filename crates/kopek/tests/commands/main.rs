//! The `kopek` binary's commands, run as a provider runs them: one test
//! binary so the workspace links it once.

mod bench;
mod charge;
mod cli;
mod night;
mod notify;
mod test_clock;
