-- The gateway's last accepted sign of life (a heartbeat, or a live "online" state), by its own
-- clock and sequence. Portable between SQLite and PostgreSQL like V1-V7. A heartbeat or state
-- whose ts and seq are both no later than these is a recorded message sent again (a replay) and
-- has no effect; NULL (a gateway not heard since this migration) accepts the next one.
ALTER TABLE gateways ADD COLUMN live_ts BIGINT;   -- gateway clock, epoch microseconds: two signs a millisecond apart stay apart
ALTER TABLE gateways ADD COLUMN live_seq BIGINT;  -- the seq it carried, the gateway's last assigned number
