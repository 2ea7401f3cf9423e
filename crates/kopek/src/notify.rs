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
    let channel = match NotificationChannel::parse(channel) {
        Some(ch @ (NotificationChannel::Email | NotificationChannel::Sms)) => ch,
        _ => bail!("--channel {channel:?}: use email or sms"),
    };
    let n = notifier(c)?;
    if !n.channels().contains(&channel) {
        bail!("the {channel} channel is off: configure it first (smtp_* or sms_* keys in kopek.toml or KOPEK_*)");
    }
    let id = n.send_test(channel, to, locale).await.with_context(|| format!("sending a test {channel} to {to}"))?;
    println!("sent a test {channel} to {to}: {id}");
    Ok(ExitCode::SUCCESS)
}
