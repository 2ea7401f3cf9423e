//! Client users' avatars (ACC-3): one picture per user, with the type its
//! bytes were found to be.

use chrono::{DateTime, Utc};

use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AvatarRow {
    pub user_id: i64,
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub updated_at: DateTime<Utc>,
}

/// Sets (or replaces) a user's avatar.
pub async fn set(conn: &mut Conn, user_id: i64, content_type: &str, bytes: &[u8], now: DateTime<Utc>) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO user_avatars (user_id, content_type, bytes, updated_at, client_id)
         VALUES ($1, $2, $3, $4, (SELECT client_id FROM client_users WHERE id = $1))
         ON CONFLICT (user_id) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes,
             updated_at = excluded.updated_at")
        .bind(user_id).bind(content_type).bind(bytes).bind(now).execute(db).await)?;
    Ok(())
}

/// Removes a user's avatar: whether it had one.
pub async fn remove(conn: &mut Conn, user_id: i64) -> Result<bool> {
    Ok(exec_db!(conn, db => sqlx::query("DELETE FROM user_avatars WHERE user_id = $1")
        .bind(user_id).execute(db).await)?
        > 0)
}

pub async fn get(conn: &mut Conn, user_id: i64) -> Result<Option<AvatarRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT user_id, content_type, bytes, updated_at FROM user_avatars WHERE user_id = $1")
        .bind(user_id).fetch_optional(db).await)?)
}

/// Which of a client's users have an avatar.
pub async fn users_with_avatar(conn: &mut Conn, client_id: i64) -> Result<Vec<i64>> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "SELECT user_id FROM user_avatars WHERE client_id = $1 ORDER BY user_id")
        .bind(client_id).fetch_all(db).await)?)
}
