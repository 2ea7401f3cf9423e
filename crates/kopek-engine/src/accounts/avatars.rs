//! ACC-3: a client user's avatar. A user sets or removes its own; a user
//! with the "users" right anyone's of its client; everyone of the client
//! sees them. The picture is checked by its bytes (kopek-domain's image
//! rules) before anything is written.

use kopek_domain::account::Right;
use kopek_domain::image::check_avatar;
use kopek_store::avatars;

use crate::Engine;
use crate::accounts::users::{is_self, user_of};
use crate::core::ctx::Ctx;
use crate::core::error::Result;

/// A stored avatar, ready to be served with its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Avatar {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl Engine {
    pub async fn set_user_avatar(&self, ctx: &Ctx, client_id: i64, user_id: i64, bytes: &[u8]) -> Result<()> {
        ctx.actor.ensure_sees_client(client_id)?;
        let kind = check_avatar("avatar", bytes)?;
        let mut uow = self.begin(ctx).await?;
        let row = user_of(&mut uow.conn, client_id, user_id).await?;
        if !is_self(&ctx.actor, &row) {
            ctx.actor.ensure_right(Right::Users)?;
        }
        avatars::set(&mut uow.conn, row.id, kind.content_type(), bytes, uow.now).await?;
        let audit = serde_json::json!({ "content_type": kind.content_type(), "bytes": bytes.len() });
        uow.audit("client_user.avatar_set", "client_user", row.id, Some(client_id), audit).await?;
        uow.finish(()).await
    }

    pub async fn remove_user_avatar(&self, ctx: &Ctx, client_id: i64, user_id: i64) -> Result<()> {
        ctx.actor.ensure_sees_client(client_id)?;
        let mut uow = self.begin(ctx).await?;
        let row = user_of(&mut uow.conn, client_id, user_id).await?;
        if !is_self(&ctx.actor, &row) {
            ctx.actor.ensure_right(Right::Users)?;
        }
        if !avatars::remove(&mut uow.conn, row.id).await? {
            // No avatar: nothing changed and nothing is recorded; the
            // transaction ends unused.
            return Ok(());
        }
        uow.audit("client_user.avatar_removed", "client_user", row.id, Some(client_id), serde_json::json!({})).await?;
        uow.finish(()).await
    }

    /// A user's avatar, if it has one; another client's user is not found.
    pub async fn user_avatar(&self, ctx: &Ctx, client_id: i64, user_id: i64) -> Result<Option<Avatar>> {
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        let row = user_of(&mut conn, client_id, user_id).await?;
        Ok(avatars::get(&mut conn, row.id).await?.map(|a| Avatar { content_type: a.content_type, bytes: a.bytes }))
    }

    /// Which users of the client have an avatar, for a list to show them.
    pub async fn users_with_avatar(&self, ctx: &Ctx, client_id: i64) -> Result<Vec<i64>> {
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        Ok(avatars::users_with_avatar(&mut conn, client_id).await?)
    }
}
