-- CAT-5: a usage record may be roaming (priced by the service's roaming
-- rates). CAT-11: whether a windowed subscription's activity window was
-- last told to the equipment as open, so the scheduler's tick announces
-- each opening and closing once.
ALTER TABLE usage_records ADD COLUMN roaming BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN window_open BOOLEAN NOT NULL DEFAULT 0;
