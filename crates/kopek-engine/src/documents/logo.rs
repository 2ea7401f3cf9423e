//! DOC-5: the provider's logo, part of its details. Its bytes are kept by
//! their SHA-256 and never changed or deleted; the details name the logo
//! in use, and every document copies that name at issue, so a later logo
//! (or none) leaves each issued paper with the logo it had.

use kopek_domain::document::{Logo, ProviderDetails};
use kopek_domain::image::check_logo;
use kopek_store::Conn;
use kopek_store::documents as store;
use sha2::{Digest, Sha256};

use crate::Engine;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::uow::Uow;
use crate::documents::provider::entity;

/// The logo kept under `sha256`, if any.
pub(crate) async fn kept(conn: &mut Conn, sha256: &str) -> Result<Option<Logo>> {
    Ok(store::logo(conn, sha256).await?.map(|(content_type, bytes)| Logo { content_type, bytes }))
}

/// Names `logo` as the one in use in the provider's details, audited.
async fn use_logo(uow: &mut Uow<'_>, logo: Option<String>) -> Result<ProviderDetails> {
    let current = entity(&mut uow.conn).await?;
    let details = ProviderDetails { logo: logo.clone(), ..current.details };
    store::update_entity(&mut uow.conn, current.id, &serde_json::to_string(&details)?, uow.now).await?;
    let (action, audit) = match &logo {
        Some(sha256) => ("provider.logo_set", serde_json::json!({ "sha256": sha256 })),
        None => ("provider.logo_removed", serde_json::json!({})),
    };
    uow.audit(action, "provider_entity", current.id, None, audit).await?;
    Ok(details)
}

impl Engine {
    /// Sets the provider's logo (admins): a PNG or JPEG of at most 512 KiB,
    /// judged by its bytes, sent as the type it is, that `lays_out` (the
    /// caller's renderer: only it can tell that a picture decodes, and a
    /// logo that did not would fail every paper after it). Documents
    /// issued from now on carry it; the details must be set first.
    pub async fn set_provider_logo(
        &self,
        ctx: &Ctx,
        content_type: &str,
        bytes: &[u8],
        lays_out: impl FnOnce(&Logo) -> std::result::Result<(), String>,
    ) -> Result<ProviderDetails> {
        ctx.actor.ensure_admin()?;
        let kind = check_logo(content_type, bytes)?;
        let logo = Logo { content_type: kind.content_type().into(), bytes: bytes.to_vec() };
        lays_out(&logo).map_err(|e| {
            EngineError::invalid_field("logo", "logo_unreadable", format!("logo: the picture could not be read ({e})"))
        })?;
        let sha256 = hex::encode(Sha256::digest(bytes));
        let mut uow = self.begin(ctx).await?;
        store::put_logo(&mut uow.conn, &sha256, kind.content_type(), bytes, uow.now).await?;
        let details = use_logo(&mut uow, Some(sha256)).await?;
        uow.finish(details).await
    }

    /// Removes the provider's logo from documents issued from now on (the
    /// bytes stay for the papers that carry them).
    pub async fn remove_provider_logo(&self, ctx: &Ctx) -> Result<ProviderDetails> {
        ctx.actor.ensure_admin()?;
        let mut uow = self.begin(ctx).await?;
        let details = use_logo(&mut uow, None).await?;
        uow.finish(details).await
    }

    /// A logo a paper names (a reconciliation act's, computed when asked),
    /// for one who may read documents.
    pub async fn document_logo(&self, ctx: &Ctx, sha256: Option<&str>) -> Result<Option<Logo>> {
        ctx.actor.ensure_right(kopek_domain::account::Right::Documents)?;
        let Some(sha256) = sha256 else { return Ok(None) };
        let mut conn = self.store.conn().await?;
        kept(&mut conn, sha256).await
    }
}
