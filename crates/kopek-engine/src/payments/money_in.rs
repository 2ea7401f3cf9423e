//! Money arrived — the one entry point for every way money comes in: a
//! gateway's webhook, staff crediting a bank transfer, a 1C bank statement,
//! money credited by hand, a promised payment. Whatever brought it, the
//! same steps run in the payment's own transaction: the payment is
//! credited (with its method's cashback), allocated to debt oldest first,
//! an open promised payment is repaid, services that waited for money are
//! charged and switched back on, a blocked credit limit is checked again,
//! and what the payment was for is finished — an order opened, a renewal
//! paid, a saved method working. A payment that ends without money
//! (declined, cancelled) goes through [`Engine::payment_ended`], so its
//! saved method and its purpose learn of it in one place too.

use kopek_domain::Money;
use kopek_domain::account::{PromisedStatus, PurposeKind};
use kopek_domain::money::units_to_decimal;
use kopek_domain::payment_method::{CASHBACK_PREFIX, cashback};
use kopek_domain::renewal::PaymentOutcome;
use kopek_store::clients::ClientRow;
use kopek_store::ledger::PaymentRow;
use kopek_store::payments::{self as store, Flow, FlowRow};
use kopek_store::saved_methods::purpose;
use kopek_store::subscriptions as subs;
use rust_decimal::Decimal;

use crate::Engine;
use crate::catalog::services::load_price_book;
use crate::charging::promised::PROMISED_METHOD;
use crate::core::error::{EngineError, Result};
use crate::core::notify::{notify_client, notify_payment};
use crate::core::uow::Uow;
use crate::core::views::currency_of;
use crate::ledger::entries::{allocate, credit_awaiting_in, credit_in, lock_client, reverse_payment_in};
use crate::payments::purpose::{MethodPaymentEnd, saved_method_request};

impl Engine {
    /// A payment that waited for its money (a gateway's success, a bank
    /// transfer credited by staff or a statement) is paid. The caller holds
    /// the client's lock and has checked that the payment still waits.
    pub(crate) async fn awaited_money_arrived(
        &self,
        uow: &mut Uow<'_>,
        client: &ClientRow,
        pay: &PaymentRow,
        flow: &FlowRow,
        method_token: Option<&str>,
    ) -> Result<()> {
        credit_awaiting_in(uow, client, pay).await?;
        crate::documents::contracts::contract_with_first_payment(uow, flow.payer_id, self.local_today()).await?;
        self.pay_cashback(uow, client, pay, flow).await?;
        self.money_in(uow, client.id, pay.id).await?;
        self.payment_ended(uow, client, pay.id, MethodPaymentEnd::Succeeded(method_token)).await?;
        uow.emit("payment.credited", &serde_json::json!({ "payment_id": pay.id, "client_id": client.id }), None).await?;
        notify_payment(uow, pay.id, "payment.credited", None).await
    }

    /// What follows any money credited to the balance: it pays debt oldest
    /// first, a real payment repays an open promised payment, services that
    /// waited for money are charged and switched back on (CHG-4, CHG-5),
    /// and a blocked credit limit is checked again (CRD-4).
    pub(crate) async fn money_in(&self, uow: &mut Uow<'_>, client_id: i64, payment_id: i64) -> Result<()> {
        allocate(&mut uow.conn, client_id, uow.now).await?;
        let client = lock_client(&mut uow.conn, client_id).await?;
        let is_promise =
            kopek_store::ledger::payment(&mut uow.conn, payment_id).await?.is_some_and(|p| p.method == PROMISED_METHOD);
        if !is_promise && let Some(open) = subs::open_promised(&mut uow.conn, client_id).await? {
            reverse_payment_in(uow, &client, open.payment_id, "promised payment repaid").await?;
            subs::close_promised(&mut uow.conn, open.id, PromisedStatus::Repaid, uow.now).await?;
            allocate(&mut uow.conn, client_id, uow.now).await?;
        }
        if subs::has_waiting(&mut uow.conn, client_id).await? {
            let book = load_price_book(&mut uow.conn).await?;
            let now = self.to_local(uow.now);
            self.charge_client(uow, &book, client_id, now.date(), Some(now)).await?;
        }
        // A promise is not money: it can't pay the overdue credit invoice.
        if !is_promise {
            self.recheck_credit(uow, client_id).await?;
        }
        Ok(())
    }

    /// A payment by a method ended, with money or without: its saved method's
    /// status moves ("Статусы обновляются при оплате") and what it was for
    /// is finished or told of the failure.
    pub(crate) async fn payment_ended(
        &self,
        uow: &mut Uow<'_>,
        client: &ClientRow,
        payment_id: i64,
        end: MethodPaymentEnd<'_>,
    ) -> Result<()> {
        let link = purpose(&mut uow.conn, payment_id).await?;
        if let MethodPaymentEnd::Failed(reason) = end {
            // A renewal and an autopayment tell of their own failure.
            let told_elsewhere = link.as_ref().is_some_and(|l| {
                l.purpose == PurposeKind::Autopay || (l.purpose == PurposeKind::Renewal && l.renewal_months.is_none())
            });
            if !told_elsewhere {
                notify_payment(uow, payment_id, "payment.failed", Some(reason)).await?;
            }
        }
        let Some(link) = link else { return Ok(()) };
        let by_kept_card = match end {
            MethodPaymentEnd::Declined(_) => saved_method_request(&mut uow.conn, payment_id).await?.1.is_some(),
            _ => false,
        };
        let outcome = match end {
            MethodPaymentEnd::Succeeded(_) => Some(PaymentOutcome::Succeeded),
            MethodPaymentEnd::Failed(_) => Some(PaymentOutcome::Failed),
            MethodPaymentEnd::Cancelled(_) if link.purpose.is_unattended() => Some(PaymentOutcome::Failed),
            MethodPaymentEnd::Cancelled(_) => None,
            MethodPaymentEnd::Declined(_) if link.purpose.is_unattended() || by_kept_card => Some(PaymentOutcome::Failed),
            MethodPaymentEnd::Declined(_) => None,
        };
        if let (Some(id), Some(outcome)) = (link.saved_method_id, outcome) {
            let token = match end {
                MethodPaymentEnd::Succeeded(t) => t,
                _ => None,
            };
            self.method_status_after(uow, id, outcome, token).await?;
        }
        let reason = match end {
            MethodPaymentEnd::Failed(r) | MethodPaymentEnd::Cancelled(r) | MethodPaymentEnd::Declined(r) => r,
            MethodPaymentEnd::Succeeded(_) => "",
        };
        // A renewal for months the client chose is one it paid by hand: its
        // failure is no auto-renewal failure to retry or tell of.
        let months = link.renewal_months.and_then(|m| u32::try_from(m).ok());
        match (link.purpose, link.subscription_id, outcome) {
            (PurposeKind::Renewal, Some(sub), Some(PaymentOutcome::Succeeded)) => {
                self.renewal_paid(uow, client, sub, payment_id, months, link.renews_from).await
            }
            (PurposeKind::Renewal, Some(sub), Some(PaymentOutcome::Failed)) if months.is_none() => {
                self.renewal_failed(uow, client, sub, Some(payment_id), reason).await
            }
            (PurposeKind::Order, _, Some(PaymentOutcome::Succeeded)) => match link.order_id {
                Some(order) => self.order_paid(uow, client, order).await,
                None => Ok(()),
            },
            (PurposeKind::Autopay, _, Some(PaymentOutcome::Failed)) => {
                let data = serde_json::json!({ "payment_id": payment_id, "reason": reason });
                notify_client(uow, client.id, "autopay.payment_failed", data, &payment_id.to_string()).await
            }
            _ => Ok(()),
        }
    }

    /// PMT-3: the method's cashback, credited as a payment of its own that
    /// names the payment it was earned by.
    async fn pay_cashback(&self, uow: &mut Uow<'_>, client: &ClientRow, pay: &PaymentRow, flow: &FlowRow) -> Result<()> {
        let Some(method) = flow.method_id else { return Ok(()) };
        let row = kopek_store::payment_methods::get(&mut uow.conn, method).await?;
        let percent = row.map(|m| units_to_decimal(m.cashback_percent)).unwrap_or_default();
        let paid = flow.paid_amount.map(units_to_decimal).unwrap_or_default();
        let currency = currency_of(&client.currency)?;
        let rate = flow.rate.as_deref().map(str::parse).transpose().map_err(|e| EngineError::Internal(format!("rate: {e}")))?;
        let paid_currency = currency_of(flow.paid_currency.as_deref().unwrap_or(&client.currency))?;
        let back = cashback(Money::new(paid, paid_currency), percent);
        let back = Money::new(back.amount * rate.unwrap_or(Decimal::ONE), currency).round_for_payment();
        if back.amount <= Decimal::ZERO {
            return Ok(());
        }
        let cb = credit_in(uow, client, CASHBACK_PREFIX, back, "cashback").await?;
        let flow = Flow {
            payer_id: flow.payer_id,
            method_id: None,
            gateway: None,
            paid_amount: None,
            paid_currency: None,
            commission: 0,
            rate: None,
            cashback_of: Some(pay.id),
        };
        store::set_flow(&mut uow.conn, cb.id, &flow, uow.now).await?;
        Ok(())
    }
}
