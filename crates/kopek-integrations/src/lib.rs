//! Kopek's outside world. Payment gateways implement the engine's
//! [`PaymentGateway`] trait (PMT-4): bank transfer by invoice, a sandbox for
//! tests and demos, YooKassa and Stripe. Bank statements in the 1C
//! client-bank format are parsed and matched to open bank-transfer payments.

pub mod bank_transfer;
pub mod client_bank_1c;
pub mod notifications;
pub mod provisioning;
pub mod sandbox;
pub mod signature;
pub mod stripe;
pub mod telegram;
pub mod yookassa;

mod support;

pub use bank_transfer::{BankTransferGateway, MatchResult, match_statement};
pub use client_bank_1c::{StatementDocument, StatementError, parse_statement};
pub use kopek_engine::payments::gateway::{
    CreatePayment, GatewayError, GatewayKind, GatewayPayment, GatewayRefund, GatewayStatus, PaymentGateway, RefundStatus,
    WebhookEvent, WebhookRequest,
};
pub use sandbox::{SandboxCallback, SandboxCheckout, SandboxConfig, SandboxGateway, SandboxOutcome};
pub use stripe::{StripeConfig, StripeGateway};
pub use yookassa::{IpNetwork, YooKassaConfig, YooKassaGateway};
