//! A form shown again after a refusal: what was typed (never a password),
//! and each message next to its field in the user's language. A message
//! comes from the catalog by the error's code (`error-<code>`, or
//! `error-<code>-<field>` when a field needs its own words); the engine's
//! English message is the fallback, so no refusal is ever silent.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use kopek_engine::EngineError;
use kopek_engine::core::amount::Amount;
use rust_decimal::Decimal;
use serde::Serialize;

use super::i18n::{Catalog, Locale};
use super::session::{CSRF_FIELD, FormData};

#[derive(Debug, Clone, Default, Serialize)]
pub struct Form {
    pub values: BTreeMap<String, String>,
    pub errors: BTreeMap<String, String>,
    /// A refusal that belongs to no one field.
    pub general: Option<String>,
}

/// Fields never shown back, whatever was typed.
const SECRET: [&str; 5] = ["password", "new_password", "current_password", "repeat_password", "code"];

impl Form {
    /// An empty form with these starting values.
    pub fn with(values: &[(&str, String)]) -> Form {
        Form { values: values.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(), ..Form::default() }
    }

    pub fn from_data(data: &FormData) -> Form {
        let values = data
            .fields
            .iter()
            .filter(|(n, _)| n != CSRF_FIELD && !SECRET.contains(&n.as_str()))
            .map(|(n, v)| (n.clone(), v.clone()))
            .collect();
        Form { values, ..Form::default() }
    }

    pub fn is_ok(&self) -> bool {
        self.errors.is_empty() && self.general.is_none()
    }

    pub fn error(&mut self, field: &str, message: String) {
        self.errors.entry(field.to_string()).or_insert(message);
    }

    /// A field that must be filled in.
    pub fn required(&mut self, data: &FormData, field: &str, catalog: &Catalog, locale: Locale) -> String {
        let value = data.text(field);
        if value.is_empty() {
            self.error(field, catalog.text(locale, "error-required", &[]));
        }
        value
    }

    /// An amount such as "250.00" or "250,00" (the comma Russian keyboards
    /// type); empty or unreadable is an error next to the field.
    pub fn amount(&mut self, data: &FormData, field: &str, catalog: &Catalog, locale: Locale) -> Option<Amount> {
        let raw = data.text(field).replace([' ', '\u{a0}'], "").replace(',', ".");
        if raw.is_empty() {
            self.error(field, catalog.text(locale, "error-required", &[]));
            return None;
        }
        match raw.parse::<Decimal>() {
            Ok(d) => Some(Amount(d)),
            Err(_) => {
                self.error(field, catalog.text(locale, "error-not-an-amount", &[]));
                None
            }
        }
    }

    /// A day such as "2026-12-01", as a date field sends it.
    pub fn date(&mut self, data: &FormData, field: &str, catalog: &Catalog, locale: Locale) -> Option<NaiveDate> {
        match data.text(field) {
            raw if raw.is_empty() => {
                self.error(field, catalog.text(locale, "error-required", &[]));
                None
            }
            raw => raw.parse().map_err(|_| self.error(field, catalog.text(locale, "error-not-a-date", &[]))).ok(),
        }
    }

    /// An amount that may be left empty (no limit, no commission); what is
    /// typed must read as one.
    pub fn optional_amount(&mut self, data: &FormData, field: &str, catalog: &Catalog, locale: Locale) -> Option<Amount> {
        if data.text(field).is_empty() {
            return None;
        }
        self.amount(data, field, catalog, locale)
    }

    /// A whole number from a select or a number field.
    pub fn id(&mut self, data: &FormData, field: &str, catalog: &Catalog, locale: Locale) -> Option<i64> {
        match data.text(field).parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                self.error(field, catalog.text(locale, "error-choose", &[]));
                None
            }
        }
    }

    /// Places the engine's refusal: next to the field it names, else next
    /// to `fallback` (the field the use case read it from), else above the
    /// form.
    pub fn refusal(&mut self, e: &EngineError, fallback: Option<&str>, catalog: &Catalog, locale: Locale) {
        let field = e.field().or(fallback);
        let text = message(e, field, catalog, locale);
        match field {
            Some(f) => self.error(f, text),
            None => self.general = Some(text),
        }
    }
}

/// The user's words for an engine refusal.
pub fn message(e: &EngineError, field: Option<&str>, catalog: &Catalog, locale: Locale) -> String {
    if e.is_internal() {
        return catalog.text(locale, "error-internal", &[]);
    }
    let code = e.code().replace('_', "-");
    field
        .and_then(|f| catalog.try_text(locale, &format!("error-{code}-{}", f.replace('_', "-")), &[]))
        .or_else(|| catalog.try_text(locale, &format!("error-{code}"), &[("detail", e.to_string())]))
        .unwrap_or_else(|| e.to_string())
}
