-- A renewal the client pays now by a method (a card, a bank transfer)
-- renews for the months chosen when it started; the payment carries them
-- until its money arrives. An auto-renewal leaves it empty and renews for
-- the subscription's own renewal period.
ALTER TABLE payments ADD COLUMN renewal_months BIGINT;

-- An auto-renewal by a saved method names the paid time it extends: a late
-- success for a period another attempt already renewed leaves its money on
-- the balance instead of paying the period twice.
ALTER TABLE payments ADD COLUMN renews_from TIMESTAMPTZ;
