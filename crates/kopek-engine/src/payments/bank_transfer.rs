//! Bank transfers (PMT-4): a payment by invoice waits for its money until
//! staff credit it, or a 1C bank statement's line names it; either way it
//! is credited once, through the one entry point for money that arrives.
//! Statement lines that pay nothing are reported to staff.

use chrono::NaiveDate;
use kopek_domain::account::PaymentStatus;
use kopek_domain::money::units_to_decimal;
use kopek_domain::statement::{MatchResult, match_lines};
use kopek_store::payments as store;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::views::Payment;
use crate::ledger::entries::payment_view;
use crate::payments::gateway::{GatewayKind, GatewayStatus};
use crate::payments::start::{locked_payment, number};
use crate::payments::webhook::record_event;

/// One incoming payment of a statement, as the file says it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StatementLine {
    /// Where it is in the file, for the report.
    pub line: usize,
    pub number: String,
    pub date: NaiveDate,
    pub amount: Amount,
    pub payer: Option<String>,
    pub purpose: String,
}

/// What a statement's line does (PMT-4). A preview says `matched` where
/// the import says `credited`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatementOutcome {
    /// The line names one awaiting payment and brings its amount: the
    /// import will credit it.
    Matched,
    Credited,
    WrongAmount,
    /// An earlier line of the same statement already pays that payment.
    Duplicate,
    Ambiguous,
    Unknown,
    /// Credited meanwhile, by staff or by an earlier import.
    AlreadyCredited,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StatementResult {
    pub line: usize,
    pub number: String,
    pub date: NaiveDate,
    pub amount: Amount,
    pub payer: Option<String>,
    pub outcome: StatementOutcome,
    /// The payment it names, when one is named.
    pub payment: Option<String>,
    /// For `wrong_amount`: what the payment expects.
    pub expected: Option<Amount>,
    /// For `ambiguous`: every payment the purpose names.
    #[serde(default)]
    pub candidates: Vec<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StatementReport {
    /// False for a preview: nothing was credited.
    pub applied: bool,
    /// Lines credited (or, in a preview, that would be).
    pub credited: usize,
    /// What the credited (or matched) lines bring in total.
    pub credited_total: Amount,
    pub results: Vec<StatementResult>,
}

/// A bank transfer waiting for its money, as staff see it in their list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AwaitingTransfer {
    pub id: i64,
    pub number: String,
    pub client_id: i64,
    pub client_code: String,
    pub client_name: String,
    /// What crediting it adds to the balance.
    pub amount: Amount,
    pub currency: String,
    pub status: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// One page of waiting transfers, and where the next one starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AwaitingPage {
    pub payments: Vec<AwaitingTransfer>,
    pub next_after: Option<i64>,
}

/// Waiting transfers a page shows.
pub const AWAITING_PAGE: i64 = 50;

impl Engine {
    /// PMT-4, OPS-5: the bank transfers still waiting for their money,
    /// oldest first, a page at a time; every staff role but support reads them (ACC-4).
    pub async fn awaiting_transfers(&self, ctx: &Ctx, client_id: Option<i64>, after_id: i64) -> Result<AwaitingPage> {
        ctx.actor.ensure_may_see_money()?;
        let mut conn = self.store.conn().await?;
        let mut rows = store::awaiting_page(&mut conn, client_id, after_id, AWAITING_PAGE + 1).await?;
        let more = rows.len() as i64 > AWAITING_PAGE;
        rows.truncate(AWAITING_PAGE as usize);
        let next_after = if more { rows.last().map(|r| r.id) } else { None };
        let payments = rows
            .into_iter()
            .map(|r| AwaitingTransfer {
                id: r.id,
                number: r.number,
                client_id: r.client_id,
                client_code: r.client_code,
                client_name: r.client_name,
                amount: Amount::from_units(r.amount, crate::core::views::minor(&r.currency)),
                currency: r.currency,
                status: r.status.to_string(),
                created_at: r.created_at,
            })
            .collect();
        Ok(AwaitingPage { payments, next_after })
    }

    /// Credits the transfers a statement pays. Each credit is its own unit
    /// of work; importing the same statement again credits nothing more.
    pub async fn import_bank_statement(&self, ctx: &Ctx, lines: Vec<StatementLine>) -> Result<StatementReport> {
        ctx.actor.ensure_may_move_money()?;
        self.match_statement(ctx, lines, true).await
    }

    /// What importing the statement would do, line by line, crediting
    /// nothing: the report staff read before they credit (PMT-4).
    pub async fn preview_bank_statement(&self, ctx: &Ctx, lines: Vec<StatementLine>) -> Result<StatementReport> {
        ctx.actor.ensure_may_see_money()?;
        self.match_statement(ctx, lines, false).await
    }

    async fn match_statement(&self, ctx: &Ctx, lines: Vec<StatementLine>, apply: bool) -> Result<StatementReport> {
        let awaiting = {
            let mut conn = self.store.conn().await?;
            store::awaiting_transfer(&mut conn).await?
        };
        let open: Vec<(String, Decimal)> =
            awaiting.iter().map(|(_, _, n, units)| (n.clone(), units_to_decimal(*units))).collect();
        let pairs: Vec<(&str, Decimal)> = lines.iter().map(|l| (l.purpose.as_str(), l.amount.0)).collect();
        let mut report =
            StatementReport { applied: apply, credited: 0, credited_total: Amount(Decimal::ZERO), results: Vec::new() };
        for (line, found) in lines.iter().zip(match_lines(&pairs, &open)) {
            let (mut expected, mut candidates) = (None, Vec::new());
            let (outcome, payment, message) = match found {
                MatchResult::Matched(number) => {
                    let id =
                        awaiting.iter().find(|(_, _, n, _)| *n == number).map(|(id, ..)| *id).expect("matched an open payment");
                    if !apply {
                        (StatementOutcome::Matched, Some(number), String::new())
                    } else if self.credit_transfer(ctx, id, line).await? {
                        (StatementOutcome::Credited, Some(number), String::new())
                    } else {
                        (StatementOutcome::AlreadyCredited, Some(number), "the payment was credited meanwhile".to_string())
                    }
                }
                MatchResult::WrongAmount { payment_id, expected: want, got } => {
                    let msg = format!("{payment_id} expects {want}, the statement brings {got}: credit it by hand if right");
                    expected = Some(Amount::shown(want, 2));
                    (StatementOutcome::WrongAmount, Some(payment_id), msg)
                }
                MatchResult::Duplicate(p) => {
                    (StatementOutcome::Duplicate, Some(p), "an earlier line of this statement already pays it".into())
                }
                MatchResult::Ambiguous(ps) => {
                    let msg = format!("the purpose names several payments: {}", ps.join(", "));
                    candidates = ps;
                    (StatementOutcome::Ambiguous, None, msg)
                }
                MatchResult::Unknown => {
                    (StatementOutcome::Unknown, None, "the purpose names no payment awaiting a transfer".into())
                }
            };
            if matches!(outcome, StatementOutcome::Matched | StatementOutcome::Credited) {
                report.credited += 1;
                report.credited_total.0 += line.amount.0;
            }
            report.results.push(StatementResult {
                line: line.line,
                number: line.number.clone(),
                date: line.date,
                amount: line.amount,
                payer: line.payer.clone(),
                outcome,
                payment,
                expected,
                candidates,
                message,
            });
        }
        Ok(report)
    }

    /// Staff credit a payment that waited for a bank transfer (PMT-4).
    pub async fn credit_awaiting_payment(&self, ctx: &Ctx, payment_id: i64) -> Result<Payment> {
        ctx.actor.ensure_may_move_money()?;
        let mut uow = self.begin(ctx).await?;
        let (pay, client) = locked_payment(&mut uow, payment_id).await?;
        if !pay.status.can_become(PaymentStatus::Credited) {
            return Err(EngineError::conflict("payment_not_awaiting", format!("payment {} is {}", number(&pay), pay.status)));
        }
        let flow = store::flow(&mut uow.conn, payment_id).await?.ok_or_else(|| EngineError::not_found("payment", payment_id))?;
        self.awaited_money_arrived(&mut uow, &client, &pay, &flow, None).await?;
        uow.audit(
            "payment.credit_awaiting",
            "payment",
            payment_id,
            Some(pay.client_id),
            serde_json::json!({ "number": number(&pay) }),
        )
        .await?;
        let view = payment_view(&mut uow.conn, payment_id).await?;
        uow.finish(view).await
    }

    /// Credits one matched transfer unless it is no longer waiting.
    async fn credit_transfer(&self, ctx: &Ctx, payment_id: i64, line: &StatementLine) -> Result<bool> {
        let mut uow = self.begin(ctx).await?;
        let (pay, client) = locked_payment(&mut uow, payment_id).await?;
        if !pay.status.can_become(PaymentStatus::Credited) {
            return Ok(false);
        }
        let flow = store::flow(&mut uow.conn, payment_id).await?.ok_or_else(|| EngineError::not_found("payment", payment_id))?;
        self.awaited_money_arrived(&mut uow, &client, &pay, &flow, None).await?;
        let event = store::NewEvent {
            gateway: GatewayKind::BankTransfer.as_str(),
            external_id: Some(&line.number),
            payment_id: Some(payment_id),
            status: Some(GatewayStatus::Succeeded.as_str()),
            outcome: "credited",
            reason: "bank statement",
        };
        record_event(&mut uow, &event, Some(client.id)).await?;
        uow.audit(
            "payment.statement_credit",
            "payment",
            payment_id,
            Some(client.id),
            serde_json::json!({
                "statement_document": line.number, "date": line.date, "amount": line.amount,
            }),
        )
        .await?;
        uow.finish(true).await
    }
}
