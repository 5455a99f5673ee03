#!/usr/bin/env bash
# The bridge's benchmark (not a test): events/s stored, alerts/s ingested, and the time from an
# alert reaching the bridge to its first notification, one instance on PostgreSQL and Mosquitto.
# Needs PostgreSQL at 127.0.0.1:5432 (database test, user postgres, trust) and Mosquitto at
# 127.0.0.1:1883, or -Danxin.test.postgres=... -Danxin.test.mosquitto=... in BENCH_OPTS.
# Sizes: -Dreadings=20000 -Dalerts=2000 -Dpaced=500.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -o test-compile dependency:build-classpath -pl cloud-bridge/bridge -am \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
cd cloud-bridge/bridge
exec java ${BENCH_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" org.anxin.bridge.BridgeBenchmark
