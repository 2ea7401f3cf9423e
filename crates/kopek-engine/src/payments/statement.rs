//! Bank statement import (PMT-4): lines of a statement credit the bank
//! transfers they name, once; everything else is reported to staff.

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
use crate::payments::start::locked_payment;

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StatementResult {
    pub line: usize,
    pub number: String,
    pub amount: Amount,
    /// credited, wrong_amount, duplicate, ambiguous, unknown or already_credited.
    pub outcome: String,
    /// The payment it names, when one is named.
    pub payment: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StatementReport {
    pub credited: usize,
    pub results: Vec<StatementResult>,
}

impl Engine {
    /// Credits the transfers a statement pays. Each credit is its own unit
    /// of work; importing the same statement again credits nothing more.
    pub async fn import_bank_statement(&self, ctx: &Ctx, lines: Vec<StatementLine>) -> Result<StatementReport> {
        ctx.actor.ensure_may_move_money()?;
        if ctx.actor.own_client().is_some() {
            return Err(EngineError::forbidden("only staff import bank statements"));
        }
        let awaiting = {
            let mut conn = self.store.conn().await?;
            store::awaiting_transfer(&mut conn).await?
        };
        let open: Vec<(String, Decimal)> =
            awaiting.iter().map(|(_, _, n, units)| (n.clone(), units_to_decimal(*units))).collect();
        let pairs: Vec<(&str, Decimal)> = lines.iter().map(|l| (l.purpose.as_str(), l.amount.0)).collect();
        let mut report = StatementReport { credited: 0, results: Vec::new() };
        for (line, found) in lines.iter().zip(match_lines(&pairs, &open)) {
            let (outcome, payment, message) = match found {
                MatchResult::Matched(number) => {
                    let id =
                        awaiting.iter().find(|(_, _, n, _)| *n == number).map(|(id, ..)| *id).expect("matched an open payment");
                    if self.credit_transfer(ctx, id, line).await? {
                        report.credited += 1;
                        ("credited", Some(number), String::new())
                    } else {
                        ("already_credited", Some(number), "the payment was credited meanwhile".to_string())
                    }
                }
                MatchResult::WrongAmount { payment_id, expected, got } => {
                    let msg = format!("{payment_id} expects {expected}, the statement brings {got}: credit it by hand if right");
                    ("wrong_amount", Some(payment_id), msg)
                }
                MatchResult::Duplicate(p) => ("duplicate", Some(p), "an earlier line of this statement already pays it".into()),
                MatchResult::Ambiguous(ps) => {
                    ("ambiguous", None, format!("the purpose names several payments: {}", ps.join(", ")))
                }
                MatchResult::Unknown => ("unknown", None, "the purpose names no payment awaiting a transfer".into()),
            };
            report.results.push(StatementResult {
                line: line.line,
                number: line.number.clone(),
                amount: line.amount,
                outcome: outcome.into(),
                payment,
                message,
            });
        }
        Ok(report)
    }

    /// Credits one matched transfer unless it is no longer waiting.
    async fn credit_transfer(&self, ctx: &Ctx, payment_id: i64, line: &StatementLine) -> Result<bool> {
        let mut uow = self.begin(ctx).await?;
        let (pay, client) = locked_payment(&mut uow, payment_id).await?;
        if !matches!(PaymentStatus::parse(&pay.status), Some(PaymentStatus::New | PaymentStatus::Paying)) {
            return Ok(false);
        }
        let flow = store::flow(&mut uow.conn, payment_id).await?.ok_or_else(|| EngineError::not_found("payment", payment_id))?;
        self.credit_with_cashback(&mut uow, &client, &pay, &flow).await?;
        let event = store::NewEvent {
            gateway: "bank_transfer",
            external_id: Some(&line.number),
            payment_id: Some(payment_id),
            status: Some("succeeded"),
            outcome: "credited",
            reason: "bank statement",
        };
        store::insert_event(&mut uow.conn, &event, uow.now).await?;
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
