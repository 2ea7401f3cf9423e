//! Support (SUP-1, SUP-2, ACC-4): tickets between a client's users and the
//! provider's staff, in departments. Who sees a ticket is decided here: a
//! client's user with the "support" right sees its client's; a support
//! staff user its departments' (and the unsorted ones); an admin all.
//! Anything else is "not found", so ids can't be probed.

pub mod bot;
pub mod bot_texts;
pub mod departments;
pub mod files;
pub mod queue;
pub mod tickets;
pub mod views;
