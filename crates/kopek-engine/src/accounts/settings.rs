//! ACC-5: a user's own settings — language, time zone, the Telegram
//! username (NTF-5) and which notifications come by which channel (NTF-2).
//! Each user sets only its own; no right is needed for that.

use kopek_domain::DomainError;
use kopek_domain::account::{NotificationCategory, NotificationChannel};
use kopek_store::users::{self, NotificationPreferenceRow, UserSettingsRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::accounts::users::me;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};

/// The languages the portal speaks.
pub const LOCALES: [&str; 2] = ["ru", "en"];

/// The time zones a user may choose (IANA names): Russia's from west to
/// east, its neighbours', and a few for clients abroad.
pub const TIME_ZONES: [&str; 20] = [
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
    "Europe/Minsk",
    "Europe/Kyiv",
    "Asia/Almaty",
    "Asia/Tashkent",
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "UTC",
];

/// One cell of the table "category × channel".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationChoice {
    pub category: NotificationCategory,
    pub channel: NotificationChannel,
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UserSettings {
    /// ru or en; none: as the browser asks.
    pub locale: Option<String>,
    /// An IANA name such as Europe/Moscow; none: the provider's.
    pub timezone: Option<String>,
    /// The Telegram username, without @.
    pub telegram: Option<String>,
    /// Every category × channel, in that order, defaults filled in.
    pub notifications: Vec<NotificationChoice>,
}

/// Changes to one's settings; absent fields stay, an empty text clears.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsChanges {
    pub locale: Option<String>,
    pub timezone: Option<String>,
    pub telegram: Option<String>,
    /// SUP-3: "enable support" through the Telegram bot.
    #[serde(default)]
    pub telegram_support: Option<bool>,
    /// The cells to set; the others stay.
    #[serde(default)]
    pub notifications: Vec<NotificationChoice>,
}

impl Engine {
    pub async fn my_settings(&self, ctx: &Ctx) -> Result<UserSettings> {
        let (_, user_id) = me(ctx)?;
        let mut conn = self.store.conn().await?;
        let row = users::user_settings(&mut conn, user_id).await?.ok_or_else(|| EngineError::not_found("user", user_id))?;
        let stored = users::notification_preferences(&mut conn, user_id).await?;
        Ok(UserSettings { locale: row.locale, timezone: row.timezone, telegram: row.telegram, notifications: table(&stored) })
    }

    /// The language the user chose, if any: the portal speaks it.
    pub async fn my_locale(&self, ctx: &Ctx) -> Result<Option<String>> {
        let (_, user_id) = me(ctx)?;
        let mut conn = self.store.conn().await?;
        Ok(users::user_settings(&mut conn, user_id).await?.and_then(|r| r.locale))
    }

    pub async fn save_my_settings(&self, ctx: &Ctx, req: SettingsChanges) -> Result<UserSettings> {
        let (client_id, user_id) = me(ctx)?;
        let locale = chosen(req.locale.as_deref(), "locale", |l| LOCALES.contains(&l))?;
        let timezone = chosen(req.timezone.as_deref(), "timezone", |z| TIME_ZONES.contains(&z))?;
        let telegram = req.telegram.as_deref().map(telegram_username).transpose()?;
        let mut uow = self.begin(ctx).await?;
        let row = users::user_settings(&mut uow.conn, user_id).await?.ok_or_else(|| EngineError::not_found("user", user_id))?;
        let new = UserSettingsRow {
            locale: locale.unwrap_or(row.locale),
            timezone: timezone.unwrap_or(row.timezone),
            telegram: telegram.unwrap_or_else(|| row.telegram.clone()),
        };
        users::set_user_settings(&mut uow.conn, user_id, &new).await?;
        let username_changed = new.telegram != row.telegram;
        self.telegram_settings_changed(&mut uow.conn, user_id, username_changed, req.telegram_support).await?;
        for c in &req.notifications {
            let p = NotificationPreferenceRow {
                category: c.category.as_str().into(),
                channel: c.channel.as_str().into(),
                enabled: c.enabled,
            };
            users::set_notification_preference(&mut uow.conn, user_id, &p).await?;
        }
        uow.audit("client_user.settings", "client_user", user_id, Some(client_id), serde_json::to_value(&req)?).await?;
        let stored = users::notification_preferences(&mut uow.conn, user_id).await?;
        let out =
            UserSettings { locale: new.locale, timezone: new.timezone, telegram: new.telegram, notifications: table(&stored) };
        uow.finish(out).await
    }
}

/// The whole table, each cell as stored or else its default.
fn table(stored: &[NotificationPreferenceRow]) -> Vec<NotificationChoice> {
    let mut out = Vec::new();
    for &category in NotificationCategory::ALL {
        for &channel in NotificationChannel::ALL {
            let enabled = stored
                .iter()
                .find(|p| p.category == category.as_str() && p.channel == channel.as_str())
                .map_or(channel.on_by_default(), |p| p.enabled);
            out.push(NotificationChoice { category, channel, enabled });
        }
    }
    out
}

/// A choice from a fixed list: `None` leaves it, `Some(None)` clears it.
fn chosen(raw: Option<&str>, field: &'static str, allowed: impl Fn(&str) -> bool) -> Result<Option<Option<String>>> {
    match raw.map(str::trim) {
        None => Ok(None),
        Some("") => Ok(Some(None)),
        Some(v) if allowed(v) => Ok(Some(Some(v.to_string()))),
        Some(v) => Err(DomainError::invalid(field, format!("{v:?} is not one of the choices")).into()),
    }
}

/// NTF-5: Telegram's rules for a username: 5–32 letters, digits or
/// underscores; a leading @ is dropped, empty clears it.
fn telegram_username(raw: &str) -> Result<Option<String>> {
    let name = raw.trim().trim_start_matches('@');
    if name.is_empty() {
        return Ok(None);
    }
    let ok = (5..=32).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !ok {
        return Err(EngineError::invalid_field("telegram", "invalid_telegram", format!("{raw:?} is not a Telegram username")));
    }
    Ok(Some(name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ntf5_telegram_usernames() {
        assert_eq!(telegram_username(" @ivan_petrov ").unwrap().as_deref(), Some("ivan_petrov"));
        assert_eq!(telegram_username("").unwrap(), None);
        for bad in ["ivan", "иван_петров", "ivan petrov", &"a".repeat(33)] {
            assert!(telegram_username(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ntf2_every_category_comes_by_email_until_chosen() {
        let t = table(&[NotificationPreferenceRow { category: "news".into(), channel: "email".into(), enabled: false }]);
        assert_eq!(t.len(), 16);
        let on: Vec<String> = t.iter().filter(|c| c.enabled).map(|c| format!("{}:{}", c.category, c.channel)).collect();
        assert_eq!(on, ["finance:email", "services:email", "support:email"]);
    }
}
