//! Notifications (NTF-4, OPS-5): the delivery log, filtered by channel,
//! status and client and paged, each delivery's error, and «Отправить
//! снова» on one that did not get through — through the use cases the
//! API's `/api/v1/notification-deliveries` calls. Read-only staff read
//! the log; the engine refuses them the rest (ACC-4).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use kopek_domain::account::NotificationChannel;
use kopek_domain::notification::DeliveryStatus;
use kopek_engine::EngineError;
use kopek_engine::notifications::log::{Delivery, DeliveryQuery, LOG_PAGE_SIZE};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::admin::frame::{error_page, frame};
use crate::admin::pages::labels::{Labelled, labelled};
use crate::admin::session::StaffUser;
use crate::error::status_of;
use crate::portal::form::{Form, message};
use crate::portal::session::{FormData, redirect_with_notice, urlencode};

const PATH: &str = "/admin/notifications";
const CHANNELS: [&str; 4] = ["email", "messenger", "sms", "portal"];
const STATUSES: [&str; 4] = ["queued", "sent", "failed", "dead"];

/// The log's filters as the GET form sends them: each empty is "any".
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LogQuery {
    #[serde(default)]
    channel: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    client: String,
    page: Option<i64>,
}

#[derive(Serialize)]
struct LogPage {
    channels: [&'static str; 4],
    statuses: [&'static str; 4],
    /// The filters as typed, and each one's error next to it.
    filter: Form,
    deliveries: Vec<LogRow>,
    next: Option<String>,
    /// Why the last «Отправить снова» was refused.
    error: Option<String>,
}

/// A delivery with its client named, and whether it may be sent again.
#[derive(Serialize)]
struct LogRow {
    #[serde(flatten)]
    row: Labelled<Delivery>,
    can_resend: bool,
}

/// The engine's query from the form's filters, or the form with each bad
/// one's error.
fn query_of(state: &AppState, user: &StaffUser, q: &LogQuery) -> (Form, Option<DeliveryQuery>) {
    let (catalog, locale) = (&state.views.catalog, user.locale);
    let mut form = Form::with(&[("channel", q.channel.clone()), ("status", q.status.clone()), ("client", q.client.clone())]);
    let channel = match q.channel.trim() {
        "" => None,
        c => NotificationChannel::parse(c).or_else(|| {
            form.error("channel", catalog.text(locale, "error-choose", &[]));
            None
        }),
    };
    let status = match q.status.trim() {
        "" => None,
        s => DeliveryStatus::parse(s).or_else(|| {
            form.error("status", catalog.text(locale, "error-choose", &[]));
            None
        }),
    };
    let client_id = match q.client.trim() {
        "" => None,
        c => match c.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                form.error("client", catalog.text(locale, "desk-error-client-id", &[]));
                None
            }
        },
    };
    let query =
        form.is_ok().then(|| DeliveryQuery { event: None, channel, status, client_id, page: Some(q.page.unwrap_or(1).max(1)) });
    (form, query)
}

async fn show(state: &AppState, user: &StaffUser, q: LogQuery, status: StatusCode, error: Option<String>) -> Response {
    let page_frame = frame(state, user, "notifications", PATH);
    let (filter, query) = query_of(state, user, &q);
    let Some(query) = query else {
        let page = LogPage { channels: CHANNELS, statuses: STATUSES, filter, deliveries: Vec::new(), next: None, error };
        return state.views.render_status(StatusCode::UNPROCESSABLE_ENTITY, "admin/notifications/log.html", &page_frame, page);
    };
    let listed = async {
        let found = state.engine.notification_deliveries(&user.ctx, &query).await?;
        let rows = labelled(state, &user.ctx, found, |d| d.client_id).await?;
        Ok::<_, EngineError>(
            rows.into_iter().map(|row| LogRow { can_resend: row.item.status.can_resend(), row }).collect::<Vec<_>>(),
        )
    };
    match listed.await {
        Ok(deliveries) => {
            let full = deliveries.len() as i64 == LOG_PAGE_SIZE;
            let next = full.then(|| {
                format!(
                    "{PATH}?channel={}&status={}&client={}&page={}",
                    urlencode(&q.channel),
                    urlencode(&q.status),
                    urlencode(&q.client),
                    query.page.unwrap_or(1) + 1
                )
            });
            let page = LogPage { channels: CHANNELS, statuses: STATUSES, filter, deliveries, next, error };
            state.views.render_status(status, "admin/notifications/log.html", &page_frame, page)
        }
        Err(e) => error_page(state, user, e),
    }
}

pub async fn log(State(state): State<AppState>, user: StaffUser, Query(q): Query<LogQuery>) -> Response {
    show(&state, &user, q, StatusCode::OK, None).await
}

/// «Отправить снова»: a failed or dead delivery is queued for now; a
/// refusal (already sent, a role that may not) is shown on the log and
/// changes nothing.
pub async fn resend(State(state): State<AppState>, user: StaffUser, Path(id): Path<i64>, _: FormData) -> Response {
    match state.engine.resend_delivery(&user.ctx, id).await {
        Ok(_) => redirect_with_notice(PATH, "desk-notice-resent"),
        Err(e) if e.is_internal() => error_page(&state, &user, e),
        Err(e) => {
            let status = status_of(&e);
            let text = message(&e, None, &state.views.catalog, user.locale);
            show(&state, &user, LogQuery::default(), status, Some(text)).await
        }
    }
}
