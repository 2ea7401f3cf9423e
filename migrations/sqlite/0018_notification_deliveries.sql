-- NTF-4: every notification a client's user got, kept for the portal's
-- inbox whatever the channels; one row per outbox message and user, so a
-- message handled again adds nothing.
CREATE TABLE notification_inbox (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    outbox_id      BIGINT NOT NULL,
    client_id      BIGINT NOT NULL REFERENCES clients(id),
    client_user_id BIGINT NOT NULL REFERENCES client_users(id),
    event          TEXT NOT NULL,
    category       TEXT NOT NULL,
    locale         TEXT NOT NULL,
    -- What the templates need, kept so a delivery renders it again.
    data           TEXT NOT NULL,
    subject        TEXT NOT NULL,
    body           TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    read_at        TEXT,
    UNIQUE (outbox_id, client_user_id)
);
CREATE INDEX notification_inbox_user ON notification_inbox (client_user_id, id);

-- NTF-4: one delivery per outbox message, user and channel (the unique key
-- is what makes a re-run never send twice), with its tries.
CREATE TABLE notification_deliveries (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    outbox_id           BIGINT NOT NULL,
    inbox_id            BIGINT NOT NULL REFERENCES notification_inbox(id),
    client_id           BIGINT NOT NULL REFERENCES clients(id),
    client_user_id      BIGINT NOT NULL REFERENCES client_users(id),
    event               TEXT NOT NULL,
    channel             TEXT NOT NULL,
    -- The e-mail address or phone number it goes to.
    address             TEXT NOT NULL,
    status              TEXT NOT NULL,
    attempts            BIGINT NOT NULL DEFAULT 0,
    last_error          TEXT,
    provider_message_id TEXT,
    -- When it is tried next; while a try runs, the end of that try's lease.
    next_attempt_at     TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    sent_at             TEXT,
    UNIQUE (outbox_id, client_user_id, channel)
);
CREATE INDEX notification_deliveries_due ON notification_deliveries (status, next_attempt_at);
CREATE INDEX notification_deliveries_client ON notification_deliveries (client_id, id);
