//! ACC-5: the user's action log — its logins (with address and device) and
//! the changes it made, read from the audit records it is the actor of —
//! and the provider's privacy policy: staff publish versions, a client's
//! user accepts the one in force and is asked again when a new one comes.

use chrono::{DateTime, Utc};
use kopek_store::privacy::{self as store, NewPolicy};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::accounts::auth::Session;
use crate::accounts::users::me;
use crate::core::ctx::{Actor, Ctx};
use crate::core::error::{EngineError, Result};
use crate::core::text;

/// The audit action of a login; the action log shows it with its device.
pub const LOGIN_ACTION: &str = "client_user.login";
/// The audit action of a policy accepted.
pub const ACCEPT_ACTION: &str = "privacy_policy.accept";
/// The longest device (User-Agent) kept with a login.
const DEVICE_MAX: usize = 300;

/// One line of the action log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Activity {
    pub at: DateTime<Utc>,
    /// What was done, as the audit names it: client_user.login,
    /// privacy_policy.accept, client_user.settings, payment.start…
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    /// The address it came from.
    pub source_ip: Option<String>,
    /// For a login: the browser or program (its User-Agent).
    pub device: Option<String>,
    /// OPS-5: the staff member who did it in the user's session ("log in
    /// as"), by e-mail.
    pub by_staff: Option<String>,
}

/// A page of the action log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ActivityPage {
    pub items: Vec<Activity>,
    pub total: i64,
    /// From 1.
    pub page: i64,
    pub per_page: i64,
    pub pages: i64,
}

/// The sizes of a page of the action log.
pub const ACTIVITY_PER_PAGE: [i64; 3] = [20, 50, 100];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PrivacyPolicy {
    pub id: i64,
    /// The version's label, e.g. "2026-11".
    pub version: String,
    /// The policy's text, when published as text.
    pub body: Option<String>,
    /// Where the policy is, when published as an address.
    pub url: Option<String>,
    pub published_at: DateTime<Utc>,
}

impl From<store::PolicyRow> for PrivacyPolicy {
    fn from(r: store::PolicyRow) -> Self {
        PrivacyPolicy { id: r.id, version: r.version, body: r.body, url: r.url, published_at: r.published_at }
    }
}

/// A version to publish: its text or its address (or both).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPrivacyPolicy {
    pub version: String,
    pub body: Option<String>,
    pub url: Option<String>,
    /// When it comes into force; now when absent.
    pub published_at: Option<DateTime<Utc>>,
}

/// The policy in force and whether this user has accepted it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MyPrivacyPolicy {
    /// None: the provider has published no policy, nothing is asked.
    pub current: Option<PrivacyPolicy>,
    pub accepted: bool,
    /// The versions this user accepted, newest first.
    pub acceptances: Vec<Acceptance>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Acceptance {
    pub version: String,
    pub accepted_at: DateTime<Utc>,
    pub source_ip: Option<String>,
}

impl Engine {
    /// Records a login that opened `session` in the user's action log, with
    /// the address and the device it came from. Called by the web right
    /// after the login, which alone knows them; staff logins are not a
    /// client's and are not recorded here.
    pub async fn record_login(&self, session: &Session, source_ip: Option<String>, device: Option<&str>) -> Result<()> {
        let Actor::ClientUser { id, client_id, .. } = &session.actor else { return Ok(()) };
        let ctx = Ctx::new(session.actor.clone()).with_ip(source_ip);
        let device: Option<String> = device.map(|d| d.chars().take(DEVICE_MAX).collect());
        let mut uow = self.begin(&ctx).await?;
        uow.audit(LOGIN_ACTION, "client_user", id, Some(*client_id), serde_json::json!({ "device": device })).await?;
        uow.finish(()).await
    }

    /// A page of the caller's own action log, newest first.
    pub async fn my_activity(&self, ctx: &Ctx, page: i64, per_page: i64) -> Result<ActivityPage> {
        let (_, user_id) = me(ctx)?;
        let per_page = if ACTIVITY_PER_PAGE.contains(&per_page) { per_page } else { ACTIVITY_PER_PAGE[0] };
        let mut conn = self.store.conn().await?;
        let total = store::count_actions_of(&mut conn, user_id).await?;
        let pages = ((total + per_page - 1) / per_page).max(1);
        let page = page.clamp(1, pages);
        let rows = store::actions_of(&mut conn, user_id, per_page, (page - 1) * per_page).await?;
        let items = rows.into_iter().map(activity).collect();
        Ok(ActivityPage { items, total, page, per_page, pages })
    }

    /// Publishes a version of the privacy policy (staff who manage
    /// accounts). From its publication every client's user is asked to
    /// accept it.
    pub async fn publish_privacy_policy(&self, ctx: &Ctx, req: NewPrivacyPolicy) -> Result<PrivacyPolicy> {
        ctx.actor.ensure_may_manage_accounts()?;
        let version = text::required("version", &req.version, text::NAME)?.to_string();
        let body = req.body.as_deref().map(str::trim).filter(|b| !b.is_empty());
        let body = body.map(|b| text::bounded("body", b, text::MESSAGE * 10)).transpose()?;
        let url = req.url.as_deref().map(str::trim).filter(|u| !u.is_empty());
        let url = url.map(|u| text::bounded("url", u, text::NOTE)).transpose()?;
        let web_address =
            |u: &str| u.starts_with("https://") || u.starts_with("http://") || (u.starts_with('/') && !u.starts_with("//"));
        if url.is_some_and(|u| !web_address(u)) {
            return Err(EngineError::invalid_field("url", "invalid_url", "the policy's address must be http(s):// or a path"));
        }
        if body.is_none() && url.is_none() {
            return Err(EngineError::invalid_field("body", "policy_empty", "give the policy's text or its address"));
        }
        let mut uow = self.begin(ctx).await?;
        let published_at = req.published_at.unwrap_or(uow.now);
        let new = NewPolicy { version: &version, body, url, published_at, created_at: uow.now };
        let row = match store::insert_policy(&mut uow.conn, &new).await {
            Err(e) if e.breaks_unique("privacy_policies", "version") => {
                return Err(EngineError::conflict("policy_version_taken", format!("version {version:?} is published already")));
            }
            other => other?,
        };
        let details = serde_json::json!({ "version": version, "url": url, "published_at": published_at });
        uow.audit("privacy_policy.publish", "privacy_policy", row.id, None, details).await?;
        uow.finish(PrivacyPolicy::from(row)).await
    }

    /// Every version, newest first (staff).
    pub async fn privacy_policies(&self, ctx: &Ctx) -> Result<Vec<PrivacyPolicy>> {
        ctx.actor.ensure_staff("list the privacy policy's versions")?;
        let mut conn = self.store.conn().await?;
        Ok(store::policies(&mut conn).await?.into_iter().map(PrivacyPolicy::from).collect())
    }

    /// The policy in force for the caller, and what it accepted.
    pub async fn my_privacy_policy(&self, ctx: &Ctx) -> Result<MyPrivacyPolicy> {
        let (_, user_id) = me(ctx)?;
        let mut conn = self.store.conn().await?;
        let current = store::current_policy(&mut conn, self.now()).await?.map(PrivacyPolicy::from);
        let acceptances = store::acceptances(&mut conn, user_id).await?;
        let accepted = current.as_ref().is_none_or(|c| acceptances.iter().any(|a| a.policy_id == c.id));
        let acceptances = acceptances
            .into_iter()
            .map(|a| Acceptance { version: a.version, accepted_at: a.accepted_at, source_ip: a.source_ip })
            .collect();
        Ok(MyPrivacyPolicy { current, accepted, acceptances })
    }

    /// Whether the caller still has to accept the policy in force; the
    /// portal asks it before every page. Staff are never asked.
    pub async fn must_accept_privacy_policy(&self, ctx: &Ctx) -> Result<bool> {
        let Actor::ClientUser { id, .. } = &ctx.actor else { return Ok(false) };
        let mut conn = self.store.conn().await?;
        Ok(store::unaccepted_policy(&mut conn, *id, self.now()).await?.is_some())
    }

    /// Accepts the version in force, by its label (so a version published
    /// while the page was open is not accepted unseen). Accepting it again
    /// changes nothing.
    pub async fn accept_privacy_policy(&self, ctx: &Ctx, version: &str) -> Result<MyPrivacyPolicy> {
        let (client_id, user_id) = me(ctx)?;
        let mut uow = self.begin(ctx).await?;
        let Some(current) = store::current_policy(&mut uow.conn, uow.now).await? else {
            return Err(EngineError::conflict("no_privacy_policy", "the provider has published no privacy policy"));
        };
        if current.version != version.trim() {
            return Err(EngineError::conflict(
                "policy_version_changed",
                format!("the policy in force is version {:?}; read it and accept again", current.version),
            ));
        }
        let ip = ctx.source_ip.as_deref();
        if store::accept_policy(&mut uow.conn, user_id, client_id, current.id, uow.now, ip).await? {
            let details = serde_json::json!({ "version": current.version });
            uow.audit(ACCEPT_ACTION, "privacy_policy", current.id, Some(client_id), details).await?;
            uow.finish(()).await?;
        } else {
            uow.conn.rollback().await?;
        }
        self.my_privacy_policy(ctx).await
    }
}

fn activity(r: kopek_store::audit::AuditRow) -> Activity {
    let details = serde_json::from_str::<serde_json::Value>(&r.details).unwrap_or_default();
    let device = (r.action == LOGIN_ACTION).then(|| details["device"].as_str().map(str::to_string)).flatten();
    let by_staff = details["acting_staff"].as_str().map(str::to_string);
    Activity { at: r.at, action: r.action, entity: r.entity, entity_id: r.entity_id, source_ip: r.source_ip, device, by_staff }
}
