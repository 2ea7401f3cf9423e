//! Notification deliveries that did and did not get through, for the
//! tests of the panel's delivery log (NTF-4): the web tests' and the
//! browser's.

use std::sync::Arc;

use async_trait::async_trait;
use kopek_domain::account::NotificationChannel;
use kopek_engine::core::notify::Notification;
use kopek_engine::notifications::channels::{Courier, Outgoing, SendError};
use kopek_engine::notifications::delivery::Notifier;
use kopek_engine::testing::TestEngine;
use kopek_integrations::notifications::ShippedTemplates;

/// A mail server that takes letters to `ok…` addresses and refuses every
/// other address for good.
struct PickyMail;

#[async_trait]
impl Courier for PickyMail {
    fn channel(&self) -> NotificationChannel {
        NotificationChannel::Email
    }

    async fn send(&self, m: &Outgoing<'_>) -> Result<String, SendError> {
        match m.to.starts_with("ok") {
            true => Ok(format!("mail-{}", m.key)),
            false => Err(SendError::permanent("550 5.1.1 mailbox unavailable")),
        }
    }
}

/// A "payment credited" notification for `email` of `client`, delivered
/// by e-mail at once: sent to an `ok…` address, dead for any other.
pub async fn notify_by_mail(t: &TestEngine, client: i64, email: &str, number: &str) {
    let engine = &t.engine;
    let n = Notifier::new(Arc::new(ShippedTemplates::new())).with_courier(Arc::new(PickyMail));
    let note = Notification {
        event: "payment.credited".into(),
        client_id: client,
        recipients: vec![email.to_string()],
        data: serde_json::json!({
            "number": number, "amount": "100.00", "currency": "RUB", "balance": "100.00", "balance_currency": "RUB",
        }),
    };
    let id = t.queue_notification(&note).await;
    n.accept(engine, id, &note).await.unwrap();
    n.deliver_due(engine).await.unwrap();
}
