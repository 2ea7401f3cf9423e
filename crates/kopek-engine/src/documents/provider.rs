//! DOC-5: the provider's own details, set by admins, which every document
//! copies at issue. Documents issued before a change keep the old ones.

use kopek_domain::document::ProviderDetails;
use kopek_store::Conn;
use kopek_store::documents as store;

use crate::Engine;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};

/// The legal entity documents are issued by, with its details.
pub(crate) struct Entity {
    pub id: i64,
    pub details: ProviderDetails,
}

/// The provider's entity, or a conflict that says what staff must do.
pub(crate) async fn entity(conn: &mut Conn) -> Result<Entity> {
    find(conn).await?.ok_or_else(|| {
        EngineError::conflict(
            "provider_details_missing",
            "the provider's details are not set: an admin sets them (PUT /api/v1/provider/details) before documents can be issued",
        )
    })
}

pub(crate) async fn find(conn: &mut Conn) -> Result<Option<Entity>> {
    match store::entity(conn).await? {
        Some(row) => Ok(Some(Entity { id: row.id, details: serde_json::from_str(&row.details)? })),
        None => Ok(None),
    }
}

impl Engine {
    /// The provider's details as documents will print them; staff only.
    pub async fn provider_details(&self, ctx: &Ctx) -> Result<Option<ProviderDetails>> {
        ctx.actor.ensure_staff("read the provider's details")?;
        let mut conn = self.store.conn().await?;
        Ok(find(&mut conn).await?.map(|e| e.details))
    }

    /// Sets the provider's details (admins): checked as a company's, and
    /// used by every document issued from now on.
    pub async fn set_provider_details(&self, ctx: &Ctx, details: ProviderDetails) -> Result<ProviderDetails> {
        ctx.actor.ensure_admin()?;
        let mut details = details.cleaned()?;
        let mut uow = self.begin(ctx).await?;
        let current = store::entity(&mut uow.conn).await?;
        // The logo changes only through its own use case, which checks it.
        details.logo = match &current {
            Some(row) => serde_json::from_str::<ProviderDetails>(&row.details)?.logo,
            None => None,
        };
        let json = serde_json::to_string(&details)?;
        let id = match current {
            Some(row) => {
                store::update_entity(&mut uow.conn, row.id, &json, uow.now).await?;
                row.id
            }
            None => store::insert_entity(&mut uow.conn, &json, uow.now).await?.id,
        };
        uow.audit("provider.details", "provider_entity", id, None, serde_json::json!({ "name": details.company.name })).await?;
        uow.finish(details).await
    }
}
