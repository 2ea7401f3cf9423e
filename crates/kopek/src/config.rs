//! Configuration: built-in defaults, then `kopek.toml`, then `KOPEK_*`
//! environment variables, then command-line flags; the later wins.

use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::FixedOffset;
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

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub listen: String,
    pub provider_offset: FixedOffset,
    pub worker_idle: std::time::Duration,
    pub gateways: Gateways,
    /// The test clock is on (`test_clock = true`, or `serve --test-clock`).
    pub test_clock: bool,
    pub templates_dir: Option<std::path::PathBuf>,
    pub public_url: Option<String>,
    pub shield: kopek_web::shield::ShieldConfig,
    pub staff_two_factor_required: bool,
    pub two_factor_issuer: Option<String>,
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
        let offset = layered.provider_utc_offset.as_deref().unwrap_or("+03:00");
        Ok(Config {
            database_url: flag_db.map(str::to_string).or(layered.database_url).unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            listen: flag_listen.map(str::to_string).or(layered.listen).unwrap_or_else(|| DEFAULT_LISTEN.into()),
            provider_offset: offset.parse().with_context(|| format!("provider_utc_offset {offset:?}: use a form like +03:00"))?,
            worker_idle: std::time::Duration::from_secs(layered.worker_idle_seconds.unwrap_or(2).max(1)),
            test_clock: layered.test_clock.unwrap_or(false),
            templates_dir: layered.templates_dir,
            public_url: layered.public_url.map(|u| u.trim_end_matches('/').to_string()),
            staff_two_factor_required: layered.staff_two_factor_required.unwrap_or(false),
            two_factor_issuer: layered.two_factor_issuer.filter(|i| !i.trim().is_empty()),
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
