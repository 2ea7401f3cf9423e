//! ACC-6: a user's personal data. The user exports it as CSV (kept for one
//! download, and announced by a notification), and asks for it to be
//! deleted or its use restricted; staff answer within ten working days and
//! carry the request out or refuse it with a reason.

use chrono::{DateTime, NaiveDate, Utc};
use kopek_domain::account::{NotificationCategory, NotificationChannel, Right};
use kopek_domain::privacy::{PrivacyRequestKind, PrivacyRequestStatus, answer_due};
use kopek_store::privacy::{self as store, NewRequest, Pseudonym, RequestRow};
use kopek_store::users::{self, ClientUserRow, NotificationPreferenceRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::accounts::users::me;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::notify::{NOTIFICATION_TOPIC, Notification};
use crate::core::text;
use crate::core::uow::Uow;

/// The holiday calendar (CAT-11, `POST /holidays`) whose days the provider
/// does not work: they do not count towards a request's deadline. The
/// catalog's other calendars are days of free service, not days off.
pub const DAYS_OFF_CALENDAR: &str = "non-working";

/// The event the notifications worker emails when an export is ready.
pub const EXPORT_READY_EVENT: &str = "privacy.export_ready";

/// An export as its owner sees it; the data itself comes once, by
/// [`Engine::download_personal_data`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PersonalDataExport {
    pub id: i64,
    pub requested_at: DateTime<Utc>,
    /// When it was downloaded; after that it is gone.
    pub downloaded_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PrivacyRequest {
    pub id: i64,
    pub client_id: i64,
    pub client_user_id: i64,
    pub kind: PrivacyRequestKind,
    pub comment: String,
    pub status: PrivacyRequestStatus,
    pub filed_at: DateTime<Utc>,
    /// The last day to answer (10 working days, 152-FZ art. 20).
    pub due_on: NaiveDate,
    pub decided_at: Option<DateTime<Utc>>,
    /// Who decided: the staff member's email.
    pub decided_by: Option<String>,
    /// Why it was refused.
    pub reason: Option<String>,
}

impl From<RequestRow> for PrivacyRequest {
    fn from(r: RequestRow) -> Self {
        PrivacyRequest {
            id: r.id,
            client_id: r.client_id,
            client_user_id: r.client_user_id,
            kind: r.kind,
            comment: r.comment,
            status: r.status,
            filed_at: r.filed_at,
            due_on: r.due_on,
            decided_at: r.decided_at,
            decided_by: r.decided_by,
            reason: r.reason,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPrivacyRequest {
    pub kind: PrivacyRequestKind,
    /// What the user wants done, in its words; may be empty.
    #[serde(default)]
    pub comment: String,
}

impl Engine {
    /// Builds the caller's personal data as CSV and keeps it for one
    /// download; the user is told by a notification.
    pub async fn export_personal_data(&self, ctx: &Ctx) -> Result<PersonalDataExport> {
        let (client_id, user_id) = me(ctx)?;
        let mut uow = self.begin(ctx).await?;
        let user = users::client_user(&mut uow.conn, user_id).await?.ok_or_else(|| EngineError::not_found("user", user_id))?;
        let csv = personal_data_csv(&mut uow, ctx, &user).await?;
        let id = store::insert_export(&mut uow.conn, client_id, user_id, uow.now, &csv).await?;
        uow.audit("privacy_export.create", "privacy_export", id, Some(client_id), serde_json::json!({})).await?;
        let note = Notification {
            event: EXPORT_READY_EVENT.into(),
            client_id,
            recipients: vec![user.email.clone()],
            // A link, not the data: the file is handed over only to the
            // logged-in user, once.
            data: serde_json::json!({ "export_id": id, "download": format!("/client/privacy/exports/{id}") }),
        };
        uow.emit(NOTIFICATION_TOPIC, &note, Some(&format!("notify:{EXPORT_READY_EVENT}:{id}"))).await?;
        let out = PersonalDataExport { id, requested_at: uow.now, downloaded_at: None };
        uow.finish(out).await
    }

    /// The caller's exports, newest first.
    pub async fn my_personal_data_exports(&self, ctx: &Ctx) -> Result<Vec<PersonalDataExport>> {
        let (_, user_id) = me(ctx)?;
        let mut conn = self.store.conn().await?;
        let rows = store::exports_of(&mut conn, user_id).await?;
        Ok(rows
            .into_iter()
            .map(|r| PersonalDataExport { id: r.id, requested_at: r.requested_at, downloaded_at: r.downloaded_at })
            .collect())
    }

    /// The export's CSV, once: a second download is refused as gone
    /// (`export_gone`). Another user's export is "not found".
    pub async fn download_personal_data(&self, ctx: &Ctx, export_id: i64) -> Result<String> {
        let (client_id, user_id) = me(ctx)?;
        let mut uow = self.begin(ctx).await?;
        let row = store::export(&mut uow.conn, export_id).await?.filter(|r| r.client_user_id == user_id);
        if row.is_none() {
            return Err(EngineError::not_found("export", export_id));
        }
        let Some(csv) = store::take_export(&mut uow.conn, export_id, user_id, uow.now).await? else {
            return Err(EngineError::conflict("export_gone", "this export was downloaded already; ask for a new one"));
        };
        uow.audit("privacy_export.download", "privacy_export", export_id, Some(client_id), serde_json::json!({})).await?;
        uow.finish(csv).await
    }

    /// Files a request to delete, or restrict the use of, the caller's
    /// personal data, due in ten working days.
    pub async fn file_privacy_request(&self, ctx: &Ctx, req: NewPrivacyRequest) -> Result<PrivacyRequest> {
        let (client_id, user_id) = me(ctx)?;
        let comment = text::bounded("comment", req.comment.trim(), text::NOTE)?;
        let mut uow = self.begin(ctx).await?;
        let days_off: Vec<NaiveDate> = kopek_store::catalog::holidays(&mut uow.conn)
            .await?
            .into_iter()
            .filter(|(calendar, _)| calendar == DAYS_OFF_CALENDAR)
            .map(|(_, day)| day)
            .collect();
        let filed_on = uow.now.with_timezone(&self.settings.provider_offset).date_naive();
        let new = NewRequest {
            client_id,
            user_id,
            kind: req.kind,
            comment,
            filed_at: uow.now,
            due_on: answer_due(filed_on, &days_off),
        };
        let row = store::insert_request(&mut uow.conn, &new).await?;
        let details = serde_json::json!({ "kind": req.kind, "due_on": row.due_on });
        uow.audit("privacy_request.file", "privacy_request", row.id, Some(client_id), details).await?;
        uow.finish(PrivacyRequest::from(row)).await
    }

    /// The caller's requests and their state, newest first.
    pub async fn my_privacy_requests(&self, ctx: &Ctx) -> Result<Vec<PrivacyRequest>> {
        let (_, user_id) = me(ctx)?;
        let mut conn = self.store.conn().await?;
        Ok(store::requests_of(&mut conn, user_id).await?.into_iter().map(PrivacyRequest::from).collect())
    }

    /// The requests for staff, the nearest deadline first; `status` narrows.
    pub async fn privacy_requests(&self, ctx: &Ctx, status: Option<PrivacyRequestStatus>) -> Result<Vec<PrivacyRequest>> {
        ctx.actor.ensure_staff("list personal-data requests")?;
        let mut conn = self.store.conn().await?;
        Ok(store::requests(&mut conn, status).await?.into_iter().map(PrivacyRequest::from).collect())
    }

    /// Staff carry a request out: a deletion pseudonymises the user (see
    /// [`pseudonymise`]), a restriction stops the news it was sent.
    pub async fn carry_out_privacy_request(&self, ctx: &Ctx, request_id: i64) -> Result<PrivacyRequest> {
        ctx.actor.ensure_may_manage_accounts()?;
        let mut uow = self.begin(ctx).await?;
        let row = open_request(&mut uow, request_id).await?;
        match row.kind {
            PrivacyRequestKind::Delete => pseudonymise(&mut uow, row.client_user_id).await?,
            PrivacyRequestKind::Restrict => restrict(&mut uow, row.client_user_id).await?,
        }
        let by = ctx.actor.label();
        store::decide_request(&mut uow.conn, row.id, PrivacyRequestStatus::Done, uow.now, &by, None).await?;
        let details = serde_json::json!({ "kind": row.kind, "client_user_id": row.client_user_id });
        uow.audit("privacy_request.carry_out", "privacy_request", row.id, Some(row.client_id), details).await?;
        let done = store::request(&mut uow.conn, row.id).await?.ok_or_else(|| EngineError::not_found("request", row.id))?;
        uow.finish(PrivacyRequest::from(done)).await
    }

    /// Staff refuse a request, saying why; the user sees the reason.
    pub async fn refuse_privacy_request(&self, ctx: &Ctx, request_id: i64, reason: &str) -> Result<PrivacyRequest> {
        ctx.actor.ensure_may_manage_accounts()?;
        let reason = text::required("reason", reason, text::NOTE)?;
        let mut uow = self.begin(ctx).await?;
        let row = open_request(&mut uow, request_id).await?;
        let by = ctx.actor.label();
        store::decide_request(&mut uow.conn, row.id, PrivacyRequestStatus::Refused, uow.now, &by, Some(reason)).await?;
        let details = serde_json::json!({ "reason": reason });
        uow.audit("privacy_request.refuse", "privacy_request", row.id, Some(row.client_id), details).await?;
        let done = store::request(&mut uow.conn, row.id).await?.ok_or_else(|| EngineError::not_found("request", row.id))?;
        uow.finish(PrivacyRequest::from(done)).await
    }
}

async fn open_request(uow: &mut Uow<'_>, id: i64) -> Result<RequestRow> {
    let row = store::request(&mut uow.conn, id).await?.ok_or_else(|| EngineError::not_found("request", id))?;
    if row.status != PrivacyRequestStatus::Open {
        return Err(EngineError::conflict("request_decided", format!("request {id} is {} already", row.status)));
    }
    Ok(row)
}

/// The one rule of what a deletion removes and what it keeps.
///
/// Removed: the user's email (also its login name), full name, phone,
/// password, Telegram username, language and time zone, its sessions, API
/// tokens, second factor and recovery codes, avatar, notification choices,
/// unread exports, the addresses its notifications went to, and its name in
/// the audit log. The login can no longer be used: no password matches, it is
/// disabled, and its email is gone.
///
/// Kept: the user's row under a pseudonym (so audit records, orders and
/// payments it made still point at someone), and everything of the client
/// — its payers, payments, expenses and documents. Payers' details stand on
/// issued acts and invoices, which accounting law (402-FZ art. 29) keeps
/// for five years; they are the client's, not this login's, and a client
/// asks for them through its contract.
async fn pseudonymise(uow: &mut Uow<'_>, user_id: i64) -> Result<()> {
    let email = format!("deleted-{user_id}@deleted.invalid");
    let full_name = format!("deleted-{user_id}");
    let p = Pseudonym { email: &email, full_name: &full_name, password_hash: "!deleted" };
    store::pseudonymise_client_user(&mut uow.conn, user_id, &p).await?;
    Ok(())
}

/// A restriction keeps what the contract needs (bills, service messages)
/// and stops the rest: the provider's news on every channel.
async fn restrict(uow: &mut Uow<'_>, user_id: i64) -> Result<()> {
    for &channel in NotificationChannel::ALL {
        let p = NotificationPreferenceRow {
            category: NotificationCategory::News.as_str().into(),
            channel: channel.as_str().into(),
            enabled: false,
        };
        users::set_notification_preference(&mut uow.conn, user_id, &p).await?;
    }
    Ok(())
}

/// The user's own data as CSV, one value a line: section, line, field,
/// value. Other users' data is never in it: the action log carries no
/// details (a change to another user names that user there), and the
/// client's payers come only to a user with the "payers" right, who sees
/// them in the portal anyway.
async fn personal_data_csv(uow: &mut Uow<'_>, ctx: &Ctx, user: &ClientUserRow) -> Result<String> {
    let mut out = Csv::default();
    out.row(&["section", "line", "field", "value"]);
    let profile: [(&str, String); 6] = [
        ("email", user.email.clone()),
        ("full_name", user.full_name.clone()),
        ("phone", user.phone.clone().unwrap_or_default()),
        ("phone_verified", user.phone_verified.to_string()),
        ("first_user", user.is_owner.to_string()),
        ("created_at", user.created_at.to_rfc3339()),
    ];
    for (field, value) in &profile {
        out.row(&["profile", "1", field, value]);
    }
    let settings = users::user_settings(&mut uow.conn, user.id).await?;
    if let Some(s) = settings {
        out.row(&["settings", "1", "locale", s.locale.as_deref().unwrap_or("")]);
        out.row(&["settings", "1", "timezone", s.timezone.as_deref().unwrap_or("")]);
        out.row(&["settings", "1", "telegram", s.telegram.as_deref().unwrap_or("")]);
    }
    for p in users::notification_preferences(&mut uow.conn, user.id).await? {
        out.row(&["settings", "1", &format!("notify-{}-{}", p.category, p.channel), &p.enabled.to_string()]);
    }
    for (i, a) in store::acceptances(&mut uow.conn, user.id).await?.iter().enumerate() {
        let line = (i + 1).to_string();
        out.row(&["privacy_policy", &line, "version", &a.version]);
        out.row(&["privacy_policy", &line, "accepted_at", &a.accepted_at.to_rfc3339()]);
        out.row(&["privacy_policy", &line, "address", a.source_ip.as_deref().unwrap_or("")]);
    }
    let total = store::count_actions_of(&mut uow.conn, user.id).await?;
    let actions = store::actions_of(&mut uow.conn, user.id, total.max(1), 0).await?;
    for (i, r) in actions.into_iter().enumerate() {
        let line = (i + 1).to_string();
        let section = if r.action == super::privacy::LOGIN_ACTION { "login" } else { "action" };
        let device =
            serde_json::from_str::<serde_json::Value>(&r.details).ok().and_then(|d| d["device"].as_str().map(str::to_string));
        out.row(&[section, &line, "at", &r.at.to_rfc3339()]);
        out.row(&[section, &line, "action", &r.action]);
        out.row(&[section, &line, "entity", &format!("{} {}", r.entity, r.entity_id)]);
        out.row(&[section, &line, "address", r.source_ip.as_deref().unwrap_or("")]);
        if section == "login" {
            out.row(&[section, &line, "device", device.as_deref().unwrap_or("")]);
        }
    }
    if ctx.actor.ensure_right(Right::Payers).is_ok() {
        for (i, p) in kopek_store::payers::of_client(&mut uow.conn, user.client_id).await?.iter().enumerate() {
            let line = (i + 1).to_string();
            out.row(&["payer", &line, "id", &p.id.to_string()]);
            out.row(&["payer", &line, "kind", p.kind.as_str()]);
            out.row(&["payer", &line, "name", &p.name]);
            out.row(&["payer", &line, "country", &p.country]);
        }
    }
    Ok(out.0)
}

/// RFC 4180 text: a field with a comma, quote or line break is quoted, and
/// one a spreadsheet would run as a formula (= + - @) starts with a quote
/// mark, so a name typed as "=HYPERLINK(…)" stays a name.
#[derive(Default)]
struct Csv(String);

impl Csv {
    fn row(&mut self, fields: &[&str]) {
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            let f: std::borrow::Cow<str> = if f.starts_with(['=', '+', '-', '@']) { format!("'{f}").into() } else { (*f).into() };
            if f.contains([',', '"', '\n', '\r']) {
                self.0.push('"');
                self.0.push_str(&f.replace('"', "\"\""));
                self.0.push('"');
            } else {
                self.0.push_str(&f);
            }
        }
        self.0.push_str("\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acc6_csv_quotes_and_disarms_formulas() {
        let mut c = Csv::default();
        c.row(&["a,b", "say \"hi\"", "=1+1", "plain"]);
        assert_eq!(c.0, "\"a,b\",\"say \"\"hi\"\"\",'=1+1,plain\r\n");
    }
}
