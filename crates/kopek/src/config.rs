//! Configuration: built-in defaults, then `kopek.toml`, then `KOPEK_*`
//! environment variables, then command-line flags; the later wins.

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use chrono::FixedOffset;
use kopek_domain::file_kind::FileKind;
use kopek_domain::support::SupportSettings;
use kopek_integrations::notifications::{SmsConfig, SmsProvider, SmtpConfig, SmtpSecurity};
use kopek_integrations::telegram::client::{DEFAULT_API_URL, TelegramConfig};
use serde::Deserialize;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://./data/kopek.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// What the file and the environment may set.
#[derive(Debug, Default, Deserialize)]
struct Layered {
    database_url: Option<String>,
    listen: Option<String>,
    /// The provider's offset from UTC, e.g. "+03:00".
    provider_utc_offset: Option<String>,
    /// Seconds the worker sleeps when there is nothing to do.
    worker_idle_seconds: Option<u64>,
    sandbox_enabled: Option<bool>,
    sandbox_webhook_secret: Option<String>,
    /// Staging and demos only: staff may move the server's time forward.
    test_clock: Option<bool>,
    /// The provider's portal templates, each overriding the embedded one of
    /// the same name.
    templates_dir: Option<std::path::PathBuf>,
    /// Where clients reach Kopek, e.g. "https://my.provider.ru".
    public_url: Option<String>,
    /// SEC-1: login attempts one address may make in a minute (30).
    logins_per_minute: Option<u32>,
    /// SEC-1: gateway webhook calls one address may make in a minute (600).
    webhook_calls_per_minute: Option<u32>,
    /// When set, `/metrics` answers only `Authorization: Bearer <token>`.
    metrics_token: Option<String>,
    /// SEC-2: staff log in only with two-step authentication (false).
    staff_two_factor_required: Option<bool>,
    /// SEC-2: the name authenticator apps show beside Kopek's codes ("Kopek").
    two_factor_issuer: Option<String>,
    yookassa_shop_id: Option<String>,
    yookassa_secret_key: Option<String>,
    yookassa_base_url: Option<String>,
    stripe_secret_key: Option<String>,
    stripe_webhook_secret: Option<String>,
    stripe_base_url: Option<String>,
    /// NTF: e-mail is on when `smtp_host` and `smtp_from` are set.
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    /// tls (465), starttls (587, the default) or plain (a local relay).
    smtp_security: Option<String>,
    smtp_username: Option<String>,
    smtp_password: Option<String>,
    smtp_from: Option<String>,
    smtp_timeout_seconds: Option<u64>,
    /// NTF: SMS is on when `sms_provider` is set: smsru or smsc.
    sms_provider: Option<String>,
    sms_base_url: Option<String>,
    /// SMS.ru's api_id, or SMSC's login.
    sms_login: Option<String>,
    sms_password: Option<String>,
    sms_sender: Option<String>,
    /// NTF-5, SUP-3: the Telegram bot is on when `telegram_bot_token` is set.
    telegram_bot_token: Option<String>,
    /// The Bot API's address (https://api.telegram.org).
    telegram_api_url: Option<String>,
    /// The bot's name without @, for the links the settings page shows.
    telegram_bot_name: Option<String>,
    /// SUP-2: a ticket awaiting the client's reply closes after this many
    /// days (7); 0 keeps it open.
    support_auto_close_days: Option<u32>,
    /// SUP-1: the largest attachment (5120 KiB), all files of one message
    /// (10240 KiB), files per message (5), and the kinds taken, by their
    /// bytes: a comma-separated list of png, jpeg, gif, webp, pdf, zip,
    /// text (all of them).
    support_max_file_kib: Option<u64>,
    support_max_message_kib: Option<u64>,
    support_max_files: Option<usize>,
    support_allowed_kinds: Option<String>,
    /// SUP-1: where attachments' bytes are kept, one file per content; unset
    /// keeps them in the database.
    support_files_dir: Option<std::path::PathBuf>,
}

/// Payment gateways (PMT-4). Bank transfer is always on; the sandbox is on
/// unless switched off; YooKassa and Stripe are on when their keys are set.
#[derive(Debug, Clone, Default)]
pub struct Gateways {
    pub sandbox_enabled: Option<bool>,
    /// Signs the sandbox's callbacks; a random one is made at start if unset.
    pub sandbox_webhook_secret: Option<String>,
    pub yookassa_shop_id: Option<String>,
    pub yookassa_secret_key: Option<String>,
    pub yookassa_base_url: Option<String>,
    pub stripe_secret_key: Option<String>,
    pub stripe_webhook_secret: Option<String>,
    pub stripe_base_url: Option<String>,
}

/// NTF: the notification channels; each is off until configured.
#[derive(Debug, Clone, Default)]
pub struct Channels {
    pub smtp: Option<SmtpConfig>,
    pub sms: Option<SmsConfig>,
    pub telegram: Option<TelegramConfig>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub listen: String,
    pub provider_offset: FixedOffset,
    pub worker_idle: std::time::Duration,
    pub gateways: Gateways,
    pub channels: Channels,
    /// The test clock is on (`test_clock = true`, or `serve --test-clock`).
    pub test_clock: bool,
    pub templates_dir: Option<std::path::PathBuf>,
    pub public_url: Option<String>,
    pub shield: kopek_web::shield::ShieldConfig,
    pub staff_two_factor_required: bool,
    pub two_factor_issuer: Option<String>,
    pub support: SupportSettings,
    pub support_files: kopek_engine::support::files::FileStore,
}

impl Config {
    /// Reads the file (`explicit`, or `./kopek.toml` if present) and the
    /// environment, then applies the flags.
    pub fn load(explicit: Option<&Path>, flag_db: Option<&str>, flag_listen: Option<&str>) -> Result<Config> {
        let mut builder = config::Config::builder();
        match explicit {
            Some(path) => {
                if !path.exists() {
                    bail!("configuration file {} does not exist", path.display());
                }
                builder = builder.add_source(config::File::from(path));
            }
            None => builder = builder.add_source(config::File::with_name("kopek.toml").required(false)),
        }
        builder = builder.add_source(config::Environment::with_prefix("KOPEK").try_parsing(true));
        let layered: Layered =
            builder.build().context("reading configuration")?.try_deserialize().context("configuration values")?;
        let channels = Channels { smtp: smtp(&layered)?, sms: sms(&layered)?, telegram: telegram(&layered)? };
        let support = support(&layered)?;
        let offset = layered.provider_utc_offset.as_deref().unwrap_or("+03:00");
        Ok(Config {
            database_url: flag_db.map(str::to_string).or(layered.database_url).unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            listen: flag_listen.map(str::to_string).or(layered.listen).unwrap_or_else(|| DEFAULT_LISTEN.into()),
            provider_offset: offset.parse().with_context(|| format!("provider_utc_offset {offset:?}: use a form like +03:00"))?,
            worker_idle: std::time::Duration::from_secs(layered.worker_idle_seconds.unwrap_or(2).max(1)),
            channels,
            test_clock: layered.test_clock.unwrap_or(false),
            templates_dir: layered.templates_dir,
            public_url: layered.public_url.map(|u| u.trim_end_matches('/').to_string()),
            staff_two_factor_required: layered.staff_two_factor_required.unwrap_or(false),
            two_factor_issuer: layered.two_factor_issuer.filter(|i| !i.trim().is_empty()),
            support,
            support_files: support_files(layered.support_files_dir.as_deref())?,
            shield: {
                let d = kopek_web::shield::ShieldConfig::default();
                kopek_web::shield::ShieldConfig {
                    logins_per_minute: layered.logins_per_minute.unwrap_or(d.logins_per_minute),
                    webhook_calls_per_minute: layered.webhook_calls_per_minute.unwrap_or(d.webhook_calls_per_minute),
                    metrics_token: layered.metrics_token.filter(|t| !t.is_empty()),
                }
            },
            gateways: Gateways {
                sandbox_enabled: layered.sandbox_enabled,
                sandbox_webhook_secret: layered.sandbox_webhook_secret,
                yookassa_shop_id: layered.yookassa_shop_id,
                yookassa_secret_key: layered.yookassa_secret_key,
                yookassa_base_url: layered.yookassa_base_url,
                stripe_secret_key: layered.stripe_secret_key,
                stripe_webhook_secret: layered.stripe_webhook_secret,
                stripe_base_url: layered.stripe_base_url,
            },
        })
    }
}

/// SUP-1, SUP-2: the provider's support limits, each checked here so a
/// wrong value stops Kopek at start with its key named.
fn support(l: &Layered) -> Result<SupportSettings> {
    let d = SupportSettings::default();
    let kib = |value: Option<u64>, key: &str, default: usize| -> Result<usize> {
        match value {
            None => Ok(default),
            Some(0) => bail!("{key} must be above 0"),
            Some(k) => usize::try_from(k.saturating_mul(1024)).map_err(|_| anyhow!("{key} {k} is too large")),
        }
    };
    let max_file_bytes = kib(l.support_max_file_kib, "support_max_file_kib", d.max_file_bytes)?;
    let max_message_bytes = kib(l.support_max_message_kib, "support_max_message_kib", d.max_message_bytes)?;
    if max_file_bytes > max_message_bytes {
        bail!("support_max_file_kib is above support_max_message_kib: no such file could be sent");
    }
    let max_files = match l.support_max_files {
        Some(0) => bail!("support_max_files must be above 0"),
        n => n.unwrap_or(d.max_files),
    };
    let allowed_kinds = match l.support_allowed_kinds.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => d.allowed_kinds,
        Some(list) => list
            .split(',')
            .map(|k| {
                FileKind::parse(k.trim()).ok_or_else(|| {
                    anyhow!("support_allowed_kinds: {:?} is not one of png, jpeg, gif, webp, pdf, zip, text", k.trim())
                })
            })
            .collect::<Result<Vec<_>>>()?,
    };
    Ok(SupportSettings {
        auto_close_days: l.support_auto_close_days.unwrap_or(d.auto_close_days),
        max_file_bytes,
        max_message_bytes,
        max_files,
        allowed_kinds,
    })
}

/// SUP-1: the files directory, made at start so a path Kopek can't write
/// to stops it then rather than at a client's first upload.
fn support_files(dir: Option<&Path>) -> Result<kopek_engine::support::files::FileStore> {
    use kopek_engine::support::files::FileStore;
    let Some(dir) = dir.filter(|d| !d.as_os_str().is_empty()) else { return Ok(FileStore::Database) };
    std::fs::create_dir_all(dir).with_context(|| format!("support_files_dir {}: cannot create it", dir.display()))?;
    Ok(FileStore::Directory(dir.to_path_buf()))
}

fn smtp(l: &Layered) -> Result<Option<SmtpConfig>> {
    let Some(host) = l.smtp_host.clone().filter(|h| !h.is_empty()) else { return Ok(None) };
    let Some(from) = l.smtp_from.clone().filter(|f| !f.is_empty()) else { bail!("smtp_host is set: set smtp_from too") };
    let security = match l.smtp_security.as_deref().unwrap_or("starttls") {
        "tls" => SmtpSecurity::Tls,
        "starttls" => SmtpSecurity::Starttls,
        "plain" => SmtpSecurity::Plain,
        other => bail!("smtp_security {other:?}: use tls, starttls or plain"),
    };
    let port = l.smtp_port.unwrap_or(match security {
        SmtpSecurity::Tls => 465,
        SmtpSecurity::Starttls => 587,
        SmtpSecurity::Plain => 25,
    });
    Ok(Some(SmtpConfig {
        host,
        port,
        security,
        username: l.smtp_username.clone().filter(|u| !u.is_empty()),
        password: l.smtp_password.clone(),
        from,
        timeout_secs: l.smtp_timeout_seconds.unwrap_or(30),
    }))
}

fn sms(l: &Layered) -> Result<Option<SmsConfig>> {
    let (provider, default_url) = match l.sms_provider.as_deref().filter(|p| !p.is_empty()) {
        None => return Ok(None),
        Some("smsru") => (SmsProvider::Smsru, "https://sms.ru"),
        Some("smsc") => (SmsProvider::Smsc, "https://smsc.ru"),
        Some(other) => bail!("sms_provider {other:?}: use smsru or smsc"),
    };
    let Some(login) = l.sms_login.clone().filter(|x| !x.is_empty()) else {
        bail!("sms_provider is set: set sms_login (SMS.ru's api_id or SMSC's login)")
    };
    if provider == SmsProvider::Smsc && l.sms_password.as_deref().unwrap_or("").is_empty() {
        bail!("SMSC needs sms_password");
    }
    Ok(Some(SmsConfig {
        provider,
        base_url: l.sms_base_url.clone().unwrap_or_else(|| default_url.into()),
        login,
        password: l.sms_password.clone(),
        sender: l.sms_sender.clone().filter(|x| !x.is_empty()),
    }))
}

fn telegram(l: &Layered) -> Result<Option<TelegramConfig>> {
    let Some(token) = l.telegram_bot_token.clone().filter(|t| !t.is_empty()) else { return Ok(None) };
    let Some(bot_name) = l.telegram_bot_name.clone().map(|n| n.trim_start_matches('@').to_string()).filter(|n| !n.is_empty())
    else {
        bail!("telegram_bot_token is set: set telegram_bot_name too (the bot's name, for the links users open)")
    };
    Ok(Some(TelegramConfig {
        token,
        api_url: l.telegram_api_url.clone().filter(|u| !u.is_empty()).unwrap_or_else(|| DEFAULT_API_URL.into()),
        bot_name: Some(bot_name),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layered(toml: &str) -> Layered {
        config::Config::builder()
            .add_source(config::File::from_str(toml, config::FileFormat::Toml))
            .build()
            .unwrap()
            .try_deserialize()
            .unwrap()
    }

    #[test]
    fn sup1_support_limits_come_from_the_file_and_a_wrong_one_names_its_key() {
        assert_eq!(support(&layered("")).unwrap(), SupportSettings::default());
        let s = support(&layered(
            "support_auto_close_days = 3\nsupport_max_file_kib = 1024\nsupport_max_message_kib = 2048\n\
             support_max_files = 2\nsupport_allowed_kinds = \"png, pdf\"",
        ))
        .unwrap();
        assert_eq!(
            s,
            SupportSettings {
                auto_close_days: 3,
                max_file_bytes: 1024 * 1024,
                max_message_bytes: 2048 * 1024,
                max_files: 2,
                allowed_kinds: vec![FileKind::Png, FileKind::Pdf],
            }
        );
        let refused = |toml: &str| support(&layered(toml)).unwrap_err().to_string();
        assert_eq!(
            refused("support_allowed_kinds = \"png,exe\""),
            "support_allowed_kinds: \"exe\" is not one of png, jpeg, gif, webp, pdf, zip, text"
        );
        assert_eq!(refused("support_max_files = 0"), "support_max_files must be above 0");
        assert_eq!(
            refused("support_max_file_kib = 4096\nsupport_max_message_kib = 1024"),
            "support_max_file_kib is above support_max_message_kib: no such file could be sent"
        );
    }

    #[test]
    fn sup1_support_files_go_to_the_database_unless_a_directory_is_set() {
        use kopek_engine::support::files::FileStore;
        assert_eq!(support_files(layered("").support_files_dir.as_deref()).unwrap(), FileStore::Database);
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("support").join("files");
        let toml = format!("support_files_dir = {:?}", dir.display().to_string());
        assert_eq!(support_files(layered(&toml).support_files_dir.as_deref()).unwrap(), FileStore::Directory(dir.clone()));
        assert!(dir.is_dir(), "made at start");
        let blocked = tmp.path().join("a-file");
        std::fs::write(&blocked, b"x").unwrap();
        let err = support_files(Some(&blocked.join("sub"))).unwrap_err().to_string();
        assert_eq!(err, format!("support_files_dir {}: cannot create it", blocked.join("sub").display()));
    }
}
