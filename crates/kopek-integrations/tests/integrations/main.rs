//! The integrations' tests, one binary so the workspace links it once:
//! the payment gateways against stubs shaped like their documentation, and
//! provisioning hooks (real scripts and signed webhooks) through a
//! service's whole life.

mod gateways;
mod notifications;
mod provisioning;
mod provisioning_life;
mod telegram;
