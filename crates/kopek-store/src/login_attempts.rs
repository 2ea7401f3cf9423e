//! Failed logins (SEC-1), counted per login name whether a user has it or
//! not. An attempt is claimed before its password is checked, in one
//! statement the database serialises per name, so however many guesses
//! arrive at once only `lock_at` of them are ever checked before the lock.

use chrono::{DateTime, Utc};

use crate::{Conn, Result, exec_db, on_db};

/// Claims an attempt for `login` at `now`. `Ok(None)` when the login is
/// locked (nothing is counted); otherwise the attempts made since the last
/// success, this one included. The `lock_at`-th claim sets the lock until
/// `lock_until`; a lock that has run out starts the count again.
pub async fn claim(
    conn: &mut Conn,
    login: &str,
    lock_at: i64,
    now: DateTime<Utc>,
    lock_until: DateTime<Utc>,
) -> Result<Option<i64>> {
    // The count this attempt makes: a lock that ran out forgets the past.
    let count = "CASE WHEN login_attempts.locked_until IS NOT NULL AND login_attempts.locked_until <= $3
                      THEN 1 ELSE login_attempts.failures + 1 END";
    let sql = format!(
        "INSERT INTO login_attempts (login, failures, locked_until)
         VALUES ($1, 1, CASE WHEN 1 >= $2 THEN $4 ELSE NULL END)
         ON CONFLICT (login) DO UPDATE SET
             failures = {count},
             locked_until = CASE WHEN {count} >= $2 THEN $4 ELSE NULL END
         WHERE login_attempts.locked_until IS NULL OR login_attempts.locked_until <= $3
         RETURNING failures"
    );
    Ok(on_db!(conn, db => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
        .bind(login).bind(lock_at).bind(now).bind(lock_until).fetch_optional(db).await)?)
}

/// Until when `login` is locked, if it is at `now`.
pub async fn locked_until(conn: &mut Conn, login: &str, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
    let until: Option<Option<DateTime<Utc>>> = on_db!(conn, db => sqlx::query_scalar(
        "SELECT locked_until FROM login_attempts WHERE login = $1")
        .bind(login).fetch_optional(db).await)?;
    Ok(until.flatten().filter(|u| *u > now))
}

/// A successful login forgets the failures before it.
pub async fn forget(conn: &mut Conn, login: &str) -> Result<()> {
    exec_db!(conn, db => sqlx::query("DELETE FROM login_attempts WHERE login = $1").bind(login).execute(db).await)?;
    Ok(())
}
