//! NTF-3: staff's own notification templates, per event and language. A
//! template is checked by the renderer before it is stored — one that does
//! not parse or names a value its event does not carry is refused with the
//! part and line — so the delivery worker, which prefers a stored template
//! to the shipped one, never meets a broken one.

use kopek_domain::notification::{EVENTS, STAFF_EVENTS, is_event};
use kopek_store::notifications::{self as store, TemplateRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::notifications::channels::TemplateSource;

/// The languages a template is kept in.
pub const TEMPLATE_LOCALES: [&str; 2] = ["ru", "en"];

/// A staff's template as it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NotificationTemplate {
    pub event: String,
    pub locale: String,
    pub subject: String,
    pub text: String,
    pub sms: String,
    /// The e-mail's HTML part; none: laid out from the text.
    pub html: Option<String>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub updated_by: String,
}

/// One event in one language, and staff's own template of it if there is
/// one (none: the shipped template is used).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateSlot {
    pub event: String,
    pub locale: String,
    pub stored: Option<NotificationTemplate>,
}

/// What staff send to store a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateInput {
    pub subject: String,
    pub text: String,
    pub sms: String,
    #[serde(default)]
    pub html: Option<String>,
}

/// The longest part a template may have.
const MAX_PART: usize = 20_000;

fn view(row: TemplateRow) -> NotificationTemplate {
    NotificationTemplate {
        event: row.event,
        locale: row.locale,
        subject: row.subject,
        text: row.text,
        sms: row.sms,
        html: row.html,
        updated_at: row.updated_at,
        updated_by: row.updated_by,
    }
}

/// An event Kopek knows and a language templates are kept in.
fn ensure_known(event: &str, locale: &str) -> Result<()> {
    if !is_event(event) {
        return Err(EngineError::invalid("unknown_event", format!("no notification event {event:?}")));
    }
    if !TEMPLATE_LOCALES.contains(&locale) {
        return Err(EngineError::invalid("unknown_locale", format!("templates are kept in ru and en, not {locale:?}")));
    }
    Ok(())
}

/// The stored template of a notification, if staff wrote one.
pub(crate) async fn stored_source(conn: &mut kopek_store::Conn, event: &str, locale: &str) -> Result<Option<TemplateSource>> {
    Ok(store::template(conn, event, locale).await?.map(|r| TemplateSource {
        subject: r.subject,
        text: r.text,
        sms: r.sms,
        html: r.html,
    }))
}

impl Engine {
    /// Every event staff may write a template of, in each language, with
    /// the template stored for it: the client's events, then staff's.
    pub async fn notification_template_slots(&self, ctx: &Ctx) -> Result<Vec<TemplateSlot>> {
        ctx.actor.ensure_admin()?;
        let events = EVENTS.iter().map(|(e, _)| *e).chain(STAFF_EVENTS.iter().copied());
        let mut conn = self.store.conn().await?;
        let mut out = Vec::new();
        for event in events {
            for locale in TEMPLATE_LOCALES {
                let stored = store::template(&mut conn, event, locale).await?.map(view);
                out.push(TemplateSlot { event: event.to_string(), locale: locale.to_string(), stored });
            }
        }
        Ok(out)
    }

    /// The stored template of `event` in `locale`.
    pub async fn notification_template(&self, ctx: &Ctx, event: &str, locale: &str) -> Result<NotificationTemplate> {
        ctx.actor.ensure_admin()?;
        ensure_known(event, locale)?;
        let mut conn = self.store.conn().await?;
        let row = store::template(&mut conn, event, locale).await?;
        row.map(view).ok_or_else(|| EngineError::not_found("notification template", format!("{event}/{locale}")))
    }

    /// Stores staff's own template of `event` in `locale`, checked first.
    pub async fn save_notification_template(
        &self,
        ctx: &Ctx,
        event: &str,
        locale: &str,
        input: TemplateInput,
    ) -> Result<NotificationTemplate> {
        ctx.actor.ensure_admin()?;
        ensure_known(event, locale)?;
        let parts = [("subject", &input.subject), ("text", &input.text), ("sms", &input.sms)];
        for (field, value) in parts {
            if value.trim().is_empty() {
                return Err(EngineError::invalid_field(field, "required", format!("the {field} is empty")));
            }
        }
        let longest = parts.iter().map(|(_, v)| v.len()).chain(input.html.iter().map(String::len)).max().unwrap_or(0);
        if longest > MAX_PART {
            return Err(EngineError::invalid("too_long", format!("a part of a template is at most {MAX_PART} bytes")));
        }
        let renderer = self.renderer.clone().ok_or_else(|| EngineError::Internal("no template renderer is configured".into()))?;
        let html = input.html.filter(|h| !h.trim().is_empty());
        let source = TemplateSource { subject: input.subject, text: input.text, sms: input.sms, html };
        renderer.check(event, locale, &source).map_err(|e| {
            // The renderer names the part it could not use ("ru/<event>.subject, line 1: …").
            match ["subject", "text", "sms", "html"].into_iter().find(|p| e.contains(&format!("{event}.{p}"))) {
                Some(part) => EngineError::invalid_field(part, "template_invalid", e),
                None => EngineError::invalid("template_invalid", e),
            }
        })?;
        let mut uow = self.begin(ctx).await?;
        let row = TemplateRow {
            event: event.to_string(),
            locale: locale.to_string(),
            subject: source.subject,
            text: source.text,
            sms: source.sms,
            html: source.html,
            updated_at: uow.now,
            updated_by: ctx.actor.label(),
        };
        store::put_template(&mut uow.conn, &row).await?;
        let audit = serde_json::json!({ "event": event, "locale": locale });
        uow.audit("notification.template_saved", "notification_template", 0, None, audit).await?;
        uow.finish(view(row)).await
    }

    /// Removes staff's template: the shipped one is used again.
    pub async fn delete_notification_template(&self, ctx: &Ctx, event: &str, locale: &str) -> Result<()> {
        ctx.actor.ensure_admin()?;
        ensure_known(event, locale)?;
        let mut uow = self.begin(ctx).await?;
        if !store::delete_template(&mut uow.conn, event, locale).await? {
            return Err(EngineError::not_found("notification template", format!("{event}/{locale}")));
        }
        let audit = serde_json::json!({ "event": event, "locale": locale });
        uow.audit("notification.template_deleted", "notification_template", 0, None, audit).await?;
        uow.finish(()).await
    }
}
