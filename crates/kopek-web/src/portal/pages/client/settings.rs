//! "Настройки пользователя" (ACC-5): language (the portal then speaks
//! it), time zone, the Telegram username (NTF-5) and the notification
//! table, category × channel (NTF-2); the Telegram state, the one-time
//! link and "enable support" (NTF-5, SUP-3). Every user sets its own.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kopek_domain::account::{NotificationCategory, NotificationChannel};
use kopek_engine::accounts::settings::{LOCALES, NotificationChoice, SettingsChanges, TIME_ZONES};
use kopek_engine::notifications::telegram::TelegramStatus;
use serde::Serialize;

use super::profile::refused_in_form;
use crate::AppState;
use crate::portal::form::Form;
use crate::portal::pages::error_page;
use crate::portal::pages::frame::frame;
use crate::portal::session::{FormData, PortalUser, redirect_with_notice};

const PATH: &str = "/client/settings";

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
            let form = Form::with(&[
                ("locale", s.locale.clone().unwrap_or_default()),
                ("timezone", s.timezone.clone().unwrap_or_default()),
                ("telegram", s.telegram.clone().unwrap_or_default()),
            ]);
            let on = |c: NotificationCategory, ch: NotificationChannel| {
                s.notifications.iter().any(|n| n.category == c && n.channel == ch && n.enabled)
            };
            render(&state, &user, StatusCode::OK, form, table(on)).await
        }
        Err(e) => error_page(&state, &user, e),
    }
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
            render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, form, typed).await
        }
        Err(e) => error_page(&state, &user, e),
    }
}

async fn render(state: &AppState, user: &PortalUser, status: StatusCode, form: Form, table: Vec<Row>) -> Response {
    let telegram = match state.engine.my_telegram(&user.ctx).await {
        Ok(t) => t,
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
            };
            state.views.render_status(status, "portal/client/settings.html", &frame, page)
        }
        Err(e) => error_page(state, user, e),
    }
}
