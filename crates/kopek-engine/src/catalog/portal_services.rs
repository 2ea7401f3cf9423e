//! CAT-10 in the portal: the catalog services a client's user may order
//! there, and the client's services with whether, and from when, the portal
//! lets it cancel each. The rules themselves are in [`super::portal`]; this
//! file only reads them out for the pages.

use chrono::{DateTime, NaiveDate, Utc};
use kopek_domain::account::{Right, SubscriptionState, SubscriptionStyle};
use kopek_domain::catalog::{ServiceKind, ServiceSpec};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Engine;
use crate::catalog::portal::{Offer, cancellable_from, first_charge, offered};
use crate::catalog::services::load_price_book;
use crate::core::amount::Amount;
use crate::core::ctx::Ctx;
use crate::core::error::Result;
use crate::core::views::minor;

/// A catalog service the portal offers a client, by its version valid today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OfferedService {
    pub id: i64,
    pub name: String,
    /// periodic, one_time, package…
    pub kind: String,
    /// The price of one period.
    pub price: Amount,
    pub currency: String,
    /// day, month…
    pub period: String,
    /// prepay, daily, postpay, hourly.
    pub write_off: String,
    /// The minimum balance connecting it needs.
    pub connection_cost: Amount,
    /// An order connects it only when the balance covers `first_charge`.
    pub check_funds: bool,
    pub first_charge: Amount,
}

/// A service of the client as the portal lists it (catalog services
/// charged from the balance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PortalSubscription {
    pub subscription_id: i64,
    pub service_id: i64,
    pub name: String,
    pub state: String,
    pub connected_at: DateTime<Utc>,
    pub price: Amount,
    pub currency: String,
    pub period: String,
    /// The first day the client's user may cancel it; empty when the portal
    /// never lets it.
    pub cancellable_from: Option<NaiveDate>,
    /// The client's user may cancel it today.
    pub may_cancel: bool,
    /// What the provider tells the client after a portal order.
    pub popup_text: Option<String>,
    /// CAT-1 forsage: how long one turn-on boosts, in minutes; empty for
    /// another kind of service.
    pub boost_minutes: Option<u32>,
    /// CAT-1 forsage: the running boost ends then.
    pub boost_until: Option<DateTime<Utc>>,
}

fn word<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

impl Engine {
    /// CAT-10: what the portal's order form offers `client_id` besides the
    /// shop's products — catalog services orderable from the portal or
    /// offered inside a tariff the client is on, neither archived nor
    /// hidden. Promised payments have their own page.
    pub async fn portal_offer(&self, ctx: &Ctx, client_id: i64) -> Result<Vec<OfferedService>> {
        ctx.actor.ensure_sees_client(client_id)?;
        ctx.actor.ensure_right(Right::Orders)?;
        let mut conn = self.store.conn().await?;
        let book = load_price_book(&mut conn).await?;
        let today = self.local_today();
        let mut out = Vec::new();
        for row in kopek_store::catalog::services(&mut conn).await? {
            let Some(spec) = book.spec_on(row.id, today) else { continue };
            if matches!(spec.main.kind, ServiceKind::PromisedPayment | ServiceKind::System) {
                continue;
            }
            if !offered(&mut conn, client_id, &Offer::Service { id: row.id, spec }).await? {
                continue;
            }
            out.push(OfferedService {
                id: row.id,
                name: spec.main.name.clone(),
                kind: spec.main.kind.to_string(),
                price: Amount(spec.fee.price),
                currency: spec.fee.currency.clone(),
                period: word(&spec.fee.period),
                write_off: word(&spec.fee.write_off),
                connection_cost: Amount(spec.fee.connection_cost),
                check_funds: spec.portal.check_funds,
                first_charge: Amount::from_units(first_charge(spec)?, minor(&spec.fee.currency)),
            });
        }
        Ok(out)
    }

    /// CAT-10: the client's connected catalog services charged from the
    /// balance (not a package's parts, not those hidden from the client),
    /// each with the day the portal lets its user cancel it.
    pub async fn portal_subscriptions(&self, ctx: &Ctx, client_id: i64) -> Result<Vec<PortalSubscription>> {
        ctx.actor.ensure_sees_client(client_id)?;
        ctx.actor.ensure_right(Right::Services)?;
        let mut conn = self.store.conn().await?;
        let book = load_price_book(&mut conn).await?;
        let today = self.local_today();
        let mut out = Vec::new();
        for sub in kopek_store::subscriptions::of_client(&mut conn, client_id).await? {
            if sub.state == SubscriptionState::Disconnected || sub.parent_id.is_some() || sub.style != SubscriptionStyle::Balance
            {
                continue;
            }
            let Some(spec) = book.spec_on(sub.service_id, today) else { continue };
            if spec.additional.hidden_from_client {
                continue;
            }
            let from = cancellable_from(spec, self.to_local(sub.connected_at).date());
            let mut view = portal_view(&sub, spec, from, today);
            if view.boost_minutes.is_some() {
                let until = kopek_store::subscriptions::boost_until(&mut conn, sub.id).await?;
                view.boost_until = until.filter(|u| *u > self.now());
            }
            out.push(view);
        }
        Ok(out)
    }
}

fn portal_view(
    sub: &kopek_store::subscriptions::SubscriptionRow,
    spec: &ServiceSpec,
    from: Option<NaiveDate>,
    today: NaiveDate,
) -> PortalSubscription {
    PortalSubscription {
        subscription_id: sub.id,
        service_id: sub.service_id,
        name: spec.main.name.clone(),
        state: sub.state.to_string(),
        connected_at: sub.connected_at,
        price: Amount(spec.fee.price),
        currency: spec.fee.currency.clone(),
        period: word(&spec.fee.period),
        cancellable_from: from,
        may_cancel: from.is_some_and(|d| d <= today),
        popup_text: spec.portal.popup_text.clone().filter(|t| !t.trim().is_empty()),
        boost_minutes: spec.conditions.boost_minutes.filter(|_| spec.main.kind == ServiceKind::Forsage),
        boost_until: None,
    }
}
