//! "Log in as" (OPS-5, ACC-4): a staff member who manages accounts (an
//! admin or support) opens a portal session of a client's user to see and
//! do what the user sees. The session is the user's, with its rights, and
//! carries the staff member beside it: every change made in it is audited
//! as the staff member acting for the user, and the log-in itself is
//! written where the user reads its own action log. The session lasts an
//! hour at most and dies when the staff member loses the right to act.

use chrono::Duration;
use kopek_store::Conn;
use kopek_store::users;

use crate::Engine;
use crate::accounts::auth::{LoginKind, Session, new_secret, principal_ref};
use crate::core::ctx::{Actor, Ctx};
use crate::core::error::{EngineError, Result};

/// How long a staff member's session as a client's user lasts.
pub const ACTING_SESSION: Duration = Duration::hours(1);

pub const LOG_IN_AS_ACTION: &str = "client_user.log_in_as";

impl Engine {
    /// OPS-5: a portal session of the user `user_id` of client `client_id`
    /// for the staff member calling, audited in the client's trail and the
    /// user's log.
    pub async fn log_in_as(&self, ctx: &Ctx, client_id: i64, user_id: i64) -> Result<Session> {
        ctx.actor.ensure_may_manage_accounts()?;
        let Actor::Staff { id: staff_id, email: staff, .. } = &ctx.actor else {
            return Err(EngineError::forbidden("only a staff member logs in as a client's user"));
        };
        let mut conn = self.store.conn().await?;
        let user = users::client_user(&mut conn, user_id)
            .await?
            .filter(|u| u.client_id == client_id)
            .ok_or_else(|| EngineError::not_found("user", user_id))?;
        if !user.enabled {
            return Err(EngineError::conflict("login_disabled", "this user's login is disabled"));
        }
        drop(conn);
        let principal = principal_ref(LoginKind::Client, user.id);
        let actor = Actor::ClientUser {
            id: user.id,
            client_id: user.client_id,
            email: user.email.clone(),
            rights: user.effective_rights(),
            acting_staff: Some(staff.clone()),
        };
        let acting = Ctx { actor: actor.clone(), ..ctx.clone() };
        let mut uow = self.begin(&acting).await?;
        let (token, hash) = new_secret("kps_");
        let ttl = ACTING_SESSION.min(self.settings.session_ttl);
        users::insert_acting_session(&mut uow.conn, &hash, &principal, Some(*staff_id), uow.now, uow.now + ttl).await?;
        uow.audit(LOG_IN_AS_ACTION, "client_user", user.id, Some(user.client_id), serde_json::json!({ "email": user.email }))
            .await?;
        uow.finish(()).await?;
        Ok(Session { token, actor })
    }

    /// The actor of a session a staff member works in: the user's, with
    /// the staff member named — or none, when the staff member may no
    /// longer act (switched off, or its role changed).
    pub(crate) async fn acting_actor(&self, conn: &mut Conn, actor: Actor, staff_id: i64) -> Result<Option<Actor>> {
        let staff = users::staff_user(conn, staff_id).await?.filter(|s| s.enabled && s.role.may_manage_accounts());
        Ok(match (actor, staff) {
            (Actor::ClientUser { id, client_id, email, rights, .. }, Some(s)) => {
                Some(Actor::ClientUser { id, client_id, email, rights, acting_staff: Some(s.email) })
            }
            _ => None,
        })
    }
}
