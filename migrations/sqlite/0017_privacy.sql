-- ACC-5: a client's user reads the log of its own actions: the audit
-- records it is the actor of (its logins among them), newest first.
CREATE INDEX audit_log_actor ON audit_log (actor_kind, actor_id, id);

-- ACC-5: the versions of the provider's privacy policy, as text or as an
-- address of it; the current one is the newest already published.
CREATE TABLE privacy_policies (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    version      TEXT NOT NULL UNIQUE,
    body         TEXT,
    url          TEXT,
    published_at TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

-- ACC-5: who accepted which version, when and from where.
CREATE TABLE privacy_acceptances (
    client_user_id BIGINT NOT NULL REFERENCES client_users(id),
    policy_id      BIGINT NOT NULL REFERENCES privacy_policies(id),
    client_id      BIGINT NOT NULL REFERENCES clients(id),
    accepted_at    TEXT NOT NULL,
    source_ip      TEXT,
    PRIMARY KEY (client_user_id, policy_id)
);

-- ACC-6: a user's personal data as CSV, kept until it is downloaded once.
CREATE TABLE privacy_exports (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id      BIGINT NOT NULL REFERENCES clients(id),
    client_user_id BIGINT NOT NULL REFERENCES client_users(id),
    requested_at   TEXT NOT NULL,
    csv            TEXT,
    downloaded_at  TEXT
);
CREATE INDEX privacy_exports_user ON privacy_exports (client_user_id, id);

-- ACC-6: requests to delete, or to restrict the use of, a user's personal
-- data, answered by staff before `due_on` (152-FZ art. 20).
CREATE TABLE privacy_requests (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id      BIGINT NOT NULL REFERENCES clients(id),
    client_user_id BIGINT NOT NULL REFERENCES client_users(id),
    kind           TEXT NOT NULL,
    comment        TEXT NOT NULL,
    status         TEXT NOT NULL,
    filed_at       TEXT NOT NULL,
    due_on         DATE NOT NULL,
    decided_at     TEXT,
    decided_by     TEXT,
    reason         TEXT
);
CREATE INDEX privacy_requests_user ON privacy_requests (client_user_id, id);
CREATE INDEX privacy_requests_status ON privacy_requests (status, due_on);
