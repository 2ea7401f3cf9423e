//! What staff see first (OPS-5): the dashboard of money, clients and the
//! work waiting in the background.

pub mod dashboard;
