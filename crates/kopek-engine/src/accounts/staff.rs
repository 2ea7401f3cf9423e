//! The provider's people (ACC-4, SEC-1): staff users listed, their role
//! changed or their login switched off, and the API tokens of staff logins
//! listed and revoked. Admins manage everyone; every staff member sees the
//! list and lists and revokes its own tokens. The last admin who can log
//! in can be neither demoted nor switched off, so the panel never locks
//! its provider out.

use chrono::{DateTime, Utc};
use kopek_domain::account::StaffRole;
use kopek_store::users;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::core::ctx::{Actor, Ctx};
use crate::core::error::{EngineError, Result};
use crate::core::views::StaffUser;

/// What an admin changes of a staff user.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffChange {
    /// admin, accountant, support or read_only.
    pub role: String,
    /// False switches the login off: its sessions and tokens stop working.
    pub enabled: bool,
}

/// An API token of a staff login; its secret was shown once and is not kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub label: String,
    /// The login the token acts as.
    pub email: String,
    pub created_at: DateTime<Utc>,
}

impl Engine {
    /// ACC-4: every staff user, by e-mail; any staff member reads the list.
    pub async fn staff_users(&self, ctx: &Ctx) -> Result<Vec<StaffUser>> {
        ctx.actor.ensure_staff("list the staff")?;
        let mut conn = self.store.conn().await?;
        Ok(users::staff_users(&mut conn).await?.iter().map(StaffUser::from).collect())
    }

    /// ACC-4: an admin changes a staff user's role or switches its login
    /// off or on; the last enabled admin stays one.
    pub async fn change_staff_user(&self, ctx: &Ctx, id: i64, change: StaffChange) -> Result<StaffUser> {
        ctx.actor.ensure_admin()?;
        let role = StaffRole::parse(&change.role).ok_or_else(|| {
            EngineError::invalid(
                "invalid_role",
                format!("role: {:?} is not one of admin, accountant, support, read_only", change.role),
            )
        })?;
        let mut uow = self.begin(ctx).await?;
        let before = users::staff_user(&mut uow.conn, id).await?.ok_or_else(|| EngineError::not_found("staff_user", id))?;
        let stops_being_admin =
            before.role == StaffRole::Admin && before.enabled && (role != StaffRole::Admin || !change.enabled);
        if stops_being_admin && users::enabled_admins(&mut uow.conn).await? <= 1 {
            return Err(EngineError::conflict("last_admin", "the last admin who can log in stays an admin and enabled"));
        }
        users::set_staff_role_and_enabled(&mut uow.conn, id, role.as_str(), change.enabled).await?;
        uow.audit(
            "staff_user.change",
            "staff_user",
            id,
            None,
            serde_json::json!({
                "email": before.email, "role": { "from": before.role, "to": role },
                "enabled": { "from": before.enabled, "to": change.enabled },
            }),
        )
        .await?;
        let after = users::staff_user(&mut uow.conn, id).await?.ok_or_else(|| EngineError::not_found("staff_user", id))?;
        uow.finish(StaffUser::from(&after)).await
    }

    /// SEC-1: the API tokens of staff logins, newest first: an admin sees
    /// everyone's, anyone else its own.
    pub async fn api_tokens(&self, ctx: &Ctx) -> Result<Vec<ApiToken>> {
        let own = match &ctx.actor {
            Actor::Staff { role: StaffRole::Admin, .. } | Actor::System { .. } => None,
            Actor::Staff { id, .. } => Some(*id),
            Actor::ClientUser { .. } => return Err(EngineError::forbidden("only staff list staff tokens")),
        };
        let mut conn = self.store.conn().await?;
        let rows = users::staff_tokens(&mut conn, own).await?;
        Ok(rows.into_iter().map(|r| ApiToken { id: r.id, label: r.label, email: r.email, created_at: r.created_at }).collect())
    }

    /// SEC-1: a token revoked for good; an admin revokes any staff token,
    /// anyone else only its own. Another's token is "not found" to them.
    pub async fn revoke_token(&self, ctx: &Ctx, id: i64) -> Result<()> {
        ctx.actor.ensure_staff("revoke staff tokens")?;
        let mut uow = self.begin(ctx).await?;
        let token = users::token(&mut uow.conn, id).await?.filter(|t| t.principal_kind == "staff");
        let mine = |t: &users::PrincipalRef| matches!(ctx.actor, Actor::Staff { id, .. } if t.principal_id == id);
        let token = token.filter(|t| mine(t) || ctx.actor.powers().admin).ok_or_else(|| EngineError::not_found("token", id))?;
        users::delete_token(&mut uow.conn, id).await?;
        uow.audit("token.revoke", "api_token", id, None, serde_json::json!({ "staff_user": token.principal_id })).await?;
        uow.finish(()).await
    }
}
