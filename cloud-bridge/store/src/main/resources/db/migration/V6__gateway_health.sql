-- Health the bridge can see (issue 16). Portable between SQLite and PostgreSQL like V1-V5.

-- The latest health a gateway's heartbeat carried (the protocol's GatewayHealth as JSON) and when
-- it arrived (bridge clock). NULL until a heartbeat with health arrives (older gateways send none).
ALTER TABLE gateways ADD COLUMN health TEXT;
ALTER TABLE gateways ADD COLUMN health_at BIGINT;

-- The last self-test alert that arrived: when the gateway ran it (its clock), when it arrived
-- (bridge clock), and its id. A self-test is recorded here only, never as an alert.
ALTER TABLE gateways ADD COLUMN self_test_at BIGINT;
ALTER TABLE gateways ADD COLUMN self_test_received_at BIGINT;
ALTER TABLE gateways ADD COLUMN self_test_id VARCHAR(255);

-- The open GATEWAY_DEGRADED episode, which only the bridge raises and clears (like offline_alert_id).
ALTER TABLE gateway_supervision ADD COLUMN degraded_alert_id VARCHAR(255);
ALTER TABLE gateway_supervision ADD COLUMN degraded_raised_at BIGINT;
