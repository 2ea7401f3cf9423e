//! Money that comes from outside (PMT, PAY, LED-3): payers, payment methods
//! and their gateways, payments started by a method and the webhooks that
//! settle them, saved methods, and bank statements.

pub mod bank_transfer;
pub mod gateway;
pub mod methods;
pub mod money_in;
pub mod payers;
pub mod purpose;
pub mod saved_methods;
pub mod start;
pub mod webhook;
