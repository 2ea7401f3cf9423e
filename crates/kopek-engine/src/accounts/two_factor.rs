//! SEC-2: two-step authentication for client users and staff. A login
//! enrols (a new secret, shown as a QR code and as text), confirms with a
//! code (which turns it on and gives ten single-use recovery codes, shown
//! once and kept hashed), and from then on a right password gives only a
//! short-lived ticket that a code turns into a session. Sensitive actions
//! ask for a fresh code through [`Engine::ensure_second_factor`], the one
//! place that checks it. No time step is accepted twice, and every wrong
//! code counts toward the login's lockout like a wrong password.

use kopek_domain::totp;
use kopek_store::two_factor::{self as store, TwoFactorRow};
use kopek_store::users::{self, PrincipalRef};
use qrcode::QrCode;
use qrcode::render::svg;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::Engine;
pub use crate::accounts::auth::LoginStep;
use crate::accounts::auth::{LoginKind, Session, login_name, new_secret, principal_ref, secret_hash};
use crate::core::ctx::{Actor, Ctx};
use crate::core::error::{EngineError, Result};

/// How many recovery codes a login gets.
pub const RECOVERY_CODES: usize = 10;

/// What a login sees to add Kopek to its authenticator app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Enrolment {
    /// The secret in base32, for typing in by hand.
    pub secret: String,
    /// The `otpauth://` address the QR code holds.
    pub otpauth_uri: String,
    /// The QR code as SVG markup, to put inline in a page.
    pub qr_svg: String,
}

/// Shown once, when two-step authentication is turned on: each opens the
/// login once instead of a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RecoveryCodes {
    pub codes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TwoFactorStatus {
    /// On: logins and sensitive actions ask for a code.
    pub enabled: bool,
    /// Enrolled, waiting for the first code.
    pub pending: bool,
    pub recovery_codes_left: i64,
}

/// A code from the authenticator app, or a recovery code.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    pub code: String,
}

/// How long a ticket waits for its code.
const TICKET_MINUTES: i64 = 5;

impl Engine {
    pub async fn two_factor_status(&self, ctx: &Ctx) -> Result<TwoFactorStatus> {
        let p = principal_of(&ctx.actor)?;
        let mut conn = self.store.conn().await?;
        let row = store::get(&mut conn, &p).await?;
        let left = store::recovery_codes_left(&mut conn, &p).await?;
        Ok(TwoFactorStatus {
            enabled: row.as_ref().is_some_and(|r| r.enabled),
            pending: row.as_ref().is_some_and(|r| !r.enabled),
            recovery_codes_left: left,
        })
    }

    /// The enrolment waiting for its first code, shown again until it is
    /// confirmed.
    pub async fn pending_two_factor(&self, ctx: &Ctx) -> Result<Option<Enrolment>> {
        let p = principal_of(&ctx.actor)?;
        let mut conn = self.store.conn().await?;
        match store::get(&mut conn, &p).await?.filter(|r| !r.enabled) {
            Some(row) => Ok(Some(self.enrolment_of(&ctx.actor, row.secret)?)),
            None => Ok(None),
        }
    }

    /// Starts (or starts again) enrolment with a new secret.
    pub async fn enrol_two_factor(&self, ctx: &Ctx) -> Result<Enrolment> {
        let p = principal_of(&ctx.actor)?;
        self.enrol(ctx, &p).await
    }

    /// Turns two-step authentication on with the first code from the app.
    pub async fn confirm_two_factor(&self, ctx: &Ctx, code: &str) -> Result<RecoveryCodes> {
        let p = principal_of(&ctx.actor)?;
        self.confirm(ctx, &p, code).await
    }

    /// Turns it off; the login proves it with a fresh code.
    pub async fn disable_two_factor(&self, ctx: &Ctx) -> Result<()> {
        let p = principal_of(&ctx.actor)?;
        self.ensure_second_factor(ctx).await?;
        let mut uow = self.begin(ctx).await?;
        store::delete(&mut uow.conn, &p).await?;
        uow.audit("two_factor.disable", entity_of(&p), p.principal_id, ctx.actor.own_client(), serde_json::json!({})).await?;
        uow.finish(()).await
    }

    /// Staff turn off a client user's two-step authentication (a lost
    /// phone and lost recovery codes); the user enrols again.
    pub async fn reset_two_factor(&self, ctx: &Ctx, client_id: i64, user_id: i64) -> Result<()> {
        ctx.actor.ensure_may_manage_accounts()?;
        let mut uow = self.begin(ctx).await?;
        let user = users::client_user(&mut uow.conn, user_id)
            .await?
            .filter(|u| u.client_id == client_id)
            .ok_or_else(|| EngineError::not_found("user", user_id))?;
        let p = principal_ref(LoginKind::Client, user.id);
        let was_on = store::get(&mut uow.conn, &p).await?.is_some_and(|r| r.enabled);
        store::delete(&mut uow.conn, &p).await?;
        uow.audit(
            "two_factor.reset",
            "client_user",
            user.id,
            Some(client_id),
            serde_json::json!({ "email": user.email, "was_on": was_on }),
        )
        .await?;
        uow.finish(()).await
    }

    /// The second step of a login: the ticket and a code (or a recovery
    /// code) open the session. A wrong code counts as a failed login.
    pub async fn login_second_step(&self, ticket: &str, code: &str) -> Result<Session> {
        let t = self.live_ticket(ticket).await?;
        let p = t.principal();
        {
            let mut conn = self.store.conn().await?;
            self.claim_login(&mut conn, &t.login).await?;
            let row = store::get(&mut conn, &p).await?.filter(|r| r.enabled).ok_or_else(ticket_expired)?;
            self.spend_code(&mut conn, &p, &row, code).await?;
        }
        self.open_session_by_ticket(ticket, &t.login, &p).await
    }

    /// Enrolment for staff sent to enrol at login.
    pub async fn enrol_two_factor_by_ticket(&self, ticket: &str) -> Result<Enrolment> {
        let t = self.live_ticket(ticket).await?;
        let p = t.principal();
        let ctx = Ctx::new(self.actor_of_principal(&p).await?);
        self.enrol(&ctx, &p).await
    }

    /// Its first code turns two-step authentication on and logs it in.
    pub async fn confirm_two_factor_by_ticket(&self, ticket: &str, code: &str) -> Result<(RecoveryCodes, Session)> {
        let t = self.live_ticket(ticket).await?;
        let p = t.principal();
        let ctx = Ctx::new(self.actor_of_principal(&p).await?);
        {
            let mut conn = self.store.conn().await?;
            self.claim_login(&mut conn, &t.login).await?;
        }
        let codes = self.confirm(&ctx, &p, code).await?;
        let session = self.open_session_by_ticket(ticket, &t.login, &p).await?;
        Ok((codes, session))
    }

    /// SEC-2, the one check of a sensitive action (turning two-step
    /// authentication off, changing a password, deleting a saved payment
    /// method, giving a user full access): when the actor has two-step
    /// authentication on, the request must carry a fresh code, which is
    /// spent here. Called before the action's transaction opens, so a
    /// wrong code's count toward the lockout is kept.
    pub(crate) async fn ensure_second_factor(&self, ctx: &Ctx) -> Result<()> {
        let (p, email) = match &ctx.actor {
            Actor::ClientUser { id, email, .. } => (principal_ref(LoginKind::Client, *id), email),
            Actor::Staff { id, email, .. } => (principal_ref(LoginKind::Staff, *id), email),
            Actor::System { .. } => return Ok(()),
        };
        let mut conn = self.store.conn().await?;
        let Some(row) = store::get(&mut conn, &p).await?.filter(|r| r.enabled) else { return Ok(()) };
        let Some(code) = ctx.second_factor.as_deref() else {
            return Err(EngineError::invalid_field(
                "code",
                "second_step_required",
                "this action needs a code from the authenticator app",
            ));
        };
        let name = login_name(kind_of(&p), email);
        self.claim_login(&mut conn, &name).await?;
        self.spend_code(&mut conn, &p, &row, code).await?;
        kopek_store::login_attempts::forget(&mut conn, &name).await?;
        Ok(())
    }

    /// A ticket for a login whose password was right but whose second
    /// step is due.
    pub(crate) async fn issue_ticket(&self, conn: &mut kopek_store::Conn, p: &PrincipalRef, login: &str) -> Result<String> {
        let (ticket, hash) = new_secret("kpt_");
        store::insert_ticket(conn, &hash, p, login, self.now() + chrono::Duration::minutes(TICKET_MINUTES)).await?;
        Ok(ticket)
    }

    /// Whether the login has two-step authentication on.
    pub(crate) async fn two_factor_on(&self, conn: &mut kopek_store::Conn, p: &PrincipalRef) -> Result<bool> {
        Ok(store::get(conn, p).await?.is_some_and(|r| r.enabled))
    }

    async fn enrol(&self, ctx: &Ctx, p: &PrincipalRef) -> Result<Enrolment> {
        let mut bytes = [0u8; totp::SECRET_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        let secret = totp::base32_encode(&bytes);
        let mut uow = self.begin(ctx).await?;
        if !store::put_pending(&mut uow.conn, p, &secret, uow.now).await? {
            return Err(EngineError::conflict("two_factor_on", "two-step authentication is already on; turn it off first"));
        }
        uow.audit("two_factor.enrol", entity_of(p), p.principal_id, ctx.actor.own_client(), serde_json::json!({})).await?;
        let enrolment = self.enrolment_of(&ctx.actor, secret)?;
        uow.finish(enrolment).await
    }

    fn enrolment_of(&self, actor: &Actor, secret: String) -> Result<Enrolment> {
        let otpauth_uri = totp::otpauth_uri(&self.settings.two_factor_issuer, &actor.label(), &secret);
        let qr_svg = qr_svg(&otpauth_uri)?;
        Ok(Enrolment { secret, otpauth_uri, qr_svg })
    }

    async fn confirm(&self, ctx: &Ctx, p: &PrincipalRef, code: &str) -> Result<RecoveryCodes> {
        let mut uow = self.begin(ctx).await?;
        let row = store::get(&mut uow.conn, p).await?;
        let row = match row {
            Some(r) if r.enabled => {
                return Err(EngineError::conflict("two_factor_on", "two-step authentication is already on"));
            }
            Some(r) => r,
            None => return Err(EngineError::conflict("not_enrolled", "start the enrolment first")),
        };
        let step = totp::check(&secret_bytes(&row)?, code, uow.now, None).map_err(refused)?;
        store::enable(&mut uow.conn, p, step, uow.now).await?;
        let codes: Vec<String> = (0..RECOVERY_CODES)
            .map(|_| {
                let mut bytes = [0u8; totp::RECOVERY_BYTES];
                rand::rng().fill_bytes(&mut bytes);
                totp::recovery_code(&bytes)
            })
            .collect();
        let hashes: Vec<String> = codes.iter().map(|c| recovery_hash(p, c)).collect();
        store::replace_recovery_codes(&mut uow.conn, p, &hashes).await?;
        uow.audit("two_factor.enable", entity_of(p), p.principal_id, ctx.actor.own_client(), serde_json::json!({})).await?;
        uow.finish(RecoveryCodes { codes }).await
    }

    /// Checks a code (or a recovery code) and spends it.
    async fn spend_code(&self, conn: &mut kopek_store::Conn, p: &PrincipalRef, row: &TwoFactorRow, code: &str) -> Result<()> {
        if totp::looks_like_recovery_code(code) {
            if store::use_recovery_code(conn, p, &recovery_hash(p, code), self.now()).await? {
                return Ok(());
            }
            return Err(refused(totp::Refusal::Invalid));
        }
        let step = totp::check(&secret_bytes(row)?, code, self.now(), row.last_step).map_err(refused)?;
        if !store::use_step(conn, p, step).await? {
            return Err(refused(totp::Refusal::Reused));
        }
        Ok(())
    }

    async fn live_ticket(&self, ticket: &str) -> Result<store::TicketRow> {
        let mut conn = self.store.conn().await?;
        store::ticket(&mut conn, &secret_hash(ticket), self.now()).await?.ok_or_else(ticket_expired)
    }

    async fn open_session_by_ticket(&self, ticket: &str, login: &str, p: &PrincipalRef) -> Result<Session> {
        let mut conn = self.store.begin().await?;
        if !store::delete_ticket(&mut conn, &secret_hash(ticket), self.now()).await? {
            return Err(ticket_expired());
        }
        kopek_store::login_attempts::forget(&mut conn, login).await?;
        let session = self.open_session(&mut conn, p).await?;
        conn.commit().await?;
        Ok(session)
    }

    async fn actor_of_principal(&self, p: &PrincipalRef) -> Result<Actor> {
        let mut conn = self.store.conn().await?;
        self.actor_of(&mut conn, p).await
    }
}

/// The login behind an actor; the system has none.
fn principal_of(actor: &Actor) -> Result<PrincipalRef> {
    match actor {
        Actor::ClientUser { id, .. } => Ok(principal_ref(LoginKind::Client, *id)),
        Actor::Staff { id, .. } => Ok(principal_ref(LoginKind::Staff, *id)),
        Actor::System { .. } => Err(EngineError::forbidden("only a login has two-step authentication")),
    }
}

fn kind_of(p: &PrincipalRef) -> LoginKind {
    if p.principal_kind == "staff" { LoginKind::Staff } else { LoginKind::Client }
}

fn entity_of(p: &PrincipalRef) -> &'static str {
    if p.principal_kind == "staff" { "staff_user" } else { "client_user" }
}

fn secret_bytes(row: &TwoFactorRow) -> Result<Vec<u8>> {
    totp::base32_decode(&row.secret).ok_or_else(|| EngineError::Internal("a stored TOTP secret is not base32".into()))
}

/// Salted with the login, so one code's hash says nothing about another
/// login's.
fn recovery_hash(p: &PrincipalRef, code: &str) -> String {
    let normalized = totp::normalize_recovery_code(code);
    hex::encode(Sha256::digest(format!("{}:{}:{normalized}", p.principal_kind, p.principal_id).as_bytes()))
}

fn refused(r: totp::Refusal) -> EngineError {
    let message = match r {
        totp::Refusal::Invalid => "the code is wrong or has expired",
        totp::Refusal::Reused => "this code was already used; wait for the next one",
    };
    EngineError::invalid_field("code", r.code(), message)
}

fn ticket_expired() -> EngineError {
    EngineError::Unauthorized { code: "ticket_expired", message: "the login took too long; enter the password again".into() }
}

/// The QR code as inline SVG (without the XML declaration a page can't
/// hold).
fn qr_svg(uri: &str) -> Result<String> {
    let code = QrCode::new(uri.as_bytes()).map_err(|e| EngineError::Internal(format!("QR code: {e}")))?;
    let image = code.render::<svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build();
    Ok(image.find("<svg").map_or(image.clone(), |start| image[start..].to_string()))
}
