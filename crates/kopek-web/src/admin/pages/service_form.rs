//! The service form (CAT-1 … CAT-12) driven by ONE table of field
//! descriptors: the same table renders the inputs grouped by the services
//! document's tabs, turns a posted form into the JSON of a
//! `ServiceInput` (nested by the dots of each field's path) and flattens
//! an existing spec back into the form. What is allowed is the engine's
//! and the domain's business; this file only reads what was typed.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::portal::form::Form;
use crate::portal::i18n::{Catalog, Locale};
use crate::portal::session::FormData;

/// How a field is typed in and what JSON it becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// A string; empty is left out (the spec's default, or none).
    Text,
    /// A decimal such as "600.00" or "600,00".
    Decimal,
    /// A whole number within these bounds.
    Integer(i64, i64),
    Checkbox,
    /// One of these values.
    Select(&'static [&'static str]),
    /// A day, YYYY-MM-DD.
    Date,
    /// Ids separated by commas or spaces.
    IdList,
    /// Usage prices, one `kind:class = price` a line.
    Rates,
}

/// One option of the service form.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The tab it belongs to (an anchor of the form's nav).
    pub tab: &'static str,
    /// Dotted path into the `ServiceInput` JSON (`spec.` left out), also the
    /// input's name: `fee.price`, `calendar`, `valid_from`.
    pub path: &'static str,
    pub input: Input,
    /// Empty is refused with "fill in this field".
    pub required: bool,
}

const U32: Input = Input::Integer(0, u32::MAX as i64);
const I32: Input = Input::Integer(i32::MIN as i64, i32::MAX as i64);
const NON_NEGATIVE: Input = Input::Integer(0, i64::MAX);
const KINDS: &[&str] =
    &["periodic", "one_time", "discount_markup", "promised_payment", "package", "traffic", "telephony", "forsage"];

/// The tabs of the services document, in its order, then the version's day.
pub const TABS: [&str; 11] = [
    "main",
    "fee",
    "integration",
    "conditions",
    "additional",
    "lifetime",
    "accounts",
    "portal",
    "calendar",
    "package_services",
    "version",
];

const fn f(tab: &'static str, path: &'static str, input: Input) -> Field {
    Field { tab, path, input, required: false }
}

const fn req(tab: &'static str, path: &'static str, input: Input) -> Field {
    Field { tab, path, input, required: true }
}

/// Every option of `ServiceSpec`, plus "Действует с".
pub const FIELDS: &[Field] = &[
    req("main", "main.name", Input::Text),
    req("main", "main.kind", Input::Select(KINDS)),
    req("fee", "fee.price", Input::Decimal),
    f("fee", "fee.connection_cost", Input::Decimal),
    req("fee", "fee.write_off", Input::Select(&["prepay", "daily", "postpay", "hourly"])),
    f("fee", "fee.period", Input::Select(&["day", "month", "quarter", "half_year", "year"])),
    req("fee", "fee.currency", Input::Text),
    f("fee", "fee.vat_percent", Input::Decimal),
    f("fee", "fee.vat_rate", Input::Select(&["fixed", "standard"])),
    f("fee", "fee.discount_only_for_tariff_services", Input::Checkbox),
    f("fee", "fee.shift_charge_date", Input::Checkbox),
    f("fee", "fee.start_charging_after_first_session", Input::Checkbox),
    f("fee", "fee.activate_after_first_session", Input::Checkbox),
    f("fee", "fee.refund_on_disconnect", Input::Checkbox),
    f("integration", "integration.activation_params", Input::Text),
    f("integration", "integration.deactivation_params", Input::Text),
    f("integration", "integration.nas", Input::Text),
    f("integration", "integration.ip_pool", Input::Text),
    f("integration", "integration.keep_ip_on_deactivation", Input::Checkbox),
    f("integration", "integration.reset_counters_on_charge", Input::Checkbox),
    f("integration", "integration.base_package_kind", Input::Text),
    f("integration", "integration.silent", Input::Checkbox),
    f("conditions", "conditions.holiday_calendar", Input::Text),
    f("conditions", "conditions.window.months", Input::IdList),
    f("conditions", "conditions.window.weekdays", Input::IdList),
    f("conditions", "conditions.window.days_of_month", Input::IdList),
    f("conditions", "conditions.window.hours.from", Input::Text),
    f("conditions", "conditions.window.hours.to", Input::Text),
    f("conditions", "conditions.speed.in_kbps", U32),
    f("conditions", "conditions.speed.out_kbps", U32),
    f("conditions", "conditions.boost_minutes", U32),
    f("additional", "additional.no_charge_if_insufficient_and_deactivate", Input::Checkbox),
    f("additional", "additional.threshold_override", Input::Decimal),
    f("additional", "additional.charge_even_if_blocked", Input::Checkbox),
    f("additional", "additional.no_discounts", Input::Checkbox),
    f("additional", "additional.deactivate_past_limit_keep_charging", Input::Checkbox),
    f("additional", "additional.activate_only_above_threshold", Input::Checkbox),
    f("additional", "additional.charge_shift_minutes", I32),
    f("additional", "additional.payment_subject", Input::Text),
    f("additional", "additional.hidden_from_client", Input::Checkbox),
    f("additional", "additional.code_1c", Input::Text),
    f("additional", "additional.sync_1c", Input::Checkbox),
    f("additional", "additional.unit_of_measure", Input::Text),
    f("additional", "additional.roaming", Input::Checkbox),
    f("additional", "additional.usage_rates", Input::Rates),
    f("additional", "additional.roaming_rates", Input::Rates),
    f("lifetime", "lifetime.days", U32),
    f("lifetime", "lifetime.months", U32),
    f("lifetime", "lifetime.minutes", NON_NEGATIVE),
    f("lifetime", "lifetime.activations", U32),
    f("lifetime", "lifetime.total_sum", Input::Decimal),
    f("accounts", "accounts.create_on_connect", Input::Checkbox),
    f("accounts", "accounts.count", U32),
    f("accounts", "accounts.login_prefix", Input::Text),
    f("accounts", "accounts.numeric_password", Input::Checkbox),
    f("accounts", "accounts.require_account_binding", Input::Checkbox),
    f("portal", "portal.orderable", Input::Checkbox),
    f("portal", "portal.popup_text", Input::Text),
    f("portal", "portal.cancellable", Input::Checkbox),
    f("portal", "portal.cancel_after_months", U32),
    f("portal", "portal.check_funds", Input::Checkbox),
    f("portal", "portal.only_in_tariffs", Input::IdList),
    f("portal", "portal.long_renewal_lead", Input::Checkbox),
    f("calendar", "calendar", Input::Select(&["standard", "from_first_of_month", "always_whole_month"])),
    f("package_services", "package_services", Input::IdList),
    f("version", "valid_from", Input::Date),
];

/// The fields whose JSON is one object: all of them are needed once one
/// is given (the shaper's speeds, the activity window's hours).
const TOGETHER: &[&str] = &["conditions.speed.", "conditions.window.hours."];

/// The catalog key of a field's label: `cat-f-fee-price`.
pub fn label_key(path: &str) -> String {
    format!("cat-f-{}", path.replace(['.', '_'], "-"))
}

/// The catalog key of a select's option: `cat-o-fee-period-half-year`.
pub fn option_key(path: &str, value: &str) -> String {
    format!("cat-o-{}-{}", path.replace(['.', '_'], "-"), value.replace('_', "-"))
}

/// The `ServiceInput` JSON of a posted form; what can't be read is an
/// error next to its field in `form`.
pub fn read(data: &FormData, form: &mut Form, catalog: &Catalog, locale: Locale) -> Value {
    let mut root = Map::new();
    let err = |key: &str| catalog.text(locale, key, &[]);
    for field in FIELDS {
        let raw = data.text(field.path);
        let value = match field.input {
            Input::Checkbox => Some(Value::Bool(data.checked(field.path))),
            _ if raw.is_empty() => {
                let sibling_given = TOGETHER.iter().any(|prefix| {
                    field.path.starts_with(prefix)
                        && FIELDS.iter().any(|o| o.path.starts_with(prefix) && !data.text(o.path).is_empty())
                });
                if field.required || sibling_given {
                    form.error(field.path, err("error-required"));
                }
                None
            }
            Input::Text => Some(Value::String(raw)),
            Input::Decimal => match decimal(&raw) {
                Some(d) => Some(Value::String(d.to_string())),
                None => {
                    form.error(field.path, err("cat-error-not-a-number"));
                    None
                }
            },
            Input::Integer(min, max) => match raw.parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Some(Value::from(n)),
                Ok(_) => {
                    form.error(field.path, err("cat-error-out-of-range"));
                    None
                }
                Err(_) => {
                    form.error(field.path, err("cat-error-not-an-integer"));
                    None
                }
            },
            Input::Select(options) => {
                if options.contains(&raw.as_str()) {
                    Some(Value::String(raw))
                } else {
                    form.error(field.path, err("error-choose"));
                    None
                }
            }
            Input::Date => match chrono::NaiveDate::parse_from_str(&raw, "%Y-%m-%d") {
                Ok(d) => Some(Value::String(d.to_string())),
                Err(_) => {
                    form.error(field.path, err("error-not-a-date"));
                    None
                }
            },
            Input::IdList => {
                let ids: Result<Vec<i64>, _> =
                    raw.split([',', ' ', ';', '\n']).filter(|s| !s.trim().is_empty()).map(|s| s.trim().parse::<i64>()).collect();
                match ids {
                    Ok(ids) if ids.iter().all(|id| *id > 0) => Some(Value::from(ids)),
                    _ => {
                        form.error(field.path, err("cat-error-id-list"));
                        None
                    }
                }
            }
            Input::Rates => match rates(&raw) {
                Some(map) => Some(Value::Object(map)),
                None => {
                    form.error(field.path, err("cat-error-rates"));
                    None
                }
            },
        };
        if let Some(value) = value {
            put(&mut root, field.path, value);
        }
    }
    let valid_from = root.remove("valid_from");
    let mut input = Map::new();
    input.insert("spec".into(), Value::Object(root));
    if let Some(day) = valid_from {
        input.insert("valid_from".into(), day);
    }
    Value::Object(input)
}

fn decimal(raw: &str) -> Option<Decimal> {
    Decimal::from_str(&raw.replace([' ', '\u{a0}'], "").replace(',', ".")).ok()
}

/// `traffic_in: = 1.50` lines into `{"traffic_in:": "1.50"}`.
fn rates(raw: &str) -> Option<Map<String, Value>> {
    let mut map = Map::new();
    for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (key, price) = line.rsplit_once('=')?;
        let key = key.trim();
        if key.is_empty() || !key.contains(':') {
            return None;
        }
        map.insert(key.to_string(), Value::String(decimal(price.trim())?.to_string()));
    }
    Some(map)
}

fn put(root: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            root.insert(path.to_string(), value);
        }
        Some((head, rest)) => {
            let child = root.entry(head.to_string()).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(child) = child {
                put(child, rest, value);
            }
        }
    }
}

/// The form's values for an existing spec (its JSON) and version day.
pub fn flatten(spec: &Value, valid_from: Option<&str>) -> Form {
    let mut form = Form::default();
    for field in FIELDS {
        let found = if field.path == "valid_from" {
            valid_from.map(|d| Value::String(d.to_string()))
        } else {
            field.path.split('.').try_fold(spec, |v, key| v.get(key)).cloned()
        };
        let text = match (field.input, found) {
            (_, None | Some(Value::Null)) => continue,
            (Input::Checkbox, Some(Value::Bool(on))) => {
                if !on {
                    continue;
                }
                "on".to_string()
            }
            (Input::IdList, Some(Value::Array(ids))) => ids.iter().map(Value::to_string).collect::<Vec<_>>().join(", "),
            (Input::Rates, Some(Value::Object(map))) => {
                map.iter().map(|(k, v)| format!("{k} = {}", plain(v))).collect::<Vec<_>>().join("\n")
            }
            (_, Some(v)) => plain(&v),
        };
        form.values.insert(field.path.to_string(), text);
    }
    form
}

/// A JSON scalar as typed in a form: strings without quotes.
pub fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A new service's starting values.
pub fn blank(today: chrono::NaiveDate) -> Form {
    Form::with(&[
        ("main.kind", "periodic".into()),
        ("fee.write_off", "prepay".into()),
        ("fee.period", "month".into()),
        ("fee.currency", "RUB".into()),
        ("fee.vat_rate", "fixed".into()),
        ("calendar", "standard".into()),
        ("valid_from", today.to_string()),
    ])
}

/// One input as the template draws it.
#[derive(Debug, Serialize)]
pub struct FieldView {
    pub name: &'static str,
    pub label: String,
    /// text, decimal, integer, checkbox, select, date, ids or rates.
    pub kind: &'static str,
    pub options: Vec<(String, String)>,
    pub value: String,
    pub error: String,
}

#[derive(Debug, Serialize)]
pub struct TabView {
    pub id: &'static str,
    pub title: String,
    /// A refusal about the whole tab (a lifetime in a tariff).
    pub error: String,
    pub fields: Vec<FieldView>,
}

/// The form's tabs with their inputs, values and errors.
pub fn tabs(form: &Form, catalog: &Catalog, locale: Locale) -> Vec<TabView> {
    let t = |key: &str| catalog.text(locale, key, &[]);
    TABS.into_iter()
        .map(|tab| TabView {
            id: tab,
            title: t(&format!("cat-tab-{}", tab.replace('_', "-"))),
            error: if FIELDS.iter().any(|f| f.path == tab) {
                String::new()
            } else {
                form.errors.get(tab).cloned().unwrap_or_default()
            },
            fields: FIELDS
                .iter()
                .filter(|f| f.tab == tab)
                .map(|f| FieldView {
                    name: f.path,
                    label: t(&label_key(f.path)),
                    kind: match f.input {
                        Input::Text => "text",
                        Input::Decimal => "decimal",
                        Input::Integer(..) => "integer",
                        Input::Checkbox => "checkbox",
                        Input::Select(_) => "select",
                        Input::Date => "date",
                        Input::IdList => "ids",
                        Input::Rates => "rates",
                    },
                    options: match f.input {
                        Input::Select(values) => values.iter().map(|v| (v.to_string(), t(&option_key(f.path, v)))).collect(),
                        _ => Vec::new(),
                    },
                    value: form.values.get(f.path).cloned().unwrap_or_default(),
                    error: form.errors.get(f.path).cloned().unwrap_or_default(),
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(fields: &[(&str, &str)]) -> FormData {
        FormData { fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), files: Vec::new() }
    }

    #[test]
    fn a_posted_form_nests_by_the_dots_and_flattens_back() {
        let catalog = Catalog::load();
        let posted = data(&[
            ("main.name", "Интернет 100"),
            ("main.kind", "periodic"),
            ("fee.price", "600,50"),
            ("fee.write_off", "daily"),
            ("fee.period", "month"),
            ("fee.currency", "RUB"),
            ("fee.shift_charge_date", "on"),
            ("additional.threshold_override", "-100"),
            ("additional.usage_rates", "traffic_in: = 1,5\ntraffic_out:local = 0"),
            ("lifetime.days", "30"),
            ("conditions.window.weekdays", "1, 2, 3, 4, 5"),
            ("conditions.window.hours.from", "22:00"),
            ("conditions.window.hours.to", "06:00"),
            ("portal.only_in_tariffs", "3, 4"),
            ("calendar", "standard"),
            ("valid_from", "2026-12-01"),
        ]);
        let mut form = Form::default();
        let json = read(&posted, &mut form, &catalog, Locale::Ru);
        assert!(form.is_ok(), "{:?}", form.errors);
        let input: kopek_engine::catalog::services::ServiceInput = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(input.valid_from, chrono::NaiveDate::from_ymd_opt(2026, 12, 1));
        assert_eq!(input.spec.fee.price.to_string(), "600.50");
        assert!(input.spec.fee.shift_charge_date && !input.spec.integration.silent);
        assert_eq!(input.spec.additional.threshold_override.map(|d| d.to_string()).as_deref(), Some("-100"));
        assert_eq!(input.spec.lifetime.days, Some(30));
        assert_eq!(input.spec.integration.nas, None, "empty is none");
        assert_eq!(input.spec.portal.only_in_tariffs, vec![3, 4]);
        let window = input.spec.conditions.window.clone().expect("a window");
        assert_eq!((window.weekdays, window.months), (vec![1, 2, 3, 4, 5], vec![]));
        assert_eq!(window.hours.map(|h| (h.from, h.to)), Some(("22:00".into(), "06:00".into())));
        let back = flatten(&serde_json::to_value(&input.spec).unwrap(), Some("2026-12-01"));
        assert_eq!(back.values["fee.price"], "600.50");
        assert_eq!(back.values["fee.shift_charge_date"], "on");
        assert!(!back.values.contains_key("integration.silent"));
        assert_eq!(back.values["additional.usage_rates"], "traffic_in: = 1.5\ntraffic_out:local = 0");
        assert_eq!(back.values["portal.only_in_tariffs"], "3, 4");
        assert_eq!(back.values["conditions.window.weekdays"], "1, 2, 3, 4, 5");
        assert_eq!(back.values["conditions.window.hours.to"], "06:00");
        assert_eq!(back.values.get("conditions.window.months").map_or("", String::as_str), "", "an empty list is any month");
        assert_eq!(back.values["valid_from"], "2026-12-01");
    }

    #[test]
    fn what_cannot_be_read_is_an_error_next_to_its_field() {
        let catalog = Catalog::load();
        let posted = data(&[
            ("main.name", ""),
            ("main.kind", "system"),
            ("fee.price", "шестьсот"),
            ("lifetime.days", "-1"),
            ("accounts.count", "x"),
            ("conditions.speed.in_kbps", "1024"),
            ("conditions.window.hours.from", "01:00"),
            ("valid_from", "01.12.2026"),
        ]);
        let mut form = Form::default();
        read(&posted, &mut form, &catalog, Locale::En);
        let errors: Vec<&str> = form.errors.keys().map(String::as_str).collect();
        assert_eq!(
            errors,
            [
                "accounts.count",
                "conditions.speed.out_kbps",
                "conditions.window.hours.to",
                "fee.currency",
                "fee.price",
                "fee.write_off",
                "lifetime.days",
                "main.kind",
                "main.name",
                "valid_from"
            ]
        );
        assert_eq!(form.errors["fee.price"], "Enter a number, e.g. 600.00");
    }

    #[test]
    fn every_field_and_option_has_words_in_both_languages() {
        let catalog = Catalog::load();
        for locale in Locale::ALL {
            for field in FIELDS {
                assert!(catalog.try_text(locale, &label_key(field.path), &[]).is_some(), "{locale:?} {}", field.path);
                if let Input::Select(values) = field.input {
                    for v in values {
                        assert!(catalog.try_text(locale, &option_key(field.path, v), &[]).is_some(), "{locale:?} {v}");
                    }
                }
            }
            for tab in TABS {
                assert!(catalog.try_text(locale, &format!("cat-tab-{}", tab.replace('_', "-")), &[]).is_some());
            }
        }
    }
}
