-- ACC-3: a client's user has full access (the owner always), or only the
-- rights named, comma-separated ("finance,orders").
-- ACC-5: the user's language and time zone; empty means "as the browser
-- asks" and "the provider's".
ALTER TABLE client_users ADD COLUMN full_access BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE client_users ADD COLUMN rights TEXT NOT NULL DEFAULT '';
ALTER TABLE client_users ADD COLUMN locale TEXT;
ALTER TABLE client_users ADD COLUMN timezone TEXT;
