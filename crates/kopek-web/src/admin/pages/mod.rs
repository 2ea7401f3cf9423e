//! One file per screen of the staff panel.

pub mod audit;
pub mod auth;
pub mod clients;
pub mod dashboard;
pub mod entries;
pub mod methods;
pub mod night;
pub mod payments;
pub mod staff;
pub mod statements;
