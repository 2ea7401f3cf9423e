//! The staff's view of clients (OPS-5, ACC-4): finding a client by what a
//! caller tells on the phone — a code, a name, an e-mail, an INN, a phone
//! number — and the client's card, everything about one account on one
//! screen. Every staff role reads them; changing what they show goes
//! through the use cases that own each thing.

use kopek_domain::document::DocumentKind;
use kopek_store::{clients, support};
use serde::Serialize;

use crate::Engine;
use crate::accounts::audit::{AuditQuery, AuditRecord};
use crate::billing::credit_limit::CreditDashboard;
use crate::charging::promised::Promised;
use crate::charging::subscriptions::Subscription;
use crate::core::ctx::{Ctx, Powers};
use crate::core::error::Result;
use crate::core::text;
use crate::core::views::{Balance, Client, ClientUser, Expense, Payment};
use crate::documents::views::DocumentSummary;
use crate::payments::payers::PayerSummary;
use crate::support::views::{Ticket, ticket_view};

/// Rows of each list the card shows, newest first.
pub const CARD_ROWS: usize = 20;
/// Clients a search page shows.
pub const SEARCH_PAGE: i64 = 25;

/// One page of a search: the clients found, and where the next page
/// starts when there is one.
#[derive(Debug, Clone, Serialize)]
pub struct ClientPage {
    pub clients: Vec<Client>,
    pub next_after: Option<i64>,
}

/// Everything staff see about one client.
#[derive(Debug, Clone, Serialize)]
pub struct ClientCard {
    pub client: Client,
    pub balance: Balance,
    pub credit: CreditDashboard,
    pub users: Vec<ClientUser>,
    pub payers: Vec<PayerSummary>,
    pub subscriptions: Vec<Subscription>,
    pub payments: Vec<Payment>,
    pub expenses: Vec<Expense>,
    /// CHG-4: the promised payments taken, newest first.
    pub promised: Vec<Promised>,
    pub documents: Vec<DocumentSummary>,
    pub tickets: Vec<Ticket>,
    pub audit: Vec<AuditRecord>,
    /// ACC-4: what the staff member looking may change here.
    pub powers: Powers,
}

/// What a search looks for: the words as typed for names and e-mails, and
/// the digits when they could be an INN or a phone number.
fn search_terms(query: &str) -> Option<clients::Search> {
    let query = query.trim();
    if query.is_empty() {
        return None;
    }
    let escaped = like_escape(query);
    let digits: String = query.chars().filter(char::is_ascii_digit).collect();
    let phone_shaped = query.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    Some(clients::Search {
        pattern: format!("%{escaped}%"),
        lower_pattern: format!("%{}%", escaped.to_lowercase()),
        digits: (phone_shaped && digits.len() >= 4).then_some(digits),
    })
}

/// The last [`CARD_ROWS`] of a list kept oldest first, newest first.
fn newest<T>(mut v: Vec<T>) -> Vec<T> {
    v.reverse();
    v.truncate(CARD_ROWS);
    v
}

/// A LIKE pattern matches its wildcards only where the search put them.
fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// A client as a staff list names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientLabel {
    pub code: String,
    pub name: String,
}

impl Engine {
    /// OPS-5: the code and name of each of `ids` that exists, for a staff
    /// list that shows clients by id (documents, tickets, deliveries).
    pub async fn client_labels(&self, ctx: &Ctx, ids: &[i64]) -> Result<std::collections::BTreeMap<i64, ClientLabel>> {
        ctx.actor.ensure_staff("name clients")?;
        let mut conn = self.store.conn().await?;
        let mut out = std::collections::BTreeMap::new();
        for &id in ids {
            if out.contains_key(&id) {
                continue;
            }
            if let Some(row) = clients::get(&mut conn, id).await? {
                out.insert(id, ClientLabel { code: row.code, name: row.name });
            }
        }
        Ok(out)
    }

    /// OPS-5: clients whose code, name, user's e-mail or phone, or payer's
    /// INN holds `query`, in id order after `after_id`, a page at a time.
    /// An empty query lists every client. Staff only.
    pub async fn search_clients(&self, ctx: &Ctx, query: &str, after_id: i64) -> Result<ClientPage> {
        ctx.actor.ensure_staff("search clients")?;
        let query = text::bounded("q", query, text::NAME)?;
        let mut conn = self.store.conn().await?;
        let mut rows = match search_terms(query) {
            Some(terms) => clients::search(&mut conn, &terms, after_id, SEARCH_PAGE + 1).await?,
            None => clients::list(&mut conn, None, after_id, SEARCH_PAGE + 1).await?,
        };
        let more = rows.len() as i64 > SEARCH_PAGE;
        rows.truncate(SEARCH_PAGE as usize);
        let next_after = if more { rows.last().map(|r| r.id) } else { None };
        Ok(ClientPage { clients: rows.iter().map(Client::from).collect(), next_after })
    }

    /// OPS-5: the client's card. Staff only: it reads every part of the
    /// account through the use cases a client's user would be limited by.
    pub async fn client_card(&self, ctx: &Ctx, client_id: i64) -> Result<ClientCard> {
        ctx.actor.ensure_staff("open a client's card")?;
        let client = self.client(ctx, client_id).await?;
        let balance = self.balance(ctx, client_id).await?;
        let credit = self.credit_dashboard(ctx, client_id).await?;
        let users = self.client_users(ctx, client_id).await?;
        let payers = self.payers(ctx, client_id).await?;
        let subscriptions = self.subscriptions(ctx, client_id).await?;
        let payments = newest(self.payments(ctx, client_id).await?);
        let expenses = newest(self.expenses(ctx, client_id).await?);
        let promised = newest(self.promised_payments(ctx, client_id).await?);
        let mut documents = Vec::new();
        for kind in DocumentKind::ALL {
            documents.extend(self.documents(ctx, client_id, *kind).await?);
        }
        documents.sort_by_key(|d| std::cmp::Reverse((d.issued_on, d.id)));
        documents.truncate(CARD_ROWS);
        let mut conn = self.store.conn().await?;
        // The subjects and states only: reading a ticket's messages is for
        // the staff who handle tickets (SUP-1).
        let mut tickets = Vec::new();
        for row in support::client_tickets(&mut conn, client_id).await?.into_iter().take(CARD_ROWS) {
            tickets.push(ticket_view(&mut conn, row).await?);
        }
        drop(conn);
        let trail = AuditQuery { client_id: Some(client_id), limit: Some(50), ..AuditQuery::default() };
        let audit = self.audit_log(ctx, &trail).await?.records;
        Ok(ClientCard {
            client,
            balance,
            credit,
            users,
            payers,
            subscriptions,
            payments,
            expenses,
            promised,
            documents,
            tickets,
            audit,
            powers: ctx.actor.powers(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops5_a_search_escapes_wildcards_and_reads_digits() {
        let t = search_terms("  100%_a\\b ").unwrap();
        assert_eq!(t.pattern, "%100\\%\\_a\\\\b%");
        assert_eq!(t.digits, None);
        let inn = search_terms("7707083893").unwrap();
        assert_eq!(inn.digits.as_deref(), Some("7707083893"));
        let phone = search_terms("+7 (912) 345").unwrap();
        assert_eq!(phone.digits.as_deref(), Some("7912345"));
        assert_eq!(search_terms("ООО Ромашка").unwrap().lower_pattern, "%ооо ромашка%");
        assert!(search_terms("   ").is_none());
        assert_eq!(search_terms("12").unwrap().digits, None, "too short to be an INN or a phone");
    }
}
