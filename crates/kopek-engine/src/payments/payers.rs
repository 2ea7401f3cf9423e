//! Payers (PAY-1 … PAY-5): the legal persons a client pays as. A client's
//! users manage their own; staff manage any. Every change is audited.

use chrono::NaiveDate;
use kopek_domain::DomainError;
use kopek_domain::payer::rules::{self, MergeAction, MergedHoldings, PayerUsage};
use kopek_domain::payer::{PayerDetails, PayerKind};
use kopek_store::Conn;
use kopek_store::payers::{self as store, PayerFields, PayerRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use kopek_domain::account::Right;

use crate::Engine;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};

/// A payer as the form sends it: the kind and every field of that kind.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayerInput {
    /// individual, legal_entity or sole_proprietor.
    #[schema(value_type = kopek_domain::payer::PayerKind)]
    pub kind: String,
    /// Country first, then the kind's fields (see the client guide).
    pub details: PayerDetails,
}

/// A row of the payers list (PAY-3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PayerSummary {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub country: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Payer {
    pub id: i64,
    pub client_id: i64,
    pub kind: String,
    pub details: PayerDetails,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The payer that stays.
    pub main_payer_id: i64,
    /// The payer that goes; its payments and documents move to the main one.
    pub merged_payer_id: i64,
    /// Move the merged payer's contracts to the main payer; when off they end.
    #[serde(default = "yes")]
    pub move_contracts: bool,
}

fn yes() -> bool {
    true
}

/// What a merge does, shown before it is done (PAY-4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MergePlan {
    pub main_payer_id: i64,
    pub merged_payer_id: i64,
    /// The planned actions in words, in the order they happen.
    pub actions: Vec<String>,
    pub payments_moved: Vec<String>,
    pub contracts_moved: Vec<String>,
    pub contracts_ended: Vec<String>,
    /// The same steps as the domain plans them, for programs.
    pub steps: Vec<MergeAction>,
    /// True once carried out; false for a preview.
    pub done: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractInput {
    pub number: String,
    pub signed_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Contract {
    pub id: i64,
    pub payer_id: i64,
    pub number: String,
    pub signed_on: NaiveDate,
}

impl Engine {
    pub async fn create_payer(&self, ctx: &Ctx, client_id: i64, input: PayerInput) -> Result<Payer> {
        ctx.actor.ensure_right(Right::Payers)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let (kind, details) = clean(input)?;
        let mut uow = self.begin(ctx).await?;
        if let Some(done) = uow.replay("create_payer", &(client_id, &details, kind.as_str())).await? {
            return Ok(done);
        }
        crate::ledger::entries::existing_client(&mut uow.conn, client_id).await?;
        let json = serde_json::to_string(&details).map_err(|e| EngineError::Internal(e.to_string()))?;
        let row = store::insert(&mut uow.conn, client_id, &fields(kind, &details, &json), uow.now).await?;
        uow.audit(
            "payer.create",
            "payer",
            row.id,
            Some(client_id),
            serde_json::json!({ "kind": kind.as_str(), "name": row.name }),
        )
        .await?;
        let view = view(&row)?;
        uow.finish(view).await
    }

    pub async fn update_payer(&self, ctx: &Ctx, payer_id: i64, input: PayerInput) -> Result<Payer> {
        ctx.actor.ensure_right(Right::Payers)?;
        let (kind, details) = clean(input)?;
        let mut uow = self.begin(ctx).await?;
        let old = visible(&mut uow.conn, ctx, payer_id).await?;
        let json = serde_json::to_string(&details).map_err(|e| EngineError::Internal(e.to_string()))?;
        let row = store::update(&mut uow.conn, payer_id, &fields(kind, &details, &json), uow.now).await?;
        uow.audit(
            "payer.update",
            "payer",
            payer_id,
            Some(old.client_id),
            serde_json::json!({
                "before": serde_json::from_str::<serde_json::Value>(&old.details).unwrap_or_default(),
                "after": serde_json::to_value(&details).unwrap_or_default(),
            }),
        )
        .await?;
        let view = view(&row)?;
        uow.finish(view).await
    }

    pub async fn payers(&self, ctx: &Ctx, client_id: i64) -> Result<Vec<PayerSummary>> {
        ctx.actor.ensure_right(Right::Payers)?;
        ctx.actor.ensure_sees_client(client_id)?;
        let mut conn = self.store.conn().await?;
        crate::ledger::entries::existing_client(&mut conn, client_id).await?;
        let rows = store::of_client(&mut conn, client_id).await?;
        Ok(rows
            .into_iter()
            .map(|r| PayerSummary { id: r.id, name: r.name, kind: r.kind.to_string(), country: r.country })
            .collect())
    }

    pub async fn payer(&self, ctx: &Ctx, payer_id: i64) -> Result<Payer> {
        ctx.actor.ensure_right(Right::Payers)?;
        let mut conn = self.store.conn().await?;
        view(&visible(&mut conn, ctx, payer_id).await?)
    }

    /// Deletes a payer (PAY-3), refused while money is awaited from it.
    pub async fn delete_payer(&self, ctx: &Ctx, payer_id: i64) -> Result<()> {
        ctx.actor.ensure_right(Right::Payers)?;
        let mut uow = self.begin(ctx).await?;
        let row = visible(&mut uow.conn, ctx, payer_id).await?;
        let open = store::open_payments(&mut uow.conn, payer_id).await?;
        let in_acts = kopek_store::documents::unpaid_expenses_in_acts(&mut uow.conn, payer_id).await?;
        let usage =
            PayerUsage { unpaid_expenses_in_acts: u64::try_from(in_acts).unwrap_or_default(), open_invoices: open.len() as u64 };
        rules::check_delete(&usage).map_err(|e| {
            EngineError::from(DomainError::PayerInUse(format!(
                "payer {} has {e}{}; pay or cancel them first",
                row.name,
                if open.is_empty() { String::new() } else { format!(": payments awaiting money {}", open.join(", ")) }
            )))
        })?;
        store::mark_deleted(&mut uow.conn, payer_id, uow.now).await?;
        uow.audit("payer.delete", "payer", payer_id, Some(row.client_id), serde_json::json!({ "name": row.name })).await?;
        uow.finish(()).await
    }

    /// The actions a merge would take, changing nothing (PAY-4).
    pub async fn merge_preview(&self, ctx: &Ctx, req: MergeRequest) -> Result<MergePlan> {
        ctx.actor.ensure_right(Right::Payers)?;
        let mut conn = self.store.conn().await?;
        let (main, merged) = merge_pair(&mut conn, ctx, &req).await?;
        plan(&mut conn, &main, &merged, req.move_contracts).await
    }

    /// Merges two payers of one client: payments and contracts (or their
    /// end) go to the main payer and the merged one is gone.
    pub async fn merge_payers(&self, ctx: &Ctx, req: MergeRequest) -> Result<MergePlan> {
        ctx.actor.ensure_right(Right::Payers)?;
        let mut uow = self.begin(ctx).await?;
        let (main, merged) = merge_pair(&mut uow.conn, ctx, &req).await?;
        let mut done = plan(&mut uow.conn, &main, &merged, req.move_contracts).await?;
        store::move_payments(&mut uow.conn, merged.id, main.id).await?;
        if req.move_contracts {
            store::move_contracts(&mut uow.conn, merged.id, main.id).await?;
        } else {
            store::end_contracts(&mut uow.conn, merged.id, uow.now).await?;
        }
        store::mark_deleted(&mut uow.conn, merged.id, uow.now).await?;
        done.done = true;
        uow.audit("payer.merge", "payer", main.id, Some(main.client_id), serde_json::to_value(&done).unwrap_or_default()).await?;
        uow.finish(done).await
    }

    /// Registers a contract signed with a payer (staff).
    pub async fn add_contract(&self, ctx: &Ctx, payer_id: i64, input: ContractInput) -> Result<Contract> {
        ctx.actor.ensure_right(Right::Payers)?;
        ctx.actor.ensure_may_manage_accounts()?;
        let number = input.number.trim();
        if number.is_empty() || number.chars().count() > 100 {
            return Err(DomainError::invalid("number", "1 to 100 characters").into());
        }
        let mut uow = self.begin(ctx).await?;
        let payer = visible(&mut uow.conn, ctx, payer_id).await?;
        let row = store::insert_contract(&mut uow.conn, payer.client_id, payer_id, number, input.signed_on, uow.now).await?;
        uow.audit("contract.create", "contract", row.id, Some(payer.client_id), serde_json::json!({ "number": number })).await?;
        uow.finish(Contract { id: row.id, payer_id, number: row.number, signed_on: row.signed_on }).await
    }

    pub async fn contracts(&self, ctx: &Ctx, payer_id: i64) -> Result<Vec<Contract>> {
        ctx.actor.ensure_right(Right::Payers)?;
        let mut conn = self.store.conn().await?;
        visible(&mut conn, ctx, payer_id).await?;
        let rows = store::contracts_of(&mut conn, payer_id).await?;
        Ok(rows.into_iter().map(|r| Contract { id: r.id, payer_id, number: r.number, signed_on: r.signed_on }).collect())
    }
}

fn clean(input: PayerInput) -> Result<(PayerKind, PayerDetails)> {
    let kind = PayerKind::parse(input.kind.trim())
        .ok_or_else(|| DomainError::invalid("kind", "individual, legal_entity or sole_proprietor"))?;
    Ok((kind, input.details.cleaned(kind)?))
}

fn fields<'a>(kind: PayerKind, details: &'a PayerDetails, json: &'a str) -> PayerFields<'a> {
    PayerFields { kind: kind.as_str(), name: &details.name, country: &details.country, details: json }
}

fn view(row: &PayerRow) -> Result<Payer> {
    let details = serde_json::from_str(&row.details).map_err(|e| EngineError::Internal(format!("payer {}: {e}", row.id)))?;
    Ok(Payer { id: row.id, client_id: row.client_id, kind: row.kind.to_string(), details })
}

/// A payer the actor may see; another client's is "not found".
pub(crate) async fn visible(conn: &mut Conn, ctx: &Ctx, payer_id: i64) -> Result<PayerRow> {
    store::get(conn, payer_id)
        .await?
        .filter(|p| ctx.actor.ensure_sees_client(p.client_id).is_ok())
        .ok_or_else(|| EngineError::not_found("payer", payer_id))
}

async fn merge_pair(conn: &mut Conn, ctx: &Ctx, req: &MergeRequest) -> Result<(PayerRow, PayerRow)> {
    if req.main_payer_id == req.merged_payer_id {
        return Err(DomainError::invalid("merged_payer_id", "a payer can't be merged into itself").into());
    }
    let main = visible(conn, ctx, req.main_payer_id).await?;
    let merged = visible(conn, ctx, req.merged_payer_id).await?;
    if main.client_id != merged.client_id {
        return Err(DomainError::invalid("merged_payer_id", "both payers must belong to one client").into());
    }
    Ok((main, merged))
}

async fn plan(conn: &mut Conn, main: &PayerRow, merged: &PayerRow, move_contracts: bool) -> Result<MergePlan> {
    let payments = store::payment_numbers(conn, merged.id).await?;
    let rows = store::contracts_of(conn, merged.id).await?;
    let holdings =
        MergedHoldings { contract_ids: rows.iter().map(|c| c.id).collect(), payments: payments.len() as u64, documents: 0 };
    let steps = rules::plan_merge(&rules::MergeRequest { main: main.id, merged: merged.id, move_contracts }, &holdings)?;
    let contracts: Vec<String> = rows.into_iter().map(|c| c.number).collect();
    let mut actions = Vec::new();
    if !payments.is_empty() {
        actions.push(format!("move payments {} from \"{}\" to \"{}\"", payments.join(", "), merged.name, main.name));
    }
    if !contracts.is_empty() {
        actions.push(if move_contracts {
            format!("move contracts {} to \"{}\"", contracts.join(", "), main.name)
        } else {
            format!("end contracts {}", contracts.join(", "))
        });
    }
    actions.push(format!("delete payer \"{}\"", merged.name));
    let (moved, ended) = if move_contracts { (contracts, Vec::new()) } else { (Vec::new(), contracts) };
    Ok(MergePlan {
        main_payer_id: main.id,
        merged_payer_id: merged.id,
        actions,
        payments_moved: payments,
        contracts_moved: moved,
        contracts_ended: ended,
        steps,
        done: false,
    })
}
