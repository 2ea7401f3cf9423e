//! DOC-4: the contract a payer gets with its first payment — both parties'
//! details as they stood that day, and the preamble's case forms: who acts
//! "в лице" of whom (the genitive) and to whom the contract is addressed
//! (the dative), on what basis.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::payer::{PayerDetails, PayerKind};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractInput {
    pub number: String,
    pub signed_on: NaiveDate,
    /// Where it is signed: the provider's city.
    pub city: String,
    pub seller: PayerDetails,
    pub buyer: PayerDetails,
    pub buyer_kind: PayerKind,
    /// The SHA-256 of the provider's logo on the day of issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_logo: Option<String>,
}

/// How a party is named in a contract's preamble.
pub fn preamble_party(d: &PayerDetails, kind: PayerKind, role: &str) -> String {
    let named = |gender_neutral: &str| format!("{}, {gender_neutral} в дальнейшем «{role}»", d.name.trim());
    match kind {
        PayerKind::LegalEntity => {
            let mut text = named("именуемое");
            let position = d.director_position_genitive.as_deref().or(d.director_position.as_deref());
            let name = d.director_name_genitive.as_deref().or(d.director_name.as_deref());
            if let (Some(position), Some(name)) = (position, name) {
                text.push_str(&format!(", в лице {} {}", lower_first(position.trim()), name.trim()));
                let basis = d.acting_on_basis.as_deref().map(str::trim).filter(|b| !b.is_empty()).unwrap_or("Устава");
                text.push_str(&format!(", действующего на основании {basis}"));
            }
            text
        }
        PayerKind::SoleProprietor => {
            let ogrnip = d.ogrn.as_deref().map(|o| format!(" (ОГРНИП {o})")).unwrap_or_default();
            format!("Индивидуальный предприниматель {}{ogrnip}, именуемый в дальнейшем «{role}»", d.name.trim())
        }
        PayerKind::Individual => format!("{}, именуемый(ая) в дальнейшем «{role}»", d.name.trim()),
    }
}

/// Whom the contract is addressed to: "Генеральному директору ООО
/// «Ромашка» Иванову И. И.", from the dative forms; none without them.
pub fn addressee(d: &PayerDetails, kind: PayerKind) -> Option<String> {
    if kind != PayerKind::LegalEntity {
        return None;
    }
    let position = d.director_position_dative.as_deref()?.trim();
    let name = d.director_name_dative.as_deref()?.trim();
    Some(format!("{} {} {}", upper_first(position), d.name.trim(), name))
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_lowercase().chain(c).collect()).unwrap_or_default()
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn company() -> PayerDetails {
        PayerDetails {
            name: "ООО «Ромашка»".into(),
            director_name: Some("Иванов Иван Иванович".into()),
            director_position: Some("Генеральный директор".into()),
            director_name_genitive: Some("Иванова Ивана Ивановича".into()),
            director_position_genitive: Some("Генерального директора".into()),
            director_name_dative: Some("Иванову Ивану Ивановичу".into()),
            director_position_dative: Some("генеральному директору".into()),
            acting_on_basis: Some("Устава".into()),
            ..PayerDetails::default()
        }
    }

    /// DOC-4: the preamble in the genitive, the addressee in the dative.
    #[test]
    fn doc4_the_preamble_and_addressee_use_the_case_forms() {
        assert_eq!(
            preamble_party(&company(), PayerKind::LegalEntity, "Заказчик"),
            "ООО «Ромашка», именуемое в дальнейшем «Заказчик», в лице генерального директора Иванова Ивана Ивановича, действующего на основании Устава"
        );
        assert_eq!(
            addressee(&company(), PayerKind::LegalEntity).as_deref(),
            Some("Генеральному директору ООО «Ромашка» Иванову Ивану Ивановичу")
        );
        let person = PayerDetails { name: "Петров Пётр".into(), ..PayerDetails::default() };
        assert_eq!(
            preamble_party(&person, PayerKind::Individual, "Заказчик"),
            "Петров Пётр, именуемый(ая) в дальнейшем «Заказчик»"
        );
        assert_eq!(addressee(&person, PayerKind::Individual), None);
        let ip = PayerDetails {
            name: "Сидоров С. С.".into(), ogrn: Some("304500116000157".into()), ..PayerDetails::default()
        };
        assert_eq!(
            preamble_party(&ip, PayerKind::SoleProprietor, "Заказчик"),
            "Индивидуальный предприниматель Сидоров С. С. (ОГРНИП 304500116000157), именуемый в дальнейшем «Заказчик»"
        );
    }
}
