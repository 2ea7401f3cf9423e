-- CAT-1: a discount/markup service's bonus is money the provider gives, a
-- payment of no payer (method "bonus"); its charge names it as a fee's
-- charge names its expense, so a disconnection or a reversal finds it.
-- No foreign key, as for the charge's expense (postgres 0003): the run
-- writes charges in bulk, and `kopek check-ledger` proves the reference.
ALTER TABLE charges ADD COLUMN bonus_id BIGINT;
-- CAT-1 forsage: a boost turned on by the client runs until this moment;
-- cleared when the boost is over and the equipment told so.
ALTER TABLE subscriptions ADD COLUMN boost_until TEXT;
