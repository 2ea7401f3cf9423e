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
        Ok(ProviderDetails { company, accountant_name, vat_payer: self.vat_payer })
    }

    /// Who signs for the provider: the director's name, or the company's
    /// name while none is set.
    pub fn signer(&self) -> (String, String) {
        let name = self.company.director_name.clone().unwrap_or_default();
        let position = self.company.director_position.clone().unwrap_or_else(|| "Руководитель".to_string());
        (name, position)
    }
}
