//! Notifications to a client's users (NTF-4): written to the outbox in the
//! same transaction as the change they tell of, addressed to every enabled
//! user of the client; the delivery worker sends them by each user's
//! channels. A dedup key makes a repeated run write one message.

use serde::{Deserialize, Serialize};

use crate::core::error::Result;
use crate::core::uow::Uow;

/// The outbox topic notifications go to.
pub const NOTIFICATION_TOPIC: &str = "notification";

/// One notification as the outbox carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    /// The event's code, e.g. "renewal.payment_failed", "credit.overdue".
    pub event: String,
    pub client_id: i64,
    /// The e-mail addresses of the client's enabled users.
    pub recipients: Vec<String>,
    /// What the template needs.
    pub data: serde_json::Value,
}

/// Queues `event` for the client's users, once per `dedup`.
pub(crate) async fn notify_client(
    uow: &mut Uow<'_>,
    client_id: i64,
    event: &str,
    data: serde_json::Value,
    dedup: &str,
) -> Result<()> {
    let users = kopek_store::users::client_users_of(&mut uow.conn, client_id).await?;
    let recipients = users.into_iter().filter(|u| u.enabled).map(|u| u.email).collect();
    let note = Notification { event: event.to_string(), client_id, recipients, data };
    uow.emit(NOTIFICATION_TOPIC, &note, Some(&format!("notify:{event}:{dedup}"))).await?;
    Ok(())
}
