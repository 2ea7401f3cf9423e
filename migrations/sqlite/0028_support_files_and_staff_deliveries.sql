-- SUP-1: a file whose bytes are in the files directory names them there by
-- their SHA-256 (hex); NULL keeps them in support_file_bytes, as before.
ALTER TABLE support_files ADD COLUMN stored_as TEXT;

-- ACC-4: a delivery goes to a client's user (with its inbox entry) or to a
-- staff user (a new ticket of its department), who has no inbox: such a
-- delivery keeps the language and data it renders from. SQLite can't drop
-- NOT NULL from a column: the table is made again and its rows copied; no
-- table refers to it.
CREATE TABLE notification_deliveries_new (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    outbox_id           BIGINT NOT NULL,
    inbox_id            BIGINT REFERENCES notification_inbox(id),
    client_id           BIGINT NOT NULL REFERENCES clients(id),
    client_user_id      BIGINT REFERENCES client_users(id),
    staff_user_id       BIGINT REFERENCES staff_users(id),
    event               TEXT NOT NULL,
    channel             TEXT NOT NULL,
    address             TEXT NOT NULL,
    status              TEXT NOT NULL,
    attempts            BIGINT NOT NULL DEFAULT 0,
    last_error          TEXT,
    provider_message_id TEXT,
    next_attempt_at     TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    sent_at             TEXT,
    locale              TEXT,
    data                TEXT,
    UNIQUE (outbox_id, client_user_id, channel),
    UNIQUE (outbox_id, staff_user_id, channel),
    CONSTRAINT notification_deliveries_recipient CHECK (
        (client_user_id IS NOT NULL AND inbox_id IS NOT NULL AND staff_user_id IS NULL)
        OR (client_user_id IS NULL AND inbox_id IS NULL AND staff_user_id IS NOT NULL
            AND locale IS NOT NULL AND data IS NOT NULL))
);
INSERT INTO notification_deliveries_new (id, outbox_id, inbox_id, client_id, client_user_id, event, channel, address,
        status, attempts, last_error, provider_message_id, next_attempt_at, created_at, sent_at)
    SELECT id, outbox_id, inbox_id, client_id, client_user_id, event, channel, address,
        status, attempts, last_error, provider_message_id, next_attempt_at, created_at, sent_at
    FROM notification_deliveries;
DROP TABLE notification_deliveries;
ALTER TABLE notification_deliveries_new RENAME TO notification_deliveries;
CREATE INDEX notification_deliveries_due ON notification_deliveries (status, next_attempt_at);
CREATE INDEX notification_deliveries_client ON notification_deliveries (client_id, id);
