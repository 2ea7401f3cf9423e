//! Notifications to a client's users (NTF-4): written to the outbox in the
//! same transaction as the change they tell of, addressed to every enabled
//! user of the client; the delivery worker sends them by each user's
//! channels. A dedup key makes a repeated run write one message.

use kopek_domain::account::SubscriptionState;
use kopek_domain::notification::service_event;
use serde::{Deserialize, Serialize};

use kopek_domain::money::units_to_decimal;

use crate::core::error::{EngineError, Result};
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

/// ACC-4: the outbox topic telling a department's staff of a new ticket.
pub const NEW_TICKET_TOPIC: &str = kopek_domain::notification::NEW_TICKET_EVENT;

/// A new ticket as the outbox carries it to its department's staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTicketNotice {
    pub ticket_id: i64,
    pub client_id: i64,
    pub department_id: Option<i64>,
    pub subject: String,
    /// The department's staff when the ticket was opened.
    pub staff: Vec<i64>,
    /// The client's and the department's names, for the letter; empty in
    /// a notice queued before they were carried.
    #[serde(default)]
    pub client: String,
    #[serde(default)]
    pub department: String,
}

/// Queues the staff's notice of a new ticket, once per ticket.
pub(crate) async fn notify_staff_of_ticket(uow: &mut Uow<'_>, notice: &NewTicketNotice) -> Result<()> {
    uow.emit(NEW_TICKET_TOPIC, notice, Some(&format!("ticket-{}", notice.ticket_id))).await?;
    Ok(())
}

/// Queues `event` for the client's users, once per `dedup`.
pub(crate) async fn notify_client(
    uow: &mut Uow<'_>,
    client_id: i64,
    event: &str,
    data: serde_json::Value,
    dedup: &str,
) -> Result<()> {
    notify_clients(uow, vec![ClientEvent { client_id, event, data, dedup: dedup.to_string() }]).await
}

/// One event for one client's users.
pub(crate) struct ClientEvent<'a> {
    pub client_id: i64,
    pub event: &'a str,
    pub data: serde_json::Value,
    /// With the event, what makes it once: a repeat is not queued.
    pub dedup: String,
}

/// Queues many clients' events, reading their users in one statement.
pub(crate) async fn notify_clients(uow: &mut Uow<'_>, events: Vec<ClientEvent<'_>>) -> Result<()> {
    let mut clients: Vec<i64> = events.iter().map(|e| e.client_id).collect();
    clients.sort_unstable();
    clients.dedup();
    let mut recipients: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    for (client_id, email) in kopek_store::documents_batch::enabled_user_emails(&mut uow.conn, &clients).await? {
        recipients.entry(client_id).or_default().push(email);
    }
    let notes: Vec<(Notification, String)> = events
        .into_iter()
        .map(|e| {
            let key = format!("notify:{}:{}", e.event, e.dedup);
            let recipients = recipients.get(&e.client_id).cloned().unwrap_or_default();
            (Notification { event: e.event.to_string(), client_id: e.client_id, recipients, data: e.data }, key)
        })
        .collect();
    uow.emit_many(NOTIFICATION_TOPIC, &notes).await
}

/// NTF-1: the one entry point of the services' events. A subscription
/// moved from `from` (none: just connected) to `to`; the client hears of
/// the moves [`service_event`] names, once per move. A package's members
/// move with it and are not told of one by one.
pub(crate) async fn notify_service(
    uow: &mut Uow<'_>,
    sub: &kopek_store::subscriptions::SubscriptionRow,
    from: Option<SubscriptionState>,
    to: SubscriptionState,
    reason: &str,
) -> Result<()> {
    let Some(event) = service_event(from, to) else { return Ok(()) };
    if sub.parent_id.is_some() || is_silent(uow, sub.service_id).await? {
        return Ok(());
    }
    let service = service_name(uow, sub.service_id).await?;
    let data = serde_json::json!({
        "subscription_id": sub.id, "service": service, "state": to.as_str(), "reason": reason,
    });
    notify_client(uow, sub.client_id, event, data, &format!("{}-{}", sub.id, uow.now.timestamp_micros())).await
}

/// CAT-8 "don't send messages on connect/disconnect": the service's
/// latest version says whether its moves are told to the client.
async fn is_silent(uow: &mut Uow<'_>, service_id: i64) -> Result<bool> {
    let versions = kopek_store::catalog::versions(&mut uow.conn, service_id).await?;
    let Some(latest) = versions.iter().max_by_key(|v| (v.valid_from, v.id)) else { return Ok(false) };
    let spec: kopek_domain::catalog::ServiceSpec = serde_json::from_str(&latest.spec)?;
    Ok(spec.integration.silent)
}

/// A service's name as the catalog keeps it.
pub(crate) async fn service_name(uow: &mut Uow<'_>, service_id: i64) -> Result<String> {
    Ok(kopek_store::catalog::service(&mut uow.conn, service_id).await?.map(|s| s.name).unwrap_or_default())
}

/// NTF-1: the one entry point of a payment's events — "payment.credited"
/// (with the balance it left) and "payment.failed" (with why) — once per
/// payment and event.
pub(crate) async fn notify_payment(uow: &mut Uow<'_>, payment_id: i64, event: &str, reason: Option<&str>) -> Result<()> {
    let pay = kopek_store::ledger::payment(&mut uow.conn, payment_id)
        .await?
        .ok_or_else(|| EngineError::not_found("payment", payment_id))?;
    let client = kopek_store::clients::get(&mut uow.conn, pay.client_id)
        .await?
        .ok_or_else(|| EngineError::not_found("client", pay.client_id))?;
    let mut data = serde_json::json!({
        "payment_id": pay.id, "number": pay.number.clone().unwrap_or_else(|| pay.id.to_string()),
        "amount": units_to_decimal(pay.amount).to_string(), "currency": pay.currency,
        "balance": units_to_decimal(client.balance).to_string(), "balance_currency": client.currency,
    });
    if let Some(reason) = reason {
        data["reason"] = serde_json::Value::from(reason);
    }
    notify_client(uow, pay.client_id, event, data, &pay.id.to_string()).await
}
