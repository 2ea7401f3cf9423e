//! ACC-2, ACC-3: a client manages its users — their data, rights and
//! state — within rules kept here, so the API and the portal refuse alike:
//! only a user with the "users" right does it; the owner (the first user)
//! stays enabled with full access, and only staff change its name; nobody
//! takes away their own "users" right, or disables or deletes themselves.

use kopek_domain::account::{Right, Rights};
use kopek_store::users::{self, ClientUserChanges, ClientUserRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::accounts::clients::parse_phone;
use crate::accounts::password::{check_password_strength, hash_password_blocking, verify_password_blocking};
use crate::core::ctx::{Actor, Ctx};
use crate::core::error::{EngineError, Result};
use crate::core::text::{self, required};
use crate::core::views::ClientUser;

/// Changes to a client's user; absent fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChanges {
    pub full_name: Option<String>,
    /// A new phone number, unverified until confirmed; empty removes it.
    pub phone: Option<String>,
    /// A new password for the user (at least 8 characters).
    pub password: Option<String>,
    /// ACC-3: "Полный доступ"; off, the user has only `rights`.
    pub full_access: Option<bool>,
    #[schema(value_type = Option<Vec<String>>)]
    pub rights: Option<Vec<Right>>,
}

impl Engine {
    pub async fn client_user(&self, ctx: &Ctx, client_id: i64, user_id: i64) -> Result<ClientUser> {
        ctx.actor.ensure_right(Right::Users)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        Ok(ClientUser::from(&user_of(&mut conn, client_id, user_id).await?))
    }

    pub async fn update_client_user(&self, ctx: &Ctx, client_id: i64, user_id: i64, req: UserChanges) -> Result<ClientUser> {
        ctx.actor.ensure_right(Right::Users)?;
        ctx.actor.ensure_sees_client(client_id)?;
        // Hashed before the transaction opens and off the async runtime.
        let hash = match &req.password {
            Some(p) => {
                check_password_strength(p).map_err(|e| e.on_field("password"))?;
                Some(hash_password_blocking(p, self.settings.password_cost).await?)
            }
            None => None,
        };
        // SEC-2: a new password, or full access given, needs a fresh code.
        let before = {
            let mut conn = self.store.conn().await?;
            user_of(&mut conn, client_id, user_id).await?
        };
        if hash.is_some() || (req.full_access == Some(true) && !before.full_access) {
            self.ensure_second_factor(ctx).await?;
        }
        let mut uow = self.begin(ctx).await?;
        let row = user_of(&mut uow.conn, client_id, user_id).await?;
        let changes = changed(&ctx.actor, &row, &req)?;
        users::update_client_user(&mut uow.conn, row.id, &changes.as_store()).await?;
        if let Some(hash) = &hash {
            users::set_client_user_password(&mut uow.conn, row.id, hash).await?;
        }
        let audit = serde_json::json!({
            "full_name": req.full_name, "phone": req.phone, "password_changed": req.password.is_some(),
            "full_access": req.full_access, "rights": req.rights,
        });
        uow.audit("client_user.update", "client_user", row.id, Some(client_id), audit).await?;
        let row = user_of(&mut uow.conn, client_id, user_id).await?;
        uow.finish(ClientUser::from(&row)).await
    }

    /// "Вкл." / "Выкл.": a disabled user can't log in, and its open
    /// sessions stop working at once.
    pub async fn set_client_user_enabled(&self, ctx: &Ctx, client_id: i64, user_id: i64, enabled: bool) -> Result<ClientUser> {
        ctx.actor.ensure_right(Right::Users)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut uow = self.begin(ctx).await?;
        let row = user_of(&mut uow.conn, client_id, user_id).await?;
        if !enabled {
            ensure_not_owner(&row, "disabled")?;
            ensure_not_self(&ctx.actor, &row, "disable")?;
        }
        users::set_client_user_enabled(&mut uow.conn, row.id, enabled).await?;
        let action = if enabled { "client_user.enable" } else { "client_user.disable" };
        uow.audit(action, "client_user", row.id, Some(client_id), serde_json::json!({ "email": row.email })).await?;
        let row = user_of(&mut uow.conn, client_id, user_id).await?;
        uow.finish(ClientUser::from(&row)).await
    }

    pub async fn delete_client_user(&self, ctx: &Ctx, client_id: i64, user_id: i64) -> Result<()> {
        ctx.actor.ensure_right(Right::Users)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut uow = self.begin(ctx).await?;
        let row = user_of(&mut uow.conn, client_id, user_id).await?;
        ensure_not_owner(&row, "deleted")?;
        ensure_not_self(&ctx.actor, &row, "delete")?;
        users::delete_client_user(&mut uow.conn, row.id).await?;
        uow.audit("client_user.delete", "client_user", row.id, Some(client_id), serde_json::json!({ "email": row.email }))
            .await?;
        uow.finish(()).await
    }

    /// ACC-2: the user logged in, as "Профиль" shows it.
    pub async fn my_profile(&self, ctx: &Ctx) -> Result<ClientUser> {
        let (client_id, user_id) = me(ctx)?;
        let mut conn = self.store.conn().await?;
        Ok(ClientUser::from(&user_of(&mut conn, client_id, user_id).await?))
    }

    /// ACC-2: the user changes its own name and phone; no right is needed
    /// for one's own profile, but the owner's name stays staff's to change.
    pub async fn update_my_profile(&self, ctx: &Ctx, req: ProfileChanges) -> Result<ClientUser> {
        let (client_id, user_id) = me(ctx)?;
        let mut uow = self.begin(ctx).await?;
        let row = user_of(&mut uow.conn, client_id, user_id).await?;
        let req = UserChanges { full_name: req.full_name, phone: req.phone, ..UserChanges::default() };
        let changes = changed(&ctx.actor, &row, &req)?;
        users::update_client_user(&mut uow.conn, row.id, &changes.as_store()).await?;
        let audit = serde_json::json!({ "full_name": req.full_name, "phone": req.phone });
        uow.audit("client_user.update_profile", "client_user", row.id, Some(client_id), audit).await?;
        let row = user_of(&mut uow.conn, client_id, user_id).await?;
        uow.finish(ClientUser::from(&row)).await
    }

    /// SEC-1: the user changes its own password, proving it knows the
    /// current one.
    pub async fn change_my_password(&self, ctx: &Ctx, req: PasswordChange) -> Result<()> {
        let (client_id, user_id) = me(ctx)?;
        check_password_strength(&req.new_password).map_err(|e| e.on_field("new_password"))?;
        let stored = {
            let mut conn = self.store.conn().await?;
            user_of(&mut conn, client_id, user_id).await?.password_hash
        };
        let cost = self.settings.password_cost;
        if !verify_password_blocking(&req.current_password, Some(stored), cost).await? {
            return Err(EngineError::invalid_field("current_password", "wrong_password", "the current password is wrong"));
        }
        self.ensure_second_factor(ctx).await?;
        let hash = hash_password_blocking(&req.new_password, cost).await?;
        let mut uow = self.begin(ctx).await?;
        let row = user_of(&mut uow.conn, client_id, user_id).await?;
        users::set_client_user_password(&mut uow.conn, row.id, &hash).await?;
        uow.audit("client_user.password", "client_user", row.id, Some(client_id), serde_json::json!({})).await?;
        uow.finish(()).await
    }
}

/// Changes a user makes to its own profile.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileChanges {
    pub full_name: Option<String>,
    /// A new phone number, unverified until confirmed; empty removes it.
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// The client's user the actor is; staff have no portal profile.
pub(crate) fn me(ctx: &Ctx) -> Result<(i64, i64)> {
    match &ctx.actor {
        Actor::ClientUser { id, client_id, .. } => Ok((*client_id, *id)),
        _ => Err(EngineError::forbidden("only a client's user has a profile")),
    }
}

/// The user, if it belongs to the client; another client's user is "not
/// found", as if it did not exist.
pub(crate) async fn user_of(conn: &mut kopek_store::Conn, client_id: i64, user_id: i64) -> Result<ClientUserRow> {
    users::client_user(conn, user_id)
        .await?
        .filter(|u| u.client_id == client_id)
        .ok_or_else(|| EngineError::not_found("user", user_id))
}

struct Changed {
    full_name: String,
    phone: Option<String>,
    phone_verified: bool,
    full_access: bool,
    rights: Rights,
}

impl Changed {
    fn as_store(&self) -> ClientUserChanges<'_> {
        ClientUserChanges {
            full_name: &self.full_name,
            phone: self.phone.as_deref(),
            phone_verified: self.phone_verified,
            full_access: self.full_access,
            rights: self.rights,
        }
    }
}

/// The user as `req` would leave it, or the rule it would break.
fn changed(actor: &Actor, row: &ClientUserRow, req: &UserChanges) -> Result<Changed> {
    let full_name = match &req.full_name {
        Some(n) => required("full_name", n, text::NAME)?.to_string(),
        None => row.full_name.clone(),
    };
    if row.is_owner && full_name != row.full_name && matches!(actor, Actor::ClientUser { .. }) {
        return Err(EngineError::conflict("owner_name_fixed", "only the provider's staff change the first user's name"));
    }
    let phone = match req.phone.as_deref().map(str::trim) {
        Some("") => None,
        Some(p) => Some(parse_phone(p)?),
        None => row.phone.clone(),
    };
    // A number is verified by its SMS code; a new number is not. Its own
    // confirmed number a user changes only by a code sent to it, so a
    // stolen session can't move the account's SMS elsewhere.
    if is_self(actor, row) && row.phone_verified && phone != row.phone {
        return Err(EngineError::conflict(
            "phone_confirmed",
            "a confirmed number is changed with a code sent to it: use \"change number\"",
        ));
    }
    let phone_verified = row.phone_verified && phone == row.phone;
    let full_access = req.full_access.unwrap_or(row.full_access);
    if row.is_owner && !full_access {
        return Err(EngineError::conflict("owner_protected", "the first user always has full access"));
    }
    let rights = req.rights.clone().map(Rights::from).unwrap_or(row.rights);
    let effective = if full_access { Rights::ALL } else { rights };
    if is_self(actor, row) && !effective.has(Right::Users) {
        return Err(EngineError::conflict("own_users_right", "a user can't take away its own right to manage users"));
    }
    Ok(Changed { full_name, phone, phone_verified, full_access, rights })
}

pub(crate) fn is_self(actor: &Actor, row: &ClientUserRow) -> bool {
    matches!(actor, Actor::ClientUser { id, .. } if *id == row.id)
}

fn ensure_not_owner(row: &ClientUserRow, what: &str) -> Result<()> {
    if row.is_owner {
        return Err(EngineError::conflict("owner_protected", format!("the first user can't be {what}")));
    }
    Ok(())
}

fn ensure_not_self(actor: &Actor, row: &ClientUserRow, what: &str) -> Result<()> {
    if is_self(actor, row) {
        return Err(EngineError::conflict("own_user", format!("a user can't {what} itself")));
    }
    Ok(())
}
