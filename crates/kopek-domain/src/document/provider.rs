//! DOC-5: the provider's own details, which staff set and every document
//! copies at issue: the seller of invoices, the executor of acts.

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::payer::{PayerDetails, PayerKind};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProviderDetails {
    /// Legal name, INN/KPP, OGRN, addresses, bank, BIK, accounts, the
    /// director who signs and as what — the same fields a company payer
    /// has, checked by the same rules.
    pub company: PayerDetails,
    /// «Главный бухгалтер» on invoices; the director signs alone without.
    #[serde(default)]
    pub accountant_name: Option<String>,
    /// Whether the provider charges VAT: an advance invoice then shows the
    /// standard rate of its day, otherwise «Без налога (НДС)».
    #[serde(default)]
    pub vat_payer: bool,
    /// The SHA-256 of the logo in use (set with `PUT /provider/logo`,
    /// removed with `DELETE`); read-only here: what a PUT of the details
    /// says of it is ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
}

/// A logo's bytes as kept, for a paper's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    /// "image/png" or "image/jpeg", as its bytes were found to be.
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl ProviderDetails {
    /// Normalized and checked as a company's details, naming the field
    /// that is wrong.
    pub fn cleaned(self) -> Result<ProviderDetails, DomainError> {
        let company = self.company.cleaned(PayerKind::LegalEntity)?;
        let accountant_name = self.accountant_name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
        if accountant_name.as_ref().is_some_and(|n| n.chars().count() > 200) {
            return Err(DomainError::invalid("accountant_name", "at most 200 characters"));
        }
        Ok(ProviderDetails { company, accountant_name, vat_payer: self.vat_payer, logo: self.logo })
    }

    /// Who signs for the provider and as what, as set (empty while not):
    /// the paper writes "Руководитель" or "Director" for a missing position
    /// in its own language.
    pub fn signer(&self) -> (String, String) {
        let name = self.company.director_name.clone().unwrap_or_default();
        let position = self.company.director_position.clone().unwrap_or_default();
        (name, position)
    }
}
