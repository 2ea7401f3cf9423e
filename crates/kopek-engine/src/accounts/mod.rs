//! Who uses Kopek (ACC, SEC-1): client accounts, their users, staff users,
//! passwords, sessions and API tokens.

pub mod audit;
pub mod auth;
pub mod avatars;
pub mod client_card;
pub mod clients;
pub mod log_in_as;
pub mod password;
pub mod personal_data;
pub mod phone;
pub mod privacy;
pub mod settings;
pub mod staff;
pub mod two_factor;
pub mod users;
