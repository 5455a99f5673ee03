-- Trust at ingest. Portable between SQLite and PostgreSQL like V1-V4.

-- The gateway's seq of the raise of each episode: a clear is accepted only when it comes later in
-- the gateway's sequence than the raise it ends. NULL for episodes stored before this version and
-- for the bridge's own GATEWAY_OFFLINE.
ALTER TABLE alerts ADD COLUMN raised_seq BIGINT;

-- Messages refused for their content: kept for a person to look at, never retried.
CREATE TABLE quarantine (
    id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    received_at BIGINT       NOT NULL,  -- bridge clock
    topic       VARCHAR(255) NOT NULL,  -- truncated
    gateway     VARCHAR(128),           -- the topic's gateway when it is a valid id
    reason      TEXT         NOT NULL,
    payload     TEXT         NOT NULL,  -- the first bytes as text, control characters escaped
    size        INTEGER      NOT NULL   -- the whole payload's length in bytes
);
CREATE INDEX quarantine_by_time ON quarantine (received_at);

