-- NTF-3: staff's own notification templates, one per event and language;
-- a stored one wins over the template shipped with Kopek.
CREATE TABLE notification_templates (
    event      TEXT NOT NULL,
    locale     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    text       TEXT NOT NULL,
    sms        TEXT NOT NULL,
    html       TEXT,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (event, locale)
);
