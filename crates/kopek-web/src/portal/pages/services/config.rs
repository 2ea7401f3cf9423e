//! Reading a product's configuration from a form (the order form, a cart
//! item's edit, a service's add-ons) and placing the engine's refusals
//! next to the field they are about.

use std::collections::BTreeMap;

use kopek_domain::product::ProductSpec;
use kopek_domain::product::quote::OrderConfig;
use kopek_engine::EngineError;

use crate::portal::form::{Form, message};
use crate::portal::i18n::{Catalog, Locale};
use crate::portal::session::FormData;

/// The form field of an add-on's value.
pub fn addon_field(code: &str) -> String {
    format!("addon-{code}")
}

/// The add-on values typed; one left empty keeps its default (or, for a
/// service, its current value). A value that is not a whole number is an
/// error next to its field.
pub fn read_addons(
    data: &FormData,
    spec: &ProductSpec,
    form: &mut Form,
    catalog: &Catalog,
    locale: Locale,
) -> BTreeMap<String, u32> {
    let mut addons = BTreeMap::new();
    for a in &spec.addons {
        let field = addon_field(&a.code);
        let raw = data.text(&field);
        if raw.is_empty() {
            continue;
        }
        match raw.parse::<u32>() {
            Ok(v) => {
                addons.insert(a.code.clone(), v);
            }
            Err(_) => form.error(&field, catalog.text(locale, "services-error-whole-number", &[])),
        }
    }
    addons
}

/// The order form's configuration: period, add-ons, domain name.
pub fn read_config(data: &FormData, spec: &ProductSpec, form: &mut Form, catalog: &Catalog, locale: Locale) -> OrderConfig {
    let months = match data.text("months").parse::<u32>() {
        Ok(m) => m,
        Err(_) => {
            form.error("months", catalog.text(locale, "error-choose", &[]));
            0
        }
    };
    let addons = read_addons(data, spec, form, catalog, locale);
    let domain = Some(data.text("domain")).filter(|d| !d.is_empty());
    OrderConfig { months, addons, domain }
}

/// The promo code typed, if any.
pub fn promo_code(data: &FormData) -> Option<String> {
    Some(data.text("promo_code")).filter(|c| !c.is_empty())
}

/// Places an engine refusal of a configuration: an add-on's limits next to
/// the add-on the product does not allow at that value, a promo code's next
/// to `promo_field`, others next to the field they name or above the form.
pub fn place_refusal(
    form: &mut Form,
    err: &EngineError,
    spec: &ProductSpec,
    addons: &BTreeMap<String, u32>,
    promo_field: &str,
    catalog: &Catalog,
    locale: Locale,
) {
    if err.field() == Some("addons") {
        let outside = spec.addons.iter().find(|a| addons.get(&a.code).is_some_and(|v| !a.allows(*v)));
        if let Some(a) = outside {
            let text = catalog.text(locale, "services-error-addon-limit", &[("limit", a.limit())]);
            form.error(&addon_field(&a.code), text);
            return;
        }
    }
    let fallback = err.code().starts_with("promo_").then_some(promo_field);
    refuse(form, err, fallback, catalog, locale);
}

/// The words for a refusal of this section: its own
/// (`services-error-<code>[-<field>]`) before the portal's.
pub fn refusal_text(err: &EngineError, field: Option<&str>, catalog: &Catalog, locale: Locale) -> String {
    let code = err.code().replace('_', "-");
    field
        .and_then(|f| catalog.try_text(locale, &format!("services-error-{code}-{}", f.replace('_', "-")), &[]))
        .or_else(|| catalog.try_text(locale, &format!("services-error-{code}"), &[]))
        .unwrap_or_else(|| message(err, field, catalog, locale))
}

/// [`Form::refusal`] in this section's words.
pub fn refuse(form: &mut Form, err: &EngineError, fallback: Option<&str>, catalog: &Catalog, locale: Locale) {
    let field = err.field().or(fallback);
    let text = refusal_text(err, field, catalog, locale);
    match field {
        Some(f) => form.error(f, text),
        None => form.general = Some(text),
    }
}
