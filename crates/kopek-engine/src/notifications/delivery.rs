//! NTF-2, NTF-4: the delivery worker. A `notification` message from the
//! outbox is fanned out in one transaction: for each of its users the
//! notification is kept in the inbox, and a delivery is queued for every
//! configured channel the user's choices open for the event's category.
//! The unique keys of both tables make a message handled again (after a
//! crash, or by a second worker) add nothing. Deliveries are then tried
//! one by one, each try claimed with a lease before the provider is asked
//! (see "Notification deliveries" in docs/architecture.md for what a crash
//! between the provider's answer and the row's update costs).

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::Duration;
use kopek_domain::account::{NotificationCategory, NotificationChannel};
use kopek_domain::notification::{DeliveryStatus, category_of, wants};
use kopek_domain::schedule::Recurrence;
use kopek_store::notifications::{self as store, NewInbox};
use kopek_store::{Conn, users};

use crate::Engine;
use crate::accounts::phone::{PHONE_CODE_EVENT, PHONE_CODE_TOPIC, PhoneCodeMessage};
use crate::core::error::{EngineError, Result};
use crate::core::notify::{NEW_TICKET_TOPIC, NOTIFICATION_TOPIC, NewTicketNotice, Notification};
use crate::jobs::worker::{Handler, Message, Worker, backoff};
use crate::notifications::channels::{Courier, Outgoing, Rendered, Renderer, SendError};
use crate::notifications::templates::stored_source;

/// The schedule that tries again the deliveries whose next attempt came.
pub const RETRY_SCHEDULE: &str = "notifications.retry";
pub const RETRY_TOPIC: &str = "notifications.retry";

/// The language of a user who chose none.
pub const DEFAULT_LOCALE: &str = "ru";

/// What one round of deliveries did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub failed: usize,
    pub dead: usize,
}

pub struct Notifier {
    renderer: Arc<dyn Renderer>,
    couriers: HashMap<NotificationChannel, Arc<dyn Courier>>,
    /// How long one try may take before the delivery can be tried again.
    lease: Duration,
    batch: i64,
}

impl Notifier {
    /// A notifier with no channel: notifications reach only the inbox.
    pub fn new(renderer: Arc<dyn Renderer>) -> Notifier {
        Notifier { renderer, couriers: HashMap::new(), lease: Duration::minutes(10), batch: 50 }
    }

    /// Turns a channel on; a channel without its courier is off.
    pub fn with_courier(mut self, courier: Arc<dyn Courier>) -> Notifier {
        self.couriers.insert(courier.channel(), courier);
        self
    }

    pub fn lease(mut self, lease: Duration) -> Notifier {
        self.lease = lease;
        self
    }

    /// How many due deliveries one claim takes.
    pub fn batch(mut self, batch: i64) -> Notifier {
        self.batch = batch.max(1);
        self
    }

    /// The channels that are on, in a fixed order.
    pub fn channels(&self) -> Vec<NotificationChannel> {
        NotificationChannel::ALL.iter().copied().filter(|c| self.couriers.contains_key(c)).collect()
    }

    pub fn renderer(&self) -> &Arc<dyn Renderer> {
        &self.renderer
    }

    /// Adds the handlers of notifications (to clients' users and, for a new
    /// ticket, to its department's staff) and of their retries to a worker.
    pub fn attach(self: &Arc<Self>, worker: Worker) -> Worker {
        let job: Arc<dyn Handler> = Arc::new(NotificationJob(self.clone()));
        worker
            .handle(NOTIFICATION_TOPIC, job.clone())
            .handle(RETRY_TOPIC, job.clone())
            .handle(PHONE_CODE_TOPIC, job.clone())
            .handle(NEW_TICKET_TOPIC, job)
    }

    /// Declares the schedule that retries failed deliveries.
    pub async fn install_schedule(&self, engine: &Engine) -> Result<()> {
        engine.ensure_schedule(RETRY_SCHEDULE, RETRY_TOPIC, &Recurrence::Seconds { seconds: 30 }).await
    }

    /// Keeps the notification of outbox message `outbox_id` in each of its
    /// users' inbox and queues its deliveries. Returns how many deliveries
    /// the message has.
    pub async fn accept(&self, engine: &Engine, outbox_id: i64, note: &Notification) -> Result<usize> {
        let category = category_of(&note.event)
            .ok_or_else(|| EngineError::invalid("unknown_event", format!("no notification event {:?}", note.event)))?;
        let now = engine.now();
        let mut conn = engine.store.begin().await?;
        let mut queued = 0;
        let data = serde_json::to_string(&note.data)?;
        for user in users::client_users_of(&mut conn, note.client_id).await? {
            if !user.enabled || !note.recipients.contains(&user.email) {
                continue;
            }
            let locale = user.locale.clone().unwrap_or_else(|| DEFAULT_LOCALE.to_string());
            let content = self.render(&mut conn, &note.event, &locale, &note.data).await?;
            let inbox = store::insert_inbox(
                &mut conn,
                &NewInbox {
                    outbox_id,
                    client_id: note.client_id,
                    client_user_id: user.id,
                    event: &note.event,
                    category: category.as_str(),
                    locale: &locale,
                    data: &data,
                    subject: &content.subject,
                    body: &content.text,
                    created_at: now,
                },
            )
            .await?;
            let stored = choices(&users::notification_preferences(&mut conn, user.id).await?);
            for channel in self.channels() {
                let address = match channel {
                    NotificationChannel::Email => Some(user.email.clone()),
                    // Only to a number the user proved is its own (ACC-2).
                    NotificationChannel::Sms => user.phone.clone().filter(|p| user.phone_verified && !p.trim().is_empty()),
                    // NTF-5: the chat the user bound by the one-time link.
                    NotificationChannel::Messenger => {
                        kopek_store::telegram::bound_chat(&mut conn, user.id).await?.map(|c| c.to_string())
                    }
                    NotificationChannel::Portal => None,
                };
                if let Some(address) = address.filter(|_| wants(&stored, category, channel)) {
                    store::insert_delivery(&mut conn, &inbox, channel, &address, now).await?;
                    queued += 1;
                }
            }
        }
        conn.commit().await?;
        Ok(queued)
    }

    /// Tries every delivery whose time came, batch after batch.
    pub async fn deliver_due(&self, engine: &Engine) -> Result<DeliveryReport> {
        let mut report = DeliveryReport::default();
        let channels = self.channels();
        if channels.is_empty() {
            return Ok(report);
        }
        loop {
            let now = engine.now();
            let claimed = {
                let mut conn = engine.store.conn().await?;
                store::claim_due(&mut conn, &channels, now, now + self.lease, self.batch).await?
            };
            let n = claimed.len();
            for d in claimed {
                match self.try_one(engine, &d).await? {
                    DeliveryStatus::Sent => report.sent += 1,
                    DeliveryStatus::Dead => report.dead += 1,
                    _ => report.failed += 1,
                }
            }
            if n < usize::try_from(self.batch).unwrap_or(usize::MAX) {
                return Ok(report);
            }
        }
    }

    async fn try_one(&self, engine: &Engine, d: &store::DeliveryRow) -> Result<DeliveryStatus> {
        let outcome = match self.content_of(engine, d).await? {
            Ok(content) => {
                let courier = self.couriers.get(&d.channel).expect("claimed only channels that are on");
                let key = format!("kopek-delivery-{}", d.id);
                let limit = (self.lease * 9 / 10).to_std().unwrap_or(std::time::Duration::from_secs(60));
                let outgoing = Outgoing { to: &d.address, content: &content, key: &key };
                match tokio::time::timeout(limit, courier.send(&outgoing)).await {
                    Ok(r) => r,
                    Err(_) => Err(SendError::transient(format!("no answer in {} s", limit.as_secs()))),
                }
            }
            Err(e) => Err(e),
        };
        let now = engine.now();
        let mut conn = engine.store.conn().await?;
        match outcome {
            Ok(provider_id) => {
                store::mark_sent(&mut conn, d.id, &provider_id, now).await?;
                Ok(DeliveryStatus::Sent)
            }
            Err(e) => {
                let status = DeliveryStatus::after_failure(d.attempts, e.permanent);
                tracing::warn!(delivery = d.id, channel = %d.channel, attempt = d.attempts, error = %e.message, "notification not delivered");
                store::mark_failed(&mut conn, d.id, status, &e.message, now + backoff(d.attempts)).await?;
                Ok(status)
            }
        }
    }

    /// The delivery's text, rendered again in the language it was kept in.
    async fn content_of(&self, engine: &Engine, d: &store::DeliveryRow) -> Result<std::result::Result<Rendered, SendError>> {
        let mut conn = engine.store.conn().await?;
        let lost = || EngineError::Internal(format!("delivery {} lost its notification", d.id));
        // A staff user's delivery keeps what it renders from; a client's
        // user's is in its inbox entry.
        let (locale, data) = match (d.inbox_id, &d.locale, &d.data) {
            (Some(inbox_id), _, _) => {
                let inbox = store::inbox_entry(&mut conn, inbox_id).await?.ok_or_else(lost)?;
                (inbox.locale, inbox.data)
            }
            (None, Some(locale), Some(data)) => (locale.clone(), data.clone()),
            _ => return Err(lost()),
        };
        let data: serde_json::Value = serde_json::from_str(&data)?;
        Ok(self.render_any(&mut conn, &d.event, &locale, &data).await?.map_err(SendError::permanent))
    }

    pub(super) async fn render(&self, conn: &mut Conn, event: &str, locale: &str, data: &serde_json::Value) -> Result<Rendered> {
        self.render_any(conn, event, locale, data).await?.map_err(|e| EngineError::invalid("template_failed", e))
    }

    /// NTF-3: staff's own template of the event and language when there is
    /// one, else the shipped one.
    async fn render_any(
        &self,
        conn: &mut Conn,
        event: &str,
        locale: &str,
        data: &serde_json::Value,
    ) -> Result<std::result::Result<Rendered, String>> {
        Ok(match stored_source(conn, event, locale).await? {
            Some(source) => self.renderer.render_source(event, locale, &source, data),
            None => self.renderer.render(event, locale, data),
        })
    }

    /// ACC-2: a phone confirmation code, by SMS only and never kept in an
    /// inbox. A code that expired while it waited is dropped; a refusal the
    /// gateway calls permanent (a number that does not exist) is not tried
    /// again; anything else is, by the outbox.
    pub async fn send_phone_code(&self, engine: &Engine, m: &PhoneCodeMessage) -> std::result::Result<(), String> {
        if engine.now() >= m.expires_at {
            tracing::info!(code = m.code_id, "phone code expired before it could be sent");
            return Ok(());
        }
        let courier = self.couriers.get(&NotificationChannel::Sms).ok_or("the SMS channel is not configured")?;
        let locale = m.locale.as_deref().unwrap_or(DEFAULT_LOCALE);
        let content = self.renderer.render(PHONE_CODE_EVENT, locale, &serde_json::json!({ "code": m.code }))?;
        let key = format!("kopek-phone-code-{}", m.code_id);
        match courier.send(&Outgoing { to: &m.to, content: &content, key: &key }).await {
            Ok(_) => Ok(()),
            Err(e) if e.permanent => {
                tracing::warn!(code = m.code_id, error = %e.message, "phone code refused by the SMS gateway");
                Ok(())
            }
            Err(e) => Err(e.message),
        }
    }

    /// `kopek notify test`: the test message straight through one channel,
    /// nothing stored. Returns the provider's id for it.
    pub async fn send_test(&self, channel: NotificationChannel, to: &str, locale: &str) -> Result<String> {
        let courier = self
            .couriers
            .get(&channel)
            .ok_or_else(|| EngineError::invalid("channel_off", format!("the {channel} channel is not configured")))?;
        let content = self
            .renderer
            .render("notify.test", locale, &serde_json::json!({ "to": to }))
            .map_err(|e| EngineError::invalid("template_failed", e))?;
        courier
            .send(&Outgoing { to, content: &content, key: "kopek-test" })
            .await
            .map_err(|e| EngineError::invalid("send_failed", e.message))
    }
}

fn choices(rows: &[users::NotificationPreferenceRow]) -> Vec<(NotificationCategory, NotificationChannel, bool)> {
    rows.iter()
        .filter_map(|r| Some((NotificationCategory::parse(&r.category)?, NotificationChannel::parse(&r.channel)?, r.enabled)))
        .collect()
}

struct NotificationJob(Arc<Notifier>);

#[async_trait]
impl Handler for NotificationJob {
    async fn handle(&self, engine: &Engine, message: &Message) -> std::result::Result<(), String> {
        if message.topic == PHONE_CODE_TOPIC {
            let code: PhoneCodeMessage = serde_json::from_value(message.payload.clone()).map_err(|e| e.to_string())?;
            return self.0.send_phone_code(engine, &code).await;
        }
        if message.topic == NOTIFICATION_TOPIC {
            let note: Notification = serde_json::from_value(message.payload.clone()).map_err(|e| e.to_string())?;
            self.0.accept(engine, message.id, &note).await.map_err(|e| e.chain())?;
        }
        if message.topic == NEW_TICKET_TOPIC {
            let notice: NewTicketNotice = serde_json::from_value(message.payload.clone()).map_err(|e| e.to_string())?;
            self.0.accept_new_ticket(engine, message.id, &notice).await.map_err(|e| e.chain())?;
        }
        self.0.deliver_due(engine).await.map_err(|e| e.chain())?;
        Ok(())
    }
}
