//! The demo's shop and papers: products of several types with add-ons and
//! periods, a promo code, a payer of each kind, and orders that leave the
//! demo clients with services in different states, so every portal screen
//! of `kopek serve --demo` has something in it.

use serde_json::{Value, json};

use crate::Engine;
use crate::core::ctx::Ctx;
use crate::core::error::Result;
use crate::payments::payers::PayerInput;
use crate::shop::orders::CartInput;
use crate::shop::products::{ProductInput, PromoInput};

/// One order: (product index, add-ons, months, domain).
type DemoOrder = (usize, &'static [(&'static str, u32)], u32, Option<&'static str>);

/// A demo client's code, its payers, what it buys, and whether it stops
/// the first service it bought.
pub(super) struct DemoShopping {
    pub code: &'static str,
    pub payers: &'static [fn() -> Value],
    pub orders: &'static [DemoOrder],
    pub stop_first: bool,
}

pub(super) const SHOPPING: &[DemoShopping] = &[
    DemoShopping {
        code: "DEMO-001",
        payers: &[company, person],
        orders: &[(0, &[("ipv4", 2), ("disk", 40)], 1, None), (2, &[], 12, Some("romashka")), (0, &[], 3, None)],
        stop_first: true,
    },
    DemoShopping { code: "DEMO-002", payers: &[sole_proprietor], orders: &[(1, &[("ipv4", 4)], 1, None)], stop_first: false },
    DemoShopping { code: "DEMO-003", payers: &[person], orders: &[(3, &[], 12, Some("sidorova.net"))], stop_first: false },
];

fn products() -> [Value; 4] {
    let deletion = json!({ "allowed": true, "refund_unused": true });
    [
        json!({
            "name": "VDS Start", "product_type": "virtual_server", "currency": "RUB",
            "parameters": [{ "name": "CPU", "value": "2 ядра" }, { "name": "RAM", "value": "4 ГБ" }],
            "prices": [{ "months": 1, "price": "300.00" }, { "months": 3, "price": "870.00" }, { "months": 12, "price": "3240.00" }],
            "addons": [
                { "code": "ipv4", "name": "Публичные IPv4-адреса", "unit": "Шт.", "unit_price": "150.00", "included": 1, "min": 1, "max": 8, "default": 1 },
                { "code": "disk", "name": "Диск", "unit": "ГиБ", "unit_price": "2.00", "included": 10, "min": 10, "max": 500, "default": 10 }
            ],
            "tax_percent": "20", "tax_included": true, "deletion": deletion,
            "instructions": "Доступы к серверу придут письмом в течение 10 минут."
        }),
        json!({
            "name": "Dedicated E-2236", "product_type": "dedicated_server", "currency": "RUB",
            "parameters": [{ "name": "CPU", "value": "Xeon E-2236, 6 ядер" }, { "name": "RAM", "value": "32 ГБ" }],
            "prices": [{ "months": 1, "price": "7900.00" }, { "months": 12, "price": "85320.00" }],
            "addons": [
                { "code": "ipv4", "name": "Публичные IPv4-адреса", "unit": "Шт.", "unit_price": "150.00", "included": 1, "min": 1, "max": 16, "default": 1 }
            ],
            "tax_percent": "20", "tax_included": true, "deletion": { "allowed": false, "refund_unused": false }
        }),
        json!({
            "name": "Домен .ru", "product_type": "domain", "currency": "RUB",
            "prices": [{ "months": 12, "price": "799.00" }],
            "tax_percent": "20", "tax_included": true, "needs_domain": true, "deletion": deletion
        }),
        json!({
            "name": "SSL DV", "product_type": "ssl_certificate", "currency": "RUB",
            "prices": [{ "months": 12, "price": "2490.00" }],
            "tax_percent": "20", "tax_included": true, "needs_domain": true, "deletion": deletion
        }),
    ]
}

fn company() -> Value {
    json!({ "kind": "legal_entity", "details": {
        "country": "RU", "name": "ООО «Ромашка»", "contact_person": "Иванов Иван Иванович",
        "inn": "7707083893", "kpp": "773601001", "ogrn": "1027700132195",
        "bank_name": "ПАО Сбербанк", "bik": "044525225",
        "settlement_account": "40702810938000000001", "correspondent_account": "30101810400000000225"
    } })
}

fn sole_proprietor() -> Value {
    json!({ "kind": "sole_proprietor", "details": {
        "country": "RU", "name": "ИП Петров Пётр Петрович", "contact_person": "Петров Пётр Петрович", "inn": "500100732259", "ogrn": "304500116000157"
    } })
}

fn person() -> Value {
    json!({ "kind": "individual", "details": { "country": "RU", "name": "Сидорова Анна Викторовна" } })
}

impl Engine {
    /// The products and a promo code: the products' ids in [`products`]'
    /// order.
    pub(super) async fn load_demo_products(&self, ctx: &Ctx) -> Result<Vec<i64>> {
        let mut ids = Vec::new();
        for spec in products() {
            let input = ProductInput { spec: serde_json::from_value(spec).expect("demo product"), hook: None, archived: false };
            ids.push(self.create_product(ctx, input).await?.id);
        }
        let promo = json!({ "code": "DEMO10", "value": { "kind": "percent", "value": "10" },
            "valid_from": self.local_today(), "max_uses_per_client": 1, "products": [] });
        self.create_promo(ctx, PromoInput { promo: serde_json::from_value(promo).expect("demo promo") }).await?;
        Ok(ids)
    }

    /// A client's payers and orders, paid from its balance (or its credit).
    pub(super) async fn load_demo_shopping(
        &self,
        ctx: &Ctx,
        client_id: i64,
        shopping: &DemoShopping,
        products: &[i64],
    ) -> Result<()> {
        for payer in shopping.payers {
            let input: PayerInput = serde_json::from_value(payer()).expect("demo payer");
            self.create_payer(ctx, client_id, input).await?;
        }
        let mut first = None;
        for (product, addons, months, domain) in shopping.orders {
            let config = json!({ "months": months, "addons": addons.iter().copied().collect::<std::collections::BTreeMap<_, _>>(),
                "domain": domain });
            let input = CartInput {
                product_id: products[*product],
                config: serde_json::from_value(config).expect("demo order"),
                auto_renew: true,
                promo_code: None,
            };
            let order = self.order_now(ctx, client_id, input, None).await?;
            first = first.or(order.items.first().and_then(|i| i.subscription_id));
        }
        if let (true, Some(sub)) = (shopping.stop_first, first) {
            self.service_action(ctx, sub, kopek_domain::product::life::Action::Stop).await?;
        }
        Ok(())
    }
}
