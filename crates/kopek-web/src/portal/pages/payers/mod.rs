//! "Клиент — Плательщики" (PAY-1 … PAY-4) and "Клиент — Способы оплаты"
//! (PMT-6): the payers list, the create wizard, edit, delete and merge, and
//! the saved payment methods. One file per screen; the payer form's fields
//! are read and written back here, once for the wizard and the edit page.

mod edit;
mod list;
mod merge;
mod methods;
mod reconciliation;
mod wizard;

use axum::Router;
use axum::routing::get;
use chrono::NaiveDate;
use kopek_domain::payer::{Address, DocumentDelivery, PayerDetails, PayerKind};
use kopek_engine::EngineError;
use serde::Serialize;

use crate::AppState;
use crate::portal::form::Form;
use crate::portal::i18n::{Catalog, Locale};
use crate::portal::session::FormData;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/client/payers", get(list::show))
        .route("/client/payers/new", get(wizard::step).post(wizard::create))
        .route("/client/payers/merge", get(merge::choose).post(merge::confirm))
        .route("/client/payers/merge/preview", get(merge::preview))
        .route("/client/payers/{id}/edit", get(edit::show).post(edit::save))
        .route("/client/payers/{id}/delete", get(list::confirm_delete).post(list::delete))
        .route("/client/payers/{id}/reconciliation", get(reconciliation::reconciliation))
        .route("/client/payment-methods", get(methods::show))
        .route("/client/payment-methods/{id}/rename", get(methods::rename_form).post(methods::rename))
        .route("/client/payment-methods/{id}/delete", get(methods::confirm_delete).post(methods::delete))
}

/// The countries the wizard offers first ("Страна"), as ISO codes; their
/// names come from the catalog.
pub(crate) const COUNTRIES: &[&str] = &["RU", "BY", "KZ", "AM", "KG", "UZ", "DE", "GB", "US", "CN"];

/// "Получать документы", in the form's order.
const DELIVERIES: [(DocumentDelivery, &str); 3] =
    [(DocumentDelivery::Portal, "portal"), (DocumentDelivery::Post, "post"), (DocumentDelivery::Email, "email")];

/// The checkbox "Совпадает с юридическим адресом".
const SAME_ADDRESS: &str = "actual_same";

/// The plain text fields of a payer, by their form names; the dated and
/// the address fields are read apart.
const TEXTS: &[&str] = &[
    "contact_person",
    "phone",
    "fax",
    "email",
    "inn",
    "kpp",
    "ogrn",
    "bank_name",
    "bik",
    "settlement_account",
    "correspondent_account",
    "iban",
    "swift",
    "accounting_settings",
    "director_name",
    "director_position",
    "director_name_genitive",
    "director_position_genitive",
    "director_name_dative",
    "director_position_dative",
    "acting_on_basis",
    "passport_series_number",
    "passport_issued_by",
    "registration_city",
    "registration_address",
];

const DATES: &[&str] = &["passport_issue_date", "birth_date"];
const ADDRESS_PARTS: [&str; 3] = ["postcode", "city", "address"];

/// The payer form as a page shows it: the kind's fields, what was typed,
/// and the messages next to the fields.
#[derive(Serialize)]
pub(crate) struct PayerForm {
    pub kind: &'static str,
    pub country: String,
    /// The kind's fields (serde names); the template shows only these.
    pub fields: &'static [&'static str],
    pub form: Form,
    /// The ticked "Получать документы" boxes.
    pub delivery: Vec<&'static str>,
    pub actual_same: bool,
}

fn text_of(data: &FormData, name: &str) -> Option<String> {
    Some(data.text(name)).filter(|s| !s.is_empty())
}

/// A date as the guide writes it ("01.12.2000") or as a date input sends
/// it ("2000-12-01").
fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(s, "%d.%m.%Y")).ok()
}

impl PayerForm {
    /// Reads the submitted fields of `kind`; an unreadable date is marked
    /// next to its field. Fields of other kinds are not read, so a form
    /// switched between kinds sends the engine only what this kind keeps.
    pub fn read(
        data: &FormData,
        kind: PayerKind,
        country: String,
        catalog: &Catalog,
        locale: Locale,
    ) -> (PayerForm, PayerDetails) {
        let fields = kind.fields();
        let mut form = Form::from_data(data);
        let uses = |f: &str| fields.contains(&f);
        let mut d = PayerDetails { country: country.clone(), name: data.text("name"), ..PayerDetails::default() };
        for name in TEXTS.iter().filter(|f| uses(f)) {
            *text_slot(&mut d, name) = text_of(data, name);
        }
        for name in DATES.iter().filter(|f| uses(f)) {
            let raw = data.text(name);
            let day = if raw.is_empty() { None } else { parse_date(&raw) };
            if !raw.is_empty() && day.is_none() {
                form.error(name, catalog.text(locale, "payers-error-date", &[]));
            }
            *date_slot(&mut d, name) = day;
        }
        let delivery: Vec<&'static str> =
            DELIVERIES.iter().filter(|(_, v)| data.all("document_delivery").iter().any(|x| x == v)).map(|(_, v)| *v).collect();
        if uses("document_delivery") {
            d.document_delivery = DELIVERIES.iter().filter(|(_, v)| delivery.contains(v)).map(|(k, _)| *k).collect();
        }
        let actual_same = data.checked(SAME_ADDRESS);
        if uses("legal_address") {
            d.legal_address = Some(address(data, "legal_address"));
            d.actual_address = if actual_same { None } else { Some(address(data, "actual_address")) };
        }
        let page = PayerForm { kind: kind.as_str(), country, fields, form, delivery, actual_same };
        (page, d)
    }

    /// The form of a stored payer, for the edit page.
    pub fn of(kind: PayerKind, d: &PayerDetails) -> PayerForm {
        let mut values = vec![("name", d.name.clone())];
        let mut d = d.clone();
        for name in TEXTS {
            if let Some(v) = text_slot(&mut d, name).clone() {
                values.push((*name, v));
            }
        }
        for name in DATES {
            if let Some(v) = *date_slot(&mut d, name) {
                values.push((*name, v.format("%Y-%m-%d").to_string()));
            }
        }
        let mut form = Form::with(&values);
        for (prefix, a) in [("legal_address", &d.legal_address), ("actual_address", &d.actual_address)] {
            if let Some(a) = a {
                for (part, v) in ADDRESS_PARTS.iter().zip([&a.postcode, &a.city, &a.address]) {
                    if let Some(v) = v {
                        form.values.insert(format!("{prefix}.{part}"), v.clone());
                    }
                }
            }
        }
        let delivery = DELIVERIES.iter().filter(|(k, _)| d.document_delivery.contains(k)).map(|(_, v)| *v).collect();
        PayerForm {
            kind: kind.as_str(),
            country: d.country.clone(),
            fields: kind.fields(),
            form,
            delivery,
            actual_same: d.actual_address.is_none(),
        }
    }

    /// Places the engine's refusal next to its field, in the user's words.
    pub fn refusal(&mut self, e: &EngineError, catalog: &Catalog, locale: Locale) {
        refusal(&mut self.form, e, &[("kind", self.kind.replace('_', "-"))], catalog, locale);
    }
}

fn address(data: &FormData, prefix: &str) -> Address {
    let part = |p: &str| text_of(data, &format!("{prefix}.{p}"));
    Address { country: None, postcode: part("postcode"), city: part("city"), address: part("address") }
}

fn text_slot<'a>(d: &'a mut PayerDetails, name: &str) -> &'a mut Option<String> {
    match name {
        "contact_person" => &mut d.contact_person,
        "phone" => &mut d.phone,
        "fax" => &mut d.fax,
        "email" => &mut d.email,
        "inn" => &mut d.inn,
        "kpp" => &mut d.kpp,
        "ogrn" => &mut d.ogrn,
        "bank_name" => &mut d.bank_name,
        "bik" => &mut d.bik,
        "settlement_account" => &mut d.settlement_account,
        "correspondent_account" => &mut d.correspondent_account,
        "iban" => &mut d.iban,
        "swift" => &mut d.swift,
        "accounting_settings" => &mut d.accounting_settings,
        "director_name" => &mut d.director_name,
        "director_position" => &mut d.director_position,
        "director_name_genitive" => &mut d.director_name_genitive,
        "director_position_genitive" => &mut d.director_position_genitive,
        "director_name_dative" => &mut d.director_name_dative,
        "director_position_dative" => &mut d.director_position_dative,
        "acting_on_basis" => &mut d.acting_on_basis,
        "passport_series_number" => &mut d.passport_series_number,
        "passport_issued_by" => &mut d.passport_issued_by,
        "registration_city" => &mut d.registration_city,
        "registration_address" => &mut d.registration_address,
        other => unreachable!("{other} is not in TEXTS"),
    }
}

fn date_slot<'a>(d: &'a mut PayerDetails, name: &str) -> &'a mut Option<NaiveDate> {
    match name {
        "passport_issue_date" => &mut d.passport_issue_date,
        "birth_date" => &mut d.birth_date,
        other => unreachable!("{other} is not in DATES"),
    }
}

/// The engine's refusal in the section's words: `payers-error-<code>-<field>`
/// then `payers-error-<code>`, else the portal's shared `error-…` keys.
/// The section keeps its own keys because a payer's "name" or "email" means
/// something other than a user's, and shared keys would collide.
pub(crate) fn refusal(form: &mut Form, e: &EngineError, args: &[(&str, String)], catalog: &Catalog, locale: Locale) {
    let code = e.code().replace('_', "-");
    let own = e
        .field()
        .and_then(|f| catalog.try_text(locale, &format!("payers-error-{code}-{}", f.replace(['_', '.'], "-")), args))
        .or_else(|| catalog.try_text(locale, &format!("payers-error-{code}"), args));
    match (own, e.field()) {
        (Some(text), Some(f)) => form.error(f, text),
        (Some(text), None) => form.general = Some(text),
        (None, _) => form.refusal(e, None, catalog, locale),
    }
}

/// A refusal that is no form's to show: another client's id, a missing
/// right, our failure. Those get the problem page.
pub(crate) fn page_error(e: &EngineError) -> bool {
    e.is_internal() || matches!(e, EngineError::NotFound { .. } | EngineError::Forbidden { .. })
}

/// The kinds' codes, in the guide's order ("Статус плательщика").
pub(crate) fn kinds() -> Vec<&'static str> {
    PayerKind::ALL.iter().map(|k| k.as_str()).collect()
}
