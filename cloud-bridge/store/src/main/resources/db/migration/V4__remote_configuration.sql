-- Remote configuration and operator commands. Portable between SQLite and PostgreSQL like V1-V3:
-- text keys, BIGINT epoch milliseconds, JSON kept as TEXT.

-- Every configuration document the bridge issued, one row per gateway and version. The document
-- is kept exactly as it was signed, so it can be published again byte for byte.
CREATE TABLE config_versions (
    gateway      VARCHAR(128) NOT NULL,
    version      BIGINT       NOT NULL,
    document     TEXT         NOT NULL,  -- the DesiredConfig JSON as signed
    signature    TEXT         NOT NULL,  -- Base64 Ed25519 over the document's UTF-8 bytes
    issued_at    BIGINT       NOT NULL,
    created_by   VARCHAR(64)  NOT NULL,  -- the operator
    bulk_id      VARCHAR(64),            -- the bulk push it belongs to, if any
    published_at BIGINT,                 -- NULL until the broker took it (retained); the timer retries
    status       VARCHAR(16)  NOT NULL,  -- pending, applied, rejected, rolled-back, superseded
    reason       TEXT,
    reported_at  BIGINT,
    PRIMARY KEY (gateway, version)
);
CREATE INDEX config_versions_unpublished ON config_versions (published_at);
CREATE INDEX config_versions_by_bulk ON config_versions (bulk_id);

-- What each gateway last said it runs.
CREATE TABLE gateway_config (
    gateway         VARCHAR(128) NOT NULL PRIMARY KEY,
    running_version BIGINT       NOT NULL,  -- 0: the installer's files alone
    kept            TEXT         NOT NULL,  -- JSON list of the versions it can roll back to, newest first
    reported_at     BIGINT       NOT NULL
);

-- Operator commands and their answers.
CREATE TABLE commands (
    id           VARCHAR(64)  NOT NULL PRIMARY KEY,
    gateway      VARCHAR(128) NOT NULL,
    name         VARCHAR(32)  NOT NULL,
    args         TEXT         NOT NULL,  -- JSON object
    issued_at    BIGINT       NOT NULL,
    expires_at   BIGINT       NOT NULL,  -- the gateway refuses it after this
    created_by   VARCHAR(64)  NOT NULL,
    published_at BIGINT,
    status       VARCHAR(16)  NOT NULL,  -- pending, done, failed, expired
    result       TEXT,                   -- JSON object, when done
    error        TEXT,
    answered_at  BIGINT
);
CREATE INDEX commands_by_status ON commands (status, expires_at);

-- One row per push to many gateways at once; its documents carry its id.
CREATE TABLE bulk_pushes (
    id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    created_at  BIGINT       NOT NULL,
    created_by  VARCHAR(64)  NOT NULL,
    selector    TEXT         NOT NULL   -- the selection as given: {"community":...} or {"gateways":[...]}
);
