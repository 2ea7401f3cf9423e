//! The demo data set for a newcomer's first `kopek serve --demo`: an
//! admin, three clients with their owners, payers of each kind, months of
//! charges, payments, a correction, a credit invoice, products bought in
//! the shop and services in several states, so the API and every portal
//! screen show something real. Loaded only into an empty
//! database. With `--test-clock` a month can be lived through in seconds:
//! the first client spends on its credit limit and rents a server renewed
//! monthly from the balance (the invoice on the 1st, the reminders, the
//! block on the 30th, the renewal); the last is charged daily for internet.

use chrono::{DateTime, Datelike, Duration, Months, Utc};
use rust_decimal::Decimal;

use super::demo_shop::SHOPPING;
use crate::Engine;
use crate::accounts::clients::{NewClient, NewStaff, NewUser};
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::Result;
use crate::ledger::entries::{CreditPayment, PostExpense, Reversal};

pub const DEMO_ADMIN_EMAIL: &str = "admin@demo.kopek";
pub const DEMO_ADMIN_PASSWORD: &str = "demo-admin-password";
pub const DEMO_CLIENT_PASSWORD: &str = "demo-client-password";

/// The logins the demo created, to print for the newcomer.
#[derive(Debug, Clone)]
pub struct DemoLogins {
    pub admin_email: String,
    pub admin_password: String,
    pub client_emails: Vec<String>,
    pub client_password: String,
}

struct DemoClient {
    code: &'static str,
    name: &'static str,
    email: &'static str,
    owner: &'static str,
    credit_limit: i64,
    payments: &'static [&'static str],
    /// Charged on the 1st of each of the last three months.
    monthly: &'static [(&'static str, &'static str)],
    /// Charged every day of the last `days` days: (name, amount, days).
    daily: Option<(&'static str, &'static str, i64)>,
}

const CLIENTS: &[DemoClient] = &[
    DemoClient {
        code: "DEMO-001",
        name: "ООО «Ромашка»",
        email: "ivanov@romashka.example",
        owner: "Иванов Иван Иванович",
        credit_limit: 10000,
        payments: &["1000.00", "500.00"],
        monthly: &[("Виртуальный сервер VDS-2", "1250.0000"), ("Трафик, 12.5 ГБ", "22.4137")],
        daily: None,
    },
    DemoClient {
        code: "DEMO-002",
        name: "ИП Петров П. П.",
        email: "petrov@example.org",
        owner: "Петров Пётр Петрович",
        credit_limit: 0,
        payments: &["15000.00", "5000.00"],
        monthly: &[],
        daily: Some(("Интернет 100 Мбит/с", "20.0000", 90)),
    },
    DemoClient {
        code: "DEMO-003",
        name: "Sidorova Anna",
        email: "anna@example.net",
        owner: "Anna Sidorova",
        credit_limit: 0,
        payments: &["5000.00"],
        monthly: &[("SSL certificate renewal", "250.0000")],
        daily: None,
    },
];

const MONTHS_RU: [&str; 12] =
    ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"];

/// The demo's catalog: an ISP service charged daily, a hosting service
/// prepaid monthly, a promised payment, a tariff; the first demo client
/// rents the hosting service month by month, on credit, and the last
/// subscribes to the internet service.
const DEMO_SERVICES: &[&str] = &[
    r#"{ "main": { "name": "Интернет 100 Мбит/с", "kind": "periodic" },
         "fee": { "price": "600.00", "write_off": "daily", "currency": "RUB", "vat_percent": "20" },
         "conditions": { "speed": { "in_kbps": 100000, "out_kbps": 100000 } },
         "portal": { "orderable": true, "cancellable": true } }"#,
    r#"{ "main": { "name": "VDS-2 (2 vCPU, 4 ГБ, 40 ГБ SSD)", "kind": "periodic" },
         "fee": { "price": "1250.00", "write_off": "prepay", "currency": "RUB", "vat_percent": "20" },
         "portal": { "orderable": true } }"#,
    r#"{ "main": { "name": "Обещанный платёж", "kind": "promised_payment" },
         "fee": { "price": "500.00", "write_off": "prepay", "currency": "RUB" },
         "lifetime": { "days": 3 }, "portal": { "orderable": true } }"#,
];

/// A client's history: its monthly charges on the 1st of each of the last
/// three months, then its daily ones, oldest first.
fn demo_expenses(e: &Engine, d: &DemoClient) -> Vec<(String, &'static str, DateTime<Utc>)> {
    let today = e.local_today();
    let mut out = Vec::new();
    for back in (1..=3).rev() {
        let month = today.with_day(1).expect("the 1st") - Months::new(back);
        for (name, amount) in d.monthly {
            let label = format!("{name}, {} {}", MONTHS_RU[month.month0() as usize], month.year());
            out.push((label, *amount, e.to_utc(month.and_hms_opt(2, 0, 0).expect("02:00"))));
        }
    }
    if let Some((name, amount, days)) = d.daily {
        for back in (1..=days).rev() {
            let day = today - Duration::days(back);
            out.push((format!("{name}, {}", day.format("%d.%m.%Y")), amount, e.to_utc(day.and_hms_opt(2, 0, 0).expect("02:00"))));
        }
    }
    out
}

impl Engine {
    async fn load_demo_catalog(&self, ctx: &Ctx) -> Result<()> {
        let mut ids = Vec::new();
        for spec in DEMO_SERVICES {
            let input = crate::catalog::services::ServiceInput {
                spec: serde_json::from_str(spec).expect("demo service spec"),
                valid_from: Some(self.local_today()),
            };
            ids.push(self.create_service(ctx, input).await?.id);
        }
        self.create_tariff(
            ctx,
            crate::catalog::services::TariffInput {
                name: "Домашний".into(),
                description: "Интернет 100 Мбит/с".into(),
                services: vec![ids[0]],
            },
        )
        .await?;
        let clients = self.clients(ctx, 0, 100).await?;
        if let Some(first) = clients.first() {
            let order = crate::billing::paid_period::PaidPeriodOrder {
                service_id: ids[1],
                months: 1,
                auto_renew: true,
                saved_method_id: None,
            };
            self.order_paid_period(ctx, first.id, order).await?;
        }
        if let Some(last) = clients.last() {
            let input =
                crate::charging::subscriptions::ConnectInput { service_id: ids[0], tariff_id: None, discount_percent: None };
            self.connect(ctx, last.id, input).await?;
        }
        Ok(())
    }

    /// Loads the demo into an empty database; `None` when it holds clients.
    pub async fn load_demo(&self) -> Result<Option<DemoLogins>> {
        if !self.clients(&Ctx::system("demo"), 0, 1).await?.is_empty() {
            return Ok(None);
        }
        let ctx = Ctx::system("demo");
        self.create_staff_user(
            &ctx,
            NewStaff {
                email: DEMO_ADMIN_EMAIL.into(),
                full_name: "Demo Admin".into(),
                password: DEMO_ADMIN_PASSWORD.into(),
                role: "admin".into(),
            },
        )
        .await?;
        let mut emails = Vec::new();
        for d in CLIENTS {
            let client = self
                .create_client(
                    &ctx,
                    NewClient {
                        code: Some(d.code.into()),
                        name: d.name.into(),
                        country: "RU".into(),
                        currency: "RUB".into(),
                        credit_limit: Some(Amount(Decimal::from(d.credit_limit))),
                        disconnect_threshold: None,
                        owner: Some(NewUser {
                            email: d.email.into(),
                            full_name: d.owner.into(),
                            password: DEMO_CLIENT_PASSWORD.into(),
                            phone: None,
                            full_access: true,
                            rights: Vec::new(),
                        }),
                    },
                )
                .await?;
            for (name, amount, at) in demo_expenses(self, d) {
                let expense = PostExpense {
                    name,
                    amount: Amount(amount.parse().expect("demo amount")),
                    currency: "RUB".into(),
                    vat_percent: Some(Amount(Decimal::from(20))),
                    charged_at: Some(at),
                };
                self.post_expense(&ctx, client.id, expense).await?;
            }
            for amount in d.payments {
                self.credit_payment(
                    &ctx,
                    client.id,
                    CreditPayment {
                        amount: Amount(amount.parse().expect("demo amount")),
                        currency: "RUB".into(),
                        method: "manual".into(),
                        comment: "demo".into(),
                    },
                )
                .await?;
            }
            emails.push(d.email.to_string());
        }
        let clients = self.clients(&ctx, 0, 100).await?;
        // One correction, so the demo shows a reversal too: the oldest
        // traffic charge of the first client.
        let first = &clients[0];
        let traffic =
            self.expenses(&ctx, first.id).await?.into_iter().filter(|e| e.name.starts_with("Трафик")).min_by_key(|e| e.id);
        if let Some(e) = traffic {
            self.reverse_expense(&ctx, e.id, Reversal { reason: "demo: traffic counted twice".into() }).await?;
        }
        // Last month's charges on credit become the invoice of the 1st.
        let today = self.local_today();
        self.run_credit_cycle(&ctx, today.with_day(1).expect("the 1st")).await?;
        let products = self.load_demo_products(&ctx).await?;
        for shopping in SHOPPING {
            let client = clients.iter().find(|c| c.code == shopping.code).expect("a demo client");
            self.load_demo_shopping(&ctx, client.id, shopping, &products).await?;
        }
        self.load_demo_catalog(&ctx).await?;
        Ok(Some(DemoLogins {
            admin_email: DEMO_ADMIN_EMAIL.into(),
            admin_password: DEMO_ADMIN_PASSWORD.into(),
            client_emails: emails,
            client_password: DEMO_CLIENT_PASSWORD.into(),
        }))
    }
}
