//! NTF-1, NTF-2, NTF-4: which category an event belongs to, which channels
//! a user's choices open for it, and how a delivery moves between its
//! states. The one place that maps an event's code to its category.

use crate::account::{NotificationCategory, NotificationChannel, SubscriptionState};
use crate::stored::stored_enum;

/// Every event the engine emits today, with its category.
pub const EVENTS: &[(&str, NotificationCategory)] = &[
    ("credit.invoice_issued", NotificationCategory::Finance),
    ("credit.due_soon", NotificationCategory::Finance),
    ("credit.overdue", NotificationCategory::Finance),
    ("credit.block_soon", NotificationCategory::Finance),
    ("credit.blocked", NotificationCategory::Finance),
    ("credit.unblocked", NotificationCategory::Finance),
    ("renewal.payment_failed", NotificationCategory::Finance),
    ("autopay.payment_failed", NotificationCategory::Finance),
    ("payment.credited", NotificationCategory::Finance),
    ("payment.failed", NotificationCategory::Finance),
    ("renewal.done", NotificationCategory::Finance),
    // DOC-1, DOC-2, DOC-4: a document was issued to one of the client's
    // payers.
    ("invoice.issued", NotificationCategory::Finance),
    ("act.issued", NotificationCategory::Finance),
    ("contract.issued", NotificationCategory::Finance),
    // The balance fell below the client's threshold (see `low_balance`).
    ("balance.low", NotificationCategory::Finance),
    ("service.opened", NotificationCategory::Services),
    ("service.stopped", NotificationCategory::Services),
    ("service.blocked", NotificationCategory::Services),
    ("service.unblocked", NotificationCategory::Services),
    ("service.expiring", NotificationCategory::Services),
    ("service.deleted", NotificationCategory::Services),
    // NTF-1: the provider's news, to the users who keep news on.
    ("news.published", NotificationCategory::News),
    // SUP-1: staff answered a ticket the client can see.
    ("support.reply", NotificationCategory::Support),
    // A test message sent by `kopek notify test`: finance, the category
    // every user gets by e-mail unless switched off.
    ("notify.test", NotificationCategory::Finance),
];

/// The category of an event's code; `None` for a code Kopek does not know.
pub fn category_of(event: &str) -> Option<NotificationCategory> {
    EVENTS.iter().find(|(code, _)| *code == event).map(|(_, c)| *c)
}

/// ACC-4: a client's user opened a ticket; its department's staff hear of
/// it by e-mail.
pub const NEW_TICKET_EVENT: &str = "support.ticket_created";

/// The events told to staff, not to a client's users: they have no
/// category, since staff choose no channels, and go by e-mail.
pub const STAFF_EVENTS: &[&str] = &[NEW_TICKET_EVENT];

/// Whether Kopek sends `event` to anyone: a client's event or a staff one.
pub fn is_event(event: &str) -> bool {
    category_of(event).is_some() || STAFF_EVENTS.contains(&event)
}

/// How many days before a paid period ends the client is told it expires.
pub const EXPIRY_NOTICE_DAYS: i64 = 3;

/// The event a subscription's move from `from` (none: just connected) to
/// `to` tells the client of; `None` for a move the client is not told of
/// (waiting for a first session, a stop that merely goes on).
pub fn service_event(from: Option<SubscriptionState>, to: SubscriptionState) -> Option<&'static str> {
    use SubscriptionState::*;
    let off_for_money = |s: SubscriptionState| matches!(s, BlockedForDebt | DeactivatedByThreshold);
    match (from, to) {
        (Some(f), t) if f == t => None,
        (None, Active) => Some("service.opened"),
        (None, _) => None,
        (_, Disconnected) => Some("service.deleted"),
        (_, t) if off_for_money(t) => Some("service.blocked"),
        (Some(f), Active) if off_for_money(f) => Some("service.unblocked"),
        (Some(AwaitingSession), Active) => Some("service.opened"),
        (_, StoppedByClient | StoppedByAdmin | Expired) => Some("service.stopped"),
        _ => None,
    }
}

/// Whether a user gets `category` by `channel`: the stored choice, or the
/// channel's default when the user never chose.
pub fn wants(
    stored: &[(NotificationCategory, NotificationChannel, bool)],
    category: NotificationCategory,
    channel: NotificationChannel,
) -> bool {
    stored
        .iter()
        .find(|(cat, ch, _)| *cat == category && *ch == channel)
        .map_or(channel.on_by_default(), |(_, _, enabled)| *enabled)
}

stored_enum! {
    /// NTF-4: where one delivery (one user, one channel, one event) stands.
    DeliveryStatus {
        /// Written, not tried yet (or sent again by staff).
        Queued = "queued",
        /// The provider took it.
        Sent = "sent",
        /// The last try failed; tried again at its next attempt time.
        Failed = "failed",
        /// Given up: a permanent refusal, or every attempt failed.
        Dead = "dead",
    }
}

/// How many times a delivery is tried before it is dead.
pub const MAX_DELIVERY_ATTEMPTS: i64 = 8;

impl DeliveryStatus {
    /// After a failed try number `attempts`: failed (tried again) or dead.
    pub fn after_failure(attempts: i64, permanent: bool) -> DeliveryStatus {
        if permanent || attempts >= MAX_DELIVERY_ATTEMPTS { DeliveryStatus::Dead } else { DeliveryStatus::Failed }
    }

    /// Staff may send again only what did not get through.
    pub fn can_resend(self) -> bool {
        matches!(self, DeliveryStatus::Failed | DeliveryStatus::Dead)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ntf1_every_event_has_one_category_and_an_unknown_one_none() {
        assert_eq!(category_of("credit.due_soon"), Some(NotificationCategory::Finance));
        assert_eq!(category_of("renewal.payment_failed"), Some(NotificationCategory::Finance));
        assert_eq!(category_of("no.such"), None);
        let mut codes: Vec<&str> = EVENTS.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), EVENTS.len());
        assert!(is_event("support.reply") && is_event(NEW_TICKET_EVENT) && !is_event("no.such"));
        assert_eq!(category_of(NEW_TICKET_EVENT), None, "staff choose no channels");
    }

    #[test]
    fn ntf1_a_service_s_move_names_its_event() {
        use SubscriptionState::*;
        assert_eq!(service_event(None, Active), Some("service.opened"));
        assert_eq!(service_event(None, AwaitingSession), None);
        assert_eq!(service_event(Some(AwaitingSession), Active), Some("service.opened"));
        assert_eq!(service_event(Some(Active), BlockedForDebt), Some("service.blocked"));
        assert_eq!(service_event(Some(Active), DeactivatedByThreshold), Some("service.blocked"));
        assert_eq!(service_event(Some(BlockedForDebt), Active), Some("service.unblocked"));
        assert_eq!(service_event(Some(DeactivatedByThreshold), Active), Some("service.unblocked"));
        assert_eq!(service_event(Some(Active), StoppedByClient), Some("service.stopped"));
        assert_eq!(service_event(Some(Active), Expired), Some("service.stopped"));
        assert_eq!(service_event(Some(StoppedByClient), Active), None);
        assert_eq!(service_event(Some(Active), Disconnected), Some("service.deleted"));
        assert_eq!(service_event(Some(Disconnected), Disconnected), None);
        for event in ["service.opened", "service.blocked", "service.unblocked", "service.stopped", "service.deleted"] {
            assert_eq!(category_of(event), Some(NotificationCategory::Services), "{event}");
        }
    }

    #[test]
    fn ntf2_a_stored_choice_wins_over_the_default() {
        let stored = [(NotificationCategory::Finance, NotificationChannel::Email, false)];
        assert!(!wants(&stored, NotificationCategory::Finance, NotificationChannel::Email));
        assert!(wants(&stored, NotificationCategory::News, NotificationChannel::Email));
        assert!(!wants(&stored, NotificationCategory::Finance, NotificationChannel::Sms));
    }

    #[test]
    fn ntf4_a_failure_is_retried_until_the_attempts_run_out() {
        assert_eq!(DeliveryStatus::after_failure(1, false), DeliveryStatus::Failed);
        assert_eq!(DeliveryStatus::after_failure(MAX_DELIVERY_ATTEMPTS, false), DeliveryStatus::Dead);
        assert_eq!(DeliveryStatus::after_failure(1, true), DeliveryStatus::Dead);
        assert!(DeliveryStatus::Dead.can_resend() && !DeliveryStatus::Sent.can_resend());
    }
}
