//! DOC-4: the contract of services a payer gets with its first payment:
//! the preamble with both parties (in Russian in their case forms,
//! computed in `kopek_domain::document::contract`), the standard terms of
//! a hosting provider's services, and both parties' details and
//! signatures — in Russian or in English.

use kopek_domain::document::ContractInput;
use kopek_domain::document::contract::{addressee, preamble_party};
use kopek_domain::payer::{PayerDetails, PayerKind};
use serde::Serialize;

use crate::format;
use crate::invoice::Party;
use crate::lang::{Labels, Lang, labels};

/// A numbered section of the terms: "1. Предмет договора" and its clauses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub title: String,
    pub clauses: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contract {
    /// "ru" or "en".
    pub lang: Lang,
    /// The layouts' fixed words.
    pub t: Labels,
    /// The provider's logo for the header: a `data:` URL in a page, a
    /// file of the PDF's world ("/logo.png"); empty without one.
    pub logo: String,
    pub title: String,
    pub city: String,
    /// "г. Москва", "Moscow".
    pub place: String,
    pub date: String,
    /// "Генеральному директору ООО «Ромашка» Иванову И. И.", or empty.
    pub addressee: String,
    pub preamble: String,
    /// The terms, sections 1 to 4; section 5 is the parties' details.
    pub terms: Vec<Section>,
    pub seller: Party,
    pub buyer: Party,
    pub seller_signer_position: String,
    pub seller_signer_name: String,
    pub buyer_signer_position: String,
    pub buyer_signer_name: String,
}

const TERMS_RU: [(&str, &[&str]); 4] = [
    (
        "1. Предмет договора",
        &[
            "1.1. Исполнитель оказывает Заказчику услуги хостинга, связи и иные услуги, перечень и стоимость которых указаны в тарифах Исполнителя, опубликованных в личном кабинете, а Заказчик принимает и оплачивает их.",
            "1.2. Заказчик заказывает, продлевает и отключает услуги в личном кабинете; заказ услуги в личном кабинете является поручением Заказчика на её оказание.",
        ],
    ),
    (
        "2. Стоимость услуг и порядок расчётов",
        &[
            "2.1. Услуги оплачиваются авансом путём пополнения лицевого счёта Заказчика по выставленному счёту или иным способом, доступным в личном кабинете. Стоимость услуг списывается с лицевого счёта в соответствии с тарифами.",
            "2.2. Оказание услуг за календарный месяц подтверждается актом выполненных работ, который Исполнитель формирует не позднее первого числа следующего месяца. Если в течение 5 (пяти) рабочих дней Заказчик не направил мотивированных возражений, услуги считаются принятыми.",
            "2.3. По запросу Заказчика стороны составляют акт сверки взаимных расчётов.",
        ],
    ),
    (
        "3. Права и обязанности сторон",
        &[
            "3.1. Исполнитель обеспечивает доступность услуг в соответствии с их описанием, уведомляет Заказчика об изменении тарифов не позднее чем за 10 (десять) дней.",
            "3.2. Исполнитель вправе приостановить оказание услуг при отсутствии на лицевом счёте средств для их оплаты.",
            "3.3. Заказчик своевременно оплачивает услуги и поддерживает актуальность своих реквизитов в личном кабинете.",
        ],
    ),
    (
        "4. Ответственность и срок действия",
        &[
            "4.1. Стороны несут ответственность в соответствии с законодательством Российской Федерации.",
            "4.2. Договор вступает в силу с даты его заключения и действует бессрочно. Каждая из сторон вправе расторгнуть договор, уведомив другую сторону не менее чем за 30 (тридцать) дней.",
        ],
    ),
];

const TERMS_EN: [(&str, &[&str]); 4] = [
    (
        "1. Subject of the agreement",
        &[
            "1.1. The Contractor renders to the Customer hosting, communication and other services listed with their prices in the Contractor's tariffs published in the customer portal, and the Customer accepts and pays for them.",
            "1.2. The Customer orders, renews and cancels services in the customer portal; an order placed there is the Customer's instruction to render the service.",
        ],
    ),
    (
        "2. Prices and payment",
        &[
            "2.1. Services are paid in advance by topping up the Customer's account against an invoice or by any other means offered in the customer portal. The price of services is charged to the account according to the tariffs.",
            "2.2. The services of a calendar month are confirmed by an act of completed work, which the Contractor draws up no later than the first day of the next month. Unless the Customer sends a reasoned objection within 5 (five) business days, the services are deemed accepted.",
            "2.3. At the Customer's request the parties draw up a reconciliation statement of mutual settlements.",
        ],
    ),
    (
        "3. Rights and obligations of the parties",
        &[
            "3.1. The Contractor keeps the services available as described and notifies the Customer of a change of tariffs at least 10 (ten) days in advance.",
            "3.2. The Contractor may suspend the services while the account holds no funds to pay for them.",
            "3.3. The Customer pays for the services on time and keeps its details in the customer portal up to date.",
        ],
    ),
    (
        "4. Liability and term",
        &[
            "4.1. The parties are liable under the laws of the Russian Federation.",
            "4.2. The agreement takes effect on the day it is made and is of indefinite duration. Either party may terminate it by notifying the other at least 30 (thirty) days in advance.",
        ],
    ),
];

/// How a party is named in the English preamble: the nominative forms,
/// "represented by …, acting on the basis of …".
fn preamble_party_en(d: &PayerDetails, kind: PayerKind, role: &str) -> String {
    let name = d.name.trim();
    match kind {
        PayerKind::LegalEntity => {
            let mut text = format!("{name}, hereinafter the “{role}”");
            if let (Some(position), Some(person)) = (d.director_position.as_deref(), d.director_name.as_deref()) {
                text.push_str(&format!(", represented by {} {}", position.trim(), person.trim()));
                // «Устава» is the default basis; in English it is the charter.
                let basis = match d.acting_on_basis.as_deref().map(str::trim) {
                    None | Some("") | Some("Устава") => "the Charter",
                    Some(other) => other,
                };
                text.push_str(&format!(", acting on the basis of {basis}"));
            }
            text
        }
        PayerKind::SoleProprietor => {
            let ogrnip = d.ogrn.as_deref().map(|o| format!(" (OGRNIP {o})")).unwrap_or_default();
            format!("Sole proprietor {name}{ogrnip}, hereinafter the “{role}”")
        }
        PayerKind::Individual => format!("{name}, hereinafter the “{role}”"),
    }
}

impl Contract {
    pub fn new(input: &ContractInput, lang: Lang) -> Contract {
        let b = &input.buyer;
        let (preamble, addressee) = match lang {
            Lang::Ru => {
                let seller = preamble_party(&input.seller, PayerKind::LegalEntity, "Исполнитель");
                let buyer = preamble_party(b, input.buyer_kind, "Заказчик");
                (
                    format!(
                        "{seller}, с одной стороны, и {buyer}, с другой стороны, заключили настоящий договор о нижеследующем."
                    ),
                    addressee(b, input.buyer_kind).unwrap_or_default(),
                )
            }
            Lang::En => {
                let seller = preamble_party_en(&input.seller, PayerKind::LegalEntity, "Contractor");
                let buyer = preamble_party_en(b, input.buyer_kind, "Customer");
                // The addressee's line is a Russian courtesy in the dative;
                // an English paper has none.
                (
                    format!("{seller}, of the one part, and {buyer}, of the other part, have made this agreement as follows."),
                    String::new(),
                )
            }
        };
        let terms = match lang {
            Lang::Ru => &TERMS_RU,
            Lang::En => &TERMS_EN,
        };
        let director = lang.pick("Руководитель", "Director");
        Contract {
            lang,
            t: labels(lang),
            logo: String::new(),
            title: match lang {
                Lang::Ru => format!("Договор оказания услуг № {}", input.number),
                Lang::En => format!("Services Agreement No. {}", input.number),
            },
            city: input.city.clone(),
            place: match lang {
                Lang::Ru => format!("г. {}", input.city),
                Lang::En => input.city.clone(),
            },
            date: format::date(input.signed_on, lang),
            addressee,
            preamble,
            terms: terms
                .iter()
                .map(|(title, clauses)| Section {
                    title: (*title).to_string(),
                    clauses: clauses.iter().map(|c| (*c).to_string()).collect(),
                })
                .collect(),
            seller: Party::of(&input.seller, lang),
            buyer: Party::of(b, lang),
            seller_signer_position: input.seller.director_position.clone().unwrap_or_else(|| director.into()),
            seller_signer_name: input.seller.director_name.clone().unwrap_or_default(),
            buyer_signer_position: match input.buyer_kind {
                PayerKind::LegalEntity => b.director_position.clone().unwrap_or_else(|| director.into()),
                PayerKind::SoleProprietor => lang.pick("Индивидуальный предприниматель", "Sole proprietor").into(),
                PayerKind::Individual => lang.pick("Заказчик", "Customer").into(),
            },
            buyer_signer_name: b.director_name.clone().unwrap_or_else(|| b.name.clone()),
        }
    }
}
