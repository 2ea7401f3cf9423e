//! NTF: the channels the engine's delivery worker sends through — e-mail
//! over SMTP ([`email`]) and SMS through an HTTP gateway ([`sms`]) — and
//! the templates shipped with Kopek ([`templates`]) — and a local SMTP
//! server that accepts and counts letters ([`smtp_sink`]) for the tests
//! and the bench.

pub mod email;
pub mod sms;
pub mod smtp_sink;
pub mod templates;

pub use email::{EmailCourier, SmtpConfig, SmtpSecurity};
pub use sms::{SmsConfig, SmsCourier, SmsProvider};
pub use templates::ShippedTemplates;
