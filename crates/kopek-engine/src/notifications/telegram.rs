//! NTF-5: binding a user's Telegram. The settings page shows the state and
//! a one-time link `t.me/<bot>?start=<token>`; the user opens it and
//! Telegram sends `/start <token>` from the user's own account, which binds
//! that Telegram user and chat. A plain `/start` from the username set in
//! the settings only moves the state to "configuring" and points to the
//! link: a username proves nothing (anyone may type any name into the
//! settings, and Telegram hands released names to others), while the token
//! is seen only by the logged-in user and arrives only from the Telegram
//! account that opened it, so it proves both ends. The bot's getUpdates
//! offset is kept here too, so each update is handled once.

use chrono::Duration;
use kopek_domain::telegram::{LINK_TOKEN_HOURS, TelegramState, state_of};
use kopek_store::telegram::{self as store, LinkRow};
use kopek_store::users;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::accounts::auth::{new_secret, secret_hash};
use crate::accounts::users::me;
use crate::core::ctx::Ctx;
use crate::core::error::Result;

/// The name the offset of Kopek's one bot is kept under.
const BOT: &str = "main";

/// What the settings page shows of the user's Telegram.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TelegramStatus {
    #[schema(value_type = String)]
    pub state: TelegramState,
    pub username: Option<String>,
    /// SUP-3: the user switched "enable support" on.
    pub support_enabled: bool,
    /// The provider's bot, when it is on.
    pub bot: Option<String>,
    /// A fresh one-time link binding this user, while not confirmed.
    pub link: Option<String>,
}

/// What a `/start` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum StartOutcome {
    /// The token bound this Telegram user to the login.
    Bound { user_id: i64 },
    /// The Telegram user was bound before.
    Known { user_id: i64 },
    /// The username matches users' settings: they are "configuring" now.
    Configuring,
    /// The token is unknown, used or expired.
    BadToken,
    /// Nobody set this username.
    Unknown,
}

impl Engine {
    /// The user's Telegram state. While not confirmed and the bot is on,
    /// a fresh one-time link is issued (the previous one stops working):
    /// only its hash is kept, so the link is shown once, when made.
    pub async fn my_telegram(&self, ctx: &Ctx) -> Result<TelegramStatus> {
        let (_, user_id) = me(ctx)?;
        let mut conn = self.store.begin().await?;
        let username = users::user_settings(&mut conn, user_id).await?.and_then(|s| s.telegram);
        let stored = store::link(&mut conn, user_id).await?;
        let state = state_of(username.as_deref(), stored.as_ref().map(|l| l.state));
        let bot = self.settings.telegram_bot_name.clone();
        let mut link = None;
        if let Some(bot) = bot.as_ref().filter(|_| state != TelegramState::Confirmed) {
            let (token, hash) = new_secret("");
            let mut row = stored.clone().unwrap_or_else(|| empty_link(user_id, self.now()));
            row.token_hash = Some(hash);
            row.token_expires_at = Some(self.now() + Duration::hours(LINK_TOKEN_HOURS));
            row.updated_at = self.now();
            store::save_link(&mut conn, &row).await?;
            link = Some(format!("https://t.me/{bot}?start={token}"));
        }
        conn.commit().await?;
        let support_enabled = stored.is_some_and(|l| l.support_enabled);
        Ok(TelegramStatus { state, username, support_enabled, bot, link })
    }

    /// `/start` from Telegram user `from_id` in `chat_id`, with the link's
    /// token when it came by the link.
    pub async fn telegram_start(
        &self,
        from_id: i64,
        chat_id: i64,
        username: Option<&str>,
        token: Option<&str>,
    ) -> Result<StartOutcome> {
        let ctx = Ctx::system("telegram bot");
        let mut uow = self.begin(&ctx).await?;
        let now = uow.now;
        if let Some(token) = token {
            let found = store::link_by_token(&mut uow.conn, &secret_hash(token)).await?;
            let Some(mut row) = found.filter(|l| l.token_expires_at.is_some_and(|t| t > now)) else {
                return Ok(StartOutcome::BadToken);
            };
            let user = users::client_user(&mut uow.conn, row.user_id).await?.filter(|u| u.enabled);
            let Some(user) = user else { return Ok(StartOutcome::BadToken) };
            // One Telegram account serves one login: a binding elsewhere ends.
            if let Some(mut old) = store::link_by_telegram_user(&mut uow.conn, from_id).await?.filter(|o| o.user_id != user.id) {
                old.state = TelegramState::NeedsSetup;
                old.telegram_user_id = None;
                old.chat_id = None;
                old.updated_at = now;
                store::save_link(&mut uow.conn, &old).await?;
            }
            row.state = TelegramState::Confirmed;
            row.telegram_user_id = Some(from_id);
            row.chat_id = Some(chat_id);
            row.token_hash = None;
            row.token_expires_at = None;
            row.updated_at = now;
            store::save_link(&mut uow.conn, &row).await?;
            let details = serde_json::json!({ "telegram_user_id": from_id, "chat_id": chat_id });
            uow.audit("client_user.telegram_bound", "client_user", user.id, Some(user.client_id), details).await?;
            return uow.finish(StartOutcome::Bound { user_id: user.id }).await;
        }
        if let Some(row) = store::link_by_telegram_user(&mut uow.conn, from_id).await? {
            return Ok(StartOutcome::Known { user_id: row.user_id });
        }
        let Some(username) = username else { return Ok(StartOutcome::Unknown) };
        let matching = store::users_with_username(&mut uow.conn, username).await?;
        if matching.is_empty() {
            return Ok(StartOutcome::Unknown);
        }
        for user_id in matching {
            let mut row = store::link(&mut uow.conn, user_id).await?.unwrap_or_else(|| empty_link(user_id, now));
            if row.state == TelegramState::NeedsSetup {
                row.state = TelegramState::Configuring;
                row.updated_at = now;
                store::save_link(&mut uow.conn, &row).await?;
            }
        }
        uow.conn.commit().await?;
        Ok(StartOutcome::Configuring)
    }

    /// The offset the next getUpdates asks from.
    pub async fn telegram_next_offset(&self) -> Result<i64> {
        let mut conn = self.store.conn().await?;
        Ok(store::next_offset(&mut conn, BOT).await?)
    }

    /// Claims an update before it is handled: false when it was handled
    /// already. An update lost by a crash right after its claim is the
    /// price of never handling one twice (a ticket opened twice).
    pub async fn telegram_claim_update(&self, update_id: i64) -> Result<bool> {
        let mut conn = self.store.conn().await?;
        Ok(store::claim_update(&mut conn, BOT, update_id).await?)
    }

    /// Settings: a new username drops the binding (it was proven for the
    /// old one); `support` switches the support bot on or off.
    pub(crate) async fn telegram_settings_changed(
        &self,
        conn: &mut kopek_store::Conn,
        user_id: i64,
        username_changed: bool,
        support: Option<bool>,
    ) -> Result<()> {
        if !username_changed && support.is_none() {
            return Ok(());
        }
        let now = self.now();
        let mut row = store::link(conn, user_id).await?.unwrap_or_else(|| empty_link(user_id, now));
        if username_changed {
            row.state = TelegramState::NeedsSetup;
            row.telegram_user_id = None;
            row.chat_id = None;
        }
        if let Some(on) = support {
            row.support_enabled = on;
        }
        row.updated_at = now;
        store::save_link(conn, &row).await?;
        Ok(())
    }
}

fn empty_link(user_id: i64, now: chrono::DateTime<chrono::Utc>) -> LinkRow {
    LinkRow {
        user_id,
        state: TelegramState::NeedsSetup,
        telegram_user_id: None,
        chat_id: None,
        support_enabled: false,
        token_hash: None,
        token_expires_at: None,
        updated_at: now,
    }
}
