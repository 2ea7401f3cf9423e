-- PMT-6: a client's saved payment methods. The card stays at the gateway;
-- Kopek keeps the gateway's token once the set-up payment succeeded.
CREATE TABLE saved_methods (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id  BIGINT NOT NULL REFERENCES clients(id),
    payer_id   BIGINT NOT NULL REFERENCES payers(id),
    method_id  BIGINT NOT NULL REFERENCES payment_methods(id),
    name       TEXT NOT NULL,
    -- enabled, configuring or not_working (kopek-domain renewal.rs).
    status     TEXT NOT NULL,
    token      TEXT,
    -- A deleted method stays for the payments that name it.
    deleted_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX saved_methods_client ON saved_methods (client_id, id);

-- What a payment by a method is for: a top-up, a saved method's set-up, an
-- auto-renewal of `subscription_id`, or an autopayment.
ALTER TABLE payments ADD COLUMN purpose TEXT NOT NULL DEFAULT 'top_up';
ALTER TABLE payments ADD COLUMN saved_method_id BIGINT REFERENCES saved_methods(id);
ALTER TABLE payments ADD COLUMN subscription_id BIGINT REFERENCES subscriptions(id);
CREATE INDEX payments_autopay ON payments (client_id, purpose, created_at);

-- PMT-7: a subscription renews from the balance (no saved method) or from
-- its saved method; the day its last renewal failed, and why it is held.
ALTER TABLE subscriptions ADD COLUMN saved_method_id BIGINT REFERENCES saved_methods(id);
ALTER TABLE subscriptions ADD COLUMN renewal_failed_on DATE;
ALTER TABLE subscriptions ADD COLUMN renewal_held TEXT;
CREATE INDEX subscriptions_renewing ON subscriptions (paid_until) WHERE style = 'paid_period';

-- One automatic renewal attempt per subscription and day, so a second run
-- of the night tries nothing twice.
CREATE TABLE renewal_attempts (
    subscription_id BIGINT NOT NULL REFERENCES subscriptions(id),
    day             DATE NOT NULL,
    client_id       BIGINT NOT NULL REFERENCES clients(id),
    source          TEXT NOT NULL,
    payment_id      BIGINT REFERENCES payments(id),
    -- pending, renewed or failed.
    outcome         TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (subscription_id, day)
);

-- PMT-5: the autopayment set-up; monthly_max NULL is unlimited.
CREATE TABLE autopay_settings (
    client_id       BIGINT PRIMARY KEY REFERENCES clients(id),
    saved_method_id BIGINT NOT NULL REFERENCES saved_methods(id),
    monthly_max     BIGINT,
    enabled         BOOLEAN NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- CRD-1 … CRD-5: the monthly invoice of last month's unpaid expenses. What
-- is paid of it is what of those expenses is paid now, so it is read from
-- the expenses, never kept twice.
ALTER TABLE clients ADD COLUMN credit_blocked BOOLEAN NOT NULL DEFAULT 0;
CREATE TABLE credit_invoices (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id     BIGINT NOT NULL REFERENCES clients(id),
    -- The month it is issued in, 'YYYY-MM'.
    cycle         TEXT NOT NULL,
    issued_on     DATE NOT NULL,
    expenses_from TEXT NOT NULL,
    expenses_to   TEXT NOT NULL,
    amount        BIGINT NOT NULL CHECK (amount > 0),
    currency      TEXT NOT NULL,
    paid_at       TEXT,
    created_at    TEXT NOT NULL,
    UNIQUE (client_id, cycle)
);
CREATE INDEX credit_invoices_open ON credit_invoices (client_id) WHERE paid_at IS NULL;

-- CRD-3: each reminder of an invoice goes once.
CREATE TABLE credit_reminders (
    invoice_id BIGINT NOT NULL REFERENCES credit_invoices(id),
    kind       TEXT NOT NULL,
    sent_on    DATE NOT NULL,
    PRIMARY KEY (invoice_id, kind)
);
