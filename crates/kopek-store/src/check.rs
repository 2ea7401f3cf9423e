//! The ledger's invariants (LED-1, LED-2) as queries over the whole
//! database. `kopek check-ledger` runs them all; each returns the rows that
//! break its rule, so an empty result proves the rule.

use crate::{Conn, Result, on_db};

/// One broken rule: which rule, which client, and what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub rule: &'static str,
    pub client_id: i64,
    pub detail: String,
}

/// Each rule: a name, what it means, and a query returning
/// (client_id, subject id, expected, found) for every row that breaks it.
const RULES: &[(&str, &str, &str)] = &[
    (
        "balance_is_sum_of_entries",
        "the cached balance of client {c} is {f}, its entries sum to {e}",
        "SELECT c.id, c.id, CAST(COALESCE(SUM(e.amount), 0) AS BIGINT), c.balance
         FROM clients c LEFT JOIN ledger_entries e ON e.client_id = c.id
         GROUP BY c.id, c.balance HAVING c.balance <> COALESCE(SUM(e.amount), 0)",
    ),
    (
        "payment_unallocated_matches_allocations",
        "payment {s}: unallocated is {f}, amount less allocations is {e}",
        "SELECT p.client_id, p.id,
                CASE WHEN p.status = 'credited' THEN p.amount - CAST(COALESCE(SUM(a.amount), 0) AS BIGINT) ELSE 0 END,
                p.unallocated
         FROM payments p LEFT JOIN allocations a ON a.payment_id = p.id
         GROUP BY p.id, p.client_id, p.status, p.amount, p.unallocated
         HAVING p.unallocated <> CASE WHEN p.status = 'credited' THEN p.amount - COALESCE(SUM(a.amount), 0) ELSE 0 END
             OR (p.status <> 'credited' AND COALESCE(SUM(a.amount), 0) <> 0)",
    ),
    (
        "expense_unpaid_matches_allocations",
        "expense {s}: unpaid is {f}, amount less allocations is {e}",
        "SELECT x.client_id, x.id,
                CASE WHEN x.status = 'posted' THEN x.amount - CAST(COALESCE(SUM(a.amount), 0) AS BIGINT) ELSE 0 END,
                x.unpaid
         FROM expenses x LEFT JOIN allocations a ON a.expense_id = x.id
         GROUP BY x.id, x.client_id, x.status, x.amount, x.unpaid
         HAVING x.unpaid <> CASE WHEN x.status = 'posted' THEN x.amount - COALESCE(SUM(a.amount), 0) ELSE 0 END
             OR (x.status <> 'posted' AND COALESCE(SUM(a.amount), 0) <> 0)",
    ),
    (
        "allocation_pair_not_negative",
        "payment {s} has a net allocation of {f} to an expense",
        "SELECT client_id, payment_id, CAST(0 AS BIGINT), CAST(SUM(amount) AS BIGINT) FROM allocations
         GROUP BY client_id, payment_id, expense_id HAVING SUM(amount) < 0",
    ),
    (
        "allocation_within_one_client",
        "allocation {s} joins money of different clients",
        "SELECT a.client_id, a.id, a.client_id, CASE WHEN p.client_id <> a.client_id THEN p.client_id ELSE x.client_id END
         FROM allocations a JOIN payments p ON p.id = a.payment_id JOIN expenses x ON x.id = a.expense_id
         WHERE p.client_id <> a.client_id OR x.client_id <> a.client_id",
    ),
    (
        "payment_posted_once_for_its_amount",
        "payment {s}: its payment (or bonus) entries sum to {f}, expected {e}",
        "SELECT p.client_id, p.id, CASE WHEN p.status IN ('credited', 'refunded') THEN p.amount ELSE 0 END,
                CAST(COALESCE(SUM(CASE WHEN e.kind IN ('payment', 'bonus') THEN e.amount ELSE 0 END), 0) AS BIGINT)
         FROM payments p LEFT JOIN ledger_entries e ON e.payment_id = p.id
         GROUP BY p.id, p.client_id, p.status, p.amount
         HAVING COALESCE(SUM(CASE WHEN e.kind IN ('payment', 'bonus') THEN e.amount ELSE 0 END), 0)
             <> CASE WHEN p.status IN ('credited', 'refunded') THEN p.amount ELSE 0 END",
    ),
    (
        "payment_net_matches_status",
        "payment {s}: its entries net to {f}, its status says {e}",
        "SELECT p.client_id, p.id, CASE WHEN p.status = 'credited' THEN p.amount ELSE 0 END,
                CAST(COALESCE(SUM(e.amount), 0) AS BIGINT)
         FROM payments p LEFT JOIN ledger_entries e ON e.payment_id = p.id
         GROUP BY p.id, p.client_id, p.status, p.amount
         HAVING COALESCE(SUM(e.amount), 0) <> CASE WHEN p.status = 'credited' THEN p.amount ELSE 0 END",
    ),
    (
        "expense_net_matches_status",
        "expense {s}: its entries net to {f}, its status says {e}",
        "SELECT x.client_id, x.id, CASE WHEN x.status = 'posted' THEN -x.amount ELSE 0 END,
                CAST(COALESCE(SUM(e.amount), 0) AS BIGINT)
         FROM expenses x LEFT JOIN ledger_entries e ON e.expense_id = x.id
         GROUP BY x.id, x.client_id, x.status, x.amount
         HAVING COALESCE(SUM(e.amount), 0) <> CASE WHEN x.status = 'posted' THEN -x.amount ELSE 0 END
             OR SUM(CASE WHEN e.kind = 'expense' THEN 1 ELSE 0 END) <> 1",
    ),
    (
        "reversal_cancels_its_entry",
        "entry {s} reverses an entry of {e} with {f}",
        "SELECT r.client_id, r.id, -o.amount, r.amount FROM ledger_entries r
         JOIN ledger_entries o ON o.id = r.reverses_entry_id
         WHERE r.amount <> -o.amount OR r.client_id <> o.client_id",
    ),
    (
        "balance_is_open_money_less_open_debt",
        "client {c}: unallocated payments less unpaid expenses are {e}, the balance is {f}",
        "SELECT c.id, c.id,
                CAST(COALESCE((SELECT SUM(unallocated) FROM payments p WHERE p.client_id = c.id AND p.status = 'credited'), 0)
                   - COALESCE((SELECT SUM(unpaid) FROM expenses x WHERE x.client_id = c.id AND x.status = 'posted'), 0) AS BIGINT),
                c.balance
         FROM clients c
         WHERE c.balance <> COALESCE((SELECT SUM(unallocated) FROM payments p WHERE p.client_id = c.id AND p.status = 'credited'), 0)
                          - COALESCE((SELECT SUM(unpaid) FROM expenses x WHERE x.client_id = c.id AND x.status = 'posted'), 0)",
    ),
    (
        "no_open_money_beside_open_debt",
        "client {c} has {e} unallocated beside {f} unpaid: allocation was skipped",
        "SELECT c.id, c.id,
                CAST((SELECT SUM(unallocated) FROM payments p WHERE p.client_id = c.id AND p.status = 'credited') AS BIGINT),
                CAST((SELECT SUM(unpaid) FROM expenses x WHERE x.client_id = c.id AND x.status = 'posted') AS BIGINT)
         FROM clients c
         WHERE EXISTS (SELECT 1 FROM payments p WHERE p.client_id = c.id AND p.status = 'credited' AND p.unallocated > 0)
           AND EXISTS (SELECT 1 FROM expenses x WHERE x.client_id = c.id AND x.status = 'posted' AND x.unpaid > 0)",
    ),
    // The insert-only ledger tables carry no foreign keys on PostgreSQL
    // (migrations/postgres/0003): these rules prove their references instead.
    (
        "entry_references_exist",
        "ledger entry {s} names a client, payment, expense or entry that does not exist",
        "SELECT e.client_id, e.id, CAST(0 AS BIGINT), CAST(1 AS BIGINT) FROM ledger_entries e
         WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = e.client_id)
            OR (e.payment_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = e.payment_id))
            OR (e.expense_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM expenses x WHERE x.id = e.expense_id))
            OR (e.reverses_entry_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ledger_entries o WHERE o.id = e.reverses_entry_id))",
    ),
    (
        "expense_references_exist",
        "expense {s} belongs to a client that does not exist",
        "SELECT x.client_id, x.id, CAST(0 AS BIGINT), CAST(1 AS BIGINT) FROM expenses x
         WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = x.client_id)",
    ),
    (
        "allocation_references_exist",
        "allocation {s} names a client, payment or expense that does not exist",
        "SELECT a.client_id, a.id, CAST(0 AS BIGINT), CAST(1 AS BIGINT) FROM allocations a
         WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = a.client_id)
            OR NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = a.payment_id)
            OR NOT EXISTS (SELECT 1 FROM expenses x WHERE x.id = a.expense_id)",
    ),
    (
        "charge_references_exist",
        "charge {s} names a client, subscription or expense that does not exist, or another client's",
        "SELECT g.client_id, g.id, CAST(0 AS BIGINT), CAST(1 AS BIGINT) FROM charges g
         WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = g.client_id)
            OR NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = g.subscription_id AND s.client_id = g.client_id)
            OR (g.expense_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM expenses x WHERE x.id = g.expense_id AND x.client_id = g.client_id))",
    ),
];

/// Runs every rule and returns what breaks them; empty means the ledger holds.
pub async fn run_all(conn: &mut Conn) -> Result<Vec<Violation>> {
    let mut found = Vec::new();
    for (rule, template, sql) in RULES {
        let rows: Vec<(i64, i64, i64, i64)> = on_db!(conn, db => sqlx::query_as(*sql).fetch_all(db).await)?;
        for (client_id, subject, expected, got) in rows {
            let detail = template
                .replace("{c}", &client_id.to_string())
                .replace("{s}", &subject.to_string())
                .replace("{e}", &units(expected))
                .replace("{f}", &units(got));
            found.push(Violation { rule, client_id, detail });
        }
    }
    Ok(found)
}

pub fn rule_names() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|(name, _, _)| *name)
}

fn units(u: i64) -> String {
    kopek_domain::money::format_amount(kopek_domain::money::units_to_decimal(u), 2)
}
