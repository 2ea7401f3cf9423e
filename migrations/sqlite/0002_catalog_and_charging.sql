-- The catalog (services with versions, tariffs, holidays), subscriptions
-- and their history, charges, usage records and promised payments.
-- Money is BIGINT ten-thousandths; percents are BIGINT ten-thousandths of a
-- percent.

ALTER TABLE clients ADD COLUMN loyalty_percent BIGINT NOT NULL DEFAULT 0;

CREATE TABLE services (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    archived   BOOLEAN NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

-- CAT-12: a version holds the whole spec (JSON) valid from a day until the
-- next version's first day.
CREATE TABLE service_versions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id BIGINT NOT NULL REFERENCES services(id),
    valid_from DATE NOT NULL,
    valid_to   DATE,
    spec       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT service_versions_day UNIQUE (service_id, valid_from)
);

CREATE TABLE tariffs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    archived    BOOLEAN NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);

CREATE TABLE tariff_services (
    tariff_id  BIGINT NOT NULL REFERENCES tariffs(id),
    service_id BIGINT NOT NULL REFERENCES services(id),
    PRIMARY KEY (tariff_id, service_id)
);

-- CAT-11: days of a named calendar on which services are given regardless
-- of payment.
CREATE TABLE holidays (
    calendar TEXT NOT NULL,
    day      DATE NOT NULL,
    PRIMARY KEY (calendar, day)
);

CREATE TABLE subscriptions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id       BIGINT NOT NULL REFERENCES clients(id),
    service_id      BIGINT NOT NULL REFERENCES services(id),
    tariff_id       BIGINT REFERENCES tariffs(id),
    -- For the services of a package (CAT-1): the package's subscription.
    parent_id       BIGINT REFERENCES subscriptions(id),
    state           TEXT NOT NULL,
    connected_at    TEXT NOT NULL,
    charging_from   TEXT,
    stopped_at      TEXT,
    charged_until   TEXT,
    next_charge_on  DATE,
    anchor_date     DATE,
    discount_percent BIGINT NOT NULL DEFAULT 0,
    activations     BIGINT NOT NULL DEFAULT 0,
    last_activation_at TEXT,
    minutes_used    BIGINT NOT NULL DEFAULT 0,
    charged_total   BIGINT NOT NULL DEFAULT 0,
    -- 'balance': charged from the balance each period (ISP style);
    -- 'paid_period': paid ahead until paid_until, then renewed (hosting).
    style           TEXT NOT NULL DEFAULT 'balance',
    paid_until      TEXT,
    auto_renew      BOOLEAN NOT NULL DEFAULT 0,
    renewal_months  BIGINT,
    created_at      TEXT NOT NULL
);
CREATE INDEX subscriptions_client ON subscriptions (client_id, id);
CREATE INDEX subscriptions_due ON subscriptions (next_charge_on, client_id);

CREATE TABLE subscription_history (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id BIGINT NOT NULL REFERENCES subscriptions(id),
    client_id       BIGINT NOT NULL REFERENCES clients(id),
    at              TEXT NOT NULL,
    state_from      TEXT,
    state_to        TEXT NOT NULL,
    reason          TEXT NOT NULL,
    actor           TEXT NOT NULL
);
CREATE INDEX subscription_history_sub ON subscription_history (subscription_id, id);

-- CHG-1: one charge per subscription and period, ever.
CREATE TABLE charges (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id       BIGINT NOT NULL REFERENCES clients(id),
    subscription_id BIGINT NOT NULL REFERENCES subscriptions(id),
    period_start    TEXT NOT NULL,
    period_end      TEXT NOT NULL,
    amount          BIGINT NOT NULL,
    expense_id      BIGINT REFERENCES expenses(id),
    run_date        DATE NOT NULL,
    created_at      TEXT NOT NULL,
    CONSTRAINT charges_once UNIQUE (subscription_id, period_start)
);
CREATE INDEX charges_client ON charges (client_id, id);

-- CHG-6: usage reported by equipment; a record id is taken once.
CREATE TABLE usage_records (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id       BIGINT NOT NULL REFERENCES clients(id),
    subscription_id BIGINT NOT NULL REFERENCES subscriptions(id),
    record_id       TEXT NOT NULL,
    kind            TEXT NOT NULL,
    class           TEXT NOT NULL DEFAULT '',
    quantity        BIGINT NOT NULL CHECK (quantity >= 0),
    recorded_at     TEXT NOT NULL,
    charge_id       BIGINT REFERENCES charges(id),
    CONSTRAINT usage_records_once UNIQUE (subscription_id, record_id)
);
CREATE INDEX usage_records_open ON usage_records (subscription_id, charge_id);

-- CHG-4: a promised payment is credited as a payment and reversed when
-- repaid by a real one or when it expires.
CREATE TABLE promised_payments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id   BIGINT NOT NULL REFERENCES clients(id),
    payment_id  BIGINT NOT NULL REFERENCES payments(id),
    amount      BIGINT NOT NULL,
    taken_at    TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    status      TEXT NOT NULL,
    closed_at   TEXT
);
CREATE INDEX promised_payments_open ON promised_payments (status, expires_at);
