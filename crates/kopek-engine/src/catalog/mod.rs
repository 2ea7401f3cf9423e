//! What the provider sells (CAT-1 … CAT-12): services with every option of
//! the services document, their price versions and history, tariffs and
//! tariff changes, holiday calendars, and the price book a run reads.

pub mod portal;
pub mod portal_services;
pub mod services;
pub mod tariff_change;
