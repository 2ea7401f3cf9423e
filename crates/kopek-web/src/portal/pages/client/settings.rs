//! "Настройки пользователя" (ACC-5): language (the portal then speaks
//! it), time zone, the Telegram username (NTF-5) and the notification
//! table, category × channel (NTF-2); the Telegram state, the one-time
//! link and "enable support" (NTF-5, SUP-3). Every user sets its own.
//! Beside them, for users with the finance right, the client's own
//! low-balance threshold (NTF-1), a form of its own so that a refusal of
//! one changes nothing of the other.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kopek_domain::account::{NotificationCategory, NotificationChannel, Right};
use kopek_engine::accounts::settings::{LOCALES, NotificationChoice, SettingsChanges, TIME_ZONES, UserSettings};
use kopek_engine::billing::low_balance::LowBalanceInput;
use kopek_engine::notifications::telegram::TelegramStatus;
use serde::Serialize;

use super::profile::refused_in_form;
use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser, redirect_with_notice};

const PATH: &str = "/client/settings";
/// The field of the low-balance form.
const THRESHOLD: &str = "threshold";

#[derive(Serialize)]
struct SettingsPage {
    form: Form,
    locales: &'static [&'static str],
    time_zones: &'static [&'static str],
    channels: Vec<&'static str>,
    /// One row per category: its name and a checkbox per channel.
    table: Vec<Row>,
    /// NTF-5: the state, the bot and a fresh one-time link.
    telegram: TelegramStatus,
    /// NTF-1: the low-balance form, for a user with the finance right.
    low_balance: Option<LowBalanceForm>,
}

#[derive(Serialize)]
struct LowBalanceForm {
    form: Form,
    currency: String,
}

#[derive(Serialize)]
struct Row {
    category: &'static str,
    cells: Vec<Cell>,
}

#[derive(Serialize)]
struct Cell {
    /// The checkbox's name: `notify-<category>-<channel>`.
    name: String,
    channel: &'static str,
    checked: bool,
}

fn box_name(category: NotificationCategory, channel: NotificationChannel) -> String {
    format!("notify-{category}-{channel}")
}

fn table(on: impl Fn(NotificationCategory, NotificationChannel) -> bool) -> Vec<Row> {
    NotificationCategory::ALL
        .iter()
        .map(|&category| Row {
            category: category.as_str(),
            cells: NotificationChannel::ALL
                .iter()
                .map(|&channel| Cell {
                    name: box_name(category, channel),
                    channel: channel.as_str(),
                    checked: on(category, channel),
                })
                .collect(),
        })
        .collect()
}

/// Every cell of the table as the form sent it: an unticked box is off.
fn choices(data: &FormData) -> Vec<NotificationChoice> {
    let mut out = Vec::new();
    for &category in NotificationCategory::ALL {
        for &channel in NotificationChannel::ALL {
            out.push(NotificationChoice { category, channel, enabled: data.checked(&box_name(category, channel)) });
        }
    }
    out
}

pub async fn show(State(state): State<AppState>, user: PortalUser) -> Response {
    match state.engine.my_settings(&user.ctx).await {
        Ok(s) => {
            let (form, table) = as_stored(&s);
            render(&state, &user, StatusCode::OK, form, table, None).await
        }
        Err(e) => error_page(&state, &user, e),
    }
}

/// The user's own settings as stored: the form's values and the table.
fn as_stored(s: &UserSettings) -> (Form, Vec<Row>) {
    let form = Form::with(&[
        ("locale", s.locale.clone().unwrap_or_default()),
        ("timezone", s.timezone.clone().unwrap_or_default()),
        ("telegram", s.telegram.clone().unwrap_or_default()),
    ]);
    let on = |c: NotificationCategory, ch: NotificationChannel| {
        s.notifications.iter().any(|n| n.category == c && n.channel == ch && n.enabled)
    };
    (form, table(on))
}

pub async fn save(State(state): State<AppState>, user: PortalUser, data: FormData) -> Response {
    let mut form = Form::from_data(&data);
    let notifications = choices(&data);
    let typed = table(|c, ch| notifications.iter().any(|n| n.category == c && n.channel == ch && n.enabled));
    let req = SettingsChanges {
        locale: Some(data.text("locale")),
        timezone: Some(data.text("timezone")),
        telegram: Some(data.text("telegram")),
        telegram_support: Some(data.checked("telegram_support")),
        notifications,
    };
    match state.engine.save_my_settings(&user.ctx, req).await {
        Ok(_) => redirect_with_notice(PATH, "notice-saved"),
        Err(e) if refused_in_form(&e) => {
            form.refusal(&e, None, &state.views.catalog, user.locale);
            render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, form, typed, None).await
        }
        Err(e) => error_page(&state, &user, e),
    }
}

/// NTF-1: the threshold, in the client's currency; empty switches the
/// notice off. A refused amount is shown next to its field, nothing saved.
pub async fn save_low_balance(State(state): State<AppState>, user: PortalUser, data: FormData) -> Response {
    let (catalog, locale) = (&state.views.catalog, user.locale);
    let mut form = Form::from_data(&data);
    let threshold = if data.text(THRESHOLD).is_empty() { None } else { form.amount(&data, THRESHOLD, catalog, locale) };
    if form.is_ok() {
        match state.engine.set_low_balance(&user.ctx, user.client_id, LowBalanceInput { threshold }).await {
            Ok(_) => return redirect_with_notice(PATH, "notice-saved"),
            Err(e) if refused_in_form(&e) => form.refusal(&e, Some(THRESHOLD), catalog, locale),
            Err(e) => return error_page(&state, &user, e),
        }
    }
    match state.engine.my_settings(&user.ctx).await {
        Ok(s) => {
            let (main, table) = as_stored(&s);
            render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, main, table, Some(form)).await
        }
        Err(e) => error_page(&state, &user, e),
    }
}

/// The low-balance form: as typed after a refusal, else as stored; none
/// for a user without the finance right.
async fn low_balance_form(
    state: &AppState,
    user: &PortalUser,
    typed: Option<Form>,
) -> kopek_engine::Result<Option<LowBalanceForm>> {
    if !user.rights().contains(&Right::Finance) {
        return Ok(None);
    }
    let stored = state.engine.low_balance(&user.ctx, user.client_id).await?;
    let form = typed.unwrap_or_else(|| Form::with(&[(THRESHOLD, stored.threshold.map(|a| a.0.to_string()).unwrap_or_default())]));
    Ok(Some(LowBalanceForm { form, currency: stored.currency }))
}

async fn render(
    state: &AppState,
    user: &PortalUser,
    status: StatusCode,
    form: Form,
    table: Vec<Row>,
    low_balance: Option<Form>,
) -> Response {
    let telegram = match state.engine.my_telegram(&user.ctx).await {
        Ok(t) => t,
        Err(e) => return error_page(state, user, e),
    };
    let low_balance = match low_balance_form(state, user, low_balance).await {
        Ok(f) => f,
        Err(e) => return error_page(state, user, e),
    };
    match frame(state, user, "settings", PATH).await {
        Ok(frame) => {
            let page = SettingsPage {
                telegram,
                form,
                locales: &LOCALES,
                time_zones: &TIME_ZONES,
                channels: NotificationChannel::ALL.iter().map(|c| c.as_str()).collect(),
                table,
                low_balance,
            };
            state.views.render_status(status, "portal/client/settings.html", &frame, page)
        }
        Err(e) => error_page(state, user, e),
    }
}
