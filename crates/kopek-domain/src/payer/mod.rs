//! Payers (PAY-1 … PAY-5): the legal person named on every payment,
//! invoice, act and contract. The fields are the client guide's forms for
//! each kind ("Плательщики"); the country is chosen first because it decides
//! which identifiers are checked.

pub mod ids;
pub mod rules;
mod validate;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// "Статус плательщика".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PayerKind {
    Individual,
    LegalEntity,
    SoleProprietor,
}

impl PayerKind {
    pub const ALL: &'static [PayerKind] = &[PayerKind::Individual, PayerKind::LegalEntity, PayerKind::SoleProprietor];

    pub fn as_str(self) -> &'static str {
        match self {
            PayerKind::Individual => "individual",
            PayerKind::LegalEntity => "legal_entity",
            PayerKind::SoleProprietor => "sole_proprietor",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        PayerKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// The guide's wording, for the portal and the documents.
    pub fn title_ru(self) -> &'static str {
        match self {
            PayerKind::Individual => "Физическое лицо",
            PayerKind::LegalEntity => "Юридическое лицо",
            PayerKind::SoleProprietor => "Индивидуальный предприниматель",
        }
    }

    /// The fields of this kind's form, by their serde names. A field outside
    /// the list is refused rather than ignored, so nothing the client typed
    /// silently fails to reach the documents.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            PayerKind::Individual => INDIVIDUAL_FIELDS,
            PayerKind::LegalEntity => LEGAL_ENTITY_FIELDS,
            PayerKind::SoleProprietor => SOLE_PROPRIETOR_FIELDS,
        }
    }
}

impl std::fmt::Display for PayerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

const INDIVIDUAL_FIELDS: &[&str] = &[
    "country",
    "name",
    "phone",
    "email",
    "document_delivery",
    "inn",
    "passport_series_number",
    "passport_issue_date",
    "passport_issued_by",
    "birth_date",
    "registration_city",
    "registration_address",
];

const LEGAL_ENTITY_FIELDS: &[&str] = &[
    "country",
    "name",
    "contact_person",
    "phone",
    "fax",
    "email",
    "document_delivery",
    "legal_address",
    "actual_address",
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
];

const SOLE_PROPRIETOR_FIELDS: &[&str] = &[
    "country",
    "name",
    "contact_person",
    "phone",
    "fax",
    "email",
    "document_delivery",
    "legal_address",
    "actual_address",
    "inn",
    "ogrn",
    "bank_name",
    "bik",
    "settlement_account",
    "correspondent_account",
    "iban",
    "swift",
    "accounting_settings",
    "director_position",
    "acting_on_basis",
    "passport_series_number",
    "passport_issue_date",
    "passport_issued_by",
    "birth_date",
    "registration_city",
    "registration_address",
];

/// "Получать документы": the form allows several at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentDelivery {
    /// "В личном кабинете".
    Portal,
    /// "По почте".
    Post,
    /// "По электронной почте".
    Email,
}

/// A postal address as the guide's address blocks have it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Address {
    /// ISO 3166 alpha-2; the payer's country when left out.
    pub country: Option<String>,
    /// "Индекс".
    pub postcode: Option<String>,
    /// "Город".
    pub city: Option<String>,
    /// Street, house, office.
    pub address: Option<String>,
}

/// Everything a payer may carry. Which fields a kind uses is
/// [`PayerKind::fields`]; [`PayerDetails::validate`] enforces it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct PayerDetails {
    /// "Страна", ISO 3166 alpha-2 ("RU").
    pub country: String,
    /// "Наименование": company name, or the person's full name.
    pub name: String,
    /// "Контактное лицо", required for companies and sole proprietors.
    pub contact_person: Option<String>,
    /// "Телефон".
    pub phone: Option<String>,
    /// "Факс".
    pub fax: Option<String>,
    /// "E-mail" documents are sent to.
    pub email: Option<String>,
    /// "Получать документы": how the payer gets documents, several at once.
    pub document_delivery: Vec<DocumentDelivery>,
    /// "Юридический адрес".
    pub legal_address: Option<Address>,
    /// "Фактический адрес"; `None` is the guide's "Совпадает с юридическим
    /// адресом" ticked.
    pub actual_address: Option<Address>,

    /// "ИНН": 10 digits for a Russian company, 12 for a person; a foreign
    /// payer's tax number otherwise.
    pub inn: Option<String>,
    /// "КПП": 9 characters, Russian companies.
    pub kpp: Option<String>,
    /// "ОГРН/ОГРНИП", one field in the guide: 13 digits for a company,
    /// 15 (OGRNIP) for a sole proprietor.
    pub ogrn: Option<String>,
    /// "Банк".
    pub bank_name: Option<String>,
    /// "БИК": 9 digits, Russian banks.
    pub bik: Option<String>,
    /// "Расчетный счет".
    pub settlement_account: Option<String>,
    /// "Корреспондентский счет".
    pub correspondent_account: Option<String>,
    /// Foreign banks' account and bank codes, where Russian ones use the
    /// settlement account and BIK.
    pub iban: Option<String>,
    /// The foreign bank's SWIFT code.
    pub swift: Option<String>,
    /// "Бух настройки": free text for the provider's accountant.
    pub accounting_settings: Option<String>,

    /// "Директор (ФИО)" and the case forms contracts are written with.
    pub director_name: Option<String>,
    /// "Должность директора".
    pub director_position: Option<String>,
    /// The director's name in the genitive ("в лице …").
    pub director_name_genitive: Option<String>,
    /// The director's position in the genitive.
    pub director_position_genitive: Option<String>,
    /// The director's name in the dative.
    pub director_name_dative: Option<String>,
    /// The director's position in the dative.
    pub director_position_dative: Option<String>,
    /// "Действует на основании", e.g. "Устава".
    pub acting_on_basis: Option<String>,

    /// "Серия и номер паспорта", "1111 111111" for a Russian passport.
    pub passport_series_number: Option<String>,
    /// "Дата выдачи паспорта".
    pub passport_issue_date: Option<NaiveDate>,
    /// "Кем выдан паспорт".
    pub passport_issued_by: Option<String>,
    /// "Дата рождения".
    pub birth_date: Option<NaiveDate>,
    /// "Город регистрации".
    pub registration_city: Option<String>,
    /// "Адрес регистрации".
    pub registration_address: Option<String>,
}

fn tidy(v: &mut Option<String>) {
    *v = v.take().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
}

/// Identifiers are pasted with spaces and typed in lower case; neither
/// changes what they identify.
fn tidy_id(v: &mut Option<String>) {
    *v = v.take().map(|s| s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase()).filter(|s| !s.is_empty());
}

fn tidy_address(a: &mut Option<Address>) {
    if let Some(addr) = a {
        tidy_id(&mut addr.country);
        tidy(&mut addr.postcode);
        tidy(&mut addr.city);
        tidy(&mut addr.address);
    }
    if a.as_ref().is_some_and(|x| *x == Address::default()) {
        *a = None;
    }
}

impl PayerDetails {
    pub fn is_russian(&self) -> bool {
        self.country.trim().eq_ignore_ascii_case("RU")
    }

    /// Where the company actually is: the actual address, or the legal one
    /// when they are the same.
    pub fn actual_address_or_legal(&self) -> Option<&Address> {
        self.actual_address.as_ref().or(self.legal_address.as_ref())
    }

    /// Trims every field, drops empty ones, upper-cases codes and strips
    /// spaces from identifiers. What gets stored is this form.
    pub fn normalized(mut self) -> Self {
        self.country = self.country.trim().to_uppercase();
        self.name = self.name.trim().to_string();
        for v in [
            &mut self.contact_person,
            &mut self.phone,
            &mut self.fax,
            &mut self.email,
            &mut self.bank_name,
            &mut self.accounting_settings,
            &mut self.director_name,
            &mut self.director_position,
            &mut self.director_name_genitive,
            &mut self.director_position_genitive,
            &mut self.director_name_dative,
            &mut self.director_position_dative,
            &mut self.acting_on_basis,
            &mut self.passport_series_number,
            &mut self.passport_issued_by,
            &mut self.registration_city,
            &mut self.registration_address,
        ] {
            tidy(v);
        }
        for v in [
            &mut self.inn,
            &mut self.kpp,
            &mut self.ogrn,
            &mut self.bik,
            &mut self.settlement_account,
            &mut self.correspondent_account,
            &mut self.iban,
            &mut self.swift,
        ] {
            tidy_id(v);
        }
        self.email = self.email.map(|e| e.to_lowercase());
        tidy_address(&mut self.legal_address);
        tidy_address(&mut self.actual_address);
        self.document_delivery.sort();
        self.document_delivery.dedup();
        self
    }

    /// Normalizes and checks in one step: the value to store.
    pub fn cleaned(self, kind: PayerKind) -> Result<Self, DomainError> {
        let clean = self.normalized();
        clean.check(kind)?;
        Ok(clean)
    }

    /// Checks the payer as the given kind, on the trimmed values. The error
    /// names the field (code `invalid_field`).
    pub fn validate(&self, kind: PayerKind) -> Result<(), DomainError> {
        self.clone().normalized().check(kind)
    }
}

crate::stored::stored_from_string!(PayerKind);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pay2_kinds_round_trip_their_stored_names() {
        for k in PayerKind::ALL {
            assert_eq!(PayerKind::parse(k.as_str()), Some(*k));
            assert_eq!(serde_json::to_string(k).unwrap(), format!("\"{}\"", k.as_str()));
        }
        assert_eq!(PayerKind::parse("company"), None);
        assert_eq!(PayerKind::SoleProprietor.title_ru(), "Индивидуальный предприниматель");
    }

    #[test]
    fn pay2_sole_proprietor_is_legal_entity_without_kpp_plus_passport() {
        let legal = PayerKind::LegalEntity.fields();
        let sole = PayerKind::SoleProprietor.fields();
        assert!(legal.contains(&"kpp") && !sole.contains(&"kpp"));
        assert!(sole.contains(&"passport_series_number") && !legal.contains(&"passport_series_number"));
        assert!(!PayerKind::Individual.fields().contains(&"settlement_account"));
        assert_eq!(PayerKind::ALL.iter().filter(|k| k.fields()[0] == "country").count(), 3);
    }

    #[test]
    fn pay2_normalized_trims_drops_empty_and_compacts_identifiers() {
        let raw = PayerDetails {
            country: " ru ".into(),
            name: "  Компания №1 ".into(),
            contact_person: Some("   ".into()),
            email: Some(" Client@Example.com ".into()),
            inn: Some(" 7707 083893 ".into()),
            kpp: Some("7736ab001".into()),
            legal_address: Some(Address { city: Some(" ".into()), ..Address::default() }),
            document_delivery: vec![DocumentDelivery::Email, DocumentDelivery::Portal, DocumentDelivery::Email],
            ..PayerDetails::default()
        };
        let n = raw.normalized();
        assert_eq!(n.country, "RU");
        assert_eq!(n.name, "Компания №1");
        assert_eq!(n.contact_person, None);
        assert_eq!(n.email.as_deref(), Some("client@example.com"));
        assert_eq!(n.inn.as_deref(), Some("7707083893"));
        assert_eq!(n.kpp.as_deref(), Some("7736AB001"));
        assert_eq!(n.legal_address, None);
        assert_eq!(n.document_delivery, vec![DocumentDelivery::Portal, DocumentDelivery::Email]);
    }

    #[test]
    fn pay2_serde_reads_the_form_and_refuses_unknown_fields() {
        let json = r#"{"country":"RU","name":"Аня Банана","passport_series_number":"1111 111111",
            "passport_issue_date":"2000-12-01","birth_date":"1999-03-03"}"#;
        let p: PayerDetails = serde_json::from_str(json).unwrap();
        assert_eq!(p.passport_issue_date, NaiveDate::from_ymd_opt(2000, 12, 1));
        assert_eq!(p.actual_address, None);
        assert!(serde_json::from_str::<PayerDetails>(r#"{"country":"RU","nam":"x"}"#).is_err());
    }

    #[test]
    fn pay2_actual_address_defaults_to_legal() {
        let legal = Address { city: Some("Москва".into()), ..Address::default() };
        let p = PayerDetails { legal_address: Some(legal.clone()), ..PayerDetails::default() };
        assert_eq!(p.actual_address_or_legal(), Some(&legal));
    }
}
