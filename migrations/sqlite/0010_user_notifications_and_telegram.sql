-- NTF-5: the Telegram username (without @) the provider's bot will answer.
ALTER TABLE client_users ADD COLUMN telegram TEXT;

-- NTF-2: a user's choice per notification category and channel. A pair
-- with no row takes the engine's default, so a new user needs no rows.
CREATE TABLE notification_preferences (
    client_user_id BIGINT NOT NULL REFERENCES client_users(id),
    category       TEXT NOT NULL,
    channel        TEXT NOT NULL,
    enabled        BOOLEAN NOT NULL,
    PRIMARY KEY (client_user_id, category, channel)
);
