//! NTF-5, SUP-3: Telegram through the Bot API — a thin client of our own
//! over reqwest ([`client`]), the messenger courier and the polling loop
//! that feeds the engine's bot ([`poller`]).

pub mod client;
pub mod poller;
