//! The life of a service a client ordered (SVC): open, stop, start,
//! change, renew and delete through the product's provisioning hook, with
//! the money of mid-period changes and the questions asked about it.

pub mod changes;
pub mod life;
pub mod provisioning;
pub mod questions;
