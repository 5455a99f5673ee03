-- Operator roles and scopes, disabled operators, and login throttling. Portable between SQLite and
-- PostgreSQL like V1-V5: text keys, BIGINT epoch milliseconds.

-- role: administrator, centre_operator, visitor, installer. scope: the centre's id for a centre
-- operator; the e-mail address or phone number by which a visitor or installer is listed among
-- the people of the homes they look after; NULL for an administrator.
-- Operators stored before this version get the least role: a visitor with no scope sees nothing.
-- The first operator ever created becomes the administrator, so a running service keeps one
-- account that can give the others their roles; --admin-user makes its operator an administrator
-- on every start as well.
ALTER TABLE operators ADD COLUMN role VARCHAR(16) NOT NULL DEFAULT 'visitor';
ALTER TABLE operators ADD COLUMN scope VARCHAR(255);
ALTER TABLE operators ADD COLUMN disabled_at BIGINT;
UPDATE operators SET role = 'administrator' WHERE username = (SELECT MIN(username) FROM operators
    WHERE created_at = (SELECT MIN(created_at) FROM operators));

-- Failed logins, per user name (user:<name>, known or not) and per remote address (address:<ip>).
-- In the database so that every bridge instance counts the same failures.
CREATE TABLE login_failures (
    throttle_key VARCHAR(128) NOT NULL PRIMARY KEY,
    failures     INTEGER      NOT NULL,
    last_failure BIGINT       NOT NULL,  -- bridge clock
    locked_until BIGINT       NOT NULL   -- bridge clock; no attempt is checked before this
);
CREATE INDEX login_failures_by_time ON login_failures (last_failure);
