//! The HTTP API's tests, one binary so the workspace links it once: each
//! spawns the real server on port 0 over a fresh SQLite file or a fresh
//! PostgreSQL database (`kopek_store::backend_test!`) and talks HTTP to it
//! through the harness in `common`; `spec_schemas` reads the OpenAPI
//! document alone.

mod admin_audit;
mod admin_catalog;
mod admin_desk;
mod admin_money;
mod admin_pages;
mod admin_staff;
mod api;
mod audit_api;
mod charging_api;
mod common;
#[path = "../support/deliveries.rs"]
mod deliveries;
mod documents_api;
mod notification_templates_api;
mod orders_api;
mod payments_api;
mod payments_gateways_api;
mod portal_avatars;
mod portal_client;
mod portal_finance;
mod portal_isp;
mod portal_limits_api;
mod portal_notifications;
mod portal_pages;
mod portal_pay_order;
mod portal_payers;
mod portal_phone;
mod portal_renewals;
mod portal_services;
mod portal_support;
mod privacy;
mod renewals_api;
mod security;
mod spec_schemas;
#[path = "../support/statement.rs"]
mod statement;
mod support_api;
mod test_clock_api;
mod two_factor;
