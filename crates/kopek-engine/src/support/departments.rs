//! ACC-4: support departments (technical, finance, sales…) and the staff
//! answering in each. Admins keep them; everyone who writes a ticket sees
//! the enabled ones to choose from.

use kopek_domain::support::check_text;
use kopek_store::support as store;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::core::ctx::{Actor, Ctx};
use crate::core::error::{EngineError, Result};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Department {
    pub id: i64,
    pub name: String,
    pub enabled: bool,
    /// The staff users answering in it; empty for a client's user.
    pub staff: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentInput {
    pub name: String,
    #[serde(default = "enabled")]
    pub enabled: bool,
}

fn enabled() -> bool {
    true
}

const NAME_MAX_CHARS: usize = 100;

impl Engine {
    pub async fn create_department(&self, ctx: &Ctx, input: DepartmentInput) -> Result<Department> {
        ctx.actor.ensure_admin()?;
        let name = check_text("name", &input.name, NAME_MAX_CHARS)?;
        let mut uow = self.begin(ctx).await?;
        let row = match store::insert_department(&mut uow.conn, &name, uow.now).await {
            Err(e) if e.breaks_unique("support_departments", "name") => return Err(taken(&name)),
            other => other?,
        };
        if !input.enabled {
            store::update_department(&mut uow.conn, row.id, &name, false).await?;
        }
        uow.audit("support.department_created", "department", row.id, None, serde_json::json!({ "name": name })).await?;
        uow.finish(Department { id: row.id, name, enabled: input.enabled, staff: Vec::new() }).await
    }

    pub async fn update_department(&self, ctx: &Ctx, id: i64, input: DepartmentInput) -> Result<Department> {
        ctx.actor.ensure_admin()?;
        let name = check_text("name", &input.name, NAME_MAX_CHARS)?;
        let mut uow = self.begin(ctx).await?;
        let row = match store::update_department(&mut uow.conn, id, &name, input.enabled).await {
            Err(e) if e.breaks_unique("support_departments", "name") => return Err(taken(&name)),
            other => other?,
        };
        let row = row.ok_or_else(|| EngineError::not_found("department", id))?;
        let staff = store::department_staff(&mut uow.conn, id).await?;
        uow.audit(
            "support.department_updated",
            "department",
            id,
            None,
            serde_json::json!({ "name": name, "enabled": input.enabled }),
        )
        .await?;
        uow.finish(Department { id: row.id, name: row.name, enabled: row.enabled, staff }).await
    }

    /// Staff see every department with its staff; a client's user the
    /// enabled ones, to choose where to write.
    pub async fn departments(&self, ctx: &Ctx) -> Result<Vec<Department>> {
        let client = matches!(ctx.actor, Actor::ClientUser { .. });
        let mut conn = self.store.conn().await?;
        let mut out = Vec::new();
        for row in store::departments(&mut conn).await? {
            if client && !row.enabled {
                continue;
            }
            let staff = if client { Vec::new() } else { store::department_staff(&mut conn, row.id).await? };
            out.push(Department { id: row.id, name: row.name, enabled: row.enabled, staff });
        }
        Ok(out)
    }

    /// Puts an admin or support staff user in a department (or takes it
    /// out): it then sees that department's tickets.
    pub async fn set_department_staff(&self, ctx: &Ctx, department_id: i64, staff_id: i64, member: bool) -> Result<Department> {
        ctx.actor.ensure_admin()?;
        let mut uow = self.begin(ctx).await?;
        let row = store::department(&mut uow.conn, department_id)
            .await?
            .ok_or_else(|| EngineError::not_found("department", department_id))?;
        let staff = kopek_store::users::staff_user(&mut uow.conn, staff_id).await?;
        if !staff.is_some_and(|s| s.role.handles_tickets()) {
            return Err(EngineError::invalid_field(
                "staff_id",
                "unknown_support_staff",
                format!("no admin or support staff user {staff_id}"),
            ));
        }
        let changed = if member {
            store::add_staff(&mut uow.conn, department_id, staff_id).await?
        } else {
            store::remove_staff(&mut uow.conn, department_id, staff_id).await?
        };
        let staff = store::department_staff(&mut uow.conn, department_id).await?;
        let view = Department { id: row.id, name: row.name, enabled: row.enabled, staff };
        if !changed {
            return Ok(view);
        }
        let action = if member { "support.department_staff_added" } else { "support.department_staff_removed" };
        uow.audit(action, "department", department_id, None, serde_json::json!({ "staff_id": staff_id })).await?;
        uow.finish(view).await
    }
}

fn taken(name: &str) -> EngineError {
    EngineError::Invalid {
        code: "department_name_taken",
        message: format!("there is a department named {name:?} already"),
        field: Some("name"),
    }
}
