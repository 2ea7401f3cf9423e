//! NTF-4: the portal's "Поддержка → Уведомления": every notification the
//! user got, whatever the channels, newest first, with unread marks.
//! Opening one marks it read.

use chrono::{DateTime, Utc};
use kopek_store::notifications::{self as store, InboxRow};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Engine;
use crate::accounts::users::me;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};

/// Notifications on one page of the inbox.
pub const INBOX_PAGE_SIZE: i64 = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct InboxItem {
    pub id: i64,
    pub event: String,
    pub category: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct InboxPage {
    pub items: Vec<InboxItem>,
    pub total: i64,
    pub unread: i64,
    /// From 1.
    pub page: i64,
    pub pages: i64,
}

impl From<InboxRow> for InboxItem {
    fn from(r: InboxRow) -> Self {
        InboxItem {
            id: r.id,
            event: r.event,
            category: r.category,
            subject: r.subject,
            body: r.body,
            created_at: r.created_at,
            read: r.read_at.is_some(),
        }
    }
}

impl Engine {
    /// One page of the user's own notifications; a page past the last
    /// shows the last.
    pub async fn my_notifications(&self, ctx: &Ctx, page: i64) -> Result<InboxPage> {
        let (_, user_id) = me(ctx)?;
        let mut conn = self.store.conn().await?;
        let (total, unread) = store::inbox_counts(&mut conn, user_id).await?;
        let pages = ((total + INBOX_PAGE_SIZE - 1) / INBOX_PAGE_SIZE).max(1);
        let page = page.clamp(1, pages);
        let rows = store::inbox_page(&mut conn, user_id, INBOX_PAGE_SIZE, (page - 1) * INBOX_PAGE_SIZE).await?;
        Ok(InboxPage { items: rows.into_iter().map(InboxItem::from).collect(), total, unread, page, pages })
    }

    /// Opens one of the user's notifications and marks it read; another
    /// user's is "not found". Reading changes no business state, so it
    /// writes no audit record.
    pub async fn open_my_notification(&self, ctx: &Ctx, id: i64) -> Result<InboxItem> {
        let (_, user_id) = me(ctx)?;
        let mut conn = self.store.conn().await?;
        let row = store::inbox_entry(&mut conn, id)
            .await?
            .filter(|r| r.client_user_id == user_id)
            .ok_or_else(|| EngineError::not_found("notification", id))?;
        let was_read = row.read_at.is_some();
        store::mark_read(&mut conn, id, self.now()).await?;
        let mut item = InboxItem::from(row);
        item.read = was_read;
        Ok(item)
    }
}
