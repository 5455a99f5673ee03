-- What an applied configuration version left on the gateway: for each configuration it set or
-- patched, every property as the gateway reported it runs them (a patch merged into what the
-- gateway had). JSON as TEXT, NULL until applied and from gateways older than patches.
ALTER TABLE config_versions ADD COLUMN result TEXT;
