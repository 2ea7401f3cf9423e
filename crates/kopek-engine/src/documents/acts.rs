//! DOC-2: acts of completed work. The night of the 1st issues, for every
//! payer, an act of the last month's expenses that the payer is answerable
//! for: an expense belongs to the payer whose payment paid the most of it,
//! and an expense still unpaid (or paid without a payer) to the client's
//! current payer — the one of its latest payment, else its first. Each
//! expense enters one current act only; once there, PAY-5 keeps its payer
//! until it is paid or staff reissue the act to another payer.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use kopek_domain::document::{ActExpense, ActInput, ContractRef, DocumentKind, act_lines};
use kopek_domain::money::{decimal_to_units, units_to_decimal};
use kopek_domain::payer::PayerDetails;
use kopek_store::documents::{self as store, ActableExpense};
use kopek_store::documents_batch as batch;
use kopek_store::payers::PayerRow;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::Engine;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::uow::Uow;
use crate::documents::issue::{Issue, issue_many};
use crate::documents::provider::{Entity, find};
use crate::documents::views::{DocumentSummary, summary};

/// Acts one transaction issues: small enough to keep a lock short, large
/// enough that 100,000 payers take few commits.
const ACTS_PER_COMMIT: usize = 500;

/// What a run of the acts did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ActsReport {
    /// The month, when the run had one to issue.
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub issued: usize,
    /// Expenses left out: their client has no payer to address an act to.
    pub without_payer: usize,
    /// Set when nothing could be issued because the provider's details are
    /// missing.
    pub skipped: Option<String>,
}

/// The month before `day`'s: its first and last days.
pub fn last_month(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = day.with_day(1).expect("the first of a month") - Months::new(1);
    let last = day.with_day(1).expect("the first of a month").pred_opt().expect("a day before");
    (first, last)
}

impl Engine {
    /// The night's step: on the 1st, last month's acts; any other night,
    /// nothing. Re-running it issues nothing twice.
    pub async fn issue_monthly_acts(&self, ctx: &Ctx, night: NaiveDate) -> Result<ActsReport> {
        ctx.actor.ensure_may_move_money()?;
        if night.day() != 1 {
            return Ok(ActsReport::default());
        }
        self.issue_acts(ctx, last_month(night)).await
    }

    /// Issues the acts of `period` (first and last day) for every payer
    /// with expenses in it not yet in an act.
    pub async fn issue_acts(&self, ctx: &Ctx, period: (NaiveDate, NaiveDate)) -> Result<ActsReport> {
        ctx.actor.ensure_may_move_money()?;
        let mut report = ActsReport { period: Some(period), ..ActsReport::default() };
        let (from, to) = (self.day_start(period.0), self.day_start(period.1 + chrono::Days::new(1)));
        let (entity, expenses, defaults) = {
            let mut conn = self.store.conn().await?;
            let Some(entity) = find(&mut conn).await? else {
                report.skipped = Some("the provider's details are not set".into());
                return Ok(report);
            };
            let expenses = store::actable_expenses(&mut conn, from, to).await?;
            let defaults: BTreeMap<i64, i64> = store::default_payers(&mut conn).await?.into_iter().collect();
            (entity, expenses, defaults)
        };
        let mut by_payer: BTreeMap<(i64, i64), Vec<ActableExpense>> = BTreeMap::new();
        for e in expenses {
            match e.paid_by.or_else(|| defaults.get(&e.client_id).copied()) {
                Some(payer) => by_payer.entry((e.client_id, payer)).or_default().push(e),
                None => report.without_payer += 1,
            }
        }
        let groups: Vec<_> = by_payer.into_iter().collect();
        for chunk in groups.chunks(ACTS_PER_COMMIT) {
            let mut uow = self.begin(ctx).await?;
            let rows = issue_acts(&mut uow, &entity, period, chunk, None, |t| self.to_local(t).date()).await?;
            report.issued += rows.len();
            uow.audit(
                "document.issue",
                "document",
                rows.first().map(|r| r.id).unwrap_or_default(),
                None,
                serde_json::json!({
                    "kind": "act", "count": rows.len(), "period_from": period.0, "period_to": period.1,
                }),
            )
            .await?;
            uow.finish(()).await?;
        }
        Ok(report)
    }

    /// Staff correct an act: a new act, numbered now, of the same expenses
    /// to `payer_id` (the same payer when none is given) with today's
    /// details of both parties; the old one is kept and marked replaced.
    pub async fn reissue_act(&self, ctx: &Ctx, act_id: i64, payer_id: Option<i64>) -> Result<DocumentSummary> {
        ctx.actor.ensure_may_move_money()?;
        let mut uow = self.begin(ctx).await?;
        let old = store::get(&mut uow.conn, act_id).await?.ok_or_else(|| EngineError::not_found("document", act_id))?;
        if old.kind != DocumentKind::Act {
            return Err(EngineError::not_found("act", act_id));
        }
        if old.replaced {
            return Err(EngineError::conflict("document_replaced", format!("act {} was already replaced", old.number)));
        }
        let payer_id = payer_id.unwrap_or(old.payer_id);
        let payer = kopek_store::payers::get(&mut uow.conn, payer_id)
            .await?
            .filter(|p| p.client_id == old.client_id && p.deleted_at.is_none())
            .ok_or_else(|| EngineError::not_found("payer", payer_id))?;
        let entity = crate::documents::provider::entity(&mut uow.conn).await?;
        let expenses = store::expenses_of_act(&mut uow.conn, act_id).await?;
        let period = (old.period_from.unwrap_or(old.issued_on), old.period_to.unwrap_or(old.issued_on));
        store::mark_replaced(&mut uow.conn, act_id).await?;
        let group = [((old.client_id, payer.id), expenses)];
        let row = issue_acts(&mut uow, &entity, period, &group, Some(act_id), |t| self.to_local(t).date())
            .await?
            .pop()
            .ok_or_else(|| EngineError::Internal("an act was reissued without its row".into()))?;
        uow.audit(
            "document.reissue",
            "document",
            row.id,
            Some(row.client_id),
            serde_json::json!({
                "kind": "act", "number": row.number, "replaces": old.number, "payer_id": payer.id,
            }),
        )
        .await?;
        uow.finish(summary(&row)).await
    }

    fn day_start(&self, day: NaiveDate) -> DateTime<Utc> {
        self.to_utc(day.and_time(chrono::NaiveTime::MIN))
    }
}

/// A client's expenses to one payer: (client, payer) and the expenses.
type PayerExpenses = ((i64, i64), Vec<ActableExpense>);

/// Issues an act per group, reading the groups' payers, contracts and
/// currencies a statement each and writing the acts and their expenses a
/// statement each; `corrects_id` is the act they replace, if any.
async fn issue_acts(
    uow: &mut Uow<'_>,
    entity: &Entity,
    period: (NaiveDate, NaiveDate),
    groups: &[PayerExpenses],
    corrects_id: Option<i64>,
    local_day: impl Fn(DateTime<Utc>) -> NaiveDate,
) -> Result<Vec<kopek_store::documents::DocumentRow>> {
    let payer_ids: Vec<i64> = groups.iter().map(|((_, payer), _)| *payer).collect();
    let client_ids: Vec<i64> = groups.iter().map(|((client, _), _)| *client).collect();
    let payers: HashMap<i64, PayerRow> = batch::payers(&mut uow.conn, &payer_ids).await?.into_iter().map(|p| (p.id, p)).collect();
    let contracts: HashMap<i64, ContractRef> = batch::first_contracts(&mut uow.conn, &payer_ids)
        .await?
        .into_iter()
        .map(|(payer, number, signed_on)| (payer, ContractRef { number, signed_on }))
        .collect();
    let currencies: HashMap<i64, String> = batch::currencies(&mut uow.conn, &client_ids).await?.into_iter().collect();
    let (signer_name, signer_position) = entity.details.signer();
    let mut items = Vec::with_capacity(groups.len());
    for ((client_id, payer_id), expenses) in groups {
        let payer = payers.get(payer_id).ok_or_else(|| EngineError::not_found("payer", *payer_id))?;
        let buyer: PayerDetails = serde_json::from_str(&payer.details)?;
        let currency = currencies.get(client_id).cloned().ok_or_else(|| EngineError::not_found("client", *client_id))?;
        let lines = act_lines(
            &expenses
                .iter()
                .map(|e| ActExpense {
                    name: e.name.clone(),
                    charged_on: local_day(e.charged_at),
                    amount: units_to_decimal(e.amount),
                    tax: units_to_decimal(e.tax),
                    vat_percent: e.vat_percent.map(units_to_decimal),
                })
                .collect::<Vec<_>>(),
        );
        let total: Decimal = lines.iter().map(|l| l.amount).sum();
        let head = Issue {
            entity_id: entity.id,
            kind: DocumentKind::Act,
            issued_on: period.1,
            client_id: *client_id,
            payer_id: *payer_id,
            payment_id: None,
            period: Some(period),
            amount: decimal_to_units(total)?,
            currency,
            corrects_id,
        };
        let (seller, contract) = (entity.details.company.clone(), contracts.get(payer_id).cloned());
        let (signer_name, signer_position) = (signer_name.clone(), signer_position.clone());
        let seller_logo = entity.details.logo.clone();
        items.push((head, move |number: &str| ActInput {
            number: number.to_string(),
            issued_on: period.1,
            period_from: period.0,
            period_to: period.1,
            seller,
            buyer,
            contract,
            lines,
            signer_name,
            signer_position,
            seller_logo,
        }));
    }
    let rows = issue_many(uow, items).await?;
    let pairs: Vec<(i64, i64)> =
        rows.iter().zip(groups).flat_map(|(row, (_, expenses))| expenses.iter().map(|e| (row.id, e.id))).collect();
    batch::add_act_expenses(&mut uow.conn, &pairs).await?;
    Ok(rows)
}
