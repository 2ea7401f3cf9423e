-- DOC-5: the provider's logo, kept by the SHA-256 of its bytes and never
-- changed or deleted. The provider's details name the logo in use, and
-- each document names the one it was issued with, so a later logo leaves
-- every issued paper as it was.
CREATE TABLE provider_logos (
    sha256       TEXT NOT NULL PRIMARY KEY,
    content_type TEXT NOT NULL,
    bytes        BYTEA NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
