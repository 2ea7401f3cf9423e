//! Staff lists that hold clients by id (documents, tickets, deliveries)
//! show each client by its code and name, asked of the engine once a page.

use kopek_engine::Ctx;
use kopek_engine::EngineError;
use kopek_engine::accounts::client_card::ClientLabel;
use serde::Serialize;

use crate::AppState;

/// One row of a list with its client named (none: the client is gone).
#[derive(Debug, Clone, Serialize)]
pub struct Labelled<T> {
    pub item: T,
    pub client: Option<ClientLabel>,
}

/// `items` with their clients named; `client_of` reads an item's client.
pub async fn labelled<T>(
    state: &AppState,
    ctx: &Ctx,
    items: Vec<T>,
    client_of: impl Fn(&T) -> i64,
) -> Result<Vec<Labelled<T>>, EngineError> {
    let ids: Vec<i64> = items.iter().map(&client_of).collect();
    let labels = state.engine.client_labels(ctx, &ids).await?;
    Ok(items
        .into_iter()
        .map(|item| {
            let client = labels.get(&client_of(&item)).cloned();
            Labelled { item, client }
        })
        .collect())
}
