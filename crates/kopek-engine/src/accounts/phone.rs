//! ACC-2: a user confirms its phone number with a code sent to it by SMS;
//! a confirmed number is changed with a code sent to the old number, and
//! the new one is then confirmed in its turn. The code leaves through the
//! outbox (topic [`PHONE_CODE_TOPIC`]) in the transaction that keeps its
//! hash, so a crash never leaves a code that was kept but never sent, or
//! sent but unknown. Codes are never shown in the portal or the inbox:
//! whoever reads them must hold the phone.

use chrono::{DateTime, Duration, Utc};
use kopek_domain::phone::{self, CODE_LIFETIME, MAX_TRIES, PhoneCodePurpose, SendRefusal};
use kopek_store::phone_codes::{self as store, NewPhoneCode, PhoneCodeRow};
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::Engine;
use crate::accounts::clients::parse_phone;
use crate::accounts::users::{me, user_of};
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::views::ClientUser;

/// The outbox topic a code goes to; the notification worker sends it by
/// SMS, skipping one whose code expired while it waited.
pub const PHONE_CODE_TOPIC: &str = "phone.code";
/// The event whose SMS template words the code.
pub const PHONE_CODE_EVENT: &str = "account.phone_code";

/// A code on its way, as the outbox carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneCodeMessage {
    pub code_id: i64,
    pub to: String,
    /// The user's language; none for the provider's default.
    pub locale: Option<String>,
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// Asks for a code. Without `new_phone` the code confirms the user's own
/// unconfirmed number; with it, an unconfirmed user's code goes to the new
/// number, and a confirmed user's to its old one.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneCodeRequest {
    pub new_phone: Option<String>,
}

/// A code that was sent and can still be entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PhoneCodeSent {
    #[schema(value_type = String)]
    pub purpose: PhoneCodePurpose,
    /// Where it went, half hidden: `+7 *** ***-**-89`.
    pub sent_to: String,
    /// The number the user will have once the code is entered.
    pub new_phone: Option<String>,
    pub expires_at: DateTime<Utc>,
    /// When another code may be asked for.
    pub resend_at: DateTime<Utc>,
    pub tries_left: i64,
}

impl PhoneCodeSent {
    fn of(row: &PhoneCodeRow) -> Result<PhoneCodeSent> {
        let purpose = PhoneCodePurpose::parse(&row.purpose)
            .ok_or_else(|| EngineError::Internal(format!("phone code {} has purpose {:?}", row.id, row.purpose)))?;
        Ok(PhoneCodeSent {
            purpose,
            sent_to: phone::masked(&row.sent_to),
            new_phone: row.new_phone.clone(),
            expires_at: row.expires_at,
            resend_at: row.created_at + phone::RESEND_AFTER,
            tries_left: (MAX_TRIES - row.attempts).max(0),
        })
    }
}

impl Engine {
    /// ACC-2: sends a code by SMS to confirm or change the user's number.
    pub async fn send_phone_code(&self, ctx: &Ctx, req: PhoneCodeRequest) -> Result<PhoneCodeSent> {
        let (client_id, user_id) = me(ctx)?;
        if !self.settings.sms_enabled {
            return Err(EngineError::conflict("sms_off", "the provider has not set up SMS, so a number can't be confirmed"));
        }
        let now = self.now();
        let mut uow = self.begin(ctx).await?;
        let user = user_of(&mut uow.conn, client_id, user_id).await?;
        let new_phone = match req.new_phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => Some(parse_phone(p).map_err(|e| e.on_field("new_phone"))?),
            None => None,
        };
        let (purpose, sent_to) = match (&user.phone, user.phone_verified, &new_phone) {
            (Some(old), true, Some(new)) if old == new => {
                return Err(EngineError::invalid_field("new_phone", "same_phone", "this number is already yours and confirmed"));
            }
            (Some(old), true, Some(_)) => (PhoneCodePurpose::Change, old.clone()),
            (Some(_), true, None) => {
                return Err(EngineError::conflict("phone_confirmed_already", "the number is confirmed already"));
            }
            (None, _, Some(new)) | (_, false, Some(new)) => (PhoneCodePurpose::Confirm, new.clone()),
            (Some(own), false, None) => (PhoneCodePurpose::Confirm, own.clone()),
            (None, _, None) => {
                return Err(EngineError::invalid_field("new_phone", "no_phone", "give the number to confirm"));
            }
        };
        let last = store::latest(&mut uow.conn, user.id).await?;
        let in_a_day = store::count_since(&mut uow.conn, user.id, now - Duration::days(1)).await?;
        phone::may_send(last.map(|c| c.created_at), in_a_day, now).map_err(refused)?;
        let code = phone::code_of(rand::rng().random());
        let new = NewPhoneCode {
            client_user_id: user.id,
            purpose: purpose.as_str(),
            sent_to: &sent_to,
            new_phone: new_phone.as_deref(),
            code_hash: &code_hash(user.id, &code),
            created_at: now,
            expires_at: now + CODE_LIFETIME,
        };
        let id = store::insert(&mut uow.conn, &new).await?;
        let message =
            PhoneCodeMessage { code_id: id, to: sent_to.clone(), locale: user.locale.clone(), code, expires_at: new.expires_at };
        uow.emit(PHONE_CODE_TOPIC, &message, Some(&format!("phone_code:{id}"))).await?;
        let audit = serde_json::json!({ "purpose": purpose, "sent_to": phone::masked(&sent_to) });
        uow.audit("client_user.phone_code", "client_user", user.id, Some(client_id), audit).await?;
        let row = store::latest(&mut uow.conn, user.id).await?.ok_or_else(|| EngineError::Internal("code lost".into()))?;
        uow.finish(PhoneCodeSent::of(&row)?).await
    }

    /// The code the user can still enter, if any.
    pub async fn pending_phone_code(&self, ctx: &Ctx) -> Result<Option<PhoneCodeSent>> {
        let (client_id, user_id) = me(ctx)?;
        let mut conn = self.store.conn().await?;
        let user = user_of(&mut conn, client_id, user_id).await?;
        let now = self.now();
        match store::latest(&mut conn, user.id).await? {
            Some(row) if row.used_at.is_none() && row.expires_at > now && row.attempts < MAX_TRIES => {
                Ok(Some(PhoneCodeSent::of(&row)?))
            }
            _ => Ok(None),
        }
    }

    /// ACC-2: the code entered. A wrong one counts a try even though the
    /// answer is a refusal; the fifth wrong try ends the code.
    pub async fn confirm_phone(&self, ctx: &Ctx, code: &str) -> Result<ClientUser> {
        let (client_id, user_id) = me(ctx)?;
        let now = self.now();
        let (user, row) = {
            let mut conn = self.store.conn().await?;
            let user = user_of(&mut conn, client_id, user_id).await?;
            let row = store::latest(&mut conn, user.id).await?.filter(|r| r.used_at.is_none());
            let row = row.ok_or_else(|| EngineError::invalid_field("code", "no_code", "ask for a code first"))?;
            if row.expires_at <= now {
                return Err(EngineError::invalid_field("code", "code_expired", "the code expired: ask for a new one"));
            }
            if !store::spend_try(&mut conn, row.id, MAX_TRIES).await? {
                return Err(EngineError::invalid_field(
                    "code",
                    "code_tries_exhausted",
                    "too many wrong codes: ask for a new one",
                ));
            }
            (user, row)
        };
        let stale = match PhoneCodePurpose::parse(&row.purpose) {
            Some(PhoneCodePurpose::Change) => user.phone.as_deref() != Some(&row.sent_to) || !user.phone_verified,
            _ => row.new_phone.is_none() && user.phone.as_deref() != Some(&row.sent_to),
        };
        if stale {
            return Err(EngineError::invalid_field("code", "code_stale", "the number changed since the code was sent"));
        }
        if code_hash(user.id, code.trim()) != row.code_hash {
            let left = MAX_TRIES - row.attempts - 1;
            return Err(EngineError::invalid_field("code", "wrong_code", format!("the code is wrong; tries left: {left}")));
        }
        let mut uow = self.begin(ctx).await?;
        if !store::mark_used(&mut uow.conn, row.id, now).await? {
            return Err(EngineError::invalid_field("code", "no_code", "ask for a code first"));
        }
        let (number, verified) = match PhoneCodePurpose::parse(&row.purpose) {
            // The old number proved; the new one is confirmed next.
            Some(PhoneCodePurpose::Change) => (row.new_phone.clone(), false),
            _ => (Some(row.new_phone.clone().unwrap_or(row.sent_to.clone())), true),
        };
        store::set_phone(&mut uow.conn, user.id, number.as_deref(), verified).await?;
        let audit = serde_json::json!({ "purpose": row.purpose, "phone": number, "verified": verified });
        uow.audit("client_user.phone_confirm", "client_user", user.id, Some(client_id), audit).await?;
        let user = user_of(&mut uow.conn, client_id, user_id).await?;
        uow.finish(ClientUser::from(&user)).await
    }
}

/// A code is kept only as a hash bound to its user.
fn code_hash(user_id: i64, code: &str) -> String {
    hex::encode(Sha256::digest(format!("phone-code:{user_id}:{code}").as_bytes()))
}

fn refused(r: SendRefusal) -> EngineError {
    match r {
        SendRefusal::TooSoon { wait_seconds } => {
            EngineError::conflict("phone_code_too_soon", format!("a code was sent a moment ago: ask again in {wait_seconds} s"))
        }
        SendRefusal::DailyLimit => EngineError::conflict("phone_code_daily_limit", "too many codes today: try again tomorrow"),
    }
}
