//! ACC-4: a new ticket told to its department's staff by e-mail, through
//! the same deliveries as the clients' notifications (claimed, retried,
//! logged, sent again by staff). Staff have no inbox and choose no
//! channels: each enabled staff member of the department when the ticket
//! was opened gets one e-mail, in the provider's language.

use kopek_domain::account::NotificationChannel;
use kopek_store::notifications::{self as store, NewStaffDelivery};

use crate::Engine;
use crate::core::error::Result;
use crate::core::notify::{NEW_TICKET_TOPIC, NewTicketNotice};
use crate::notifications::delivery::{DEFAULT_LOCALE, Notifier};

impl Notifier {
    /// Queues the e-mails of outbox message `outbox_id`, a new ticket's
    /// notice; the unique key makes a message handled again add nothing.
    /// Returns how many deliveries the message has. Without the e-mail
    /// channel nothing is queued: staff have no inbox to keep it in.
    pub async fn accept_new_ticket(&self, engine: &Engine, outbox_id: i64, notice: &NewTicketNotice) -> Result<usize> {
        if !self.channels().contains(&NotificationChannel::Email) {
            return Ok(0);
        }
        let now = engine.now();
        let data = serde_json::json!({
            "ticket_id": notice.ticket_id, "subject": notice.subject, "client": notice.client,
            "department": notice.department,
        });
        let mut conn = engine.store.begin().await?;
        // Rendered now so a template that can't render fails the message
        // (and is retried by the outbox) rather than each delivery.
        self.render(&mut conn, NEW_TICKET_TOPIC, DEFAULT_LOCALE, &data).await?;
        let data = serde_json::to_string(&data)?;
        let mut queued = 0;
        for staff_id in &notice.staff {
            let Some(staff) = kopek_store::users::staff_user(&mut conn, *staff_id).await?.filter(|s| s.enabled) else {
                continue;
            };
            let delivery = NewStaffDelivery {
                outbox_id,
                client_id: notice.client_id,
                staff_user_id: staff.id,
                event: NEW_TICKET_TOPIC,
                locale: DEFAULT_LOCALE,
                data: &data,
                channel: NotificationChannel::Email,
                address: &staff.email,
            };
            store::insert_staff_delivery(&mut conn, &delivery, now).await?;
            queued += 1;
        }
        conn.commit().await?;
        Ok(queued)
    }
}
