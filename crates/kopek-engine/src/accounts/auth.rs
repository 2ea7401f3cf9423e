//! Logins (SEC-1): argon2 password hashes, portal sessions and API tokens
//! (only their SHA-256 is stored), and a lockout after repeated failures.

use kopek_store::login_attempts;
use kopek_store::users::{self, PrincipalRef};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::Engine;
use crate::accounts::password::verify_password_blocking;
use crate::core::ctx::{Actor, Ctx};
use crate::core::error::{EngineError, Result};
use crate::core::text;

/// A fresh secret for a session or token, and the hash that is stored.
pub(crate) fn new_secret(prefix: &str) -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = format!("{prefix}{}", hex::encode(bytes));
    let hash = secret_hash(&secret);
    (secret, hash)
}

pub(crate) fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Who may log in where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginKind {
    /// A client's user, into the portal.
    Client,
    /// A staff user, into the admin panel.
    Staff,
}

/// What a right password leads to.
#[derive(Debug, Clone)]
pub enum LoginStep {
    /// Logged in.
    Session(Session),
    /// Two-step authentication is on: the ticket and a code open a session.
    SecondStep { ticket: String },
    /// Staff must use two-step authentication and this one has not
    /// enrolled: the ticket lets it enrol, and its first code logs it in.
    EnrolmentRequired { ticket: String },
}

/// A session that was opened: the cookie value and who it belongs to.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub actor: Actor,
}

const FAILURES_BEFORE_LOCK: i64 = 5;

impl Engine {
    /// Checks a password and opens a session; a login that has a second
    /// step due (SEC-2) is refused with `second_step_required` (or
    /// `two_factor_enrolment_required`), since only [`Engine::login_step`]
    /// hands out the ticket for it.
    pub async fn login(&self, kind: LoginKind, email: &str, password: &str) -> Result<Session> {
        match self.login_step(kind, email, password).await? {
            LoginStep::Session(s) => Ok(s),
            LoginStep::SecondStep { .. } => Err(EngineError::Unauthorized {
                code: "second_step_required",
                message: "this login needs a code from the authenticator app".into(),
            }),
            LoginStep::EnrolmentRequired { .. } => Err(enrolment_required()),
        }
    }

    /// Checks a password. Every attempt on a login name is claimed before
    /// its password is checked, so five failures in a row lock the name
    /// for the configured time however many guesses arrive at once; an
    /// unknown email is checked, counted and locked like a known one, in
    /// the same time, and reads the same. With two-step authentication on
    /// (SEC-2) a right password gives a ticket, not a session, and the
    /// failures are forgotten only once the code is right too.
    pub async fn login_step(&self, kind: LoginKind, email: &str, password: &str) -> Result<LoginStep> {
        let email = email.trim().to_lowercase();
        let name = login_name(kind, &email);
        let user = {
            let mut conn = self.store.conn().await?;
            self.claim_login(&mut conn, &name).await?;
            match kind {
                LoginKind::Client => {
                    users::client_user_by_email(&mut conn, &email).await?.map(|u| (u.id, u.password_hash, u.enabled))
                }
                LoginKind::Staff => {
                    users::staff_user_by_email(&mut conn, &email).await?.map(|u| (u.id, u.password_hash, u.enabled))
                }
            }
        };
        let stored = user.as_ref().map(|u| u.1.clone());
        // Checked outside any transaction and off the async runtime.
        if !verify_password_blocking(password, stored, self.settings.password_cost).await? {
            return Err(bad_credentials());
        }
        let Some((id, _, enabled)) = user else { return Err(bad_credentials()) };
        if !enabled {
            return Err(EngineError::Unauthorized { code: "login_disabled", message: "this login is disabled".into() });
        }
        let mut conn = self.store.begin().await?;
        let principal = principal_ref(kind, id);
        let step = if self.two_factor_on(&mut conn, &principal).await? {
            LoginStep::SecondStep { ticket: self.issue_ticket(&mut conn, &principal, &name).await? }
        } else if kind == LoginKind::Staff && self.settings.staff_two_factor_required {
            LoginStep::EnrolmentRequired { ticket: self.issue_ticket(&mut conn, &principal, &name).await? }
        } else {
            login_attempts::forget(&mut conn, &name).await?;
            LoginStep::Session(self.open_session(&mut conn, &principal).await?)
        };
        conn.commit().await?;
        Ok(step)
    }

    /// Counts an attempt on a login name before anything is checked;
    /// refused while the name is locked.
    pub(crate) async fn claim_login(&self, conn: &mut kopek_store::Conn, name: &str) -> Result<()> {
        let now = self.now();
        let lock_until = now + self.settings.login_lock_for;
        if login_attempts::claim(conn, name, FAILURES_BEFORE_LOCK, now, lock_until).await?.is_none() {
            let until = login_attempts::locked_until(conn, name, now).await?.unwrap_or(lock_until);
            return Err(EngineError::Locked {
                message: format!("too many failed logins; try again after {}", until.format("%Y-%m-%d %H:%M UTC")),
            });
        }
        Ok(())
    }

    pub(crate) async fn open_session(&self, conn: &mut kopek_store::Conn, principal: &PrincipalRef) -> Result<Session> {
        let now = self.now();
        let (token, token_hash) = new_secret("kps_");
        users::insert_session(conn, &token_hash, principal, now, now + self.settings.session_ttl).await?;
        let actor = self.actor_of(conn, principal).await?;
        Ok(Session { token, actor })
    }

    pub async fn logout(&self, session_token: &str) -> Result<()> {
        let mut conn = self.store.conn().await?;
        users::delete_session(&mut conn, &secret_hash(session_token)).await?;
        Ok(())
    }

    /// The actor behind a session cookie, if the session is live.
    pub async fn session_actor(&self, session_token: &str) -> Result<Option<Actor>> {
        let mut conn = self.store.conn().await?;
        let Some(row) = users::session_principal(&mut conn, &secret_hash(session_token), self.now()).await? else {
            return Ok(None);
        };
        let principal = PrincipalRef { principal_kind: row.principal_kind, principal_id: row.principal_id };
        match (self.live_actor(&mut conn, &principal).await?, row.acting_staff_id) {
            (Some(actor), Some(staff_id)) => self.acting_actor(&mut conn, actor, staff_id).await,
            (actor, _) => Ok(actor),
        }
    }

    /// The actor behind an API token.
    pub async fn token_actor(&self, token: &str) -> Result<Option<Actor>> {
        let mut conn = self.store.conn().await?;
        match users::token_principal(&mut conn, &secret_hash(token)).await? {
            Some(p) => self.live_actor(&mut conn, &p).await,
            None => Ok(None),
        }
    }

    /// Issues an API token for the login with this email (staff first).
    /// The token is shown once; only its hash is kept.
    pub async fn create_token(&self, ctx: &Ctx, email: &str, label: &str) -> Result<String> {
        let email = email.trim().to_lowercase();
        let label = text::bounded("label", label, text::NAME)?;
        let mut uow = self.begin(ctx).await?;
        let principal = if let Some(s) = users::staff_user_by_email(&mut uow.conn, &email).await? {
            principal_ref(LoginKind::Staff, s.id)
        } else if let Some(u) = users::client_user_by_email(&mut uow.conn, &email).await? {
            ctx.actor.ensure_sees_client(u.client_id)?;
            principal_ref(LoginKind::Client, u.id)
        } else {
            return Err(EngineError::not_found("user", email));
        };
        if matches!(ctx.actor, Actor::ClientUser { id, .. } if principal.principal_id != id || principal.principal_kind != "client_user")
        {
            return Err(EngineError::forbidden("a client's user may issue tokens only for itself"));
        }
        // ACC-4: a token acts with its login's role, so only an admin issues
        // one for another login: an accountant can't mint an admin's.
        if matches!(ctx.actor, Actor::Staff { id, .. } if principal.principal_id != id || principal.principal_kind != "staff") {
            ctx.actor.ensure_admin()?;
        }
        let (token, hash) = new_secret("kpk_");
        let id = users::insert_token(&mut uow.conn, &hash, &principal, label, uow.now).await?;
        uow.audit("token.create", "api_token", id, None, serde_json::json!({ "email": email, "label": label })).await?;
        uow.finish(token).await
    }

    async fn live_actor(&self, conn: &mut kopek_store::Conn, p: &PrincipalRef) -> Result<Option<Actor>> {
        match self.actor_of(conn, p).await {
            Ok(a) => Ok(Some(a)),
            Err(EngineError::Unauthorized { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub(crate) async fn actor_of(&self, conn: &mut kopek_store::Conn, p: &PrincipalRef) -> Result<Actor> {
        let gone = || EngineError::Unauthorized { code: "login_disabled", message: "this login is disabled".into() };
        match p.principal_kind.as_str() {
            "staff" => {
                let u = users::staff_user(conn, p.principal_id).await?.filter(|u| u.enabled).ok_or_else(gone)?;
                let role = u.role;
                Ok(Actor::Staff { id: u.id, email: u.email, role })
            }
            "client_user" => {
                let u = users::client_user(conn, p.principal_id).await?.filter(|u| u.enabled).ok_or_else(gone)?;
                let rights = u.effective_rights();
                Ok(Actor::ClientUser { id: u.id, client_id: u.client_id, email: u.email, rights, acting_staff: None })
            }
            other => Err(EngineError::Internal(format!("principal kind {other:?}"))),
        }
    }
}

pub(crate) fn principal_ref(kind: LoginKind, id: i64) -> PrincipalRef {
    let kind = match kind {
        LoginKind::Client => "client_user",
        LoginKind::Staff => "staff",
    };
    PrincipalRef { principal_kind: kind.into(), principal_id: id }
}

/// The name failures are counted under: the same email may be a client's
/// user and a staff user, each with its own count.
pub(crate) fn login_name(kind: LoginKind, email: &str) -> String {
    match kind {
        LoginKind::Client => format!("client:{email}"),
        LoginKind::Staff => format!("staff:{email}"),
    }
}

pub(crate) fn enrolment_required() -> EngineError {
    EngineError::Forbidden {
        code: "two_factor_enrolment_required",
        message: "staff must use two-step authentication: enrol with the ticket first".into(),
    }
}

fn bad_credentials() -> EngineError {
    EngineError::Unauthorized { code: "bad_credentials", message: "wrong email or password".into() }
}

#[cfg(test)]
mod tests {
    use crate::accounts::password::{PasswordCost, check_password_strength, hash_password, verify_password};

    #[test]
    fn sec1_passwords_are_argon2id_and_verify() {
        let cost = PasswordCost { memory_kib: 1024, iterations: 1 };
        let h = hash_password("correct horse", cost).unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_password_strength("1234567").is_err());
        assert!(check_password_strength("12345678").is_ok());
    }
}
