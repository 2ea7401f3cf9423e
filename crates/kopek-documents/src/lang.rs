//! The language a paper is written in, and the fixed words of every
//! layout in it. A layout never spells a word itself: it reads them from
//! the model as `d.t.<key>` (`d.t.seller`, `d.t.total`), so one layout
//! serves both languages and a provider's replacement keeps working in
//! either. What is stored with an issued document has no language; the
//! language is chosen when the paper is rendered.

use std::collections::BTreeMap;

use serde::Serialize;

/// A paper's language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ru, Lang::En];

    /// "ru" or "en", exactly as a query string says it.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// "ru" or "en": the layouts' `lang`, and what `amount_in_words` takes.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// The Russian or the English of a text.
    pub(crate) fn pick<'a>(self, ru: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ru => ru,
            Lang::En => en,
        }
    }
}

/// The layouts' words: `d.t.<key>`.
pub type Labels = BTreeMap<&'static str, &'static str>;

/// (key, Russian, English).
const LABELS: [(&str, &str, &str); 40] = [
    ("no", "№", "No."),
    ("quantity", "Кол-во", "Qty"),
    ("unit", "Ед.", "Unit"),
    ("price", "Цена", "Price"),
    ("amount", "Сумма", "Amount"),
    ("total", "Итого", "Total"),
    ("stamp", "М.П.", "Seal"),
    ("inn", "ИНН", "INN"),
    ("kpp", "КПП", "KPP"),
    ("bik", "БИК", "BIC"),
    ("seller", "Исполнитель", "Contractor"),
    ("buyer", "Заказчик", "Customer"),
    ("seller_caps", "ИСПОЛНИТЕЛЬ", "CONTRACTOR"),
    ("buyer_caps", "ЗАКАЗЧИК", "CUSTOMER"),
    ("basis", "Основание", "Basis"),
    // The invoice.
    ("payee_bank", "Банк получателя", "Payee's bank"),
    ("account_no", "Сч. №", "Account No."),
    ("payee", "Получатель", "Payee"),
    ("supplier", "Поставщик", "Supplier"),
    ("supplier_role", "(Исполнитель)", "(Contractor)"),
    ("purchaser", "Покупатель", "Buyer"),
    ("purchaser_role", "(Заказчик)", "(Customer)"),
    ("goods", "Товары (работы, услуги)", "Goods (work, services)"),
    ("to_pay", "Всего к оплате", "Total to pay"),
    ("purpose", "Назначение платежа", "Payment purpose"),
    // The act.
    ("services", "Наименование работ, услуг", "Work, services"),
    (
        "accepted",
        "Вышеперечисленные услуги выполнены полностью и в срок. Заказчик претензий по объему, качеству и срокам оказания услуг не имеет.",
        "The services above were rendered in full and on time. The Customer has no claims as to their scope, quality or timing.",
    ),
    // The reconciliation act.
    (
        "intro",
        "Мы, нижеподписавшиеся, составили настоящий акт сверки в том, что состояние взаимных расчётов по данным учёта следующее:",
        "We, the undersigned, have drawn up this statement to confirm that mutual settlements stand in the books as follows:",
    ),
    ("according_to", "По данным", "According to"),
    ("currency", "руб.", "₽"),
    ("date", "Дата", "Date"),
    ("document", "Документ", "Document"),
    ("debit", "Дебет", "Debit"),
    ("credit", "Кредит", "Credit"),
    ("on_behalf", "От", "For"),
    // The contract.
    ("bank", "Банк", "Bank"),
    ("settlement_account", "Р/с", "Account"),
    ("correspondent_account", "к/с", "corr. account"),
    ("details", "Реквизиты и подписи сторон", "Details and signatures of the parties"),
    ("logo", "Логотип", "Logo"),
];

/// Every layout's words in `lang`.
pub fn labels(lang: Lang) -> Labels {
    LABELS.iter().map(|(key, ru, en)| (*key, lang.pick(ru, en))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_every_word_has_both_languages_and_one_key() {
        let keys: std::collections::BTreeSet<_> = LABELS.iter().map(|l| l.0).collect();
        assert_eq!(keys.len(), LABELS.len(), "a key twice");
        assert!(LABELS.iter().all(|(_, ru, en)| !ru.is_empty() && !en.is_empty()));
        assert_eq!(labels(Lang::En)["to_pay"], "Total to pay");
        assert_eq!(labels(Lang::Ru)["to_pay"], "Всего к оплате");
        assert_eq!((Lang::parse("en"), Lang::parse("EN"), Lang::parse("de")), (Some(Lang::En), None, None));
    }
}
