//! Pages are minijinja templates embedded in the binary; a provider brands
//! the portal by putting a file of the same name in its templates
//! directory (`KOPEK_TEMPLATES_DIR`), which wins over the embedded one, one
//! file at a time. Templates only lay data out: every figure and decision
//! comes from the engine, and texts come from the catalog through `t()`.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use minijinja::value::{Kwargs, Serde, Value};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State};
use rust_decimal::Decimal;
use serde::Serialize;

use super::embedded::TEMPLATES;
use super::i18n::{self, Catalog, Locale};

/// The templates and texts of the portal.
#[derive(Clone)]
pub struct Views {
    env: Arc<Environment<'static>>,
    pub catalog: Arc<Catalog>,
}

/// What every page shows besides its own content: who is logged in, the
/// language, the form token, the menu item, a notice after a form.
#[derive(Debug, Clone, Serialize)]
pub struct Frame {
    pub locale: Locale,
    pub csrf: String,
    /// The menu item to mark.
    pub nav: &'static str,
    pub me: Option<Me>,
    /// A one-line notice from the last action ("Сохранено").
    pub notice: Option<String>,
    /// The path of this page, for the language switcher to come back to.
    pub path: String,
    /// OPS-1: the time Kopek reads while a test clock has moved it away
    /// from real time, so nobody mistakes a rehearsal for the real month.
    pub test_time: Option<String>,
}

/// What a page's frame gives the renderer besides itself: the language
/// the page is written in. The portal's [`Frame`] and the staff panel's
/// frame both render through [`Views`].
pub trait PageFrame: Serialize {
    fn locale(&self) -> Locale;
}

impl PageFrame for Frame {
    fn locale(&self) -> Locale {
        self.locale
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Me {
    pub email: String,
    pub client_id: i64,
    pub client_code: String,
    pub client_name: String,
    /// ACC-3: the functions the menu shows ("finance", "orders"…).
    pub rights: Vec<String>,
    /// OPS-5: the staff member working in this session ("log in as").
    pub acting_staff: Option<String>,
}

fn safe_name(name: &str) -> Option<PathBuf> {
    let path = Path::new(name);
    path.components().all(|c| matches!(c, Component::Normal(_))).then(|| path.to_path_buf())
}

impl Views {
    /// `overrides`: the provider's templates directory, if any.
    pub fn new(overrides: Option<PathBuf>, offset: FixedOffset) -> Views {
        let catalog = Arc::new(Catalog::load());
        let mut env = Environment::new();
        env.set_loader(move |name| {
            if let (Some(dir), Some(rel)) = (&overrides, safe_name(name)) {
                match std::fs::read_to_string(dir.join(rel)) {
                    Ok(text) => return Ok(Some(text)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(Error::new(ErrorKind::InvalidOperation, format!("template {name} can't be read: {e}")));
                    }
                }
            }
            Ok(TEMPLATES.iter().find(|(n, _)| *n == name).map(|(_, text)| text.to_string()))
        });
        env.set_auto_escape_callback(|name| if name.ends_with(".html") { AutoEscape::Html } else { AutoEscape::None });
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        let texts = catalog.clone();
        env.add_function("t", move |state: &State, key: &str, kwargs: Kwargs| -> Result<String, Error> {
            let args: Vec<(String, String)> =
                kwargs.args().map(|k| Ok((k.to_string(), kwargs.get::<Value>(k)?.to_string()))).collect::<Result<_, Error>>()?;
            kwargs.assert_all_used()?;
            let args: Vec<(&str, String)> = args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            Ok(texts.text(locale_of(state), key, &args))
        });
        env.add_filter("money", |state: &State, amount: Value, currency: &str| -> Result<String, Error> {
            Ok(i18n::money(decimal(&amount)?, currency, locale_of(state)))
        });
        env.add_filter("num", |state: &State, amount: Value| -> Result<String, Error> {
            Ok(i18n::number(decimal(&amount)?, locale_of(state)))
        });
        env.add_filter("date", |state: &State, day: &str| -> Result<String, Error> {
            let d = NaiveDate::parse_from_str(&day[..day.len().min(10)], "%Y-%m-%d")
                .map_err(|e| Error::new(ErrorKind::InvalidOperation, format!("{day} is not a date: {e}")))?;
            Ok(i18n::date(d, locale_of(state)))
        });
        env.add_filter("datetime", move |state: &State, at: &str| -> Result<String, Error> {
            let t = DateTime::parse_from_rfc3339(at)
                .map_err(|e| Error::new(ErrorKind::InvalidOperation, format!("{at} is not a time: {e}")))?
                .with_timezone(&Utc);
            Ok(i18n::datetime(t, offset, locale_of(state)))
        });
        Views { env: Arc::new(env), catalog }
    }

    /// Renders `template` with the frame and the page's own data (`page`
    /// in the template).
    pub fn render(&self, template: &str, frame: &impl PageFrame, page: impl Serialize) -> Response {
        self.render_status(StatusCode::OK, template, frame, page)
    }

    pub fn render_status(&self, status: StatusCode, template: &str, frame: &impl PageFrame, page: impl Serialize) -> Response {
        let ctx = minijinja::context! {
            locale => frame.locale().code(),
            frame => Value::from(Serde(frame)),
            page => Value::from(Serde(&page)),
        };
        match self.env.get_template(template).and_then(|t| t.render(ctx)) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                let mut chain = e.to_string();
                let mut next = std::error::Error::source(&e);
                while let Some(cause) = next {
                    chain.push_str(": ");
                    chain.push_str(&cause.to_string());
                    next = cause.source();
                }
                tracing::error!(template, error = %chain, "page failed to render");
                (StatusCode::INTERNAL_SERVER_ERROR, Html(self.catalog.text(frame.locale(), "error-page-broken", &[])))
                    .into_response()
            }
        }
    }
}

fn locale_of(state: &State) -> Locale {
    state.lookup("locale").and_then(|v| v.as_str().and_then(Locale::parse)).unwrap_or(Locale::Ru)
}

/// Amounts reach templates as the API writes them: decimal strings.
fn decimal(v: &Value) -> Result<Decimal, Error> {
    let text = v.to_string();
    text.parse().map_err(|_| Error::new(ErrorKind::InvalidOperation, format!("{text} is not an amount")))
}
