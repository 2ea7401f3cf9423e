//! NTF: the notifications the engine writes to the outbox, delivered. The
//! worker ([`delivery`]) keeps each one in its users' inbox and queues a
//! delivery per user and channel the user's choices open; the channels
//! themselves ([`channels::Courier`]) and the templates
//! ([`channels::Renderer`]) live in `kopek-integrations`. The portal reads
//! the inbox ([`inbox`]); staff read the delivery log and send a failed
//! delivery again ([`log`]). A new ticket reaches its department's staff by
//! e-mail through the same deliveries ([`staff`]).

pub mod channels;
pub mod delivery;
pub mod inbox;
pub mod log;
pub mod news;
pub mod staff;
pub mod telegram;
pub mod templates;
