-- LED-5, DOC-2: the VAT rate in force on an expense's charge day, in
-- ten-thousandths of a percent like every percent (20% is 200000). An act
-- prints a line per rate, so the rate is kept with the expense rather than
-- read back from its service, whose rate may have changed since. NULL for
-- expenses written before rates were kept: their tax stays as charged.
ALTER TABLE expenses ADD COLUMN vat_percent BIGINT;
