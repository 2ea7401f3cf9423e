-- NTF-1: a client's low-balance threshold, in stored units (none: no row,
-- the notice is off), and whether the client was told of the current
-- crossing. The nightly step sets `notified` in the transaction that
-- queues the notice and clears it when the balance is back at or above
-- the threshold, so a crossing is told once, however often the night runs.
CREATE TABLE low_balance_alerts (
    client_id  BIGINT NOT NULL PRIMARY KEY REFERENCES clients(id),
    threshold  BIGINT NOT NULL CHECK (threshold >= 0),
    notified   BOOLEAN NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
