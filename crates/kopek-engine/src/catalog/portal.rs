//! What the portal offers a client's users (CAT-9, CAT-10, CAT-13), and
//! the one check every way of acquiring something goes through: connecting
//! a service, ordering one paid ahead, putting a product in the cart or
//! ordering it, taking a promised payment. A client's user gets only what
//! the portal offers its client, and anything else is "not found", as the
//! catalog shows it; staff and the system give a client whatever the
//! catalog has.

use chrono::{Months, NaiveDate};
use kopek_domain::account::{Right, SubscriptionState};
use kopek_domain::catalog::{ServiceKind, ServiceSpec};
use kopek_domain::charging::calendar::WriteOff;
use kopek_domain::money::decimal_to_units;
use kopek_store::Conn;
use kopek_store::clients::ClientRow;
use kopek_store::products::ProductRow;

use crate::core::ctx::Actor;
use crate::core::error::{EngineError, Result};
use crate::ledger::funds::ensure_funds;

/// Something a client may acquire.
pub(crate) enum Offer<'a> {
    /// A catalog service, by its version valid today.
    Service { id: i64, spec: &'a ServiceSpec },
    /// A product of the portal's shop.
    Product(&'a ProductRow),
}

/// Whether the portal offers `offer` to the users of `client_id`. A service
/// is offered when it is neither archived nor hidden from the client (CAT-9)
/// and is orderable from the portal, or offered inside a tariff the client
/// is on ("Услуги в кабинете" of the tariff, CAT-10); a product's own
/// catalog service is hidden, so a product is ordered only as a product,
/// which is offered until it is archived.
pub(crate) async fn offered(conn: &mut Conn, client_id: i64, offer: &Offer<'_>) -> Result<bool> {
    let (id, spec) = match offer {
        Offer::Product(p) => return Ok(!p.archived),
        Offer::Service { id, spec } => (*id, *spec),
    };
    let archived = kopek_store::catalog::service(conn, id).await?.is_none_or(|s| s.archived);
    if archived || spec.additional.hidden_from_client {
        return Ok(false);
    }
    if spec.portal.orderable {
        return Ok(true);
    }
    if spec.portal.only_in_tariffs.is_empty() {
        return Ok(false);
    }
    let on_tariff = kopek_store::subscriptions::of_client(conn, client_id)
        .await?
        .iter()
        .filter(|s| s.state != SubscriptionState::Disconnected)
        .filter_map(|s| s.tariff_id)
        .any(|t| spec.portal.only_in_tariffs.contains(&t));
    Ok(on_tariff)
}

/// The rule every way of acquiring something asks before it changes
/// anything: a client's user may acquire only what the portal offers its
/// client; staff and the system keep their full powers.
pub(crate) async fn may_acquire(conn: &mut Conn, actor: &Actor, client_id: i64, offer: &Offer<'_>) -> Result<bool> {
    Ok(actor.own_client().is_none() || offered(conn, client_id, offer).await?)
}

/// [`may_acquire`], refusing what it may not as "not found".
pub(crate) async fn ensure_may_acquire(conn: &mut Conn, actor: &Actor, client_id: i64, offer: Offer<'_>) -> Result<()> {
    if may_acquire(conn, actor, client_id, &offer).await? {
        return Ok(());
    }
    Err(match offer {
        Offer::Service { id, .. } => EngineError::not_found("service", id),
        Offer::Product(p) => EngineError::not_found("product", p.id),
    })
}

/// CAT-10 "check funds before connecting", in stored units: what a portal
/// order must find on the balance — the service's first charge (the price
/// of one period when it is paid ahead, the price of a one-time service),
/// and at least its connection cost.
pub fn first_charge(spec: &ServiceSpec) -> Result<i64> {
    let paid_ahead = spec.fee.write_off == WriteOff::Prepay || spec.main.kind == ServiceKind::OneTime;
    let first = if paid_ahead { decimal_to_units(spec.fee.price)? } else { 0 };
    Ok(first.max(decimal_to_units(spec.fee.connection_cost)?))
}

/// CAT-10: a client's user's order of a service marked "check funds"
/// connects only when the client can pay its [`first_charge`], else it is
/// refused as `insufficient_funds`, changing nothing; staff connect it
/// whatever the balance (the connection cost is checked for everyone).
pub(crate) fn ensure_covers_first_charge(actor: &Actor, client: &ClientRow, spec: &ServiceSpec) -> Result<()> {
    if actor.own_client().is_none() || !spec.portal.check_funds {
        return Ok(());
    }
    ensure_funds(client, first_charge(spec)?, &format!("connecting \"{}\"", spec.main.name))
}

/// CAT-10 "can be cancelled from the portal after N months": the first day
/// a client's user may cancel a service connected on `connected_on` —
/// exactly N calendar months later (the 10th of March and two months: the
/// 10th of May; a day the month lacks is its last day) — or `None` when
/// the service is not cancellable from the portal at all.
pub fn cancellable_from(spec: &ServiceSpec, connected_on: NaiveDate) -> Option<NaiveDate> {
    if !spec.portal.cancellable {
        return None;
    }
    let months = spec.portal.cancel_after_months.unwrap_or(0);
    connected_on.checked_add_months(Months::new(months))
}

/// CAT-10: a client's user (with the right to its services) disconnects a
/// service only when it is cancellable from the portal and the months have
/// passed by `today`; staff and the system keep their full powers.
pub(crate) fn ensure_may_cancel(
    actor: &Actor,
    spec: Option<&ServiceSpec>,
    connected_on: NaiveDate,
    today: NaiveDate,
) -> Result<()> {
    if actor.own_client().is_none() {
        return Ok(());
    }
    actor.ensure_right(Right::Services)?;
    match spec.and_then(|s| cancellable_from(s, connected_on)) {
        None => Err(EngineError::conflict("not_cancellable", "this service is not cancelled from the portal; ask the provider")),
        Some(from) if today < from => Err(EngineError::conflict(
            "not_cancellable_yet",
            format!("this service can be cancelled from the portal from {from}"),
        )),
        Some(_) => Ok(()),
    }
}
