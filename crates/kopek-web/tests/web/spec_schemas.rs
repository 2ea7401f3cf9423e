//! The OpenAPI document describes the specs the API takes and shows (OPS-3):
//! a service's tabs, a product, a promo code, an order's configuration and
//! quote, a payer's details. Each spec below is built field by field, so a
//! field added to its type stops this compiling until it is filled in here;
//! then its JSON is checked against the schema: every key a property with a
//! description, every value of the property's type and enum.

use chrono::NaiveDate;
use kopek_domain::Currency;
use kopek_domain::catalog::{
    AccountsTab, AdditionalTab, ConditionsTab, FeeTab, IntegrationTab, MainTab, PortalTab, ServiceKind, ServiceSpec, Speed,
};
use kopek_domain::charging::calendar::{CalendarRule, PeriodUnit, WriteOff};
use kopek_domain::charging::lifetime::Lifetime;
use kopek_domain::charging::usage::{UsageKind, UsageRates};
use kopek_domain::charging::window::{ActivityWindow, HourRange};
use kopek_domain::payer::{Address, DocumentDelivery, PayerDetails};
use kopek_domain::product::promo::{PromoCode, PromoValue};
use kopek_domain::product::quote::{OrderConfig, Quote, QuoteLine};
use kopek_domain::product::{Addon, DeletionRule, Parameter, PeriodPrice, ProductSpec, ProductType};
use kopek_domain::tax::VatRateKind;
use rust_decimal::Decimal;
use serde_json::Value;

fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

fn integration() -> IntegrationTab {
    IntegrationTab {
        activation_params: "speed=100".into(),
        deactivation_params: "speed=0".into(),
        nas: some("nas-1"),
        ip_pool: some("white"),
        keep_ip_on_deactivation: true,
        reset_counters_on_charge: true,
        base_package_kind: some("iptv"),
        silent: true,
    }
}

fn accounts() -> AccountsTab {
    AccountsTab {
        create_on_connect: true,
        count: 2,
        login_prefix: "bestiptv".into(),
        numeric_password: true,
        require_account_binding: true,
    }
}

fn service() -> ServiceSpec {
    let mut usage_rates = UsageRates::default();
    usage_rates.set(UsageKind::TrafficIn, "city", Decimal::new(15, 1));
    ServiceSpec {
        main: MainTab { name: "Internet 100".into(), kind: ServiceKind::Package },
        fee: FeeTab {
            price: Decimal::new(31000, 2),
            connection_cost: Decimal::new(100, 0),
            write_off: WriteOff::Daily,
            period: PeriodUnit::Month,
            currency: "RUB".into(),
            vat_percent: Decimal::new(20, 0),
            vat_rate: VatRateKind::Fixed,
            discount_only_for_tariff_services: true,
            shift_charge_date: true,
            start_charging_after_first_session: true,
            activate_after_first_session: true,
            refund_on_disconnect: true,
        },
        integration: integration(),
        conditions: ConditionsTab {
            holiday_calendar: some("ru"),
            window: Some(ActivityWindow {
                months: vec![1, 12],
                weekdays: vec![1, 2, 3, 4, 5],
                days_of_month: vec![1, 15],
                hours: Some(HourRange { from: "22:00".into(), to: "06:00".into() }),
            }),
            speed: Some(Speed { in_kbps: 100_000, out_kbps: 50_000 }),
            boost_minutes: Some(60),
        },
        additional: AdditionalTab {
            no_charge_if_insufficient_and_deactivate: true,
            threshold_override: Some(Decimal::new(-100, 0)),
            charge_even_if_blocked: true,
            no_discounts: true,
            deactivate_past_limit_keep_charging: true,
            activate_only_above_threshold: true,
            charge_shift_minutes: -150,
            payment_subject: some("service"),
            hidden_from_client: true,
            code_1c: some("00-0001"),
            sync_1c: true,
            unit_of_measure: some("Шт."),
            roaming: true,
            roaming_rates: usage_rates.clone(),
            usage_rates,
        },
        lifetime: Lifetime {
            days: Some(7),
            months: Some(1),
            minutes: Some(600),
            activations: Some(3),
            total_sum: Some(Decimal::new(1000, 0)),
        },
        accounts: accounts(),
        portal: PortalTab {
            orderable: true,
            popup_text: some("Спасибо!"),
            cancellable: true,
            cancel_after_months: Some(3),
            check_funds: true,
            only_in_tariffs: vec![1],
            long_renewal_lead: true,
        },
        calendar: CalendarRule::FromFirstOfMonth,
        package_services: vec![2, 3],
    }
}

fn product() -> ProductSpec {
    ProductSpec {
        name: "VDS Fast".into(),
        product_type: ProductType::VirtualServer,
        description: "Fast".into(),
        parameters: vec![Parameter { name: "Оперативная память".into(), value: "256 МиБ".into() }],
        currency: Currency::RUB,
        prices: vec![PeriodPrice { months: 1, price: Decimal::new(30000, 2) }],
        addons: vec![Addon {
            code: "ipv4".into(),
            name: "IPv4".into(),
            unit: "Шт.".into(),
            unit_price: Decimal::new(15000, 2),
            included: 1,
            min: 1,
            max: 8,
            default: 1,
        }],
        tax_percent: Decimal::new(20, 0),
        tax_included: true,
        trial_days: Some(30),
        needs_domain: true,
        align_to_month_start: true,
        deletion: DeletionRule { allowed: true, refund_unused: true },
        instructions: "Log in as root".into(),
        integration: integration(),
        accounts: accounts(),
    }
}

fn promo() -> PromoCode {
    PromoCode {
        code: "SPRING15".into(),
        value: PromoValue::Percent(Decimal::new(15, 0)),
        valid_from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        valid_to: NaiveDate::from_ymd_opt(2026, 3, 31),
        max_uses: Some(100),
        max_uses_per_client: Some(1),
        products: vec![1],
    }
}

fn config() -> OrderConfig {
    OrderConfig { months: 1, addons: [("ipv4".to_string(), 2)].into(), domain: some("myserver123") }
}

fn quote() -> Quote {
    let at = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap().and_hms_opt(0, 0, 0).unwrap();
    let money = |cents| Decimal::new(cents, 2);
    Quote {
        months: 1,
        starts_at: at(11),
        first_period_ends: at(31),
        trial: false,
        lines: vec![QuoteLine {
            code: some("ipv4"),
            name: "IPv4".into(),
            value: some("2 Шт."),
            limit: some("1–8 Шт."),
            until_end: money(10161),
            per_period: money(15000),
        }],
        base: money(30000),
        configuration: money(15000),
        per_period: money(45000),
        first_period: money(30484),
        discount: money(4573),
        tax_percent: Decimal::new(20, 0),
        tax_included: true,
        tax: money(4319),
        to_pay: money(25911),
        then_per_period: money(45000),
    }
}

fn payer() -> PayerDetails {
    let address =
        || Address {
            country: some("RU"), postcode: some("101000"), city: some("Москва"), address: some("Тверская, 1")
        };
    let date = NaiveDate::from_ymd_opt(1990, 5, 17);
    PayerDetails {
        country: "RU".into(),
        name: "ООО Ромашка".into(),
        contact_person: some("Анна"),
        phone: some("+7 495 000-00-00"),
        fax: some("+7 495 000-00-01"),
        email: some("buh@romashka.ru"),
        document_delivery: vec![DocumentDelivery::Portal, DocumentDelivery::Email],
        legal_address: Some(address()),
        actual_address: Some(address()),
        inn: some("7707083893"),
        kpp: some("773601001"),
        ogrn: some("1027700132195"),
        bank_name: some("Сбербанк"),
        bik: some("044525225"),
        settlement_account: some("40702810400000001111"),
        correspondent_account: some("30101810400000000225"),
        iban: some("DE89370400440532013000"),
        swift: some("SABRRUMM"),
        accounting_settings: some("—"),
        director_name: some("Иванов Иван Иванович"),
        director_position: some("Генеральный директор"),
        director_name_genitive: some("Иванова Ивана Ивановича"),
        director_position_genitive: some("Генерального директора"),
        director_name_dative: some("Иванову Ивану Ивановичу"),
        director_position_dative: some("Генеральному директору"),
        acting_on_basis: some("Устава"),
        passport_series_number: some("1111 111111"),
        passport_issue_date: date,
        passport_issued_by: some("ОВД"),
        birth_date: date,
        registration_city: some("Москва"),
        registration_address: some("Тверская, 1"),
    }
}

/// The schema `$ref` points to, or the schema itself.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let name = r.strip_prefix("#/components/schemas/").expect("a local schema");
            let found = &doc["components"]["schemas"][name];
            assert!(found.is_object(), "{name} is referred to but missing");
            found
        }
        None => schema,
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Whether `value` fits `schema`; why not, with the path, when it doesn't.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let schema = resolve(doc, schema);
    if let Some(alternatives) = schema["oneOf"].as_array() {
        let errors: Vec<String> = alternatives.iter().filter_map(|s| check(doc, s, value, at).err()).collect();
        return if errors.len() < alternatives.len() { Ok(()) } else { Err(errors.join("; ")) };
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let t = json_type(value);
    let fits = types.is_empty() || types.contains(&t) || (t == "integer" && types.contains(&"number"));
    if !fits {
        return Err(format!("{at}: a {t}, the schema says {types:?}"));
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        return Err(format!("{at}: {value} is not one of {allowed:?}"));
    }
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check(doc, &schema["items"], item, &format!("{at}[{i}]"))?;
            }
        }
        Value::Object(fields) => {
            for name in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                if !fields.contains_key(name) {
                    return Err(format!("{at}: the schema requires {name}"));
                }
            }
            for (name, field) in fields {
                let here = format!("{at}.{name}");
                let property = &schema["properties"][name];
                if property.is_object() {
                    let described = |p: &Value| p["description"].as_str().is_some_and(|d| !d.trim().is_empty());
                    let is_tag = property["enum"].as_array().is_some_and(|e| e.len() == 1);
                    let alternatives = property["oneOf"].as_array().into_iter().flatten();
                    if !is_tag && !described(property) && !alternatives.clone().any(described) {
                        return Err(format!("{here}: a property without a description"));
                    }
                    check(doc, property, field, &here)?;
                } else if schema["additionalProperties"].is_object() {
                    check(doc, &schema["additionalProperties"], field, &here)?;
                } else {
                    return Err(format!("{here}: not in the schema"));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

#[test]
fn ops3_the_openapi_describes_every_field_of_the_service_product_promo_order_and_payer_specs() {
    let doc = serde_json::to_value(kopek_web::openapi()).unwrap();
    let schemas = &doc["components"]["schemas"];
    let specs = [
        ("ServiceSpec", serde_json::to_value(service()).unwrap()),
        ("ProductSpec", serde_json::to_value(product()).unwrap()),
        ("PromoCode", serde_json::to_value(promo()).unwrap()),
        ("OrderConfig", serde_json::to_value(config()).unwrap()),
        ("Quote", serde_json::to_value(quote()).unwrap()),
        ("PayerDetails", serde_json::to_value(payer()).unwrap()),
    ];
    for (name, value) in &specs {
        assert!(schemas[name]["description"].as_str().is_some_and(|d| !d.is_empty()), "{name} has a description");
        check(&doc, &schemas[name], value, name).unwrap_or_else(|e| panic!("{e}"));
    }
    // A field the schema lacks, or one it doesn't describe, is caught.
    let mut lacking = doc.clone();
    lacking["components"]["schemas"]["Speed"]["properties"].as_object_mut().unwrap().remove("in_kbps");
    let found = check(&lacking, &schemas["ServiceSpec"], &specs[0].1, "ServiceSpec");
    assert!(found.as_ref().is_err_and(|e| e.contains("ServiceSpec.conditions.speed.in_kbps: not in the schema")), "{found:?}");
    let mut undescribed = doc.clone();
    undescribed["components"]["schemas"]["Lifetime"]["properties"]["days"]["description"] = Value::Null;
    let found = check(&undescribed, &schemas["ServiceSpec"], &specs[0].1, "ServiceSpec");
    assert!(
        found.as_ref().is_err_and(|e| e.contains("ServiceSpec.lifetime.days: a property without a description")),
        "{found:?}"
    );
    // A key the spec doesn't have is refused by the schema as by serde.
    let mut extra = specs[0].1.clone();
    extra["fee"]["colour"] = "red".into();
    assert!(check(&doc, &schemas["ServiceSpec"], &extra, "ServiceSpec").is_err());
    assert_eq!(schemas["FeeTab"]["additionalProperties"], false);
    let mut wrong = specs[0].1.clone();
    wrong["fee"]["write_off"] = "weekly".into();
    assert!(check(&doc, &schemas["ServiceSpec"], &wrong, "ServiceSpec").is_err());
    // What must be sent, and what may be left out.
    assert_eq!(schemas["ServiceSpec"]["required"], serde_json::json!(["main", "fee"]));
    assert_eq!(schemas["FeeTab"]["required"], serde_json::json!(["price", "write_off", "currency"]));
    assert_eq!(schemas["ProductSpec"]["required"], serde_json::json!(["name", "product_type", "currency", "prices"]));

    // The API's bodies and answers refer to these schemas, not to a bare object.
    for (schema, field, spec) in [
        ("ServiceInput", "spec", "ServiceSpec"),
        ("ServiceVersion", "spec", "ServiceSpec"),
        ("ProductInput", "spec", "ProductSpec"),
        ("Product", "spec", "ProductSpec"),
        ("PromoInput", "promo", "PromoCode"),
        ("Promo", "promo", "PromoCode"),
        ("QuoteRequest", "config", "OrderConfig"),
        ("CartInput", "config", "OrderConfig"),
        ("CartItem", "config", "OrderConfig"),
        ("ClientService", "config", "OrderConfig"),
        ("OrderQuote", "quote", "Quote"),
        ("CartItem", "quote", "Quote"),
        ("PayerInput", "details", "PayerDetails"),
        ("Payer", "details", "PayerDetails"),
        ("MergePlan", "steps", "MergeAction"),
    ] {
        let property = schemas[schema]["properties"][field].to_string();
        assert!(property.contains(&format!("\"#/components/schemas/{spec}\"")), "{schema}.{field} is a {spec}: {property}");
    }
}
