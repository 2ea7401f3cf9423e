//! SUP-1: a ticket's file, for download. Seen only by who sees its ticket,
//! and never from an internal note by a client's user; served with the
//! type its bytes were found to be.

use kopek_store::support as store;

use crate::Engine;
use crate::core::ctx::{Actor, Ctx};
use crate::core::error::{EngineError, Result};
use crate::support::views::visible_ticket;

/// A file ready to be sent as an attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDownload {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl Engine {
    pub async fn ticket_file(&self, ctx: &Ctx, file_id: i64) -> Result<FileDownload> {
        let mut conn = self.store.conn().await?;
        let not_found = || EngineError::not_found("file", file_id);
        let file = store::file(&mut conn, file_id).await?.ok_or_else(not_found)?;
        visible_ticket(&mut conn, &ctx.actor, file.ticket_id).await.map_err(|e| match e {
            EngineError::NotFound { .. } => not_found(),
            other => other,
        })?;
        if matches!(ctx.actor, Actor::ClientUser { .. }) {
            let message = store::message(&mut conn, file.message_id).await?.ok_or_else(not_found)?;
            if message.internal {
                return Err(not_found());
            }
        }
        let bytes = store::file_bytes(&mut conn, file_id).await?.ok_or_else(not_found)?;
        Ok(FileDownload { name: file.name, content_type: file.content_type, bytes })
    }
}
