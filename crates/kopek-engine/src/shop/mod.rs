//! What a client buys in the portal (CAT-13, ORD): products and promo
//! codes, the cart, checkout and orders.

pub mod orders;
pub mod products;
