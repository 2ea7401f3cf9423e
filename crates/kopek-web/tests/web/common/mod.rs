//! The HTTP harness the API tests share: a server over a fresh database
//! whose engine pays through the gateways a test asks for, a staff token,
//! clients with an owner who logs in to the portal, and JSON requests.

#![allow(dead_code, reason = "each test file uses the part it needs")]

pub mod pages;

use std::sync::Arc;

use kopek_engine::Ctx;
use kopek_engine::payments::gateway::PaymentGateway;
use kopek_engine::testing::{CardGateway, TestEngine};
use kopek_integrations::{SandboxConfig, SandboxGateway};
use kopek_web::AppState;
use reqwest::{Client, Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};

/// The payment gateways the engine is built with.
pub enum Gateways {
    /// The engine's test card gateway (kind sandbox): the payer pays by
    /// [`App::pay_on_page`], which delivers its webhook.
    Cards,
    /// A real `SandboxGateway`, whose hosted page the server shows at
    /// /sandbox/pay/{id}.
    Sandbox,
    /// These, e.g. YooKassa and Stripe talking to wiremock.
    These(Vec<Arc<dyn PaymentGateway>>),
}

pub struct App {
    pub base: String,
    pub http: Client,
    pub token: String,
    pub t: TestEngine,
    cards: Option<Arc<CardGateway>>,
    sandbox: Option<Arc<SandboxGateway>>,
}

impl App {
    /// The server over a fresh database; the engine pays by the test card
    /// gateway (kind sandbox), whose webhooks come to /webhooks/sandbox.
    pub async fn spawn(db: kopek_store::testing::TestDb) -> App {
        App::spawn_with(db, Gateways::Cards).await
    }

    pub async fn spawn_with(db: kopek_store::testing::TestDb, gateways: Gateways) -> App {
        App::spawn_shielded(db, gateways, kopek_web::shield::ShieldConfig::default()).await
    }

    /// A server whose rates per address and metrics token are `shield`.
    pub async fn spawn_shielded(
        db: kopek_store::testing::TestDb,
        gateways: Gateways,
        shield: kopek_web::shield::ShieldConfig,
    ) -> App {
        App::spawn_configured(db, gateways, shield, kopek_engine::testing::test_settings()).await
    }

    /// A server whose engine has these settings (e.g. SUP-1's files
    /// directory).
    pub async fn spawn_configured(
        db: kopek_store::testing::TestDb,
        gateways: Gateways,
        shield: kopek_web::shield::ShieldConfig,
        mut settings: kopek_engine::Settings,
    ) -> App {
        let mut t = TestEngine::over(db);
        let (mut cards, mut sandbox) = (None, None);
        let gateways = match gateways {
            Gateways::Cards => {
                let c = CardGateway::new();
                cards = Some(c.clone());
                vec![c as Arc<dyn PaymentGateway>]
            }
            Gateways::Sandbox => {
                let s = Arc::new(SandboxGateway::new(SandboxConfig::new("sbx_whsec_test")).unwrap());
                sandbox = Some(s.clone());
                vec![s as Arc<dyn PaymentGateway>]
            }
            Gateways::These(gateways) => {
                // Real gateways send the payer back to an address under the
                // provider's public URL.
                settings.public_url = Some("https://billing.example".into());
                gateways
            }
        };
        t.engine = kopek_engine::Engine::new(t.db.store.clone(), Arc::new(t.clock.clone()), settings);
        for g in gateways {
            t.engine = t.engine.clone().with_gateway(g);
        }
        t.engine = t.engine.clone().with_renderer(Arc::new(kopek_integrations::notifications::ShippedTemplates::new()));
        let admin = t.admin().await;
        let token = t.engine.create_token(&Ctx::system("test"), &admin.actor.label(), "tests").await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = AppState::new(t.engine.clone()).with_sandbox(sandbox.clone()).with_shield(shield);
        tokio::spawn(kopek_web::serve(listener, state, std::future::pending()));
        let http = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        App { base, http, token, t, cards, sandbox }
    }

    /// The sandbox gateway, for a server spawned with [`Gateways::Sandbox`].
    pub fn sandbox(&self) -> &SandboxGateway {
        self.sandbox.as_deref().expect("spawned with Gateways::Sandbox")
    }

    /// The test card gateway, for a server spawned with [`Gateways::Cards`].
    pub fn cards(&self) -> &CardGateway {
        self.cards.as_deref().expect("spawned with Gateways::Cards")
    }

    /// An address under /api/v1.
    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    /// An address outside the API: /healthz, the sandbox's page…
    pub fn site(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request as staff (the admin's token).
    pub fn staff(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, self.url(path)).bearer_auth(&self.token)
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        json_of(self.staff(Method::POST, path).json(&body)).await
    }

    pub async fn get(&self, path: &str) -> Value {
        let (status, v) = json_of(self.staff(Method::GET, path)).await;
        assert_eq!(status, StatusCode::OK, "{path}: {v}");
        v
    }

    pub async fn balance(&self, client: i64) -> String {
        self.get(&format!("/clients/{client}/balance")).await["balance"].as_str().unwrap().to_string()
    }

    /// A client whose owner logs in as `<code>@client.test`; a credit limit
    /// when given.
    pub async fn owned_client(&self, code: &str, credit_limit: Option<&str>) -> i64 {
        let mut body = json!({
            "code": code, "name": format!("Client {code}"),
            "owner": { "email": format!("{}@client.test", code.to_lowercase()), "full_name": "Owner", "password": "client-password" }
        });
        if let Some(limit) = credit_limit {
            body["credit_limit"] = json!(limit);
            body["disconnect_threshold"] = json!(format!("-{limit}"));
        }
        let (status, c) = self.post("/clients", body).await;
        assert_eq!(status, StatusCode::CREATED, "{c}");
        c["id"].as_i64().unwrap()
    }

    /// [`App::owned_client`] with an individual payer: (client, payer).
    pub async fn client(&self, code: &str, credit_limit: Option<&str>) -> (i64, i64) {
        let id = self.owned_client(code, credit_limit).await;
        let payer = json!({ "kind": "individual", "details": { "country": "RU", "name": "Анна Сергеевна Котова" } });
        let (status, p) = self.post(&format!("/clients/{id}/payers"), payer).await;
        assert_eq!(status, StatusCode::CREATED, "{p}");
        (id, p["id"].as_i64().unwrap())
    }

    pub async fn credit(&self, client: i64, amount: &str) {
        let (status, p) = self.post(&format!("/clients/{client}/payments"), json!({ "amount": amount, "currency": "RUB" })).await;
        assert_eq!(status, StatusCode::CREATED, "{p}");
    }

    /// A card method through the sandbox for individuals: 5 % + 10.00,
    /// from 10.00 to 15000.00; its id.
    pub async fn sandbox_method(&self) -> i64 {
        self.method(json!({
            "prefix": "sbx", "name": "Card (sandbox)", "gateway": "sandbox", "currency": "RUB",
            "commission_percent": "5", "commission_fixed": "10.00", "min_amount": "10.00", "max_amount": "15000.00",
            "cashback_percent": "0", "payer_kinds": ["individual"], "enabled": true, "instructions": "",
        }))
        .await
    }

    /// A payment method created by staff: its id.
    pub async fn method(&self, body: Value) -> i64 {
        let (status, m) = self.post("/payment-methods", body).await;
        assert_eq!(status, StatusCode::CREATED, "{m}");
        m["id"].as_i64().unwrap()
    }

    /// A gateway's call: no login, the raw body and the gateway's headers.
    pub async fn webhook(&self, gateway: &str, headers: &[(&str, String)], body: &[u8]) -> (StatusCode, Value) {
        let mut r = self.http.post(self.url(&format!("/webhooks/{gateway}"))).header("content-type", "application/json");
        for (k, v) in headers {
            r = r.header(*k, v);
        }
        json_of(r.body(body.to_vec())).await
    }

    /// The payer pays a waiting payment on the test card gateway's page;
    /// the gateway tells Kopek by its webhook.
    pub async fn pay_on_page(&self, payment: &Value, succeed: bool) -> Value {
        let external = payment["flow"]["external_id"].as_str().unwrap_or_else(|| panic!("a gateway payment: {payment}"));
        let (status, outcome) = self.webhook("sandbox", &[], &self.cards().pay(external, succeed)).await;
        assert_eq!(status, StatusCode::OK, "{outcome}");
        outcome
    }

    /// The portal way: the client's owner logs in; the cookie carries it.
    pub async fn portal(&self, code: &str) -> Client {
        let portal = Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let login = portal
            .post(self.url("/auth/login"))
            .json(&json!({ "email": format!("{}@client.test", code.to_lowercase()), "password": "client-password" }))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), StatusCode::OK);
        portal
    }
}

/// Sends the request: its status and JSON body.
pub async fn json_of(r: RequestBuilder) -> (StatusCode, Value) {
    let r = r.send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("{status}: not JSON: {text}")))
}

/// Sends a request that must fail: its status and error code, the error
/// carrying a message for a person.
pub async fn error_of(r: RequestBuilder) -> (StatusCode, String) {
    let (status, body) = json_of(r).await;
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    (status, body["code"].as_str().unwrap().to_string())
}
