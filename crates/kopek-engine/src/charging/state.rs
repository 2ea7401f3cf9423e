//! A subscription's state (SVC-1, CHG-5) and the one way it changes: with
//! its history record and an outbox message for notifications and
//! provisioning.

use kopek_store::subscriptions::{self as subs, SubscriptionRow};

use crate::core::error::Result;
use crate::core::notify::notify_service;
use crate::core::uow::Uow;

pub use kopek_domain::account::{SubscriptionState as State, SubscriptionStyle};

/// Moves a subscription to another state, with its history record, an
/// outbox message for provisioning and the client's notification (NTF-1).
pub(crate) async fn change_state(
    uow: &mut Uow<'_>,
    sub: &SubscriptionRow,
    to: State,
    reason: &str,
    changes: &mut Vec<(i64, String)>,
) -> Result<()> {
    subs::set_state(&mut uow.conn, sub.id, to, None).await?;
    let actor = uow.ctx().actor.label();
    subs::record_state(&mut uow.conn, sub.id, sub.client_id, uow.now, Some(sub.state), to, reason, &actor).await?;
    uow.emit(
        "subscription.state_changed",
        &serde_json::json!({
            "subscription_id": sub.id, "client_id": sub.client_id, "from": sub.state, "to": to.as_str(), "reason": reason,
        }),
        None,
    )
    .await?;
    notify_service(uow, sub, Some(sub.state), to, reason).await?;
    changes.push((sub.id, to.as_str().to_string()));
    Ok(())
}
