//! An engine over a fresh test database with a clock the test sets, and
//! helpers that tests of every layer share.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use kopek_domain::ManualClock;
use kopek_store::Backend;
use kopek_store::testing::TestDb;

use crate::accounts::clients::{NewClient, NewStaff, NewUser};
use crate::accounts::password::PasswordCost;
use crate::core::amount::Amount;
use crate::core::ctx::{Actor, Ctx};
use crate::core::views::Client;
use crate::{Engine, Settings};

pub struct TestEngine {
    pub engine: Engine,
    pub clock: ManualClock,
    pub db: TestDb,
}

/// Settings for tests: a cheap password hash, so tests that create many
/// users stay fast; SMS on (tests stub its gateway); everything else as in
/// production.
pub fn test_settings() -> Settings {
    Settings { password_cost: PasswordCost { memory_kib: 256, iterations: 1 }, sms_enabled: true, ..Settings::default() }
}

impl TestEngine {
    /// Writes a notification to the outbox as the engine's use cases do,
    /// for the delivery worker to find; answers the message's id.
    pub async fn queue_notification(&self, note: &crate::core::notify::Notification) -> i64 {
        let payload = serde_json::to_string(note).expect("a notification serialises");
        let now = self.engine.now();
        let m = kopek_store::outbox::NewMessage {
            topic: crate::core::notify::NOTIFICATION_TOPIC,
            payload: &payload,
            dedup_key: None,
            max_attempts: 10,
            available_at: now,
            created_at: now,
        };
        let mut conn = self.engine.store().conn().await.expect("a connection");
        kopek_store::outbox::enqueue(&mut conn, &m).await.expect("queued").expect("no dedup key, so always queued")
    }

    pub fn over(db: TestDb) -> TestEngine {
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap());
        let engine = Engine::new(db.store.clone(), Arc::new(clock.clone()), test_settings());
        TestEngine { engine, clock, db }
    }

    pub async fn new(backend: Backend) -> Option<TestEngine> {
        TestDb::new(backend).await.map(TestEngine::over)
    }

    /// A staff admin actor (created in the database).
    pub async fn admin(&self) -> Ctx {
        let staff = self
            .engine
            .create_staff_user(
                &Ctx::system("test"),
                NewStaff {
                    email: format!("admin{}@kopek.test", rand_suffix()),
                    full_name: "Test Admin".into(),
                    password: "admin-password".into(),
                    role: "admin".into(),
                },
            )
            .await
            .expect("create admin");
        Ctx::new(Actor::Staff { id: staff.id, email: staff.email, role: kopek_domain::account::StaffRole::Admin })
    }

    /// A RUB client with an owner whose email is `<code>@client.test`.
    pub async fn client(&self, code: &str, credit_limit: i64) -> (Client, Ctx) {
        let client = self
            .engine
            .create_client(
                &Ctx::system("test"),
                NewClient {
                    code: Some(code.into()),
                    name: format!("Client {code}"),
                    country: "RU".into(),
                    currency: "RUB".into(),
                    credit_limit: Some(Amount(credit_limit.into())),
                    // The threshold is weighed against balance plus usable
                    // credit (CHG-5): at zero, services run down to the limit.
                    disconnect_threshold: Some(Amount(0.into())),
                    owner: Some(NewUser {
                        email: format!("{}@client.test", code.to_lowercase()),
                        full_name: format!("Owner of {code}"),
                        password: "client-password".into(),
                        phone: None,
                        full_access: true,
                        rights: Vec::new(),
                    }),
                },
            )
            .await
            .expect("create client");
        let users = self.engine.client_users(&Ctx::system("test"), client.id).await.expect("users");
        let owner = &users[0];
        let ctx = Ctx::new(Actor::ClientUser {
            id: owner.id,
            client_id: client.id,
            email: owner.email.clone(),
            rights: kopek_domain::account::Rights::ALL,
            acting_staff: None,
        });
        (client, ctx)
    }
}

fn rand_suffix() -> String {
    use rand::RngCore;
    format!("{:08x}", rand::rng().next_u32())
}

/// A card gateway for engine tests: a payment without a saved card waits
/// for [`CardGateway::pay`] (the payer on the gateway's page); one by a
/// saved card succeeds at once unless the card was declined with
/// [`CardGateway::decline`]. Its webhooks are plain JSON events.
#[derive(Default)]
pub struct CardGateway {
    state: std::sync::Mutex<CardState>,
}

#[derive(Default)]
struct CardState {
    next: u64,
    payments:
        std::collections::HashMap<String, (crate::payments::gateway::CreatePayment, crate::payments::gateway::GatewayPayment)>,
    by_key: std::collections::HashMap<String, String>,
    declined: std::collections::HashSet<String>,
    /// Every request, for tests to count what reached the gateway.
    pub requests: Vec<crate::payments::gateway::CreatePayment>,
}

impl CardGateway {
    pub fn new() -> Arc<CardGateway> {
        Arc::new(CardGateway::default())
    }

    /// The card behind `token` has no money (or is declined) from now on.
    pub fn decline(&self, token: &str) {
        self.state.lock().unwrap().declined.insert(token.to_string());
    }

    /// Every payment the gateway was asked for.
    pub fn requests(&self) -> Vec<crate::payments::gateway::CreatePayment> {
        self.state.lock().unwrap().requests.clone()
    }

    /// The payer pays a waiting payment on the gateway's page: the webhook
    /// body it sends, with a new card token when the card is to be kept.
    pub fn pay(&self, external_id: &str, succeed: bool) -> Vec<u8> {
        let mut s = self.state.lock().unwrap();
        s.next += 1;
        let token = format!("card_{}", s.next);
        let (req, p) = s.payments.get_mut(external_id).expect("a payment of this gateway");
        if succeed {
            p.status = crate::payments::gateway::GatewayStatus::Succeeded;
            p.method_token = req.save_method.then_some(token);
        } else {
            p.status = crate::payments::gateway::GatewayStatus::Failed;
            p.failure_reason = Some("declined on the page".into());
        }
        let event = crate::payments::gateway::WebhookEvent::from_payment(p.clone(), Some(req.payment_id.clone()));
        serde_json::to_vec(&serde_json::json!({
            "external_id": event.external_id, "status": event.status, "amount": event.amount, "currency": event.currency,
            "payment_id": event.payment_id, "method_token": event.method_token, "failure_reason": event.failure_reason,
        }))
        .unwrap()
    }
}

#[async_trait::async_trait]
impl crate::payments::gateway::PaymentGateway for CardGateway {
    fn kind(&self) -> crate::payments::gateway::GatewayKind {
        crate::payments::gateway::GatewayKind::Sandbox
    }

    async fn create(
        &self,
        req: &crate::payments::gateway::CreatePayment,
    ) -> Result<crate::payments::gateway::GatewayPayment, crate::payments::gateway::GatewayError> {
        use crate::payments::gateway::GatewayStatus;
        let mut s = self.state.lock().unwrap();
        s.requests.push(req.clone());
        if let Some(id) = s.by_key.get(&req.idempotency_key) {
            return Ok(s.payments[id].1.clone());
        }
        s.next += 1;
        let external_id = format!("card_pay_{}", s.next);
        let status = match req.saved_method_token.as_deref() {
            Some(t) if s.declined.contains(t) => GatewayStatus::Failed,
            Some(_) => GatewayStatus::Succeeded,
            None => GatewayStatus::Pending,
        };
        let payment = crate::payments::gateway::GatewayPayment {
            external_id: external_id.clone(),
            status,
            confirmation_url: (status == GatewayStatus::Pending).then(|| format!("https://cards.test/pay/{external_id}")),
            client_secret: None,
            method_token: None,
            amount: req.amount,
            currency: req.currency.clone(),
            failure_reason: (status == GatewayStatus::Failed).then(|| "insufficient funds on the card".to_string()),
        };
        s.by_key.insert(req.idempotency_key.clone(), external_id.clone());
        s.payments.insert(external_id, (req.clone(), payment.clone()));
        Ok(payment)
    }

    async fn fetch(
        &self,
        external_id: &str,
    ) -> Result<crate::payments::gateway::GatewayPayment, crate::payments::gateway::GatewayError> {
        let s = self.state.lock().unwrap();
        s.payments
            .get(external_id)
            .map(|p| p.1.clone())
            .ok_or_else(|| crate::payments::gateway::GatewayError::NotFound(external_id.into()))
    }

    async fn capture(
        &self,
        external_id: &str,
        _: rust_decimal::Decimal,
    ) -> Result<crate::payments::gateway::GatewayPayment, crate::payments::gateway::GatewayError> {
        self.fetch(external_id).await
    }

    async fn refund(
        &self,
        external_id: &str,
        amount: rust_decimal::Decimal,
        _: &str,
    ) -> Result<crate::payments::gateway::GatewayRefund, crate::payments::gateway::GatewayError> {
        let p = self.fetch(external_id).await?;
        Ok(crate::payments::gateway::GatewayRefund {
            external_id: format!("refund_{external_id}"),
            payment_external_id: external_id.into(),
            status: crate::payments::gateway::RefundStatus::Succeeded,
            amount,
            currency: p.currency,
        })
    }

    async fn verify_webhook(
        &self,
        req: &crate::payments::gateway::WebhookRequest<'_>,
    ) -> Result<crate::payments::gateway::WebhookEvent, crate::payments::gateway::GatewayError> {
        let v: serde_json::Value =
            serde_json::from_slice(req.body).map_err(|e| crate::payments::gateway::GatewayError::Forged(e.to_string()))?;
        let text = |k: &str| v[k].as_str().map(str::to_string);
        let status = serde_json::from_value(v["status"].clone())
            .map_err(|e| crate::payments::gateway::GatewayError::Forged(e.to_string()))?;
        Ok(crate::payments::gateway::WebhookEvent {
            external_id: text("external_id").unwrap_or_default(),
            status,
            amount: serde_json::from_value(v["amount"].clone())
                .map_err(|e| crate::payments::gateway::GatewayError::Forged(e.to_string()))?,
            currency: text("currency").unwrap_or_default(),
            payment_id: text("payment_id"),
            method_token: text("method_token"),
            failure_reason: text("failure_reason"),
        })
    }
}

/// Provisioning hooks for engine tests: every product's hook answers from
/// a script of answers (then success), and every call is recorded.
#[derive(Default)]
pub struct ScriptedHooks {
    answers: std::sync::Mutex<
        std::collections::VecDeque<
            Result<crate::service_life::provisioning::HookAnswer, crate::service_life::provisioning::HookError>,
        >,
    >,
    calls: std::sync::Mutex<Vec<crate::service_life::provisioning::HookCall>>,
}

impl ScriptedHooks {
    pub fn new() -> Arc<ScriptedHooks> {
        Arc::new(ScriptedHooks::default())
    }

    /// The next calls answer these, in order.
    pub fn answer(&self, a: Result<crate::service_life::provisioning::HookAnswer, crate::service_life::provisioning::HookError>) {
        self.answers.lock().unwrap().push_back(a);
    }

    pub fn calls(&self) -> Vec<crate::service_life::provisioning::HookCall> {
        self.calls.lock().unwrap().clone()
    }
}

struct ScriptedHook(Arc<ScriptedHooks>);

impl crate::service_life::provisioning::HookFactory for Arc<ScriptedHooks> {
    fn hook(
        &self,
        _: &crate::service_life::provisioning::HookSpec,
    ) -> Result<Arc<dyn crate::service_life::provisioning::ProvisioningHook>, String> {
        Ok(Arc::new(ScriptedHook(self.clone())))
    }
}

#[async_trait::async_trait]
impl crate::service_life::provisioning::ProvisioningHook for ScriptedHook {
    async fn call(
        &self,
        call: &crate::service_life::provisioning::HookCall,
    ) -> Result<crate::service_life::provisioning::HookAnswer, crate::service_life::provisioning::HookError> {
        self.0.calls.lock().unwrap().push(call.clone());
        self.0
            .answers
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or(Ok(crate::service_life::provisioning::HookAnswer::Success { message: None, data: Default::default() }))
    }
}
