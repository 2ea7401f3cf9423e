-- A client's expenses list reads its allocations by client: without this
-- index every request scanned the whole table (issue 20, kopek bench api).
CREATE INDEX allocations_client ON allocations (client_id);
