//! The engine's integration tests, one binary so the workspace links it
//! once. Every store-touching test runs on SQLite and PostgreSQL through
//! `kopek_store::backend_test!`; `kopek_engine::testing` is the harness.

mod amount_limits;
mod auto_renewal;
mod charge_paths;
mod charging;
mod charging_night;
mod common;
mod credit_cycle;
mod demo;
mod desk_lists;
mod documents;
mod house;
mod jobs;
mod ledger;
mod ledger_props;
mod login;
mod low_balance;
mod money_in;
mod news;
mod night;
mod notification_events;
mod orders;
mod paid_period;
mod payers_payments;
mod phone;
mod portal;
mod privacy;
mod rights;
mod service_kinds;
mod simulation;
mod staff_roles;
mod support;
mod support_files;
mod support_staff_notice;
mod telephony_windows;
mod text_limits;
mod two_factor;
mod users;
mod vat_by_date;
