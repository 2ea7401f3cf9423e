//! Client accounts, their users and staff users (ACC-1, ACC-2, ACC-4).

use kopek_domain::account::{ClientState, Right, Rights, StaffRole};
use kopek_domain::contact::{is_email, is_phone};
use kopek_domain::image::check_avatar;
use kopek_domain::money::decimal_to_units;
use kopek_domain::{Currency, DomainError};
use kopek_store::{clients, users};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::accounts::password::{check_password_strength, hash_password_blocking};
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::text::{self, required};
use crate::core::views::{Client, ClientUser, StaffUser};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClient {
    /// The client's code; generated when left out.
    pub code: Option<String>,
    pub name: String,
    /// ISO 3166 alpha-2, e.g. RU.
    #[serde(default = "default_country")]
    pub country: String,
    /// ISO 4217, e.g. RUB.
    #[serde(default = "default_currency")]
    #[schema(value_type = Currency)]
    pub currency: String,
    pub credit_limit: Option<Amount>,
    /// Services are deactivated when the balance plus the usable credit
    /// falls below it (CHG-5).
    pub disconnect_threshold: Option<Amount>,
    /// The client's first user, if it is created with the account.
    pub owner: Option<NewUser>,
}

fn default_country() -> String {
    "RU".into()
}

fn default_currency() -> String {
    "RUB".into()
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    #[schema(value_type = kopek_domain::contact::Email)]
    pub email: String,
    pub full_name: String,
    pub password: String,
    #[schema(value_type = Option<kopek_domain::contact::Phone>)]
    pub phone: Option<String>,
    /// ACC-3: "Полный доступ", on by default; off, the user has only
    /// `rights`. The client's first user always has full access.
    #[serde(default = "yes")]
    pub full_access: bool,
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub rights: Vec<Right>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaff {
    #[schema(value_type = kopek_domain::contact::Email)]
    pub email: String,
    pub full_name: String,
    pub password: String,
    /// admin, accountant, support or read_only.
    pub role: String,
}

/// Changes staff may make to an account; absent fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientChanges {
    pub credit_limit: Option<Amount>,
    pub disconnect_threshold: Option<Amount>,
    /// active, blocked_by_admin, blocked_by_client or blocked_for_debt.
    pub state: Option<String>,
    /// CHG-3: a loyalty discount in percent (negative for a markup).
    pub loyalty_percent: Option<Amount>,
}

impl Engine {
    pub async fn create_client(&self, ctx: &Ctx, req: NewClient) -> Result<Client> {
        ctx.actor.ensure_may_manage_accounts()?;
        let name = required("name", &req.name, text::NAME)?;
        let country = parse_country(&req.country)?;
        let currency: Currency = req.currency.parse()?;
        let credit_limit = non_negative_units("credit_limit", req.credit_limit, currency)?;
        let threshold = signed_units("disconnect_threshold", req.disconnect_threshold, currency)?;
        let owner = match &req.owner {
            Some(o) => Some(self.prepare_user(o).await?),
            None => None,
        };
        let code = match &req.code {
            Some(c) => required("code", c, 64)?.to_string(),
            None => generated_code(),
        };

        let mut uow = self.begin(ctx).await?;
        if clients::code_taken(&mut uow.conn, &code).await? {
            return Err(EngineError::conflict("code_taken", format!("client code {code:?} is taken")));
        }
        if let Some(o) = &owner {
            ensure_email_free(&mut uow.conn, &o.email).await?;
        }
        let row = clients::insert(
            &mut uow.conn,
            &clients::NewClient {
                code: &code,
                name,
                country: &country,
                currency: currency.code(),
                credit_limit,
                disconnect_threshold: threshold,
                state: ClientState::Active,
                created_at: uow.now,
            },
        )
        .await?;
        uow.audit("client.create", "client", row.id, Some(row.id), serde_json::json!({ "code": code, "name": name })).await?;
        if let Some(o) = owner {
            let user = insert_user(&mut uow.conn, row.id, &o, true, uow.now).await?;
            uow.audit(
                "client_user.create",
                "client_user",
                user.id,
                Some(row.id),
                serde_json::json!({ "email": o.email, "owner": true }),
            )
            .await?;
        }
        uow.finish(Client::from(&row)).await
    }

    pub async fn client(&self, ctx: &Ctx, id: i64) -> Result<Client> {
        ctx.actor.ensure_sees_client(id)?;
        let mut conn = self.store.conn().await?;
        clients::get(&mut conn, id).await?.map(|r| Client::from(&r)).ok_or_else(|| EngineError::not_found("client", id))
    }

    /// Clients a page at a time (ids after `after_id`); a client's user sees
    /// only its own.
    pub async fn clients(&self, ctx: &Ctx, after_id: i64, limit: i64) -> Result<Vec<Client>> {
        let mut conn = self.store.conn().await?;
        let rows = clients::list(&mut conn, ctx.actor.own_client(), after_id, limit.clamp(1, 500)).await?;
        Ok(rows.iter().map(Client::from).collect())
    }

    /// ACC-4: the money terms (limit, threshold, discount) are admins' and
    /// accountants'; blocking and unblocking the account is admins' and
    /// support's. A change of both needs both.
    pub async fn update_client(&self, ctx: &Ctx, id: i64, req: ClientChanges) -> Result<Client> {
        ctx.actor.ensure_sees_client(id)?;
        if req.credit_limit.is_some() || req.disconnect_threshold.is_some() || req.loyalty_percent.is_some() {
            ctx.actor.ensure_may_change_limits()?;
        }
        if req.state.is_some() {
            ctx.actor.ensure_may_manage_accounts()?;
        }
        ctx.actor.ensure_may_change()?;
        let mut uow = self.begin(ctx).await?;
        let row = clients::lock(&mut uow.conn, id).await?.ok_or_else(|| EngineError::not_found("client", id))?;
        let currency: Currency = row.currency.parse()?;
        let limit = match req.credit_limit {
            Some(_) => non_negative_units("credit_limit", req.credit_limit, currency)?,
            None => row.credit_limit,
        };
        let threshold = match req.disconnect_threshold {
            Some(_) => signed_units("disconnect_threshold", req.disconnect_threshold, currency)?,
            None => row.disconnect_threshold,
        };
        let state = match &req.state {
            Some(s) => ClientState::parse(s)
                .ok_or_else(|| EngineError::invalid("invalid_state", format!("state: unknown state {s:?}")))?,
            None => row.state,
        };
        clients::set_limits(&mut uow.conn, id, limit, threshold).await?;
        clients::set_state(&mut uow.conn, id, state).await?;
        if let Some(Amount(p)) = req.loyalty_percent {
            if p > rust_decimal::Decimal::ONE_HUNDRED || p < -rust_decimal::Decimal::ONE_HUNDRED {
                return Err(DomainError::invalid("loyalty_percent", "between -100 and 100").into());
            }
            clients::set_loyalty(&mut uow.conn, id, decimal_to_units(p)?).await?;
        }
        uow.audit("client.update", "client", id, Some(id), serde_json::to_value(&req)?).await?;
        let row = clients::get(&mut uow.conn, id).await?.ok_or_else(|| EngineError::not_found("client", id))?;
        uow.finish(Client::from(&row)).await
    }

    /// Adds a user to a client (ACC-2). The first user becomes its owner.
    pub async fn create_client_user(&self, ctx: &Ctx, client_id: i64, req: NewUser) -> Result<ClientUser> {
        self.create_client_user_with_avatar(ctx, client_id, req, None).await
    }

    /// ACC-3's "Создать" with its avatar: the user and the picture are
    /// written together, or neither when either is refused.
    pub async fn create_client_user_with_avatar(
        &self,
        ctx: &Ctx,
        client_id: i64,
        req: NewUser,
        avatar: Option<&[u8]>,
    ) -> Result<ClientUser> {
        ctx.actor.ensure_right(Right::Users)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let picture = avatar.map(|bytes| check_avatar("avatar", bytes).map(|kind| (kind, bytes))).transpose()?;
        let user = self.prepare_user(&req).await?;
        if user.full_access {
            // SEC-2: a user who may do everything is added with a fresh code.
            self.ensure_second_factor(ctx).await?;
        }
        let mut uow = self.begin(ctx).await?;
        clients::lock(&mut uow.conn, client_id).await?.ok_or_else(|| EngineError::not_found("client", client_id))?;
        ensure_email_free(&mut uow.conn, &user.email).await?;
        let is_owner = users::client_users_of(&mut uow.conn, client_id).await?.is_empty();
        let row = insert_user(&mut uow.conn, client_id, &user, is_owner, uow.now).await?;
        if let Some((kind, bytes)) = picture {
            kopek_store::avatars::set(&mut uow.conn, row.id, kind.content_type(), bytes, uow.now).await?;
        }
        let audit = serde_json::json!({ "email": row.email, "avatar": picture.is_some() });
        uow.audit("client_user.create", "client_user", row.id, Some(client_id), audit).await?;
        uow.finish(ClientUser::from(&row)).await
    }

    pub async fn client_users(&self, ctx: &Ctx, client_id: i64) -> Result<Vec<ClientUser>> {
        ctx.actor.ensure_right(Right::Users)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        clients::get(&mut conn, client_id).await?.ok_or_else(|| EngineError::not_found("client", client_id))?;
        Ok(users::client_users_of(&mut conn, client_id).await?.iter().map(ClientUser::from).collect())
    }

    /// Creates a staff user (ACC-4). Only admins, or the system (the CLI).
    pub async fn create_staff_user(&self, ctx: &Ctx, req: NewStaff) -> Result<StaffUser> {
        ctx.actor.ensure_admin()?;
        let email = parse_email(&req.email)?;
        let full_name = required("full_name", &req.full_name, text::NAME)?;
        check_password_strength(&req.password)?;
        let role = StaffRole::parse(&req.role).ok_or_else(|| {
            EngineError::invalid(
                "invalid_role",
                format!("role: {:?} is not one of admin, accountant, support, read_only", req.role),
            )
        })?;
        let hash = hash_password_blocking(&req.password, self.settings.password_cost).await?;
        let mut uow = self.begin(ctx).await?;
        if users::staff_user_by_email(&mut uow.conn, &email).await?.is_some() {
            return Err(EngineError::conflict("email_taken", format!("a staff user with email {email} exists")));
        }
        let row = users::insert_staff_user(
            &mut uow.conn,
            &users::NewStaffUser { email: &email, full_name, password_hash: &hash, role: role.as_str(), created_at: uow.now },
        )
        .await?;
        uow.audit("staff_user.create", "staff_user", row.id, None, serde_json::json!({ "email": email, "role": role })).await?;
        uow.finish(StaffUser::from(&row)).await
    }

    async fn prepare_user(&self, req: &NewUser) -> Result<PreparedUser> {
        let email = parse_email(&req.email)?;
        let full_name = required("full_name", &req.full_name, text::NAME)?.to_string();
        check_password_strength(&req.password)?;
        let phone = req.phone.as_deref().map(parse_phone).transpose()?;
        let password_hash = hash_password_blocking(&req.password, self.settings.password_cost).await?;
        let rights = Rights::from(req.rights.clone());
        Ok(PreparedUser { email, full_name, phone, password_hash, full_access: req.full_access, rights })
    }
}

struct PreparedUser {
    email: String,
    full_name: String,
    phone: Option<String>,
    password_hash: String,
    full_access: bool,
    rights: Rights,
}

async fn insert_user(
    conn: &mut kopek_store::Conn,
    client_id: i64,
    u: &PreparedUser,
    is_owner: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<kopek_store::users::ClientUserRow> {
    Ok(users::insert_client_user(
        conn,
        &users::NewClientUser {
            client_id,
            email: &u.email,
            full_name: &u.full_name,
            password_hash: &u.password_hash,
            phone: u.phone.as_deref(),
            is_owner,
            full_access: is_owner || u.full_access,
            rights: u.rights,
            created_at: now,
        },
    )
    .await?)
}

async fn ensure_email_free(conn: &mut kopek_store::Conn, email: &str) -> Result<()> {
    if users::client_user_by_email(conn, email).await?.is_some() {
        return Err(EngineError::conflict("email_taken", format!("a user with email {email} exists")));
    }
    Ok(())
}

fn generated_code() -> String {
    let mut b = [0u8; 4];
    rand::rng().fill_bytes(&mut b);
    format!("C-{}", hex::encode_upper(b))
}

/// Emails are logins: trimmed, lower-cased, one `@`, a dot in the domain.
pub(crate) fn parse_email(raw: &str) -> Result<String> {
    let email = raw.trim().to_lowercase();
    if is_email(&email) {
        Ok(email)
    } else {
        Err(DomainError::invalid("email", format!("{raw:?} is not an email address")).into())
    }
}

/// A phone number kept as `+` and its digits.
pub(crate) fn parse_phone(raw: &str) -> Result<String> {
    if !is_phone(raw) {
        return Err(DomainError::invalid("phone", format!("{raw:?} is not a phone number")).into());
    }
    Ok(format!("+{}", raw.chars().filter(char::is_ascii_digit).collect::<String>()))
}

fn parse_country(raw: &str) -> Result<String> {
    let c = raw.trim().to_uppercase();
    if c.len() == 2 && c.chars().all(|ch| ch.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err(DomainError::invalid("country", format!("{raw:?} is not an ISO 3166 two-letter code")).into())
    }
}

fn signed_units(field: &'static str, v: Option<Amount>, currency: Currency) -> Result<i64> {
    let Some(Amount(d)) = v else { return Ok(0) };
    if d.normalize().scale() > currency.minor_digits() {
        return Err(DomainError::invalid(field, format!("{d} has more decimals than {currency} allows")).into());
    }
    Ok(decimal_to_units(d)?)
}

fn non_negative_units(field: &'static str, v: Option<Amount>, currency: Currency) -> Result<i64> {
    let units = signed_units(field, v, currency)?;
    if units < 0 {
        return Err(DomainError::invalid(field, "must not be negative").into());
    }
    Ok(units)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(parse_email(" Ivan@Example.RU ").unwrap(), "ivan@example.ru");
        for bad in ["", "ivan", "ivan@", "@x.ru", "a@b", "a@@b.ru", "a b@c.ru", "a@.ru"] {
            assert!(parse_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones_and_countries() {
        assert_eq!(parse_phone("+7 (912) 345-67-89").unwrap(), "+79123456789");
        assert!(parse_phone("call me").is_err());
        assert_eq!(parse_country("ru").unwrap(), "RU");
        assert!(parse_country("RUS").is_err());
    }
}
