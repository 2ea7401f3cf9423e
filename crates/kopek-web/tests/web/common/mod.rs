//! The HTTP harness the API tests share: a server over a fresh database
//! whose engine pays by the test card gateway (kind sandbox), a staff token,
//! clients with an owner who logs in to the portal, and JSON requests.

#![allow(dead_code, reason = "each test file uses the part it needs")]

use std::sync::Arc;

use kopek_engine::Ctx;
use kopek_engine::payments::gateway::PaymentGateway;
use kopek_engine::testing::{CardGateway, TestEngine};
use kopek_web::AppState;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

pub struct App {
    pub base: String,
    pub http: Client,
    pub token: String,
    pub t: TestEngine,
    pub cards: Arc<CardGateway>,
}

impl App {
    /// The server over a fresh database; the engine pays by the test card
    /// gateway (kind sandbox), whose webhooks come to /webhooks/sandbox.
    pub async fn spawn(db: kopek_store::testing::TestDb) -> App {
        let cards = CardGateway::new();
        let mut t = TestEngine::over(db);
        t.engine = t.engine.clone().with_gateway(cards.clone() as Arc<dyn PaymentGateway>);
        let admin = t.admin().await;
        let token = t.engine.create_token(&Ctx::system("test"), &admin.actor.label(), "tests").await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(kopek_web::serve(listener, AppState::new(t.engine.clone()), std::future::pending()));
        let http = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        App { base, http, token, t, cards }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    /// A request as staff (the admin's token).
    pub fn staff(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, self.url(path)).bearer_auth(&self.token)
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        json_of(self.staff(reqwest::Method::POST, path).json(&body)).await
    }

    pub async fn get(&self, path: &str) -> Value {
        let (status, v) = json_of(self.staff(reqwest::Method::GET, path)).await;
        assert_eq!(status, StatusCode::OK, "{path}: {v}");
        v
    }

    pub async fn balance(&self, client: i64) -> String {
        self.get(&format!("/clients/{client}/balance")).await["balance"].as_str().unwrap().to_string()
    }

    /// A client whose owner logs in as `<code>@client.test`, with an
    /// individual payer; a credit limit when given.
    pub async fn client(&self, code: &str, credit_limit: Option<&str>) -> (i64, i64) {
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
        let id = c["id"].as_i64().unwrap();
        let payer = json!({ "kind": "individual", "details": { "country": "RU", "name": "Анна Сергеевна Котова" } });
        let (status, p) = self.post(&format!("/clients/{id}/payers"), payer).await;
        assert_eq!(status, StatusCode::CREATED, "{p}");
        (id, p["id"].as_i64().unwrap())
    }

    pub async fn credit(&self, client: i64, amount: &str) {
        let (status, p) = self.post(&format!("/clients/{client}/payments"), json!({ "amount": amount, "currency": "RUB" })).await;
        assert_eq!(status, StatusCode::CREATED, "{p}");
    }

    /// The payer pays a waiting payment on the gateway's page; the gateway
    /// tells Kopek by its webhook.
    pub async fn pay_on_page(&self, payment: &Value, succeed: bool) -> Value {
        let external = payment["flow"]["external_id"].as_str().unwrap_or_else(|| panic!("a gateway payment: {payment}"));
        let body = self.cards.pay(external, succeed);
        let r = self.http.post(self.url("/webhooks/sandbox")).header("content-type", "application/json").body(body);
        let (status, outcome) = json_of(r).await;
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

pub async fn json_of(r: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let r = r.send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("{status}: not JSON: {text}")))
}
