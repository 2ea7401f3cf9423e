-- OPS-5, CHG-1: every run of the night, however it was started (the
-- schedule, `kopek night`, the staff panel, the test clock). The row is
-- written when the night starts and completed when it ends, so a night cut
-- short by a crash stays visible as unfinished; `summary` holds what each
-- step did, as JSON.
CREATE TABLE night_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    night_date  DATE NOT NULL,
    actor_label TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    duration_ms BIGINT,
    charges     BIGINT NOT NULL DEFAULT 0,
    skipped     BIGINT NOT NULL DEFAULT 0,
    summary     TEXT NOT NULL DEFAULT '{}',
    error       TEXT
);

CREATE INDEX night_runs_by_date ON night_runs (night_date);
