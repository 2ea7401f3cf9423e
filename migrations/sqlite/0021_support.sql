-- SUP-1, SUP-2, ACC-4: support tickets, their messages and files, and the
-- departments staff answer them in. A ticket stores only open / closed /
-- archived, who wrote last and whether the client read the staff's last
-- message; the state the client sees is derived from those.
CREATE TABLE support_departments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    enabled    BOOLEAN NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT support_departments_name_key UNIQUE (name)
);

CREATE TABLE support_department_staff (
    department_id BIGINT NOT NULL REFERENCES support_departments (id) ON DELETE CASCADE,
    staff_id      BIGINT NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    PRIMARY KEY (department_id, staff_id)
);
CREATE INDEX support_department_staff_staff ON support_department_staff (staff_id);

CREATE TABLE support_tickets (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id       BIGINT NOT NULL REFERENCES clients (id),
    -- None: not sorted into a department yet (a service question).
    department_id   BIGINT REFERENCES support_departments (id),
    subscription_id BIGINT REFERENCES subscriptions (id),
    subject         TEXT NOT NULL,
    status          TEXT NOT NULL,
    last_author     TEXT NOT NULL,
    client_read     BOOLEAN NOT NULL,
    assignee_id     BIGINT REFERENCES staff_users (id),
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    last_message_at TEXT NOT NULL
);
CREATE INDEX support_tickets_client ON support_tickets (client_id, id);
CREATE INDEX support_tickets_department ON support_tickets (department_id, id);
-- The nightly auto-close looks for open tickets the staff answered last.
CREATE INDEX support_tickets_awaiting ON support_tickets (status, last_author, last_message_at);

CREATE TABLE support_messages (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id    BIGINT NOT NULL REFERENCES support_tickets (id),
    author_kind  TEXT NOT NULL,
    author_id    BIGINT,
    author_label TEXT NOT NULL,
    text         TEXT NOT NULL,
    internal     BOOLEAN NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX support_messages_ticket ON support_messages (ticket_id, id);

-- A file's row lists it; its bytes are apart so lists never read them.
CREATE TABLE support_files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id    BIGINT NOT NULL REFERENCES support_tickets (id),
    message_id   BIGINT NOT NULL REFERENCES support_messages (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX support_files_ticket ON support_files (ticket_id, id);

CREATE TABLE support_file_bytes (
    file_id BIGINT NOT NULL PRIMARY KEY REFERENCES support_files (id) ON DELETE CASCADE,
    bytes   BLOB NOT NULL
);
