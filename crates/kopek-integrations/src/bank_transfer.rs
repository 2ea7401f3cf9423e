//! Bank transfer by invoice (PMT-4): the payer pays the invoice from their
//! bank, and the money is credited by staff or by a bank statement import.
//! The gateway only opens the payment; [`match_statement`] finds which open
//! payments a statement's documents pay.

use async_trait::async_trait;
use kopek_engine::payments::gateway::{
    CreatePayment, GatewayError, GatewayKind, GatewayPayment, GatewayRefund, GatewayStatus, PaymentGateway, WebhookEvent,
    WebhookRequest,
};
use rust_decimal::Decimal;

use crate::client_bank_1c::StatementDocument;
use crate::support::check_amount;

/// No outside system holds these payments: their state is Kopek's own.
#[derive(Debug, Clone, Default)]
pub struct BankTransferGateway;

impl BankTransferGateway {
    pub fn new() -> BankTransferGateway {
        BankTransferGateway
    }
}

fn settled_by_staff(what: &str) -> GatewayError {
    GatewayError::Unsupported(format!("a bank transfer has no {what}: it is settled by staff or a statement import"))
}

#[async_trait]
impl PaymentGateway for BankTransferGateway {
    fn kind(&self) -> GatewayKind {
        GatewayKind::BankTransfer
    }

    /// An awaited payment whose external id is Kopek's own: the payer is
    /// asked to quote it in the transfer's purpose, where the matcher finds it.
    async fn create(&self, req: &CreatePayment) -> Result<GatewayPayment, GatewayError> {
        check_amount(req.amount, 2)?;
        Ok(GatewayPayment {
            external_id: req.payment_id.clone(),
            status: GatewayStatus::Pending,
            confirmation_url: None,
            client_secret: None,
            method_token: None,
            amount: req.amount,
            currency: req.currency.clone(),
            failure_reason: None,
        })
    }

    async fn fetch(&self, _external_id: &str) -> Result<GatewayPayment, GatewayError> {
        Err(settled_by_staff("status to fetch"))
    }

    async fn capture(&self, _external_id: &str, _amount: Decimal) -> Result<GatewayPayment, GatewayError> {
        Err(settled_by_staff("capture"))
    }

    async fn refund(&self, _external_id: &str, _amount: Decimal, _key: &str) -> Result<GatewayRefund, GatewayError> {
        Err(settled_by_staff("refund"))
    }

    async fn verify_webhook(&self, _req: &WebhookRequest<'_>) -> Result<WebhookEvent, GatewayError> {
        Err(settled_by_staff("webhooks"))
    }
}

pub use kopek_domain::statement::MatchResult;

/// Matches each document to the open payments by the Kopek payment id in
/// its purpose and by its amount (see [`kopek_domain::statement`]).
pub fn match_statement(docs: &[StatementDocument], open_payments: &[(String, Decimal)]) -> Vec<MatchResult> {
    let lines: Vec<(&str, Decimal)> = docs.iter().map(|d| (d.purpose.as_str(), d.amount)).collect();
    kopek_domain::statement::match_lines(&lines, open_payments)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use rust_decimal_macros::dec;

    fn doc(purpose: &str, amount: Decimal) -> StatementDocument {
        StatementDocument {
            line: 1,
            kind: "Платежное поручение".into(),
            number: "1".into(),
            date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            amount,
            payer_name: None,
            payer_inn: None,
            payer_account: None,
            recipient_name: None,
            recipient_inn: None,
            recipient_account: None,
            purpose: purpose.into(),
            received_on: None,
            written_off_on: None,
            fields: Vec::new(),
        }
    }

    #[test]
    fn a_second_payment_of_the_same_invoice_is_a_duplicate() {
        let open = vec![("bank/1".to_string(), dec!(100)), ("bank/2".to_string(), dec!(50))];
        let docs = [doc("bank/1", dec!(100.00)), doc("bank/1", dec!(100)), doc("за bank/1 и bank/2", dec!(150))];
        assert_eq!(
            match_statement(&docs, &open),
            vec![
                MatchResult::Matched("bank/1".into()),
                MatchResult::Duplicate("bank/1".into()),
                MatchResult::Ambiguous(vec!["bank/1".into(), "bank/2".into()]),
            ]
        );
    }
}
