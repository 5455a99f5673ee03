-- Sequence gaps, judged correctly. Alerts leave a gateway before older telemetry, so numbers
-- arrive out of order; a number is missing only when the gateway has said it sent it (a heartbeat
-- with an empty outbox, carrying the last number it assigned) and a grace period later it has
-- still not arrived.
ALTER TABLE gateways ADD COLUMN checked_seq BIGINT;  -- every seq up to here is stored or reported missing
ALTER TABLE gateways ADD COLUMN horizon_seq BIGINT;  -- the gateway's outbox was empty up to this seq ...
ALTER TABLE gateways ADD COLUMN horizon_at BIGINT;   -- ... as its heartbeat said at this time (bridge clock)

-- One row per run of numbers reported missing.
CREATE TABLE sequence_gaps (
    gateway     VARCHAR(128) NOT NULL,
    first_seq   BIGINT       NOT NULL,
    last_seq    BIGINT       NOT NULL,
    detected_at BIGINT       NOT NULL,  -- bridge clock
    PRIMARY KEY (gateway, first_seq)
);
