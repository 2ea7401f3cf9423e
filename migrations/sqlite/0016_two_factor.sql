-- SEC-2: two-step authentication for client users and staff alike (their
-- tables are separate, so a login is named by kind and id as sessions are).
-- The secret is kept as the authenticator has it (a TOTP secret can't be
-- hashed); last_step is the newest time step used, so no code works twice.
CREATE TABLE two_factor (
    principal_kind TEXT NOT NULL,
    principal_id   BIGINT NOT NULL,
    secret         TEXT NOT NULL,
    enabled        BOOLEAN NOT NULL,
    last_step      BIGINT,
    created_at     TEXT NOT NULL,
    enabled_at     TEXT,
    PRIMARY KEY (principal_kind, principal_id)
);

-- Ten single-use codes for a lost phone, stored only as hashes.
CREATE TABLE two_factor_recovery_codes (
    principal_kind TEXT NOT NULL,
    principal_id   BIGINT NOT NULL,
    code_hash      TEXT NOT NULL,
    used_at        TEXT,
    PRIMARY KEY (principal_kind, principal_id, code_hash)
);

-- The short-lived ticket a right password gives when a second step is
-- due: it opens a session only with a code (or lets staff who must use
-- two-step authentication enrol). login is the name failures count under.
CREATE TABLE login_tickets (
    ticket_hash    TEXT NOT NULL PRIMARY KEY,
    principal_kind TEXT NOT NULL,
    principal_id   BIGINT NOT NULL,
    login          TEXT NOT NULL,
    expires_at     TEXT NOT NULL
);
