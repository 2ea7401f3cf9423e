//! DOC-3: the reconciliation act of a payer for any period, computed from
//! the books when asked (it is evidence of a balance, not a primary
//! document, so it carries no number). Acts are the provider's debit,
//! credited payments its credit; everything before the period is the
//! opening balance, which is why consecutive periods chain.

use chrono::NaiveDate;
use kopek_domain::DomainError;
use kopek_domain::account::Right;
use kopek_domain::document::{ContractRef, EntryKind, ReconciliationEntry, ReconciliationInput};
use kopek_domain::money::units_to_decimal;
use kopek_domain::payer::PayerDetails;
use kopek_store::documents as store;
use rust_decimal::Decimal;

use crate::Engine;
use crate::core::ctx::Ctx;
use crate::core::error::Result;
use crate::documents::provider::entity;

impl Engine {
    /// The reconciliation act of `payer_id` from `from` to `to`, both
    /// days included.
    pub async fn reconciliation(&self, ctx: &Ctx, payer_id: i64, from: NaiveDate, to: NaiveDate) -> Result<ReconciliationInput> {
        ctx.actor.ensure_right(Right::Documents)?;
        if from > to {
            return Err(DomainError::invalid("to", "the period ends on or after its first day").into());
        }
        if (to - from).num_days() > 366 * 5 {
            return Err(DomainError::invalid("from", "a period of at most five years").into());
        }
        let mut conn = self.store.conn().await?;
        let payer = crate::payments::payers::visible(&mut conn, ctx, payer_id).await?;
        let entity = entity(&mut conn).await?;
        let buyer: PayerDetails = serde_json::from_str(&payer.details)?;
        let contract =
            store::first_contract(&mut conn, payer_id).await?.map(|(number, signed_on)| ContractRef { number, signed_on });
        let mut opening = Decimal::ZERO;
        let mut entries = Vec::new();
        for act in store::acts_of_payer(&mut conn, payer_id, to).await? {
            let amount = units_to_decimal(act.amount);
            if act.issued_on < from {
                opening += amount;
            } else {
                entries.push(ReconciliationEntry {
                    date: act.issued_on,
                    kind: EntryKind::Act,
                    number: act.number,
                    debit: amount,
                    credit: Decimal::ZERO,
                });
            }
        }
        let end = self.to_utc((to + chrono::Days::new(1)).and_time(chrono::NaiveTime::MIN));
        for (number, credited_at, units) in store::credited_payments_of_payer(&mut conn, payer_id, end).await? {
            let (day, amount) = (self.to_local(credited_at).date(), units_to_decimal(units));
            if day < from {
                opening -= amount;
            } else {
                entries.push(ReconciliationEntry {
                    date: day,
                    kind: EntryKind::Payment,
                    number,
                    debit: Decimal::ZERO,
                    credit: amount,
                });
            }
        }
        // Payments before acts on the same day, as money usually comes first.
        entries.sort_by_key(|e| (e.date, e.credit.is_zero()));
        let (signer_name, signer_position) = entity.details.signer();
        Ok(ReconciliationInput {
            from,
            to,
            seller: entity.details.company,
            buyer,
            contract,
            opening: opening.round_dp(2),
            entries,
            signer_name,
            signer_position,
            seller_logo: entity.details.logo,
        })
    }
}
