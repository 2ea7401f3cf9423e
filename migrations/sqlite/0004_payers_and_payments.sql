-- PAY-1 … PAY-5: the legal persons who pay for a client. Every field of the
-- client guide lives in `details` (JSON, validated by kopek-domain/payer);
-- name, kind and country are columns because lists and documents read them.
CREATE TABLE payers (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id  BIGINT NOT NULL REFERENCES clients(id),
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    country    TEXT NOT NULL,
    details    TEXT NOT NULL,
    -- A deleted payer stays for the payments and documents that name it.
    deleted_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX payers_client ON payers (client_id, id);

-- PAY-4: contracts name a payer; a merge moves them to the main payer or
-- ends them.
CREATE TABLE contracts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id  BIGINT NOT NULL REFERENCES clients(id),
    payer_id   BIGINT NOT NULL REFERENCES payers(id),
    number     TEXT NOT NULL,
    signed_on  DATE NOT NULL,
    deleted_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX contracts_payer ON contracts (payer_id);

-- PMT-3: how clients may pay. Amounts are ten-thousandths like every
-- amount; percents are ten-thousandths of a percent.
CREATE TABLE payment_methods (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    prefix             TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    gateway            TEXT NOT NULL,
    currency           TEXT NOT NULL,
    commission_percent BIGINT NOT NULL DEFAULT 0,
    commission_fixed   BIGINT NOT NULL DEFAULT 0,
    min_amount         BIGINT,
    max_amount         BIGINT,
    cashback_percent   BIGINT NOT NULL DEFAULT 0,
    payer_kinds        TEXT NOT NULL,
    enabled            BOOLEAN NOT NULL,
    instructions       TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);

-- LED-4: units of `quote` for one unit of `base`, valid from `day`.
CREATE TABLE exchange_rates (
    base       TEXT NOT NULL,
    quote      TEXT NOT NULL,
    day        DATE NOT NULL,
    rate       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (base, quote, day)
);

-- PMT-1, PMT-4, LED-3: a payment's way through a method and its gateway.
-- `amount` stays what reaches the balance, in the client's currency;
-- `paid_amount` is what the payer pays (commission included) in the
-- method's currency.
ALTER TABLE payments ADD COLUMN payer_id BIGINT REFERENCES payers(id);
ALTER TABLE payments ADD COLUMN method_id BIGINT REFERENCES payment_methods(id);
ALTER TABLE payments ADD COLUMN gateway TEXT;
ALTER TABLE payments ADD COLUMN external_id TEXT;
ALTER TABLE payments ADD COLUMN paid_amount BIGINT;
ALTER TABLE payments ADD COLUMN paid_currency TEXT;
ALTER TABLE payments ADD COLUMN commission BIGINT NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN rate TEXT;
ALTER TABLE payments ADD COLUMN confirmation_url TEXT;
ALTER TABLE payments ADD COLUMN failure_reason TEXT;
ALTER TABLE payments ADD COLUMN cashback_of BIGINT REFERENCES payments(id);
ALTER TABLE payments ADD COLUMN updated_at TEXT;
-- A gateway's payment is Kopek's payment once, whatever its webhooks do.
CREATE UNIQUE INDEX payments_external ON payments (gateway, external_id);
CREATE UNIQUE INDEX payments_cashback ON payments (cashback_of);
CREATE INDEX payments_payer ON payments (payer_id);

-- Every webhook delivery and statement line, with what it did: credited,
-- duplicate, failed, refused (and why).
CREATE TABLE gateway_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    gateway     TEXT NOT NULL,
    external_id TEXT,
    payment_id  BIGINT,
    status      TEXT,
    outcome     TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    received_at TEXT NOT NULL
);
CREATE INDEX gateway_events_payment ON gateway_events (payment_id, id);
