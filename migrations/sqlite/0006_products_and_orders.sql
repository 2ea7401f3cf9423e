-- CAT-13: products sold in the portal. Each product has its own catalog
-- service (hidden from the client), which its subscriptions point to, so
-- renewals, expiry, credit and the ledger treat them like any paid period.
CREATE TABLE products (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id BIGINT NOT NULL REFERENCES services(id),
    -- The product's spec (JSON, kopek-domain product.rs).
    spec       TEXT NOT NULL,
    -- SVC-3: the provisioning hook (JSON): a script or a webhook.
    hook       TEXT,
    archived   BOOLEAN NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- ORD-3: promo codes; `code` is kept lower-case, so it is unique without case.
CREATE TABLE promo_codes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    code       TEXT NOT NULL UNIQUE,
    spec       TEXT NOT NULL,
    archived   BOOLEAN NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE promo_uses (
    promo_id   BIGINT NOT NULL REFERENCES promo_codes(id),
    order_id   BIGINT NOT NULL,
    client_id  BIGINT NOT NULL REFERENCES clients(id),
    used_at    TEXT NOT NULL,
    PRIMARY KEY (promo_id, order_id)
);
CREATE INDEX promo_uses_client ON promo_uses (promo_id, client_id);

-- ORD-2: the cart.
CREATE TABLE cart_items (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id  BIGINT NOT NULL REFERENCES clients(id),
    product_id BIGINT NOT NULL REFERENCES products(id),
    -- The order form's choice (JSON: months, add-ons, domain).
    config     TEXT NOT NULL,
    auto_renew BOOLEAN NOT NULL,
    promo_code TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX cart_items_client ON cart_items (client_id, id);

-- ORD-4, ORD-5: an order, paid from the balance or by one method that
-- can't be changed afterwards.
CREATE TABLE orders (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id  BIGINT NOT NULL REFERENCES clients(id),
    -- awaiting_payment, paid or cancelled.
    status     TEXT NOT NULL,
    -- balance or method.
    pay_by     TEXT NOT NULL,
    method_id  BIGINT REFERENCES payment_methods(id),
    payer_id   BIGINT REFERENCES payers(id),
    payment_id BIGINT REFERENCES payments(id),
    total      BIGINT NOT NULL,
    tax        BIGINT NOT NULL,
    currency   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    paid_at    TEXT
);
CREATE INDEX orders_client ON orders (client_id, id);
CREATE TABLE order_items (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id        BIGINT NOT NULL REFERENCES orders(id),
    product_id      BIGINT NOT NULL REFERENCES products(id),
    config          TEXT NOT NULL,
    -- The quote the client agreed to (JSON), with its first period's end.
    quote           TEXT NOT NULL,
    auto_renew      BOOLEAN NOT NULL,
    promo_id        BIGINT REFERENCES promo_codes(id),
    amount          BIGINT NOT NULL,
    subscription_id BIGINT REFERENCES subscriptions(id)
);
CREATE INDEX order_items_order ON order_items (order_id, id);
ALTER TABLE payments ADD COLUMN order_id BIGINT REFERENCES orders(id);

-- SVC-1 … SVC-3: a product's subscription keeps its configuration, its
-- state in the service's life (ordered, processing:opening, active…) and
-- the last provisioning error, for staff.
ALTER TABLE subscriptions ADD COLUMN product_id BIGINT REFERENCES products(id);
ALTER TABLE subscriptions ADD COLUMN product_config TEXT;
ALTER TABLE subscriptions ADD COLUMN life_state TEXT;
ALTER TABLE subscriptions ADD COLUMN life_error TEXT;

-- Every provisioning call: what was asked, how it ended.
CREATE TABLE service_operations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id BIGINT NOT NULL REFERENCES subscriptions(id),
    action          TEXT NOT NULL,
    -- pending, done or failed.
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    answer          TEXT,
    error           TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX service_operations_subscription ON service_operations (subscription_id, id);

-- SVC-2 "Вопрос": a client's question about a service, kept for support to
-- answer in a ticket.
CREATE TABLE service_questions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id BIGINT NOT NULL REFERENCES subscriptions(id),
    client_id       BIGINT NOT NULL REFERENCES clients(id),
    asked_by        TEXT NOT NULL,
    text            TEXT NOT NULL,
    ticket_id       BIGINT,
    created_at      TEXT NOT NULL
);
CREATE INDEX service_questions_subscription ON service_questions (subscription_id, id);
