//! NTF-5, SUP-3: users' Telegram bindings, the bot's getUpdates offset and
//! its dialogues in progress.

use chrono::{DateTime, Utc};
use kopek_domain::telegram::{DialogueStep, TelegramState};

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LinkRow {
    pub user_id: i64,
    #[sqlx(try_from = "String")]
    pub state: TelegramState,
    pub telegram_user_id: Option<i64>,
    pub chat_id: Option<i64>,
    pub support_enabled: bool,
    pub token_hash: Option<String>,
    pub token_expires_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! link_sql {
    ($where:literal) => {
        concat!(
            "SELECT user_id, state, telegram_user_id, chat_id, support_enabled, token_hash, token_expires_at, updated_at
             FROM telegram_links WHERE ",
            $where
        )
    };
}

pub async fn link(conn: &mut Conn, user_id: i64) -> Result<Option<LinkRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(link_sql!("user_id = $1")).bind(user_id).fetch_optional(db).await)?)
}

pub async fn link_by_token(conn: &mut Conn, token_hash: &str) -> Result<Option<LinkRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(link_sql!("token_hash = $1")).bind(token_hash).fetch_optional(db).await)?)
}

pub async fn link_by_telegram_user(conn: &mut Conn, telegram_user_id: i64) -> Result<Option<LinkRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(link_sql!("telegram_user_id = $1")).bind(telegram_user_id).fetch_optional(db).await)?)
}

/// Writes a user's whole binding.
pub async fn save_link(conn: &mut Conn, row: &LinkRow) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO telegram_links (user_id, state, telegram_user_id, chat_id, support_enabled, token_hash, token_expires_at, updated_at,
                                     client_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, (SELECT client_id FROM client_users WHERE id = $1))
         ON CONFLICT (user_id) DO UPDATE SET state = excluded.state, telegram_user_id = excluded.telegram_user_id,
             chat_id = excluded.chat_id, support_enabled = excluded.support_enabled, token_hash = excluded.token_hash,
             token_expires_at = excluded.token_expires_at, updated_at = excluded.updated_at")
        .bind(row.user_id).bind(row.state.as_str()).bind(row.telegram_user_id).bind(row.chat_id).bind(row.support_enabled)
        .bind(&row.token_hash).bind(row.token_expires_at).bind(row.updated_at).execute(db).await)?;
    Ok(())
}

/// The enabled client users whose username is `username` (case-insensitive,
/// as Telegram's are).
pub async fn users_with_username(conn: &mut Conn, username: &str) -> Result<Vec<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "SELECT id FROM client_users WHERE enabled AND LOWER(telegram) = LOWER($1) ORDER BY id")
        .bind(username).fetch_all(db).await)?)
}

/// NTF-5: the chat a confirmed user's messenger notifications go to.
pub async fn bound_chat(conn: &mut Conn, user_id: i64) -> Result<Option<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "SELECT chat_id FROM telegram_links WHERE user_id = $1 AND state = 'confirmed' AND chat_id IS NOT NULL")
        .bind(user_id).fetch_optional(db).await)?)
}

/// The offset the next getUpdates asks from (0 at first).
pub async fn next_offset(conn: &mut Conn, bot: &str) -> Result<i64> {
    let v: Option<i64> = on_db!(conn, db => sqlx::query_scalar("SELECT next_offset FROM telegram_offsets WHERE bot = $1")
        .bind(bot).fetch_optional(db).await)?;
    Ok(v.unwrap_or(0))
}

/// Claims update `update_id`: true when it was not handled before, and the
/// offset moves past it in the same statement, so two pollers or a second
/// run never handle it again.
pub async fn claim_update(conn: &mut Conn, bot: &str, update_id: i64) -> Result<bool> {
    let n = exec_db!(conn, db => sqlx::query(
        "INSERT INTO telegram_offsets (bot, next_offset) VALUES ($1, $2)
         ON CONFLICT (bot) DO UPDATE SET next_offset = excluded.next_offset
         WHERE telegram_offsets.next_offset <= $3")
        .bind(bot).bind(update_id + 1).bind(update_id).execute(db).await)?;
    Ok(n > 0)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DialogueRow {
    pub telegram_user_id: i64,
    pub user_id: i64,
    #[sqlx(try_from = "String")]
    pub step: DialogueStep,
    pub data: String,
    pub updated_at: DateTime<Utc>,
}

pub async fn dialogue(conn: &mut Conn, telegram_user_id: i64) -> Result<Option<DialogueRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT telegram_user_id, user_id, step, data, updated_at FROM telegram_dialogues WHERE telegram_user_id = $1")
        .bind(telegram_user_id).fetch_optional(db).await)?)
}

pub async fn save_dialogue(conn: &mut Conn, row: &DialogueRow) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO telegram_dialogues (telegram_user_id, user_id, step, data, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (telegram_user_id) DO UPDATE SET user_id = excluded.user_id, step = excluded.step,
             data = excluded.data, updated_at = excluded.updated_at")
        .bind(row.telegram_user_id).bind(row.user_id).bind(row.step.as_str()).bind(&row.data).bind(row.updated_at)
        .execute(db).await)?;
    Ok(())
}

pub async fn end_dialogue(conn: &mut Conn, telegram_user_id: i64) -> Result<()> {
    exec_db!(conn, db => sqlx::query("DELETE FROM telegram_dialogues WHERE telegram_user_id = $1")
        .bind(telegram_user_id).execute(db).await)?;
    Ok(())
}
