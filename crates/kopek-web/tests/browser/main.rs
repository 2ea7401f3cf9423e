//! The portal in a real browser (OPS-5): stories of the client guide
//! clicked through in Russian and English. A test binary of its own, so the
//! browser's dependencies link once and apart from the API tests.

mod admin;
mod admin_catalog;
mod admin_desk;
mod admin_money;
mod avatars;
mod client;
#[path = "../support/deliveries.rs"]
mod deliveries;
mod documents;
mod finance;
mod harness;
mod login;
mod pay_order;
mod payers;
mod phone;
mod screenshots;
mod services;
#[path = "../support/statement.rs"]
mod statement;
mod story;
mod support;
mod two_factor;
