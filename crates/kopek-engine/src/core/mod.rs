//! What every use case stands on: who acts ([`ctx`]), why it failed
//! ([`error`]), the unit of work that commits money, audit and outbox
//! together ([`uow`]), the provider's clock ([`time`]), amounts as requests
//! carry them ([`amount`]), the shapes answers take ([`views`]) and the
//! notifications written with a change ([`notify`]). Nothing here calls up
//! into an area.

pub mod amount;
pub mod ctx;
pub mod error;
pub mod notify;
pub mod text;
pub mod uow;
pub mod views;
