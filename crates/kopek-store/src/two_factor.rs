//! Two-step authentication (SEC-2): each login's TOTP secret and the last
//! time step it used, its recovery codes (hashed), and the tickets a right
//! password gives while the second step is due.

use chrono::{DateTime, Utc};

use crate::users::PrincipalRef;
use crate::{Conn, Result, exec_db, on_db};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TwoFactorRow {
    /// Base32, as the authenticator app holds it.
    pub secret: String,
    /// Off while the login has enrolled but not yet confirmed a code.
    pub enabled: bool,
    pub last_step: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub enabled_at: Option<DateTime<Utc>>,
}

pub async fn get(conn: &mut Conn, p: &PrincipalRef) -> Result<Option<TwoFactorRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT secret, enabled, last_step, created_at, enabled_at FROM two_factor
         WHERE principal_kind = $1 AND principal_id = $2")
        .bind(&p.principal_kind).bind(p.principal_id).fetch_optional(db).await)?)
}

/// Keeps a new secret awaiting its first code; a login whose two-step
/// authentication is on keeps its own (`false`).
pub async fn put_pending(conn: &mut Conn, p: &PrincipalRef, secret: &str, now: DateTime<Utc>) -> Result<bool> {
    let n = exec_db!(conn, db => sqlx::query(
        "INSERT INTO two_factor (principal_kind, principal_id, secret, enabled, created_at, client_id)
         VALUES ($1, $2, $3, false, $4, (SELECT client_id FROM client_users WHERE $1 = 'client_user' AND id = $2))
         ON CONFLICT (principal_kind, principal_id) DO UPDATE SET
             secret = excluded.secret, created_at = excluded.created_at, last_step = NULL, enabled_at = NULL
         WHERE two_factor.enabled = false")
        .bind(&p.principal_kind).bind(p.principal_id).bind(secret).bind(now).execute(db).await)?;
    Ok(n == 1)
}

/// Turns two-step authentication on with the step of the confirming code
/// as the last used; `false` when it was on already.
pub async fn enable(conn: &mut Conn, p: &PrincipalRef, step: i64, now: DateTime<Utc>) -> Result<bool> {
    let n = exec_db!(conn, db => sqlx::query(
        "UPDATE two_factor SET enabled = true, enabled_at = $3, last_step = $4
         WHERE principal_kind = $1 AND principal_id = $2 AND enabled = false")
        .bind(&p.principal_kind).bind(p.principal_id).bind(now).bind(step).execute(db).await)?;
    Ok(n == 1)
}

/// Records `step` as used, in one statement so two requests carrying the
/// same code can't both pass; `false` when it (or a later one) was used.
pub async fn use_step(conn: &mut Conn, p: &PrincipalRef, step: i64) -> Result<bool> {
    let n = exec_db!(conn, db => sqlx::query(
        "UPDATE two_factor SET last_step = $3
         WHERE principal_kind = $1 AND principal_id = $2 AND (last_step IS NULL OR last_step < $3)")
        .bind(&p.principal_kind).bind(p.principal_id).bind(step).execute(db).await)?;
    Ok(n == 1)
}

/// Forgets the secret and the recovery codes.
pub async fn delete(conn: &mut Conn, p: &PrincipalRef) -> Result<()> {
    exec_db!(conn, db => sqlx::query("DELETE FROM two_factor_recovery_codes WHERE principal_kind = $1 AND principal_id = $2")
        .bind(&p.principal_kind).bind(p.principal_id).execute(db).await)?;
    exec_db!(conn, db => sqlx::query("DELETE FROM two_factor WHERE principal_kind = $1 AND principal_id = $2")
        .bind(&p.principal_kind).bind(p.principal_id).execute(db).await)?;
    Ok(())
}

/// Replaces the login's recovery codes by these hashes.
pub async fn replace_recovery_codes(conn: &mut Conn, p: &PrincipalRef, hashes: &[String]) -> Result<()> {
    exec_db!(conn, db => sqlx::query("DELETE FROM two_factor_recovery_codes WHERE principal_kind = $1 AND principal_id = $2")
        .bind(&p.principal_kind).bind(p.principal_id).execute(db).await)?;
    for hash in hashes {
        exec_db!(conn, db => sqlx::query(
            "INSERT INTO two_factor_recovery_codes (principal_kind, principal_id, code_hash, client_id)
             VALUES ($1, $2, $3, (SELECT client_id FROM client_users WHERE $1 = 'client_user' AND id = $2))")
            .bind(&p.principal_kind).bind(p.principal_id).bind(hash).execute(db).await)?;
    }
    Ok(())
}

/// Spends a recovery code; `false` when there is no such unused code.
pub async fn use_recovery_code(conn: &mut Conn, p: &PrincipalRef, hash: &str, now: DateTime<Utc>) -> Result<bool> {
    let n = exec_db!(conn, db => sqlx::query(
        "UPDATE two_factor_recovery_codes SET used_at = $4
         WHERE principal_kind = $1 AND principal_id = $2 AND code_hash = $3 AND used_at IS NULL")
        .bind(&p.principal_kind).bind(p.principal_id).bind(hash).bind(now).execute(db).await)?;
    Ok(n == 1)
}

pub async fn recovery_codes_left(conn: &mut Conn, p: &PrincipalRef) -> Result<i64> {
    Ok(on_db!(conn, db => sqlx::query_scalar(
        "SELECT COUNT(*) FROM two_factor_recovery_codes
         WHERE principal_kind = $1 AND principal_id = $2 AND used_at IS NULL")
        .bind(&p.principal_kind).bind(p.principal_id).fetch_one(db).await)?)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TicketRow {
    pub principal_kind: String,
    pub principal_id: i64,
    pub login: String,
}

impl TicketRow {
    pub fn principal(&self) -> PrincipalRef {
        PrincipalRef { principal_kind: self.principal_kind.clone(), principal_id: self.principal_id }
    }
}

pub async fn insert_ticket(
    conn: &mut Conn,
    ticket_hash: &str,
    p: &PrincipalRef,
    login: &str,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    exec_db!(conn, db => sqlx::query(
        "INSERT INTO login_tickets (ticket_hash, principal_kind, principal_id, login, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(ticket_hash).bind(&p.principal_kind).bind(p.principal_id).bind(login).bind(expires_at).execute(db).await)?;
    Ok(())
}

/// The ticket, while it is live.
pub async fn ticket(conn: &mut Conn, ticket_hash: &str, now: DateTime<Utc>) -> Result<Option<TicketRow>> {
    Ok(on_db!(conn, db => sqlx::query_as(
        "SELECT principal_kind, principal_id, login FROM login_tickets WHERE ticket_hash = $1 AND expires_at > $2")
        .bind(ticket_hash).bind(now).fetch_optional(db).await)?)
}

/// Spends the ticket (and drops any that ran out); `false` when another
/// request spent it first.
pub async fn delete_ticket(conn: &mut Conn, ticket_hash: &str, now: DateTime<Utc>) -> Result<bool> {
    exec_db!(conn, db => sqlx::query("DELETE FROM login_tickets WHERE expires_at <= $1").bind(now).execute(db).await)?;
    let n = exec_db!(conn, db => sqlx::query("DELETE FROM login_tickets WHERE ticket_hash = $1")
        .bind(ticket_hash).execute(db).await)?;
    Ok(n == 1)
}
