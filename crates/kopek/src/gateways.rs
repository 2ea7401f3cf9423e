//! Builds the payment gateways the configuration asks for (PMT-4).

use std::sync::Arc;

use anyhow::{Context, Result, bail};
use kopek_engine::Engine;
use kopek_integrations::{
    BankTransferGateway, SandboxConfig, SandboxGateway, StripeConfig, StripeGateway, YooKassaConfig, YooKassaGateway,
};

use crate::config::Gateways;

/// The engine with its gateways, and the sandbox (its hosted page is served
/// by the web layer) when it is on.
pub fn wire(mut engine: Engine, g: &Gateways) -> Result<(Engine, Option<Arc<SandboxGateway>>)> {
    engine = engine.with_gateway(Arc::new(BankTransferGateway::new()));
    // SVC-3: products' provisioning scripts and webhooks.
    engine = engine.with_hooks(Arc::new(kopek_integrations::provisioning::StandardHooks));
    let mut sandbox = None;
    if g.sandbox_enabled.unwrap_or(true) {
        let secret = g.sandbox_webhook_secret.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let gw = Arc::new(SandboxGateway::new(SandboxConfig::new(secret)).context("sandbox gateway")?);
        engine = engine.with_gateway(gw.clone());
        sandbox = Some(gw);
    }
    match (&g.yookassa_shop_id, &g.yookassa_secret_key) {
        (Some(shop), Some(key)) => {
            let mut cfg = YooKassaConfig::new(shop.clone(), key.clone());
            if let Some(url) = &g.yookassa_base_url {
                cfg.base_url = url.clone();
            }
            engine = engine.with_gateway(Arc::new(YooKassaGateway::new(cfg).context("YooKassa gateway")?));
        }
        (None, None) => {}
        _ => bail!("YooKassa needs both yookassa_shop_id and yookassa_secret_key"),
    }
    match (&g.stripe_secret_key, &g.stripe_webhook_secret) {
        (Some(key), Some(hook)) => {
            let mut cfg = StripeConfig::new(key.clone(), hook.clone());
            if let Some(url) = &g.stripe_base_url {
                cfg.base_url = url.clone();
            }
            engine = engine.with_gateway(Arc::new(StripeGateway::new(cfg).context("Stripe gateway")?));
        }
        (None, None) => {}
        _ => bail!("Stripe needs both stripe_secret_key and stripe_webhook_secret"),
    }
    Ok((engine, sandbox))
}
