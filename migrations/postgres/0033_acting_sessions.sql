-- ACC-4, OPS-5: a staff member logged in as a client's user for support.
-- The session is the user's, with the staff member beside it: everything
-- done in it is audited as the staff member acting for the user, and the
-- session ends when the staff member may no longer act.
ALTER TABLE sessions ADD COLUMN acting_staff_id BIGINT;
