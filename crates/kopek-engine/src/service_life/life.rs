//! The life of a product's service (SVC-1 … SVC-3, ORD-5): every action
//! that reaches the equipment (open, stop, start, renew, change, delete) is
//! an operation queued in the outbox with the state change that starts it
//! ("processing:opening"…), so a hook never runs inside a money
//! transaction. A worker calls the product's hook under its time limit;
//! the answer moves the state (active, needs setup, out of stock). A hook
//! that fails or hangs is retried with backoff; once its tries are spent the
//! service stays "processing" with the error shown to staff.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use kopek_domain::account::{OperationStatus, Right};
use kopek_domain::product::ProductSpec;
use kopek_domain::product::life::{Action, HookResult, Operation, ServiceState, begin, finish};
use kopek_domain::product::quote::OrderConfig;
use kopek_store::service_life::{self as store, OperationRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::catalog::services::load_price_book;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::uow::Uow;
use crate::jobs::worker::{Handler, Message};
use crate::ledger::entries::lock_client;
use crate::service_life::provisioning::HookSpec;
use crate::service_life::provisioning::{HookAction, HookAnswer, HookCall, ProvisioningHook};

pub const PROVISIONING_TOPIC: &str = "provisioning";

/// What an outbox message of [`PROVISIONING_TOPIC`] carries.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Job {
    operation_id: i64,
    /// Where the service was when the operation began.
    before: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ServiceOperation {
    pub id: i64,
    pub action: String,
    /// pending, done or failed.
    pub status: String,
    pub attempts: i64,
    pub answer: Option<String>,
    pub error: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A product's service as its owner and staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClientService {
    pub subscription_id: i64,
    pub product_id: i64,
    pub product_name: String,
    /// "active", "processing:opening", "needs_setup"…
    pub state: String,
    /// "Активен", "Обрабатывается (открытие)"…
    pub state_label: String,
    pub paid_until: Option<chrono::DateTime<chrono::Utc>>,
    pub auto_renew: bool,
    pub config: OrderConfig,
    /// The last hook error; staff only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// "История".
    pub operations: Vec<ServiceOperation>,
}

fn hook_action(op: Operation) -> HookAction {
    match op {
        Operation::Opening => HookAction::Open,
        Operation::TurningOff => HookAction::Stop,
        Operation::TurningOn | Operation::Rebooting => HookAction::Start,
        Operation::Renewing => HookAction::Renew,
        Operation::Changing | Operation::Transferring => HookAction::Change,
        Operation::Deleting => HookAction::Delete,
    }
}

impl Engine {
    /// Starts an operation on a product's service: its state becomes
    /// "processing" and the hook call waits in the outbox, in the caller's
    /// transaction. A product without a hook moves at once.
    pub(crate) async fn queue_operation(&self, uow: &mut Uow<'_>, sub_id: i64, action: Action) -> Result<ServiceState> {
        let life = store::life(&mut uow.conn, sub_id).await?.ok_or_else(|| EngineError::not_found("subscription", sub_id))?;
        let before = life.life_state.unwrap_or(ServiceState::Ordered);
        let before = if action == Action::Open && before == ServiceState::Processing(Operation::Opening) {
            ServiceState::Ordered
        } else {
            before
        };
        let op = begin(before, action)?;
        let has_hook = match life.product_id {
            Some(p) => kopek_store::products::get(&mut uow.conn, p).await?.is_some_and(|p| p.hook.is_some()),
            None => false,
        };
        let now_state = if has_hook { ServiceState::Processing(op) } else { finish(op, HookResult::Success, false, before) };
        store::set_life(&mut uow.conn, sub_id, now_state, None).await?;
        if has_hook {
            let id = store::insert_operation(&mut uow.conn, sub_id, hook_action(op).as_str(), uow.now).await?;
            uow.emit(PROVISIONING_TOPIC, &Job { operation_id: id, before: before.stored() }, Some(&format!("operation-{id}")))
                .await?;
        }
        Ok(now_state)
    }

    /// SVC-2 for the client: stop, start, reboot.
    pub async fn service_action(&self, ctx: &Ctx, sub_id: i64, action: Action) -> Result<ClientService> {
        ctx.actor.ensure_right(Right::Services)?;
        if matches!(action, Action::Open | Action::Renew | Action::Change | Action::Delete) {
            return Err(
                kopek_domain::DomainError::invalid("action", "open, renew, change and delete have their own requests").into()
            );
        }
        let mut uow = self.begin(ctx).await?;
        let life = visible(&mut uow.conn, ctx, sub_id).await?;
        lock_client(&mut uow.conn, life.client_id).await?;
        let state = self.queue_operation(&mut uow, sub_id, action).await?;
        uow.audit(
            "service.action",
            "subscription",
            sub_id,
            Some(life.client_id),
            serde_json::json!({
                "action": action, "state": state.stored(),
            }),
        )
        .await?;
        uow.finish(()).await?;
        self.client_service(ctx, sub_id).await
    }

    /// Runs one queued operation through its hook; `Err` asks the worker to
    /// try again later. `last_try` ends it for good with the error kept.
    async fn run_operation(&self, job: &Job, last_try: bool) -> std::result::Result<(), String> {
        let (op, call, hook) = match self.prepare_call(job.operation_id).await.map_err(|e| e.chain())? {
            Some(prepared) => prepared,
            None => return Ok(()),
        };
        let answer = hook.call(&call).await;
        let before = ServiceState::parse_stored(&job.before).unwrap_or(ServiceState::Ordered);
        let result = match &answer {
            Ok(HookAnswer::Success { .. }) => Some(HookResult::Success),
            Ok(HookAnswer::NeedsSetup { .. }) => Some(HookResult::NeedsSetup),
            Ok(HookAnswer::OutOfStock { .. }) => Some(HookResult::OutOfStock),
            Ok(HookAnswer::Failed { .. }) | Err(_) => None,
        };
        let error = match &answer {
            Ok(a) if result.is_none() || !a.is_success() => a.message().map(str::to_string),
            Ok(_) => None,
            Err(e) => Some(e.to_string()),
        };
        let retryable = !matches!(&answer, Err(e) if !e.is_retryable());
        let give_up = result.is_none() && (last_try || !retryable);
        self.record_answer(&op, before, result, error.as_deref(), answer.as_ref().ok().map(HookAnswer::status), give_up)
            .await
            .map_err(|e| e.chain())?;
        match (result, give_up) {
            (None, false) => Err(error.unwrap_or_else(|| "the hook failed".into())),
            _ => Ok(()),
        }
    }

    async fn prepare_call(&self, op_id: i64) -> Result<Option<(OperationRow, HookCall, Arc<dyn ProvisioningHook>)>> {
        let mut conn = self.store.conn().await?;
        let Some(op) = store::operation(&mut conn, op_id).await?.filter(|o| o.status == OperationStatus::Pending) else {
            return Ok(None);
        };
        let life = store::life(&mut conn, op.subscription_id)
            .await?
            .ok_or_else(|| EngineError::not_found("subscription", op.subscription_id))?;
        let product_id =
            life.product_id.ok_or_else(|| EngineError::Internal(format!("subscription {} has no product", life.id)))?;
        let product = kopek_store::products::get(&mut conn, product_id)
            .await?
            .ok_or_else(|| EngineError::not_found("product", product_id))?;
        let spec: HookSpec = serde_json::from_str(product.hook.as_deref().unwrap_or("null"))
            .map_err(|e| EngineError::Internal(format!("product {product_id}: hook {e}")))?;
        let factory = self.hooks.clone().ok_or_else(|| EngineError::Internal("no provisioning hooks are configured".into()))?;
        let hook = factory.hook(&spec).map_err(EngineError::Internal)?;
        let product_spec: ProductSpec = serde_json::from_str(&product.spec)?;
        let config: OrderConfig = serde_json::from_str(life.product_config.as_deref().unwrap_or("{}"))?;
        let book = load_price_book(&mut conn).await?;
        let service = book.spec_on(product.service_id, self.local_today());
        let integration = service.map(|s| s.integration.clone()).unwrap_or_default();
        let accounts = service.map(|s| s.accounts.clone()).unwrap_or_default();
        let mut params = BTreeMap::new();
        params.insert(
            "product_type".to_string(),
            serde_json::to_value(product_spec.product_type)?.as_str().unwrap_or_default().to_string(),
        );
        params.insert("period_months".to_string(), config.months.to_string());
        for p in &product_spec.parameters {
            params.insert(format!("param.{}", p.name), p.value.clone());
        }
        for (code, value) in &config.addons {
            params.insert(format!("addon.{code}"), value.to_string());
        }
        if let Some(domain) = &config.domain {
            params.insert("domain".to_string(), domain.clone());
        }
        let options = [
            ("activation_params", Some(integration.activation_params)),
            ("deactivation_params", Some(integration.deactivation_params)),
            ("nas", integration.nas),
            ("ip_pool", integration.ip_pool),
            ("base_package", integration.base_package_kind),
        ];
        for (k, v) in options {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                params.insert(k.to_string(), v);
            }
        }
        if integration.keep_ip_on_deactivation {
            params.insert("keep_ip".to_string(), "true".to_string());
        }
        if accounts.create_on_connect {
            params.insert("accounts.count".to_string(), accounts.count.to_string());
            params.insert("accounts.login_prefix".to_string(), accounts.login_prefix.clone());
            params.insert("accounts.numeric_password".to_string(), accounts.numeric_password.to_string());
        }
        let action =
            HookAction::parse(&op.action).ok_or_else(|| EngineError::Internal(format!("operation {op_id}: {}", op.action)))?;
        let call = HookCall {
            action,
            service_id: life.id,
            client_id: life.client_id,
            product: product_id.to_string(),
            params,
            idempotency_key: format!("kopek-operation-{op_id}"),
        };
        Ok(Some((op, call, hook)))
    }

    async fn record_answer(
        &self,
        op: &OperationRow,
        before: ServiceState,
        result: Option<HookResult>,
        error: Option<&str>,
        answer: Option<&str>,
        give_up: bool,
    ) -> Result<()> {
        let ctx = Ctx::system("provisioning");
        let mut uow = self.begin(&ctx).await?;
        let life = store::life(&mut uow.conn, op.subscription_id)
            .await?
            .ok_or_else(|| EngineError::not_found("subscription", op.subscription_id))?;
        lock_client(&mut uow.conn, life.client_id).await?;
        let operation = match life.life_state {
            Some(ServiceState::Processing(o)) => Some(o),
            _ => None,
        };
        let (status, state) = match (result, operation) {
            (Some(r), Some(o)) => (OperationStatus::Done, Some(finish(o, r, false, before))),
            (Some(_), None) => (OperationStatus::Done, None),
            (None, _) if give_up => (OperationStatus::Failed, None),
            (None, _) => (OperationStatus::Pending, None),
        };
        store::record_try(&mut uow.conn, op.id, status, answer, error, uow.now).await?;
        match state {
            Some(s) => store::set_life(&mut uow.conn, life.id, s, error).await?,
            None => store::set_life(&mut uow.conn, life.id, life.life_state.unwrap_or(ServiceState::Ordered), error).await?,
        }
        if let Some(s) = state {
            uow.emit(
                "service.state_changed",
                &serde_json::json!({
                    "subscription_id": life.id, "client_id": life.client_id, "state": s.stored(),
                }),
                Some(&format!("operation-{}-done", op.id)),
            )
            .await?;
        }
        uow.audit(
            "service.operation",
            "subscription",
            life.id,
            Some(life.client_id),
            serde_json::json!({
                "operation_id": op.id, "action": op.action, "status": status, "answer": answer, "error": error,
            }),
        )
        .await?;
        uow.finish(()).await
    }

    /// "Товары/Услуги": the client's services bought in the portal, read
    /// over one connection with each product's spec read once.
    /// The client's services, read in three statements however many it
    /// has: their rows, their operations and their products' names.
    pub async fn client_services(&self, ctx: &Ctx, client_id: i64) -> Result<Vec<ClientService>> {
        ctx.actor.ensure_right(Right::Services)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        let lives = store::lives_of_client(&mut conn, client_id).await?;
        let mut operations: HashMap<i64, Vec<store::OperationRow>> = HashMap::new();
        for o in store::operations_of_client(&mut conn, client_id).await? {
            operations.entry(o.subscription_id).or_default().push(o);
        }
        let mut names = HashMap::new();
        let mut out = Vec::with_capacity(lives.len());
        for life in lives {
            let ops = operations.remove(&life.id).unwrap_or_default();
            out.push(service_view(&mut conn, ctx, life, ops, &mut names).await?);
        }
        Ok(out)
    }

    pub async fn client_service(&self, ctx: &Ctx, sub_id: i64) -> Result<ClientService> {
        ctx.actor.ensure_right(Right::Services)?;
        let mut conn = self.store.conn().await?;
        let life = visible(&mut conn, ctx, sub_id).await?;
        let ops = store::operations(&mut conn, sub_id).await?;
        service_view(&mut conn, ctx, life, ops, &mut HashMap::new()).await
    }
}

/// A service as its client sees it; `names` keeps the product names read
/// so far.
async fn service_view(
    conn: &mut kopek_store::Conn,
    ctx: &Ctx,
    life: store::LifeRow,
    operations: Vec<store::OperationRow>,
    names: &mut HashMap<i64, String>,
) -> Result<ClientService> {
    let sub_id = life.id;
    let product_id = life.product_id.ok_or_else(|| EngineError::not_found("service", sub_id))?;
    let product_name = match names.get(&product_id) {
        Some(name) => name.clone(),
        None => {
            let product = kopek_store::products::get(conn, product_id)
                .await?
                .ok_or_else(|| EngineError::not_found("product", product_id))?;
            let spec: ProductSpec = serde_json::from_str(&product.spec)?;
            names.insert(product_id, spec.name.clone());
            spec.name
        }
    };
    let state = life.life_state.unwrap_or(ServiceState::Ordered);
    let operations = operations.into_iter().map(|o| ServiceOperation {
        id: o.id,
        action: o.action,
        status: o.status.to_string(),
        attempts: o.attempts,
        answer: o.answer,
        error: o.error,
        created_at: o.created_at,
    });
    let staff = ctx.actor.own_client().is_none();
    Ok(ClientService {
        subscription_id: sub_id,
        product_id,
        product_name,
        state_label: state.label_ru(),
        state: state.stored(),
        paid_until: life.paid_until,
        auto_renew: life.auto_renew,
        config: serde_json::from_str(life.product_config.as_deref().unwrap_or("{}"))?,
        error: life.life_error.filter(|_| staff),
        operations: operations
            .map(|mut o| {
                if !staff {
                    o.error = None;
                }
                o
            })
            .collect(),
    })
}

async fn visible(conn: &mut kopek_store::Conn, ctx: &Ctx, sub_id: i64) -> Result<store::LifeRow> {
    store::life(conn, sub_id)
        .await?
        .filter(|l| l.product_id.is_some() && ctx.actor.ensure_sees_client(l.client_id).is_ok())
        .ok_or_else(|| EngineError::not_found("service", sub_id))
}

/// The outbox worker's side of provisioning.
pub(crate) struct ProvisioningJob;

#[async_trait]
impl Handler for ProvisioningJob {
    async fn handle(&self, engine: &Engine, message: &Message) -> std::result::Result<(), String> {
        let job: Job = serde_json::from_value(message.payload.clone()).map_err(|e| e.to_string())?;
        let last_try = message.attempt >= crate::core::uow::DEFAULT_MAX_ATTEMPTS;
        engine.run_operation(&job, last_try).await
    }
}
