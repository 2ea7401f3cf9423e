//! NTF-5, SUP-3: Telegram. A user's binding moves from "needs setup"
//! through "configuring" to "confirmed"; the support bot's dialogues go
//! step by step; the limits the guide sets on what the bot takes.

use crate::stored::stored_enum;

stored_enum! {
    /// NTF-5: what the settings page shows for the user's Telegram.
    TelegramState {
        /// "Требуется настройка": no username, or the bot never heard
        /// from it.
        NeedsSetup = "needs_setup",
        /// "Настраивается": the bot heard from the username, or a link was
        /// issued; not yet proven.
        Configuring = "configuring",
        /// "Подтверждено": bound to one Telegram user and chat by the
        /// one-time link.
        Confirmed = "confirmed",
    }
}

stored_enum! {
    /// SUP-3: where a bot dialogue stands.
    DialogueStep {
        /// /createticket: choosing the department.
        Department = "department",
        /// Typing the subject.
        Subject = "subject",
        /// Typing the service id, or skipping.
        Service = "service",
        /// Sending messages and files for the new ticket, then "finish".
        Messages = "messages",
        /// Sending messages and files as a reply, then "finish".
        Reply = "reply",
    }
}

/// The guide's limits for one bot message and one dialogue.
pub const BOT_TEXT_MAX_CHARS: usize = 255;
pub const BOT_MAX_FILES: usize = 5;
/// The Bot API gives bots files up to 20 MB (getFile).
pub const BOT_FILE_MAX_BYTES: i64 = 20 * 1024 * 1024;

/// How long a one-time link stays good.
pub const LINK_TOKEN_HOURS: i64 = 24;

/// NTF-5: the state a binding shows. A username alone never confirms:
/// anyone may type any username into the settings, and Telegram releases
/// names for others to take, so only the token (seen only by the logged-in
/// user, arriving only from the Telegram account that opened the link)
/// proves both ends.
pub fn state_of(username: Option<&str>, stored: Option<TelegramState>) -> TelegramState {
    match (username, stored) {
        (_, Some(TelegramState::Confirmed)) => TelegramState::Confirmed,
        (Some(_), Some(s)) => s,
        _ => TelegramState::NeedsSetup,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ntf5_only_a_confirmed_binding_shows_confirmed() {
        assert_eq!(state_of(None, None), TelegramState::NeedsSetup);
        assert_eq!(state_of(Some("ivan_petrov"), None), TelegramState::NeedsSetup);
        assert_eq!(state_of(Some("ivan_petrov"), Some(TelegramState::Configuring)), TelegramState::Configuring);
        assert_eq!(state_of(None, Some(TelegramState::Configuring)), TelegramState::NeedsSetup);
        assert_eq!(state_of(Some("ivan_petrov"), Some(TelegramState::Confirmed)), TelegramState::Confirmed);
    }
}
