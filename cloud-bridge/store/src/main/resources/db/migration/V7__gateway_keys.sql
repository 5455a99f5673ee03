-- Each gateway's own Ed25519 public key, registered at provisioning. Portable between SQLite and
-- PostgreSQL like V1-V5. A gateway with a row here is heard only through messages its key signed;
-- one without (provisioned before signatures) only when the bridge allows unsigned gateways.
CREATE TABLE gateway_keys (
    gateway       VARCHAR(128) NOT NULL PRIMARY KEY,
    public_key    VARCHAR(128) NOT NULL,  -- Base64 X.509 SubjectPublicKeyInfo, 60 characters for Ed25519
    registered_at BIGINT       NOT NULL,  -- bridge clock
    registered_by VARCHAR(128) NOT NULL   -- the operator, or the bridge itself
);
