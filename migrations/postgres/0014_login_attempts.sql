-- SEC-1: failed logins are counted per login name (known or not), each
-- attempt claimed in one statement before its password is checked, so a
-- burst of concurrent guesses can't slip past the lockout and a name that
-- does not exist locks exactly like one that does.
CREATE TABLE login_attempts (
    login        TEXT NOT NULL PRIMARY KEY,
    failures     BIGINT NOT NULL,
    locked_until TIMESTAMPTZ
);

ALTER TABLE client_users DROP COLUMN failed_logins;
ALTER TABLE client_users DROP COLUMN locked_until;
ALTER TABLE staff_users DROP COLUMN failed_logins;
ALTER TABLE staff_users DROP COLUMN locked_until;
