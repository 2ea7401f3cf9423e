//! The rules a payer's fields must satisfy (PAY-2), per kind and country.

use super::ids::{self, IdError};
use super::{Address, DocumentDelivery, PayerDetails, PayerKind};
use crate::DomainError;
use crate::contact::{is_email, is_phone};

/// Longest free text kept; documents have no room for more anyway.
const MAX_TEXT: usize = 500;

fn invalid_id(field: &'static str, what: &str, e: IdError) -> DomainError {
    DomainError::invalid(field, format!("{what} {e}"))
}

impl PayerDetails {
    fn present_fields(&self) -> Vec<(&'static str, bool)> {
        vec![
            ("contact_person", self.contact_person.is_some()),
            ("phone", self.phone.is_some()),
            ("fax", self.fax.is_some()),
            ("email", self.email.is_some()),
            ("document_delivery", !self.document_delivery.is_empty()),
            ("legal_address", self.legal_address.is_some()),
            ("actual_address", self.actual_address.is_some()),
            ("inn", self.inn.is_some()),
            ("kpp", self.kpp.is_some()),
            ("ogrn", self.ogrn.is_some()),
            ("bank_name", self.bank_name.is_some()),
            ("bik", self.bik.is_some()),
            ("settlement_account", self.settlement_account.is_some()),
            ("correspondent_account", self.correspondent_account.is_some()),
            ("iban", self.iban.is_some()),
            ("swift", self.swift.is_some()),
            ("accounting_settings", self.accounting_settings.is_some()),
            ("director_name", self.director_name.is_some()),
            ("director_position", self.director_position.is_some()),
            ("director_name_genitive", self.director_name_genitive.is_some()),
            ("director_position_genitive", self.director_position_genitive.is_some()),
            ("director_name_dative", self.director_name_dative.is_some()),
            ("director_position_dative", self.director_position_dative.is_some()),
            ("acting_on_basis", self.acting_on_basis.is_some()),
            ("passport_series_number", self.passport_series_number.is_some()),
            ("passport_issue_date", self.passport_issue_date.is_some()),
            ("passport_issued_by", self.passport_issued_by.is_some()),
            ("birth_date", self.birth_date.is_some()),
            ("registration_city", self.registration_city.is_some()),
            ("registration_address", self.registration_address.is_some()),
        ]
    }

    fn texts(&self) -> Vec<(&'static str, Option<&str>)> {
        vec![
            ("name", Some(self.name.as_str())),
            ("contact_person", self.contact_person.as_deref()),
            ("bank_name", self.bank_name.as_deref()),
            ("accounting_settings", self.accounting_settings.as_deref()),
            ("director_name", self.director_name.as_deref()),
            ("director_position", self.director_position.as_deref()),
            ("director_name_genitive", self.director_name_genitive.as_deref()),
            ("director_position_genitive", self.director_position_genitive.as_deref()),
            ("director_name_dative", self.director_name_dative.as_deref()),
            ("director_position_dative", self.director_position_dative.as_deref()),
            ("acting_on_basis", self.acting_on_basis.as_deref()),
            ("passport_series_number", self.passport_series_number.as_deref()),
            ("passport_issued_by", self.passport_issued_by.as_deref()),
            ("registration_city", self.registration_city.as_deref()),
            ("registration_address", self.registration_address.as_deref()),
            ("inn", self.inn.as_deref()),
            ("kpp", self.kpp.as_deref()),
            ("ogrn", self.ogrn.as_deref()),
            ("bik", self.bik.as_deref()),
            ("settlement_account", self.settlement_account.as_deref()),
            ("correspondent_account", self.correspondent_account.as_deref()),
        ]
    }

    /// The rules, on an already normalized value.
    pub(super) fn check(&self, kind: PayerKind) -> Result<(), DomainError> {
        check_country("country", &self.country)?;
        if self.name.is_empty() {
            return Err(DomainError::invalid("name", "must not be empty"));
        }
        for (field, value) in self.texts() {
            if value.is_some_and(|v| v.chars().count() > MAX_TEXT) {
                return Err(DomainError::invalid(field, format!("at most {MAX_TEXT} characters")));
            }
        }
        let allowed = kind.fields();
        if let Some((field, _)) = self.present_fields().into_iter().find(|(f, set)| *set && !allowed.contains(f)) {
            return Err(DomainError::invalid(field, format!("is not used for a {kind} payer")));
        }
        if kind != PayerKind::Individual && self.contact_person.is_none() {
            return Err(DomainError::invalid("contact_person", "must not be empty"));
        }
        self.check_contacts()?;
        let ru = self.country == "RU";
        for (a, names) in [
            (
                &self.legal_address,
                ["legal_address.country", "legal_address.postcode", "legal_address.city", "legal_address.address"],
            ),
            (
                &self.actual_address,
                ["actual_address.country", "actual_address.postcode", "actual_address.city", "actual_address.address"],
            ),
        ] {
            if let Some(a) = a {
                check_address(a, names, ru)?;
            }
        }
        // Other countries' tax and bank numbers have rules of their own; only
        // the international IBAN and SWIFT are checked for them.
        if ru {
            self.check_russian(kind)?;
        }
        self.check_iban_swift()?;
        if let (Some(b), Some(i)) = (self.birth_date, self.passport_issue_date)
            && i <= b
        {
            return Err(DomainError::invalid("passport_issue_date", "must be after the birth date"));
        }
        Ok(())
    }

    fn check_contacts(&self) -> Result<(), DomainError> {
        if let Some(e) = &self.email {
            check_email(e)?;
        }
        for (field, v) in [("phone", &self.phone), ("fax", &self.fax)] {
            if let Some(v) = v {
                check_phone(field, v)?;
            }
        }
        if self.document_delivery.contains(&DocumentDelivery::Email) && self.email.is_none() {
            return Err(DomainError::invalid("email", "needed to receive documents by email"));
        }
        let has_postal =
            self.actual_address_or_legal().is_some_and(|a| a.address.is_some()) || self.registration_address.is_some();
        if self.document_delivery.contains(&DocumentDelivery::Post) && !has_postal {
            let field = if self.actual_address.is_some() { "actual_address.address" } else { "legal_address.address" };
            return Err(DomainError::invalid(field, "needed to receive documents by post"));
        }
        Ok(())
    }

    /// Russian identifiers by their check digits. INN (and KPP for a
    /// company) are required: an invoice or act to a Russian business is
    /// not valid without them.
    fn check_russian(&self, kind: PayerKind) -> Result<(), DomainError> {
        match (kind, self.inn.as_deref()) {
            (PayerKind::LegalEntity, Some(inn)) => ids::check_inn10(inn).map_err(|e| invalid_id("inn", "a company's INN", e))?,
            (_, Some(inn)) => ids::check_inn12(inn).map_err(|e| invalid_id("inn", "a person's INN", e))?,
            (PayerKind::Individual, None) => {}
            (_, None) => return Err(DomainError::invalid("inn", "required for a Russian payer")),
        }
        if kind == PayerKind::LegalEntity {
            let kpp = self.kpp.as_deref().ok_or_else(|| DomainError::invalid("kpp", "required for a Russian company"))?;
            ids::check_kpp(kpp).map_err(|e| invalid_id("kpp", "KPP", e))?;
        }
        if let Some(ogrn) = &self.ogrn {
            if kind == PayerKind::SoleProprietor {
                ids::check_ogrnip(ogrn).map_err(|e| invalid_id("ogrn", "OGRNIP", e))?;
            } else {
                ids::check_ogrn(ogrn).map_err(|e| invalid_id("ogrn", "OGRN", e))?;
            }
        }
        if let Some(p) = &self.passport_series_number {
            ids::check_ru_passport(p).map_err(|e| invalid_id("passport_series_number", "series and number (4 + 6 digits)", e))?;
        }
        let accounts = self.settlement_account.is_some() || self.correspondent_account.is_some();
        match self.bik.as_deref() {
            None if accounts => return Err(DomainError::invalid("bik", "required to check the bank accounts")),
            None => {}
            Some(bik) => {
                ids::check_bik(bik).map_err(|e| invalid_id("bik", "BIK", e))?;
                if let Some(acc) = &self.settlement_account {
                    ids::check_settlement_account(acc, bik)
                        .map_err(|e| invalid_id("settlement_account", "settlement account", e))?;
                }
                if let Some(acc) = &self.correspondent_account {
                    ids::check_correspondent_account(acc, bik)
                        .map_err(|e| invalid_id("correspondent_account", "correspondent account", e))?;
                }
            }
        }
        Ok(())
    }

    fn check_iban_swift(&self) -> Result<(), DomainError> {
        if let Some(iban) = &self.iban {
            ids::check_iban(iban).map_err(|e| invalid_id("iban", "IBAN", e))?;
        }
        if let Some(swift) = &self.swift {
            ids::check_swift(swift).map_err(|e| invalid_id("swift", "SWIFT code", e))?;
        }
        Ok(())
    }
}

fn check_country(field: &'static str, c: &str) -> Result<(), DomainError> {
    if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(DomainError::invalid(field, format!("{c:?} is not an ISO 3166 two-letter code")))
    }
}

fn check_address(a: &Address, [country, postcode, city, address]: [&'static str; 4], payer_ru: bool) -> Result<(), DomainError> {
    if let Some(c) = &a.country {
        check_country(country, c)?;
    }
    for (field, v) in [(city, &a.city), (address, &a.address)] {
        if v.as_ref().is_some_and(|v| v.chars().count() > MAX_TEXT) {
            return Err(DomainError::invalid(field, format!("at most {MAX_TEXT} characters")));
        }
    }
    let ru = a.country.as_deref().map_or(payer_ru, |c| c == "RU");
    if let Some(p) = &a.postcode {
        let ok = if ru { p.len() == 6 && p.bytes().all(|b| b.is_ascii_digit()) } else { p.chars().count() <= 16 };
        if !ok {
            let why = if ru { "a Russian postcode is 6 digits" } else { "at most 16 characters" };
            return Err(DomainError::invalid(postcode, why));
        }
    }
    Ok(())
}

fn check_email(e: &str) -> Result<(), DomainError> {
    if is_email(e) { Ok(()) } else { Err(DomainError::invalid("email", format!("{e:?} is not an email address"))) }
}

fn check_phone(field: &'static str, v: &str) -> Result<(), DomainError> {
    if is_phone(v) { Ok(()) } else { Err(DomainError::invalid(field, format!("{v:?} is not a phone number"))) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn field_of(r: Result<(), DomainError>) -> &'static str {
        let e = r.unwrap_err();
        assert_eq!(e.code(), "invalid_field", "{e}");
        e.field().unwrap()
    }

    fn sberbank() -> PayerDetails {
        PayerDetails {
            country: "RU".into(),
            name: "ПАО Сбербанк".into(),
            contact_person: Some("Иван".into()),
            phone: Some("+7 (999) 111-22-33".into()),
            fax: Some("+7 (999) 444-55-66".into()),
            email: Some("client@example.com".into()),
            document_delivery: vec![DocumentDelivery::Portal, DocumentDelivery::Post, DocumentDelivery::Email],
            legal_address: Some(Address {
                country: Some("RU".into()),
                postcode: Some("140140".into()),
                city: Some("Москва".into()),
                address: Some("г. Москва, ул. Ленина, д. 1".into()),
            }),
            inn: Some("7707083893".into()),
            kpp: Some("773601001".into()),
            ogrn: Some("1027700132195".into()),
            bank_name: Some("ПАО Сбербанк".into()),
            bik: Some("044525225".into()),
            settlement_account: Some("40702810938000000001".into()),
            correspondent_account: Some("30101810400000000225".into()),
            director_name: Some("Иванов Иван Иванович".into()),
            director_position: Some("Генеральный директор".into()),
            director_name_genitive: Some("Иванова Ивана Ивановича".into()),
            director_position_genitive: Some("Генерального директора".into()),
            director_name_dative: Some("Иванову Ивану Ивановичу".into()),
            director_position_dative: Some("Генеральному директору".into()),
            acting_on_basis: Some("Устава".into()),
            ..PayerDetails::default()
        }
    }

    fn passport(p: PayerDetails) -> PayerDetails {
        PayerDetails {
            passport_series_number: Some("1111 111111".into()),
            passport_issue_date: NaiveDate::from_ymd_opt(2000, 12, 1),
            passport_issued_by: Some("УФМС г. Москва".into()),
            birth_date: NaiveDate::from_ymd_opt(1999, 3, 3),
            registration_city: Some("Москва".into()),
            registration_address: Some("г. Москва, ул. Ленина, д. 1".into()),
            ..p
        }
    }

    fn individual() -> PayerDetails {
        passport(PayerDetails { country: "RU".into(), name: "Аня Банана".into(), ..PayerDetails::default() })
    }

    fn sole_proprietor() -> PayerDetails {
        passport(PayerDetails {
            name: "ИП Иванов Иван Иванович".into(),
            inn: Some("500100732259".into()),
            kpp: None,
            ogrn: Some("304500116000157".into()),
            director_name: None,
            director_name_genitive: None,
            director_position_genitive: None,
            director_name_dative: None,
            director_position_dative: None,
            ..sberbank()
        })
    }

    #[test]
    fn pay2_guide_sample_payers_of_each_kind_are_valid() {
        assert_eq!(sberbank().validate(PayerKind::LegalEntity), Ok(()));
        assert_eq!(individual().validate(PayerKind::Individual), Ok(()));
        assert_eq!(sole_proprietor().validate(PayerKind::SoleProprietor), Ok(()));
    }

    #[test]
    fn pay2_country_and_name_come_first() {
        let p = PayerDetails { country: "Russia".into(), ..sberbank() };
        assert_eq!(field_of(p.validate(PayerKind::LegalEntity)), "country");
        let p = PayerDetails { name: "   ".into(), ..sberbank() };
        assert_eq!(field_of(p.validate(PayerKind::LegalEntity)), "name");
    }

    #[test]
    fn pay2_contact_person_required_for_companies_only() {
        let p = PayerDetails { contact_person: Some(" ".into()), ..sberbank() };
        assert_eq!(field_of(p.validate(PayerKind::LegalEntity)), "contact_person");
        let p = PayerDetails { contact_person: None, ..sole_proprietor() };
        assert_eq!(field_of(p.validate(PayerKind::SoleProprietor)), "contact_person");
    }

    #[test]
    fn pay2_fields_of_another_kind_are_refused() {
        let p = PayerDetails { kpp: Some("773601001".into()), ..sole_proprietor() };
        let e = p.validate(PayerKind::SoleProprietor).unwrap_err();
        assert_eq!(e.to_string(), "kpp: is not used for a sole_proprietor payer");
        let p = PayerDetails { bik: Some("044525225".into()), ..individual() };
        assert_eq!(field_of(p.validate(PayerKind::Individual)), "bik");
        assert_eq!(field_of(individual().validate(PayerKind::LegalEntity)), "passport_series_number");
    }

    #[test]
    fn pay2_russian_company_needs_inn10_and_kpp() {
        let p = PayerDetails { inn: None, ..sberbank() };
        assert_eq!(field_of(p.validate(PayerKind::LegalEntity)), "inn");
        let p = PayerDetails { kpp: None, ..sberbank() };
        assert_eq!(field_of(p.validate(PayerKind::LegalEntity)), "kpp");
        let p = PayerDetails { inn: Some("7707083894".into()), ..sberbank() };
        let e = p.validate(PayerKind::LegalEntity).unwrap_err();
        assert_eq!(e.to_string(), "inn: a company's INN check digit does not match: look for a typo");
        let p = PayerDetails { inn: Some("500100732259".into()), ..sberbank() };
        let e = p.validate(PayerKind::LegalEntity).unwrap_err();
        assert_eq!(e.to_string(), "inn: a company's INN must be exactly 10 digits");
    }

    #[test]
    fn pay2_sole_proprietor_needs_inn12_and_ogrnip() {
        let p = PayerDetails { inn: Some("7707083893".into()), ..sole_proprietor() };
        assert_eq!(field_of(p.validate(PayerKind::SoleProprietor)), "inn");
        let p = PayerDetails { ogrn: Some("1027700132195".into()), ..sole_proprietor() };
        let e = p.validate(PayerKind::SoleProprietor).unwrap_err();
        assert_eq!(e.to_string(), "ogrn: OGRNIP must be exactly 15 digits");
        let p = PayerDetails { ogrn: Some("304500116000157".into()), ..sberbank() };
        assert_eq!(field_of(p.validate(PayerKind::LegalEntity)), "ogrn");
    }

    #[test]
    fn pay2_bank_accounts_keyed_by_bik() {
        let p = PayerDetails { bik: None, ..sberbank() };
        assert_eq!(field_of(p.validate(PayerKind::LegalEntity)), "bik");
        let p = PayerDetails { bik: Some("144525225".into()), ..sberbank() };
        assert_eq!(field_of(p.validate(PayerKind::LegalEntity)), "bik");
        let p = PayerDetails { settlement_account: Some("40702810938000000000".into()), ..sberbank() };
        assert_eq!(field_of(p.validate(PayerKind::LegalEntity)), "settlement_account");
        let p = PayerDetails { correspondent_account: Some("30101810400000000226".into()), ..sberbank() };
        assert_eq!(field_of(p.validate(PayerKind::LegalEntity)), "correspondent_account");
        // Spaces pasted from a bank's letterhead don't matter.
        let p = PayerDetails { settlement_account: Some("40702 810 9 3800 0000001".into()), ..sberbank() };
        assert_eq!(p.validate(PayerKind::LegalEntity), Ok(()));
    }

    #[test]
    fn pay2_individual_passport_is_ten_digits_and_issued_after_birth() {
        let p = PayerDetails { passport_series_number: Some("1111 11111".into()), ..individual() };
        assert_eq!(field_of(p.validate(PayerKind::Individual)), "passport_series_number");
        let p = PayerDetails { passport_issue_date: NaiveDate::from_ymd_opt(1999, 3, 3), ..individual() };
        assert_eq!(field_of(p.validate(PayerKind::Individual)), "passport_issue_date");
        let p = PayerDetails { inn: Some("500100732259".into()), ..individual() };
        assert_eq!(p.validate(PayerKind::Individual), Ok(()));
        let p = PayerDetails { inn: Some("500100732258".into()), ..individual() };
        assert_eq!(field_of(p.validate(PayerKind::Individual)), "inn");
    }

    #[test]
    fn pay2_foreign_payer_skips_russian_checks_but_checks_iban() {
        let p = PayerDetails {
            country: "DE".into(),
            name: "Example GmbH".into(),
            contact_person: Some("Hans".into()),
            inn: Some("DE123456789".into()),
            iban: Some("DE89 3704 0044 0532 0130 00".into()),
            swift: Some("deutdeff".into()),
            legal_address: Some(Address { postcode: Some("10115".into()), ..Address::default() }),
            ..PayerDetails::default()
        };
        assert_eq!(p.validate(PayerKind::LegalEntity), Ok(()));
        let clean = p.clone().cleaned(PayerKind::LegalEntity).unwrap();
        assert_eq!(clean.iban.as_deref(), Some("DE89370400440532013000"));
        let bad = PayerDetails { iban: Some("DE89370400440532013001".into()), ..p };
        assert_eq!(field_of(bad.validate(PayerKind::LegalEntity)), "iban");
    }

    #[test]
    fn pay2_contacts_addresses_and_delivery() {
        let p = PayerDetails { email: Some("client@".into()), ..sberbank() };
        assert_eq!(field_of(p.validate(PayerKind::LegalEntity)), "email");
        let p = PayerDetails { phone: Some("call me".into()), ..sberbank() };
        assert_eq!(field_of(p.validate(PayerKind::LegalEntity)), "phone");
        let p = PayerDetails { email: None, ..sberbank() };
        let e = p.validate(PayerKind::LegalEntity).unwrap_err();
        assert_eq!(e.to_string(), "email: needed to receive documents by email");
        let p = PayerDetails { legal_address: None, ..sberbank() };
        assert_eq!(field_of(p.validate(PayerKind::LegalEntity)), "legal_address.address");
        let mut p = sberbank();
        p.legal_address.as_mut().unwrap().postcode = Some("14014".into());
        assert_eq!(field_of(p.validate(PayerKind::LegalEntity)), "legal_address.postcode");
        let p = PayerDetails { name: "x".repeat(501), ..sberbank() };
        assert_eq!(field_of(p.validate(PayerKind::LegalEntity)), "name");
    }
}
