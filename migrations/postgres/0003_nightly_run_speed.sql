-- The nightly run writes millions of rows in one sitting (docs/performance.md).
--
-- 1. The insert-only ledger tables lose their foreign keys: every insert
--    paid for a lookup (and a row share-lock) in clients, payments and
--    expenses that the run has just locked and read itself. The references
--    are still proven, over the whole database, by `kopek check-ledger`
--    (rules *_references_exist in kopek-store/src/check.rs).
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_client_id_fkey;
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_payment_id_fkey;
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_expense_id_fkey;
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_reverses_entry_id_fkey;
ALTER TABLE expenses DROP CONSTRAINT expenses_client_id_fkey;
ALTER TABLE allocations DROP CONSTRAINT allocations_client_id_fkey;
ALTER TABLE allocations DROP CONSTRAINT allocations_payment_id_fkey;
ALTER TABLE allocations DROP CONSTRAINT allocations_expense_id_fkey;
ALTER TABLE charges DROP CONSTRAINT charges_client_id_fkey;
ALTER TABLE charges DROP CONSTRAINT charges_subscription_id_fkey;
ALTER TABLE charges DROP CONSTRAINT charges_expense_id_fkey;

-- 2. Rows the run updates every night (a client's balance, a payment's
--    unallocated rest, a subscription's next charge date) keep free room in
--    their page, so the new version is written beside the old one without
--    touching any index (a heap-only update).
ALTER TABLE clients SET (fillfactor = 50);
ALTER TABLE payments SET (fillfactor = 50);
ALTER TABLE subscriptions SET (fillfactor = 50);

-- An index on next_charge_on would make every nightly update of it a full
-- update of every index; the run reads the due clients with one scan.
DROP INDEX subscriptions_due;
