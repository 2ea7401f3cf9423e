-- Kopek foundation: clients, logins, the money ledger, audit, outbox,
-- schedules and idempotency keys. Money columns are BIGINT ten-thousandths
-- of the currency unit; every money table carries client_id.

CREATE TABLE clients (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    code                 TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    country              TEXT NOT NULL,
    currency             TEXT NOT NULL,
    balance              BIGINT NOT NULL DEFAULT 0,
    credit_limit         BIGINT NOT NULL DEFAULT 0 CHECK (credit_limit >= 0),
    disconnect_threshold BIGINT NOT NULL DEFAULT 0,
    state                TEXT NOT NULL,
    created_at           TEXT NOT NULL
);

CREATE TABLE client_users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id      BIGINT NOT NULL REFERENCES clients(id),
    email          TEXT NOT NULL,
    full_name      TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    phone          TEXT,
    phone_verified BOOLEAN NOT NULL DEFAULT 0,
    is_owner       BOOLEAN NOT NULL DEFAULT 0,
    enabled        BOOLEAN NOT NULL DEFAULT 1,
    failed_logins  BIGINT NOT NULL DEFAULT 0,
    locked_until   TEXT,
    created_at     TEXT NOT NULL,
    CONSTRAINT client_users_email_key UNIQUE (email)
);
CREATE INDEX client_users_client ON client_users (client_id);

CREATE TABLE staff_users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    enabled       BOOLEAN NOT NULL DEFAULT 1,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until  TEXT,
    created_at    TEXT NOT NULL,
    CONSTRAINT staff_users_email_key UNIQUE (email)
);

-- API tokens and portal sessions: only a hash of the secret is kept.
CREATE TABLE api_tokens (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash     TEXT NOT NULL UNIQUE,
    principal_kind TEXT NOT NULL,
    principal_id   BIGINT NOT NULL,
    label          TEXT NOT NULL,
    created_at     TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash     TEXT PRIMARY KEY,
    principal_kind TEXT NOT NULL,
    principal_id   BIGINT NOT NULL,
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL
);

CREATE TABLE payments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id   BIGINT NOT NULL REFERENCES clients(id),
    number      TEXT UNIQUE,
    method      TEXT NOT NULL,
    amount      BIGINT NOT NULL CHECK (amount > 0),
    currency    TEXT NOT NULL,
    status      TEXT NOT NULL,
    unallocated BIGINT NOT NULL CHECK (unallocated >= 0),
    comment     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    credited_at TEXT
);
CREATE INDEX payments_client ON payments (client_id, credited_at, id);

CREATE TABLE expenses (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id  BIGINT NOT NULL REFERENCES clients(id),
    name       TEXT NOT NULL,
    amount     BIGINT NOT NULL CHECK (amount > 0),
    tax        BIGINT NOT NULL DEFAULT 0 CHECK (tax >= 0),
    unpaid     BIGINT NOT NULL CHECK (unpaid >= 0),
    currency   TEXT NOT NULL,
    status     TEXT NOT NULL,
    charged_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX expenses_client ON expenses (client_id, charged_at, id);

-- Immutable: rows are only ever inserted. A correction is a new row whose
-- reverses_entry_id names the entry it cancels (once).
CREATE TABLE ledger_entries (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id         BIGINT NOT NULL REFERENCES clients(id),
    kind              TEXT NOT NULL,
    amount            BIGINT NOT NULL,
    currency          TEXT NOT NULL,
    payment_id        BIGINT REFERENCES payments(id),
    expense_id        BIGINT REFERENCES expenses(id),
    reverses_entry_id BIGINT UNIQUE REFERENCES ledger_entries(id),
    reason            TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL
);
CREATE INDEX ledger_entries_client ON ledger_entries (client_id, id);

-- Which payment paid which expense. Also insert-only: releasing money (when
-- either side is reversed) is a row with a negative amount.
CREATE TABLE allocations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id  BIGINT NOT NULL REFERENCES clients(id),
    payment_id BIGINT NOT NULL REFERENCES payments(id),
    expense_id BIGINT NOT NULL REFERENCES expenses(id),
    amount     BIGINT NOT NULL CHECK (amount <> 0),
    created_at TEXT NOT NULL
);
CREATE INDEX allocations_payment ON allocations (payment_id);
CREATE INDEX allocations_expense ON allocations (expense_id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor_kind  TEXT NOT NULL,
    actor_id    BIGINT,
    actor_label TEXT NOT NULL,
    source_ip   TEXT,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    client_id   BIGINT,
    details     TEXT NOT NULL
);
CREATE INDEX audit_log_client ON audit_log (client_id, id);

CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    topic        TEXT NOT NULL,
    payload      TEXT NOT NULL,
    dedup_key    TEXT UNIQUE,
    status       TEXT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    available_at TEXT NOT NULL,
    locked_by    TEXT,
    locked_until TEXT,
    last_error   TEXT,
    created_at   TEXT NOT NULL,
    done_at      TEXT
);
CREATE INDEX outbox_due ON outbox (status, available_at, id);

CREATE TABLE schedules (
    name        TEXT PRIMARY KEY,
    topic       TEXT NOT NULL,
    recurrence  TEXT NOT NULL,
    next_run_at TEXT NOT NULL,
    last_run_at TEXT,
    enabled     BOOLEAN NOT NULL DEFAULT 1,
    version     BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response     TEXT,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
