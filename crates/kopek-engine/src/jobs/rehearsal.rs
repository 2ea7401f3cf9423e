//! The dry run of whole nights (CHG-8, OPS-1): `kopek night --dry-run`.
//!
//! A night's steps each open their own transactions and each reads what the
//! one before it wrote (the charges lower the balance the credit cycle
//! reads; a top-up pays the renewals after it), so no step can be dry-run
//! alone and stay exact. Instead the very code of the night runs on a
//! rehearsal store ([`kopek_store::rehearsal`]): one outer transaction that
//! every unit of work of the night joins as a savepoint, rolled back at the
//! end. What it did is read back inside that transaction before it goes —
//! the balances before and after, and the audit records each step wrote —
//! so the report is per step and per client.
//!
//! Nothing leaves the process during a rehearsal: payment gateways are
//! replaced by stand-ins that answer "pending" without asking anyone (an
//! autopayment or a renewal by card shows as asked for, its money is not
//! assumed), and provisioning hooks, which run from the outbox, never run
//! because the outbox messages are rolled back with the rest.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{Duration, NaiveDate};
use kopek_domain::money::units_to_decimal;
use kopek_store::clients::{self, ClientRow};
use kopek_store::{Store, audit};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::Engine;
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::{EngineError, Result};
use crate::core::views::minor;
use crate::jobs::nightly::{NightReport, NightStep};
use crate::payments::gateway::{
    CreatePayment, GatewayError, GatewayKind, GatewayPayment, GatewayRefund, GatewayStatus, PaymentGateway, WebhookEvent,
    WebhookRequest,
};

/// Nights one dry run may rehearse: a year and a day.
pub const MAX_REHEARSED_NIGHTS: i64 = 366;

/// One night as the dry run saw it.
#[derive(Debug, Clone)]
pub struct RehearsedNight {
    pub report: NightReport,
    /// The clients the night touched, in id order.
    pub clients: Vec<ClientNight>,
}

/// What one night did to one client.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ClientNight {
    pub client_id: i64,
    pub code: String,
    pub balance_before: Amount,
    pub balance_after: Amount,
    /// What each step did, in the night's order: [step, what].
    #[schema(value_type = Vec<Vec<String>>)]
    pub lines: Vec<(NightStep, String)>,
}

impl Engine {
    /// The nights `from` through `to`, in order, run and rolled back: what
    /// `kopek night` would do, per night, step and client. Each night reads
    /// a clock standing at its 02:00, as the real one does; nights still to
    /// come may be rehearsed too.
    pub async fn rehearse_nights(&self, ctx: &Ctx, from: NaiveDate, to: NaiveDate) -> Result<Vec<RehearsedNight>> {
        ctx.actor.ensure_may_move_money()?;
        if to < from {
            return Err(EngineError::invalid("bad_range", format!("{to} is before {from}")));
        }
        if (to - from).num_days() >= MAX_REHEARSED_NIGHTS {
            return Err(EngineError::invalid(
                "range_too_long",
                format!("a dry run rehearses at most {MAX_REHEARSED_NIGHTS} nights"),
            ));
        }
        let store = self.store.rehearsal().await?;
        let nights = self.rehearse_on(&store, ctx, from, to).await;
        store.end_rehearsal().await?;
        nights
    }

    async fn rehearse_on(&self, store: &Store, ctx: &Ctx, from: NaiveDate, to: NaiveDate) -> Result<Vec<RehearsedNight>> {
        let gateways: HashMap<GatewayKind, Arc<dyn PaymentGateway>> =
            self.gateways.keys().map(|k| (*k, Arc::new(StandIn(*k)) as Arc<dyn PaymentGateway>)).collect();
        let mut nights = Vec::new();
        let mut date = from;
        while date <= to {
            let engine = Engine {
                store: store.clone(),
                gateways: Arc::new(gateways.clone()),
                hooks: None,
                ..self.at_moment(self.night_moment(date))
            };
            nights.push(engine.rehearse_one(ctx, date).await?);
            date += Duration::days(1);
        }
        Ok(nights)
    }

    async fn rehearse_one(&self, ctx: &Ctx, date: NaiveDate) -> Result<RehearsedNight> {
        let before = self.all_clients().await?;
        let mut mark = audit::last_id(&mut self.store.conn().await?).await?;
        let mut report = NightReport::empty(date);
        let mut lines: BTreeMap<i64, Vec<(NightStep, String)>> = BTreeMap::new();
        for step in NightStep::ALL {
            self.run_night_step(ctx, date, step, &mut report).await?;
            if step == NightStep::Charges {
                for run in &report.charges.clients {
                    let m = before.get(&run.client_id).map_or(2, |c| minor(&c.currency));
                    let said = lines.entry(run.client_id).or_default();
                    if !run.lines.is_empty() {
                        said.push((step, format!("charged {} in {} period(s)", run.charged.0.round_dp(m), run.lines.len())));
                    }
                    for (sub, why) in &run.uncovered {
                        said.push((step, format!("subscription {sub} not covered: {why}")));
                    }
                    for (sub, state) in &run.changes {
                        said.push((step, format!("subscription {sub} is now {state}")));
                    }
                }
            }
            let written = audit::after(&mut self.store.conn().await?, mark).await?;
            mark = written.last().map_or(mark, |a| a.id);
            for a in written {
                if let Some(client) = a.client_id {
                    lines.entry(client).or_default().push((step, describe(&a)));
                }
            }
        }
        let after = self.all_clients().await?;
        let mut clients = Vec::new();
        for (id, now) in &after {
            let was = before.get(id).map_or(0, |c| c.balance);
            let said = lines.remove(id).unwrap_or_default();
            if said.is_empty() && was == now.balance {
                continue;
            }
            let m = minor(&now.currency);
            clients.push(ClientNight {
                client_id: *id,
                code: now.code.clone(),
                balance_before: Amount(units_to_decimal(was).round_dp(m)),
                balance_after: Amount(units_to_decimal(now.balance).round_dp(m)),
                lines: said,
            });
        }
        Ok(RehearsedNight { report, clients })
    }

    async fn all_clients(&self) -> Result<BTreeMap<i64, ClientRow>> {
        let mut conn = self.store.conn().await?;
        let mut all = BTreeMap::new();
        let mut after = 0;
        loop {
            let page = clients::list(&mut conn, None, after, 1000).await?;
            let Some(last) = page.last() else { return Ok(all) };
            after = last.id;
            all.extend(page.into_iter().map(|c| (c.id, c)));
        }
    }
}

/// An audit record as a line of the report: the action, what it was done
/// to, and its details.
fn describe(a: &audit::AuditRow) -> String {
    let details = match a.details.as_str() {
        "" | "null" | "{}" => String::new(),
        d => format!(" {d}"),
    };
    format!("{} {} {}{details}", a.action, a.entity, a.entity_id)
}

/// A gateway that answers without asking anyone: a payment waits.
struct StandIn(GatewayKind);

impl StandIn {
    fn refuse<T>(&self) -> std::result::Result<T, GatewayError> {
        Err(GatewayError::Unsupported(format!("a dry run asks {} nothing", self.0)))
    }
}

#[async_trait]
impl PaymentGateway for StandIn {
    fn kind(&self) -> GatewayKind {
        self.0
    }

    async fn create(&self, req: &CreatePayment) -> std::result::Result<GatewayPayment, GatewayError> {
        Ok(GatewayPayment {
            external_id: format!("dry-run-{}", req.payment_id),
            status: GatewayStatus::Pending,
            confirmation_url: None,
            client_secret: None,
            method_token: None,
            amount: req.amount,
            currency: req.currency.clone(),
            failure_reason: None,
        })
    }

    async fn fetch(&self, _: &str) -> std::result::Result<GatewayPayment, GatewayError> {
        self.refuse()
    }

    async fn capture(&self, _: &str, _: Decimal) -> std::result::Result<GatewayPayment, GatewayError> {
        self.refuse()
    }

    async fn refund(&self, _: &str, _: Decimal, _: &str) -> std::result::Result<GatewayRefund, GatewayError> {
        self.refuse()
    }

    async fn verify_webhook(&self, _: &WebhookRequest<'_>) -> std::result::Result<WebhookEvent, GatewayError> {
        self.refuse()
    }
}
