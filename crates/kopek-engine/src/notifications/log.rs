//! NTF-4 for staff: the delivery log with its filters (event, channel,
//! status, client), each failure's error, and "send again" for a delivery
//! that did not get through.

use chrono::{DateTime, Utc};
use kopek_domain::account::NotificationChannel;
use kopek_domain::notification::{DeliveryStatus, is_event};
use kopek_store::notifications::{self as store, DeliveryFilter, DeliveryRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::Engine;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};

/// Deliveries on one page of the log.
pub const LOG_PAGE_SIZE: i64 = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Delivery {
    pub id: i64,
    pub client_id: i64,
    /// Who it went to: a client's user, or a staff user (ACC-4: a new
    /// ticket of its department).
    pub client_user_id: Option<i64>,
    pub staff_user_id: Option<i64>,
    pub event: String,
    pub channel: NotificationChannel,
    pub address: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub provider_message_id: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<DeliveryRow> for Delivery {
    fn from(r: DeliveryRow) -> Self {
        Delivery {
            id: r.id,
            client_id: r.client_id,
            client_user_id: r.client_user_id,
            staff_user_id: r.staff_user_id,
            event: r.event,
            channel: r.channel,
            address: r.address,
            status: r.status,
            attempts: r.attempts,
            last_error: r.last_error,
            provider_message_id: r.provider_message_id,
            next_attempt_at: r.next_attempt_at,
            created_at: r.created_at,
            sent_at: r.sent_at,
        }
    }
}

/// The log's filters; each one absent leaves its column free.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    pub event: Option<String>,
    pub channel: Option<NotificationChannel>,
    pub status: Option<DeliveryStatus>,
    pub client_id: Option<i64>,
    /// From 1.
    pub page: Option<i64>,
}

impl Engine {
    pub async fn notification_deliveries(&self, ctx: &Ctx, q: &DeliveryQuery) -> Result<Vec<Delivery>> {
        ctx.actor.ensure_staff("read the delivery log")?;
        if let Some(event) = q.event.as_deref().filter(|e| !is_event(e)) {
            return Err(EngineError::invalid_field("event", "unknown_event", format!("no notification event {event:?}")));
        }
        let filter = DeliveryFilter { event: q.event.clone(), channel: q.channel, status: q.status, client_id: q.client_id };
        let page = q.page.unwrap_or(1).max(1);
        let mut conn = self.store.conn().await?;
        let rows = store::deliveries(&mut conn, &filter, LOG_PAGE_SIZE, (page - 1).saturating_mul(LOG_PAGE_SIZE)).await?;
        Ok(rows.into_iter().map(Delivery::from).collect())
    }

    /// Queues a failed or dead delivery again for now; the worker's next
    /// round tries it. Read-only staff read the log and change nothing.
    pub async fn resend_delivery(&self, ctx: &Ctx, id: i64) -> Result<Delivery> {
        ctx.actor.ensure_staff("send a notification again")?;
        ctx.actor.ensure_may_change()?;
        let mut uow = self.begin(ctx).await?;
        let row = store::delivery(&mut uow.conn, id).await?.ok_or_else(|| EngineError::not_found("delivery", id))?;
        if !row.status.can_resend() {
            return Err(EngineError::conflict(
                "delivery_not_failed",
                format!("delivery {id} is {}: only a failed or dead one is sent again", row.status),
            ));
        }
        store::requeue(&mut uow.conn, id, uow.now).await?;
        uow.audit(
            "notification.resend",
            "notification_delivery",
            id,
            Some(row.client_id),
            serde_json::json!({ "channel": row.channel, "event": row.event, "was": row.status }),
        )
        .await?;
        let row = store::delivery(&mut uow.conn, id).await?.ok_or_else(|| EngineError::not_found("delivery", id))?;
        uow.finish(Delivery::from(row)).await
    }

    /// Deliveries per channel and status, for `/metrics`.
    pub async fn delivery_counts(&self) -> Result<Vec<(String, String, i64)>> {
        let mut conn = self.store.conn().await?;
        Ok(kopek_store::notifications::count_by_channel_and_status(&mut conn).await?)
    }
}
