//! DOC-4: the contract of services a payer gets with its first payment:
//! the preamble with both parties in their case forms (computed in
//! `kopek_domain::document::contract`), the standard terms of a hosting
//! provider's services, and both parties' details and signatures.

use kopek_domain::document::ContractInput;
use kopek_domain::document::contract::{addressee, preamble_party};
use kopek_domain::payer::PayerKind;
use serde::Serialize;

use crate::format;
use crate::invoice::Party;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contract {
    pub title: String,
    pub city: String,
    pub date: String,
    /// "Генеральному директору ООО «Ромашка» Иванову И. И.", or empty.
    pub addressee: String,
    pub preamble: String,
    pub seller: Party,
    pub buyer: Party,
    pub seller_signer_position: String,
    pub seller_signer_name: String,
    pub buyer_signer_position: String,
    pub buyer_signer_name: String,
}

impl Contract {
    pub fn new(input: &ContractInput) -> Contract {
        let seller = preamble_party(&input.seller, PayerKind::LegalEntity, "Исполнитель");
        let buyer = preamble_party(&input.buyer, input.buyer_kind, "Заказчик");
        let b = &input.buyer;
        Contract {
            title: format!("Договор оказания услуг № {}", input.number),
            city: input.city.clone(),
            date: format::date(input.signed_on),
            addressee: addressee(b, input.buyer_kind).unwrap_or_default(),
            preamble: format!(
                "{seller}, с одной стороны, и {buyer}, с другой стороны, заключили настоящий договор о нижеследующем."
            ),
            seller: Party::of(&input.seller),
            buyer: Party::of(b),
            seller_signer_position: input.seller.director_position.clone().unwrap_or_else(|| "Руководитель".into()),
            seller_signer_name: input.seller.director_name.clone().unwrap_or_default(),
            buyer_signer_position: match input.buyer_kind {
                PayerKind::LegalEntity => b.director_position.clone().unwrap_or_else(|| "Руководитель".into()),
                PayerKind::SoleProprietor => "Индивидуальный предприниматель".into(),
                PayerKind::Individual => "Заказчик".into(),
            },
            buyer_signer_name: b.director_name.clone().unwrap_or_else(|| b.name.clone()),
        }
    }
}
