//! CRD-1, CRD-2: what a client may spend now — its balance and its credit
//! limit, unless the limit is blocked — and the one refusal a purchase
//! meets when it costs more.

use kopek_store::clients::ClientRow;

use crate::core::amount::Amount;
use crate::core::error::{EngineError, Result};
use crate::core::views::minor;

/// The balance plus the usable credit limit, in stored units.
pub(crate) fn available(client: &ClientRow) -> i64 {
    client.balance.saturating_add(client.usable_credit())
}

/// Whether the client can pay `units` from the balance and the limit.
pub(crate) fn covers(client: &ClientRow, units: i64) -> bool {
    available(client) >= units
}

/// Refuses, changing nothing, when `what` (costing `units`) is more than
/// the client may spend.
pub(crate) fn ensure_funds(client: &ClientRow, units: i64, what: &str) -> Result<()> {
    if covers(client, units) {
        return Ok(());
    }
    let m = minor(&client.currency);
    Err(EngineError::conflict(
        "insufficient_funds",
        format!(
            "{what} costs {} {}; the balance with the credit limit is {}",
            Amount::from_units(units, m).0,
            client.currency,
            Amount::from_units(available(client), m).0
        ),
    ))
}
