-- ACC-3: a client user's avatar, apart from the user's row so that lists
-- of users never read the pictures; gone with the user.
CREATE TABLE user_avatars (
    user_id      BIGINT NOT NULL PRIMARY KEY REFERENCES client_users (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    updated_at   TEXT NOT NULL
);
