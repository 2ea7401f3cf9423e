//! One file per screen of the staff panel.

pub mod audit;
pub mod auth;
pub mod catalog;
pub mod clients;
pub mod dashboard;
pub mod departments;
pub mod documents;
pub mod entries;
pub mod labels;
pub mod methods;
pub mod night;
pub mod notification_templates;
pub mod notifications;
pub mod payments;
pub mod product_form;
pub mod service_form;
pub mod shop;
pub mod staff;
pub mod statements;
pub mod tariffs;
pub mod tickets;
