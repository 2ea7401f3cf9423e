-- What is still unpaid and what is still unallocated, read by every
-- balance, every allocation and the dashboard: a client with years of
-- settled expenses keeps only its few open ones in these indexes.
CREATE INDEX expenses_open ON expenses (client_id, charged_at, id) WHERE status = 'posted' AND unpaid > 0;
CREATE INDEX payments_open ON payments (client_id, credited_at, id) WHERE status = 'credited' AND unallocated > 0;
