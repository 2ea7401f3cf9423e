-- OPS-2 (issue 20, docs/scaling.md "A distributed PostgreSQL (Citus)"):
-- every table holding money or a client's data carries the client it
-- belongs to, so that it can be distributed by client_id beside its parent.
-- These child tables reached their client only through a parent; each gets
-- the column, filled from that parent here, and written by the store from
-- now on (from the same parent, inside the INSERT).
--
-- The column is a copy of the parent's client: the parent's own foreign
-- key proves it, so it has none of its own (as postgres 0003 dropped them
-- from the ledger tables, which the nightly run writes in bulk). It stays
-- NULL where the row has no client:
--   - sessions, api_tokens, two_factor and two_factor_recovery_codes of a
--     staff login (principal_kind 'staff'): staff belong to no client; on
--     Citus those rows are kept on the coordinator (docs/scaling.md);
--   - gateway_events naming no known payment (payment_id NULL).
-- SQLite can't add a NOT NULL column without a default; the column is
-- nullable on both backends so that they keep the same schema.
ALTER TABLE act_expenses ADD COLUMN client_id BIGINT;
UPDATE act_expenses SET client_id = d.client_id FROM documents d WHERE d.id = act_expenses.document_id;

ALTER TABLE credit_reminders ADD COLUMN client_id BIGINT;
UPDATE credit_reminders SET client_id = i.client_id FROM credit_invoices i WHERE i.id = credit_reminders.invoice_id;

ALTER TABLE gateway_events ADD COLUMN client_id BIGINT;
UPDATE gateway_events SET client_id = p.client_id FROM payments p WHERE p.id = gateway_events.payment_id;

ALTER TABLE order_items ADD COLUMN client_id BIGINT;
UPDATE order_items SET client_id = o.client_id FROM orders o WHERE o.id = order_items.order_id;

ALTER TABLE service_operations ADD COLUMN client_id BIGINT;
UPDATE service_operations SET client_id = s.client_id FROM subscriptions s WHERE s.id = service_operations.subscription_id;

ALTER TABLE support_messages ADD COLUMN client_id BIGINT;
UPDATE support_messages SET client_id = t.client_id FROM support_tickets t WHERE t.id = support_messages.ticket_id;

ALTER TABLE support_files ADD COLUMN client_id BIGINT;
UPDATE support_files SET client_id = t.client_id FROM support_tickets t WHERE t.id = support_files.ticket_id;

ALTER TABLE support_file_bytes ADD COLUMN client_id BIGINT;
UPDATE support_file_bytes SET client_id = f.client_id FROM support_files f WHERE f.id = support_file_bytes.file_id;

ALTER TABLE notification_preferences ADD COLUMN client_id BIGINT;
UPDATE notification_preferences SET client_id = u.client_id
  FROM client_users u WHERE u.id = notification_preferences.client_user_id;

ALTER TABLE user_avatars ADD COLUMN client_id BIGINT;
UPDATE user_avatars SET client_id = u.client_id FROM client_users u WHERE u.id = user_avatars.user_id;

ALTER TABLE telegram_links ADD COLUMN client_id BIGINT;
UPDATE telegram_links SET client_id = u.client_id FROM client_users u WHERE u.id = telegram_links.user_id;

ALTER TABLE two_factor ADD COLUMN client_id BIGINT;
UPDATE two_factor SET client_id = u.client_id
  FROM client_users u WHERE two_factor.principal_kind = 'client_user' AND u.id = two_factor.principal_id;

ALTER TABLE two_factor_recovery_codes ADD COLUMN client_id BIGINT;
UPDATE two_factor_recovery_codes SET client_id = u.client_id
  FROM client_users u
 WHERE two_factor_recovery_codes.principal_kind = 'client_user' AND u.id = two_factor_recovery_codes.principal_id;

ALTER TABLE sessions ADD COLUMN client_id BIGINT;
UPDATE sessions SET client_id = u.client_id
  FROM client_users u WHERE sessions.principal_kind = 'client_user' AND u.id = sessions.principal_id;

ALTER TABLE api_tokens ADD COLUMN client_id BIGINT;
UPDATE api_tokens SET client_id = u.client_id
  FROM client_users u WHERE api_tokens.principal_kind = 'client_user' AND u.id = api_tokens.principal_id;

-- Indexes only where a query reads by client: a client's provisioning
-- operations (service_life::operations_of_client) and which of its users
-- have an avatar (avatars::users_with_avatar). The other tables are read
-- through their parent's key, which is indexed already; an index nobody
-- reads would only slow every insert.
CREATE INDEX service_operations_client ON service_operations (client_id, subscription_id, id);
CREATE INDEX user_avatars_client ON user_avatars (client_id, user_id);
