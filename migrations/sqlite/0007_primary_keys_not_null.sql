-- A SQLite primary key that is not the rowid takes NULL unless it says NOT
-- NULL (https://sqlite.org/lang_createtable.html#the_primary_key), so these
-- three keys took rows PostgreSQL refuses. SQLite can't add NOT NULL to a
-- column: each table is made again and its rows copied. No table refers to
-- these, so dropping the old ones breaks no foreign key; a row with a NULL
-- key stops the migration rather than vanish.

CREATE TABLE sessions_new (
    token_hash     TEXT NOT NULL PRIMARY KEY,
    principal_kind TEXT NOT NULL,
    principal_id   BIGINT NOT NULL,
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL
);
INSERT INTO sessions_new (token_hash, principal_kind, principal_id, created_at, expires_at)
    SELECT token_hash, principal_kind, principal_id, created_at, expires_at FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;

CREATE TABLE schedules_new (
    name        TEXT NOT NULL PRIMARY KEY,
    topic       TEXT NOT NULL,
    recurrence  TEXT NOT NULL,
    next_run_at TEXT NOT NULL,
    last_run_at TEXT,
    enabled     BOOLEAN NOT NULL DEFAULT 1,
    version     BIGINT NOT NULL DEFAULT 0
);
INSERT INTO schedules_new (name, topic, recurrence, next_run_at, last_run_at, enabled, version)
    SELECT name, topic, recurrence, next_run_at, last_run_at, enabled, version FROM schedules;
DROP TABLE schedules;
ALTER TABLE schedules_new RENAME TO schedules;

-- PMT-5: the autopayment set-up; monthly_max NULL is unlimited.
CREATE TABLE autopay_settings_new (
    client_id       BIGINT NOT NULL PRIMARY KEY REFERENCES clients(id),
    saved_method_id BIGINT NOT NULL REFERENCES saved_methods(id),
    monthly_max     BIGINT,
    enabled         BOOLEAN NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
INSERT INTO autopay_settings_new (client_id, saved_method_id, monthly_max, enabled, created_at, updated_at)
    SELECT client_id, saved_method_id, monthly_max, enabled, created_at, updated_at FROM autopay_settings;
DROP TABLE autopay_settings;
ALTER TABLE autopay_settings_new RENAME TO autopay_settings;
