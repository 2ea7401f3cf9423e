//! What the portal offers a client's users (CAT-9, CAT-10, CAT-13), and
//! the one check every way of acquiring something goes through: connecting
//! a service, ordering one paid ahead, putting a product in the cart or
//! ordering it, taking a promised payment. A client's user gets only what
//! the portal offers its client, and anything else is "not found", as the
//! catalog shows it; staff and the system give a client whatever the
//! catalog has.

use kopek_domain::account::SubscriptionState;
use kopek_domain::catalog::ServiceSpec;
use kopek_store::Conn;
use kopek_store::products::ProductRow;

use crate::core::ctx::Actor;
use crate::core::error::{EngineError, Result};

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
