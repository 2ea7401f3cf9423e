-- SEC-1: webhooks that could not be proven to come from their gateway
-- (forged, unsigned, replayed) are kept apart from the payments' gateway
-- log, without an audit record, and only the latest few hundred of them:
-- anyone on the internet can send them, so they must not grow the database.
CREATE TABLE refused_webhooks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    gateway     TEXT NOT NULL,
    source      TEXT,
    reason      TEXT NOT NULL,
    received_at TEXT NOT NULL
);
