-- ACC-2: the codes sent by SMS to confirm a user's phone number, or to
-- change a confirmed one (that code goes to the old number). Only a hash
-- of a code is kept; a code lives minutes, takes a few wrong tries and is
-- used once. The rows also count how many codes a user asked for today.
CREATE TABLE phone_codes (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    client_user_id BIGINT NOT NULL REFERENCES client_users (id) ON DELETE CASCADE,
    purpose        TEXT NOT NULL,
    sent_to        TEXT NOT NULL,
    new_phone      TEXT,
    code_hash      TEXT NOT NULL,
    attempts       BIGINT NOT NULL,
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    used_at        TEXT
);
CREATE INDEX phone_codes_user ON phone_codes (client_user_id, created_at);
