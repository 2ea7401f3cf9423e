//! Products a provider sells in the portal (CAT-13), after the client
//! guide's "Заказ товаров и услуг": a product type (virtual server, domain,
//! SSL certificate…), a tariff's parameters shown on its card ("Дисковое
//! пространство 1024 МиБ"), prices per period (a month, 3, 6, 12 months),
//! configurable add-ons with a unit price and limits, a free trial, whether
//! prices include tax, the fields an order needs (a domain name for
//! servers) and what deleting a service does. Pure data and rules: the
//! price of an order is in [`quote`], promo codes in [`promo`].

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::money::Currency;

pub mod life;
pub mod promo;
pub mod quote;

/// The product types of the guide's order menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProductType {
    VirtualServer,
    DedicatedServer,
    Domain,
    SslCertificate,
    /// "Лицензии ISPsystem".
    License,
    /// "Трафик как услуга для выделенных серверов".
    Traffic,
    DnsHosting,
    /// A service of the ISP catalog (internet, IPTV…) sold in the portal.
    IspService,
    Other,
}

impl ProductType {
    pub const ALL: &'static [ProductType] = &[
        ProductType::VirtualServer,
        ProductType::DedicatedServer,
        ProductType::Domain,
        ProductType::SslCertificate,
        ProductType::License,
        ProductType::Traffic,
        ProductType::DnsHosting,
        ProductType::IspService,
        ProductType::Other,
    ];

    pub fn label_ru(self) -> &'static str {
        match self {
            ProductType::VirtualServer => "Виртуальный сервер",
            ProductType::DedicatedServer => "Выделенный сервер",
            ProductType::Domain => "Домены",
            ProductType::SslCertificate => "SSL сертификат",
            ProductType::License => "Лицензии",
            ProductType::Traffic => "Трафик",
            ProductType::DnsHosting => "DNS хостинг",
            ProductType::IspService => "Услуги связи",
            ProductType::Other => "Прочее",
        }
    }

    /// PMT-7: "для доменных имен и SSL-сертификатов — за 60 дней".
    pub fn renews_60_days_ahead(self) -> bool {
        matches!(self, ProductType::Domain | ProductType::SslCertificate)
    }

    /// "При заказе виртуального или выделенного сервера может потребоваться
    /// ввести доменное имя" — the default of [`ProductSpec::needs_domain`].
    pub fn asks_for_domain(self) -> bool {
        matches!(self, ProductType::VirtualServer | ProductType::DedicatedServer | ProductType::Domain)
    }
}

/// A line of a tariff's card: "Оперативная память" — "256 МиБ".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// What it is, e.g. "Оперативная память".
    pub name: String,
    /// How much, e.g. "256 МиБ".
    pub value: String,
}

/// The price of a period of `months`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PeriodPrice {
    /// The period in months, 1 to 36.
    pub months: u32,
    /// The price of the whole period, in the product's currency.
    pub price: Decimal,
}

/// A configurable add-on ("Публичные IPv4-адреса", "Трафик"): the client
/// picks a value between `min` and `max`; `included` units come with the
/// tariff, each one more costs `unit_price` a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Addon {
    /// Stable key of the add-on in orders and hooks, e.g. "ipv4".
    pub code: String,
    /// What the client sees, e.g. "Публичные IPv4-адреса".
    pub name: String,
    /// "Шт.", "ГиБ", "МиБ".
    pub unit: String,
    /// The price of one unit over the included ones, a month.
    pub unit_price: Decimal,
    /// Units that come with the tariff at no cost.
    #[serde(default)]
    pub included: u32,
    /// The fewest units the client may choose.
    pub min: u32,
    /// The most units the client may choose.
    pub max: u32,
    /// The units of an order that leaves the add-on out; min ≤ default ≤ max.
    pub default: u32,
}

impl Addon {
    /// What `value` units cost for `months`.
    pub fn price(&self, value: u32, months: u32) -> Decimal {
        Decimal::from(value.saturating_sub(self.included)) * self.unit_price * Decimal::from(months)
    }

    /// The client may choose `value` units.
    pub fn allows(&self, value: u32) -> bool {
        (self.min..=self.max).contains(&value)
    }

    /// "Лимит": the range the client may choose from.
    pub fn limit(&self) -> String {
        format!("{}–{} {}", self.min, self.max, self.unit)
    }
}

/// What deleting a client's service does (SVC-2: "возможность удалять
/// услуги регулирует провайдер").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeletionRule {
    /// The client may delete the service.
    pub allowed: bool,
    /// The unused part of the paid period goes back to the balance.
    pub refund_unused: bool,
}

impl Default for DeletionRule {
    fn default() -> Self {
        DeletionRule { allowed: true, refund_unused: false }
    }
}

/// A product as staff define it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProductSpec {
    /// The product's name, 1 to 200 characters.
    pub name: String,
    /// The order menu's section it is sold in.
    pub product_type: ProductType,
    /// Shown on the product's card.
    #[serde(default)]
    pub description: String,
    /// The lines of the tariff's card.
    #[serde(default)]
    pub parameters: Vec<Parameter>,
    /// The currency of its prices.
    pub currency: Currency,
    /// One price per period sold, each period at most once.
    pub prices: Vec<PeriodPrice>,
    /// What the client configures, each add-on code at most once.
    #[serde(default)]
    pub addons: Vec<Addon>,
    /// VAT or sales tax, in percent.
    #[serde(default)]
    pub tax_percent: Decimal,
    /// Prices include the tax ("В том числе налоги 20%"), or it is added
    /// on top ("Налог не включен в стоимость").
    #[serde(default = "yes")]
    pub tax_included: bool,
    /// "Триальный период 30 дней": the first period is free, this long.
    #[serde(default)]
    pub trial_days: Option<u32>,
    /// The order asks for a domain name.
    #[serde(default)]
    pub needs_domain: bool,
    /// The first period ends on the 1st of a month, and is paid for the
    /// part of it left (the cart's "До 2023-05-01").
    #[serde(default)]
    pub align_to_month_start: bool,
    /// What deleting the client's service does; allowed, without refund, when left out.
    #[serde(default)]
    pub deletion: DeletionRule,
    /// Shown with a paid order ("Инструкция").
    #[serde(default)]
    pub instructions: String,
    /// The catalog's integration options (CAT-8: parameter strings, NAS,
    /// IP pool, base package) handed to the provisioning hook.
    #[serde(default)]
    pub integration: crate::catalog::IntegrationTab,
    /// IPTV and other accounts created with the service (CAT-8).
    #[serde(default)]
    pub accounts: crate::catalog::AccountsTab,
}

fn yes() -> bool {
    true
}

/// The longest period sold at once, as for paid periods.
pub const MAX_MONTHS: u32 = 36;

impl ProductSpec {
    pub fn validate(&self) -> Result<(), DomainError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(DomainError::invalid("name", "1 to 200 characters"));
        }
        if self.prices.is_empty() {
            return Err(DomainError::invalid("prices", "at least one period with its price"));
        }
        let digits = self.currency.minor_digits();
        for (i, p) in self.prices.iter().enumerate() {
            if p.months == 0 || p.months > MAX_MONTHS {
                return Err(DomainError::invalid("prices", format!("a period is 1 to {MAX_MONTHS} months, not {}", p.months)));
            }
            if self.prices[..i].iter().any(|q| q.months == p.months) {
                return Err(DomainError::invalid("prices", format!("the period of {} months is priced twice", p.months)));
            }
            if p.price < Decimal::ZERO || p.price.normalize().scale() > digits {
                return Err(DomainError::invalid("prices", format!("{} is not a price in {}", p.price, self.currency)));
            }
            crate::money::decimal_to_units(p.price)?;
        }
        for (i, a) in self.addons.iter().enumerate() {
            let code_ok =
                !a.code.is_empty() && a.code.len() <= 40 && a.code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !code_ok {
                return Err(DomainError::invalid(
                    "addons",
                    format!("add-on code {:?}: 1 to 40 latin letters, digits or _", a.code),
                ));
            }
            if self.addons[..i].iter().any(|b| b.code == a.code) {
                return Err(DomainError::invalid("addons", format!("add-on code {} is used twice", a.code)));
            }
            if a.min > a.default || a.default > a.max {
                return Err(DomainError::invalid("addons", format!("{}: needs min ≤ default ≤ max", a.code)));
            }
            if a.unit_price < Decimal::ZERO || a.unit_price.normalize().scale() > 4 {
                return Err(DomainError::invalid(
                    "addons",
                    format!("{}: the unit price {} is not a price", a.code, a.unit_price),
                ));
            }
            crate::money::decimal_to_units(a.unit_price)?;
        }
        if self.tax_percent < Decimal::ZERO || self.tax_percent >= Decimal::ONE_HUNDRED {
            return Err(DomainError::invalid("tax_percent", "0 to 99.99"));
        }
        if self.trial_days.is_some_and(|d| d == 0 || d > 366) {
            return Err(DomainError::invalid("trial_days", "1 to 366 days"));
        }
        Ok(())
    }

    pub fn price_for(&self, months: u32) -> Option<Decimal> {
        self.prices.iter().find(|p| p.months == months).map(|p| p.price)
    }

    pub fn addon(&self, code: &str) -> Option<&Addon> {
        self.addons.iter().find(|a| a.code == code)
    }
}

/// A domain name as the order form takes it: "Вы можете ввести
/// произвольное значение для доменного имени. Например, myserver123."
pub fn check_domain_name(name: &str) -> Result<String, DomainError> {
    let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if name.is_empty() || name.len() > 253 || !name.split('.').all(label_ok) {
        return Err(DomainError::invalid(
            "domain",
            format!("{name:?} is not a domain name: letters, digits and hyphens, dot-separated"),
        ));
    }
    Ok(name)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    /// The guide's cart: "DCI6 на новый ДЦ" at 495.00 a month with traffic
    /// and power add-ons, tax of 10% not included.
    pub(crate) fn dci6() -> ProductSpec {
        ProductSpec {
            name: "DCI6 на новый ДЦ".into(),
            product_type: ProductType::DedicatedServer,
            description: String::new(),
            parameters: vec![Parameter { name: "Процессор".into(), value: "2500 МГц".into() }],
            currency: Currency::RUB,
            prices: vec![PeriodPrice { months: 1, price: dec!(495.00) }, PeriodPrice { months: 12, price: dec!(5346.00) }],
            addons: vec![
                Addon {
                    code: "ipv4".into(),
                    name: "Публичные IPv4-адреса".into(),
                    unit: "Шт.".into(),
                    unit_price: dec!(150.00),
                    included: 3,
                    min: 1,
                    max: 8,
                    default: 3,
                },
                Addon {
                    code: "traffic".into(),
                    name: "Трафик".into(),
                    unit: "ГиБ".into(),
                    unit_price: dec!(0.0215),
                    included: 0,
                    min: 0,
                    max: 10240,
                    default: 5120,
                },
            ],
            tax_percent: dec!(10),
            tax_included: false,
            trial_days: None,
            needs_domain: true,
            align_to_month_start: true,
            deletion: DeletionRule { allowed: true, refund_unused: true },
            instructions: String::new(),
            integration: Default::default(),
            accounts: Default::default(),
        }
    }

    #[test]
    fn cat13_a_product_is_checked_and_priced_per_period() {
        let p = dci6();
        p.validate().unwrap();
        assert_eq!(p.price_for(12), Some(dec!(5346.00)));
        assert_eq!(p.price_for(3), None);
        let ipv4 = p.addon("ipv4").unwrap();
        assert_eq!((ipv4.price(3, 1), ipv4.price(5, 1), ipv4.price(5, 12)), (dec!(0), dec!(300.00), dec!(3600.00)));
        assert_eq!(ipv4.limit(), "1–8 Шт.");
        assert_eq!(p.addon("traffic").unwrap().price(5120, 1), dec!(110.0800));

        let mut bad = dci6();
        bad.prices.push(PeriodPrice { months: 1, price: dec!(1) });
        assert_eq!(bad.validate().unwrap_err().field(), Some("prices"));
        let mut bad = dci6();
        bad.prices[0].price = dec!(495.001);
        assert!(bad.validate().is_err());
        let mut bad = dci6();
        bad.addons[0].default = 9;
        assert_eq!(bad.validate().unwrap_err().field(), Some("addons"));
        let mut bad = dci6();
        bad.addons[1].code = "ipv4".into();
        assert!(bad.validate().is_err());
        let mut bad = dci6();
        bad.tax_percent = dec!(100);
        assert_eq!(bad.validate().unwrap_err().field(), Some("tax_percent"));
        let mut bad = dci6();
        bad.trial_days = Some(0);
        assert_eq!(bad.validate().unwrap_err().field(), Some("trial_days"));
    }

    #[test]
    fn cat13_domains_and_ssl_renew_60_days_ahead_and_servers_ask_for_a_domain() {
        assert!(ProductType::Domain.renews_60_days_ahead() && ProductType::SslCertificate.renews_60_days_ahead());
        assert!(!ProductType::VirtualServer.renews_60_days_ahead());
        assert!(ProductType::VirtualServer.asks_for_domain() && !ProductType::License.asks_for_domain());
        assert_eq!(serde_json::to_value(ProductType::SslCertificate).unwrap(), "ssl_certificate");
    }

    #[test]
    fn ord1_a_domain_name_may_be_any_host_name() {
        assert_eq!(check_domain_name(" MyServer123 ").unwrap(), "myserver123");
        assert_eq!(check_domain_name("example.ru.").unwrap(), "example.ru");
        for bad in ["", "-a.ru", "a..ru", "a b", "a_b.ru", &"x".repeat(64)] {
            assert!(check_domain_name(bad).is_err(), "{bad:?}");
        }
    }
}
