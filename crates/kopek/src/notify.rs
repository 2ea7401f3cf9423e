//! NTF: the notifier the configuration asks for — the shipped templates
//! and a courier per configured channel — and `kopek notify test`.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use kopek_domain::account::NotificationChannel;
use kopek_engine::notifications::delivery::Notifier;
use kopek_integrations::notifications::{EmailCourier, ShippedTemplates, SmsCourier};
use kopek_integrations::telegram::client::{TelegramClient, TelegramCourier};

use crate::config::Channels;

pub fn notifier(c: &Channels) -> Result<Notifier> {
    let mut n = Notifier::new(Arc::new(ShippedTemplates::new()));
    if let Some(smtp) = &c.smtp {
        n = n.with_courier(Arc::new(EmailCourier::new(smtp).map_err(anyhow::Error::msg).context("e-mail channel")?));
    }
    if let Some(sms) = &c.sms {
        n = n.with_courier(Arc::new(SmsCourier::new(sms.clone()).map_err(anyhow::Error::msg).context("SMS channel")?));
    }
    if let Some(tg) = &c.telegram {
        let client = TelegramClient::new(tg.clone()).map_err(anyhow::Error::msg).context("Telegram channel")?;
        n = n.with_courier(Arc::new(TelegramCourier(client)));
    }
    Ok(n)
}

pub async fn test(c: &Channels, channel: &str, to: &str, locale: &str) -> Result<ExitCode> {
    let channel = test_channel(channel)?;
    if channel == NotificationChannel::Messenger && !is_chat_id(to) {
        bail!("--to {to:?}: a Telegram chat id is a number (the chat's id, e.g. 123456789) or @channel");
    }
    let n = notifier(c)?;
    if !n.channels().contains(&channel) {
        let keys = match channel {
            NotificationChannel::Email => "smtp_*",
            NotificationChannel::Sms => "sms_*",
            _ => "telegram_*",
        };
        bail!("the {channel} channel is off: configure it first ({keys} keys in kopek.toml or KOPEK_*)");
    }
    let id = n.send_test(channel, to, locale).await.with_context(|| format!("sending a test {channel} to {to}"))?;
    println!("sent a test {channel} to {to}: {id}");
    Ok(ExitCode::SUCCESS)
}

/// The channels a test goes through; NTF-5's messenger is Telegram, by
/// either name.
fn test_channel(name: &str) -> Result<NotificationChannel> {
    match name {
        "telegram" => Ok(NotificationChannel::Messenger),
        _ => match NotificationChannel::parse(name) {
            Some(ch @ (NotificationChannel::Email | NotificationChannel::Sms | NotificationChannel::Messenger)) => Ok(ch),
            _ => bail!("--channel {name:?}: use email, sms or telegram"),
        },
    }
}

/// A chat the Bot API sends to: its numeric id (negative for groups) or a
/// public channel's @name.
fn is_chat_id(to: &str) -> bool {
    let digits = to.strip_prefix('-').unwrap_or(to);
    let numeric = !digits.is_empty() && digits.len() <= 20 && digits.bytes().all(|b| b.is_ascii_digit());
    let channel = to
        .strip_prefix('@')
        .is_some_and(|n| (5..=32).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    numeric || channel
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ntf5_telegram_is_a_test_channel_by_either_name_and_its_chat_is_checked() {
        assert_eq!(test_channel("telegram").unwrap(), NotificationChannel::Messenger);
        assert_eq!(test_channel("messenger").unwrap(), NotificationChannel::Messenger);
        assert_eq!(test_channel("email").unwrap(), NotificationChannel::Email);
        assert_eq!(test_channel("portal").unwrap_err().to_string(), "--channel \"portal\": use email, sms or telegram");
        for ok in ["123456789", "-1001234567890", "@kopek_news"] {
            assert!(is_chat_id(ok), "{ok}");
        }
        for bad in ["", "-", "12a", "@ab", "ops@provider.test", "@bad-name"] {
            assert!(!is_chat_id(bad), "{bad}");
        }
    }
}
