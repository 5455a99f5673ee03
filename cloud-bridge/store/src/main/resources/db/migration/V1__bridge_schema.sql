-- Runs unchanged on SQLite and PostgreSQL 15: natural keys instead of generated ids, plain
-- portable types, and every instant as epoch milliseconds (BIGINT) so it sorts and compares
-- the same way on both.

-- One row per gateway the bridge has heard from.
CREATE TABLE gateways (
    id          VARCHAR(128) NOT NULL PRIMARY KEY,
    status      VARCHAR(16)  NOT NULL,  -- online, offline, unknown (no state message yet)
    version     VARCHAR(64),
    started_at  BIGINT,                 -- the gateway's own start time, from its state message
    first_seen  BIGINT       NOT NULL,  -- bridge clock
    last_seen   BIGINT,                 -- bridge clock, last live message; NULL if only retained state was seen
    last_seq    BIGINT                  -- highest stored event seq; NULL before the first event
);

-- Every reading and alert, exactly once: the key makes redelivered messages fall away.
CREATE TABLE events (
    gateway     VARCHAR(128) NOT NULL,
    seq         BIGINT       NOT NULL,
    ts          BIGINT       NOT NULL,  -- gateway clock
    type        VARCHAR(16)  NOT NULL,  -- reading, alert
    body        TEXT         NOT NULL,  -- the body as JSON, as the protocol encodes it
    received_at BIGINT       NOT NULL,  -- bridge clock
    PRIMARY KEY (gateway, seq)
);

-- One row per alert episode; the raise creates it, the clear closes it.
CREATE TABLE alerts (
    gateway      VARCHAR(128) NOT NULL,
    alert_id     VARCHAR(255) NOT NULL,
    type         VARCHAR(32)  NOT NULL,
    severity     VARCHAR(16)  NOT NULL,
    device       VARCHAR(128),
    state        VARCHAR(16)  NOT NULL,  -- raised, cleared
    raised_at    BIGINT,                 -- NULL while only the clear has arrived
    cleared_at   BIGINT,
    reason       TEXT,
    clear_reason TEXT,
    PRIMARY KEY (gateway, alert_id)
);
CREATE INDEX alerts_by_raised_at ON alerts (raised_at);

-- One row per notification of an alert event and channel. It is written as 'pending' in the same
-- transaction that stores the alert, so a notification survives a bridge restart; the outcome
-- (delivered, failed) replaces it.
CREATE TABLE notifications (
    gateway      VARCHAR(128) NOT NULL,
    alert_id     VARCHAR(255) NOT NULL,
    event        VARCHAR(32)  NOT NULL,  -- alert.raised, alert.cleared
    channel      VARCHAR(16)  NOT NULL,  -- webhook
    target       TEXT         NOT NULL,  -- where it goes, with credentials and query removed
    state        VARCHAR(16)  NOT NULL,  -- pending, delivered, failed
    attempts     INTEGER      NOT NULL,
    last_error   TEXT,
    payload      TEXT         NOT NULL,
    created_at   BIGINT       NOT NULL,
    delivered_at BIGINT,
    updated_at   BIGINT       NOT NULL,
    PRIMARY KEY (gateway, alert_id, event, channel)
);
CREATE INDEX notifications_by_state ON notifications (state);
