-- NTF-5, SUP-3: a user's Telegram binding. A row appears when the user
-- asks for a link or writes to the bot; `state` is configuring until the
-- one-time link proves the Telegram account and the login belong together,
-- then confirmed with the Telegram user's id and chat. Only the link
-- token's hash is kept.
CREATE TABLE telegram_links (
    user_id          BIGINT NOT NULL PRIMARY KEY REFERENCES client_users (id) ON DELETE CASCADE,
    state            TEXT NOT NULL,
    telegram_user_id BIGINT,
    chat_id          BIGINT,
    support_enabled  BOOLEAN NOT NULL DEFAULT FALSE,
    token_hash       TEXT,
    token_expires_at TEXT,
    updated_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX telegram_links_telegram_user ON telegram_links (telegram_user_id);
CREATE UNIQUE INDEX telegram_links_token ON telegram_links (token_hash);

-- The next getUpdates offset: an update below it was handled already.
CREATE TABLE telegram_offsets (
    bot         TEXT NOT NULL PRIMARY KEY,
    next_offset BIGINT NOT NULL
);

-- SUP-3: a bot dialogue in progress, one per Telegram user, so a restart
-- loses nothing. `data` is the dialogue's JSON (department, subject,
-- service, ticket, the texts and Telegram file ids gathered so far).
CREATE TABLE telegram_dialogues (
    telegram_user_id BIGINT NOT NULL PRIMARY KEY,
    user_id          BIGINT NOT NULL REFERENCES client_users (id) ON DELETE CASCADE,
    step             TEXT NOT NULL,
    data             TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
