-- DOC-1 … DOC-5: accounting documents. The provider's legal entities carry
-- the details every document copies at issue; a counter row per entity,
-- kind and year hands out gapless numbers inside the issuing transaction
-- (a sequence would burn numbers on rollback); documents are never
-- deleted — a correction is a new document that names the one it replaces.
CREATE TABLE provider_entities (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    details    TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE document_counters (
    entity_id BIGINT NOT NULL REFERENCES provider_entities (id),
    kind      TEXT NOT NULL,
    year      BIGINT NOT NULL,
    last      BIGINT NOT NULL,
    PRIMARY KEY (entity_id, kind, year)
);

CREATE TABLE documents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_id   BIGINT NOT NULL REFERENCES provider_entities (id),
    kind        TEXT NOT NULL,
    year        BIGINT NOT NULL,
    seq         BIGINT NOT NULL,
    number      TEXT NOT NULL,
    issued_on   DATE NOT NULL,
    client_id   BIGINT NOT NULL REFERENCES clients (id),
    payer_id    BIGINT NOT NULL REFERENCES payers (id),
    payment_id  BIGINT REFERENCES payments (id),
    period_from DATE,
    period_to   DATE,
    amount      BIGINT NOT NULL,
    currency    TEXT NOT NULL,
    -- What the paper says, as issued: both parties' details, lines, tax.
    data        TEXT NOT NULL,
    -- The document this one corrects; the corrected one is then replaced.
    corrects_id BIGINT REFERENCES documents (id),
    replaced    BOOLEAN NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    CONSTRAINT documents_number_once UNIQUE (entity_id, kind, year, seq)
);
CREATE INDEX documents_client ON documents (client_id, kind, issued_on, id);
CREATE INDEX documents_payer ON documents (payer_id, kind);
-- One current invoice per payment.
CREATE UNIQUE INDEX documents_payment_invoice ON documents (payment_id) WHERE kind = 'invoice' AND NOT replaced;

-- DOC-2, PAY-5: which expenses an act covers. An expense is in at most
-- one current act (the engine moves it only by replacing the act).
CREATE TABLE act_expenses (
    document_id BIGINT NOT NULL REFERENCES documents (id),
    expense_id  BIGINT NOT NULL REFERENCES expenses (id),
    PRIMARY KEY (document_id, expense_id)
);
CREATE INDEX act_expenses_expense ON act_expenses (expense_id);
