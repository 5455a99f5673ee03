-- Homes and the people who look after them, escalation policies, escalations with their timers,
-- deliveries (the outbox of every message to a person), operators and their sessions.
-- Portable between SQLite and PostgreSQL like V1: natural or bridge-generated text keys, BIGINT
-- epoch milliseconds. Personal data (names, phones, e-mail addresses) live only in these tables.

-- Operators of the service centre log in to the REST API.
CREATE TABLE operators (
    username      VARCHAR(64)  NOT NULL PRIMARY KEY,
    password_hash VARCHAR(255) NOT NULL,  -- PBKDF2WithHmacSHA256$iterations$salt$hash
    created_at    BIGINT       NOT NULL
);

-- Logged-in sessions, in the database so that every bridge instance accepts them.
CREATE TABLE sessions (
    token_hash  VARCHAR(64)  NOT NULL PRIMARY KEY,  -- SHA-256 of the bearer token, hex
    username    VARCHAR(64)  NOT NULL REFERENCES operators (username) ON DELETE CASCADE,
    expires_at  BIGINT       NOT NULL
);

-- Community service centres: notified when nobody else acknowledges.
CREATE TABLE centres (
    id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    name        VARCHAR(255) NOT NULL,
    phone       VARCHAR(32),
    email       VARCHAR(255),
    webhook     TEXT,                   -- a WeCom or DingTalk group robot
    updated_at  BIGINT       NOT NULL
);

CREATE TABLE homes (
    id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    elder_name  VARCHAR(128),
    district    VARCHAR(128) NOT NULL,
    street      VARCHAR(128) NOT NULL,
    community   VARCHAR(128) NOT NULL,
    address     VARCHAR(255),           -- building, unit, door
    category    VARCHAR(32)  NOT NULL,  -- living_alone, empty_nest, left_behind, disabled_or_dementia, severely_disabled, family_planning_special, other
    centre_id   VARCHAR(64)  REFERENCES centres (id),
    updated_at  BIGINT       NOT NULL
);

-- Which home a gateway watches; a gateway belongs to one home, a home may have several.
CREATE TABLE home_gateways (
    gateway     VARCHAR(128) NOT NULL PRIMARY KEY,
    home_id     VARCHAR(64)  NOT NULL REFERENCES homes (id) ON DELETE CASCADE
);
CREATE INDEX home_gateways_by_home ON home_gateways (home_id);

-- Emergency contacts (family, neighbours), care visitors and installers of one home.
CREATE TABLE people (
    id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    home_id     VARCHAR(64)  NOT NULL REFERENCES homes (id) ON DELETE CASCADE,
    role        VARCHAR(16)  NOT NULL,  -- contact, visitor, installer
    name        VARCHAR(128) NOT NULL,
    relation    VARCHAR(64),            -- daughter, neighbour, ...
    phone       VARCHAR(32),
    email       VARCHAR(255),
    webhook     TEXT,
    position    INTEGER      NOT NULL,  -- order within the role: contact 1 is called first
    updated_at  BIGINT       NOT NULL
);
CREATE INDEX people_by_home ON people (home_id, role, position);

-- One policy per severity: ordered steps as JSON
-- ([{"notify":["contacts","visitors"],"channels":["sms","email","webhook"],"waitSeconds":300}, ...])
-- and whether the steps repeat until someone acknowledges.
CREATE TABLE escalation_policies (
    severity    VARCHAR(16)  NOT NULL PRIMARY KEY,
    steps       TEXT         NOT NULL,
    repeat_steps BOOLEAN     NOT NULL,
    updated_at  BIGINT       NOT NULL
);
INSERT INTO escalation_policies (severity, steps, repeat_steps, updated_at) VALUES
 ('critical', '[{"notify":["contacts","visitors"],"channels":["sms","email","webhook"],"waitSeconds":300},{"notify":["centre"],"channels":["sms","email","webhook"],"waitSeconds":300}]', TRUE, 0),
 ('warning', '[{"notify":["visitors","contact:1"],"channels":["sms","email","webhook"],"waitSeconds":1800},{"notify":["contact:2"],"channels":["sms","email","webhook"],"waitSeconds":1800}]', FALSE, 0),
 ('maintenance', '[{"notify":["installers"],"channels":["sms","email","webhook"],"waitSeconds":0}]', FALSE, 0);

-- One escalation per alert episode. next_step_at is the timer: the instance that finds it due
-- (SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL) runs the step and moves the timer on, in one
-- transaction, so each step happens once whichever instance is alive.
CREATE TABLE escalations (
    gateway         VARCHAR(128) NOT NULL,
    alert_id        VARCHAR(255) NOT NULL,
    home_id         VARCHAR(64),
    type            VARCHAR(32)  NOT NULL,
    severity        VARCHAR(16)  NOT NULL,
    state           VARCHAR(16)  NOT NULL,  -- open, acknowledged, cleared
    next_step       INTEGER      NOT NULL,
    round           INTEGER      NOT NULL,  -- how many times the steps have repeated
    next_step_at    BIGINT,                 -- NULL: no further step
    opened_at       BIGINT       NOT NULL,
    acknowledged_at BIGINT,
    acknowledged_by VARCHAR(255),
    cleared_at      BIGINT,
    resolved_at     BIGINT,
    resolved_by     VARCHAR(255),
    action_taken    TEXT,                   -- what was done
    outcome         TEXT,                   -- how it ended
    PRIMARY KEY (gateway, alert_id)
);
CREATE INDEX escalations_due ON escalations (next_step_at);
CREATE INDEX escalations_by_opened ON escalations (opened_at);

-- Every message to a person or a group robot; sent with retries by whichever instance claims it.
CREATE TABLE deliveries (
    id              VARCHAR(64)  NOT NULL PRIMARY KEY,
    gateway         VARCHAR(128) NOT NULL,
    alert_id        VARCHAR(255) NOT NULL,
    kind            VARCHAR(16)  NOT NULL,  -- alert, cleared
    round           INTEGER      NOT NULL,
    step            INTEGER      NOT NULL,
    recipient_key   VARCHAR(96)  NOT NULL,  -- person:<id> or centre:<id>
    recipient       VARCHAR(255) NOT NULL,  -- name, for the record
    channel         VARCHAR(16)  NOT NULL,  -- webhook, email, sms
    address         TEXT         NOT NULL,
    subject         TEXT         NOT NULL,
    body            TEXT         NOT NULL,
    state           VARCHAR(16)  NOT NULL,  -- pending, sending, delivered, failed, cancelled
    attempts        INTEGER      NOT NULL,
    next_attempt_at BIGINT       NOT NULL,
    lease_until     BIGINT,
    last_error      TEXT,
    created_at      BIGINT       NOT NULL,
    first_sent_at   BIGINT,
    delivered_at    BIGINT,
    UNIQUE (gateway, alert_id, kind, round, step, recipient_key, channel)
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_by_alert ON deliveries (gateway, alert_id);

-- One-time acknowledgement links; the token itself is only in the message sent.
CREATE TABLE ack_tokens (
    token_hash  VARCHAR(64)  NOT NULL PRIMARY KEY,
    gateway     VARCHAR(128) NOT NULL,
    alert_id    VARCHAR(255) NOT NULL,
    recipient   VARCHAR(255) NOT NULL,
    created_at  BIGINT       NOT NULL,
    used_at     BIGINT
);

-- Gateway supervision: the GATEWAY_OFFLINE episode open for a silent gateway, if any. The
-- conditional update of this row decides which instance raises (or clears) it.
CREATE TABLE gateway_supervision (
    gateway          VARCHAR(128) NOT NULL PRIMARY KEY,
    offline_alert_id VARCHAR(255),
    raised_at        BIGINT
);

-- Bridge instances sharing one MQTT 5 shared subscription, each with the last time it was alive.
-- A broker keeps queueing a shared subscription's messages for a member whose process died; an
-- instance that finds another silent past the timeout resumes that one's session, stores what
-- waits there, and ends it (SessionTakeover).
CREATE TABLE bridge_instances (
    client_id   VARCHAR(128) NOT NULL PRIMARY KEY,
    share_group VARCHAR(64)  NOT NULL,
    alive_at    BIGINT       NOT NULL
);
