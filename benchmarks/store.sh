#!/usr/bin/env bash
# Store-and-forward figures (a benchmark, not a test), org.anxin.faults.StoreBenchmark:
#  1. readings persisted per second (group commit; and one caller waiting for each commit);
#  2. time to drain a backlog of 1,000,000 readings to a local broker (QoS 1);
#  3. alert latency from the outbox append to a subscriber, median and p99, while 1,000 readings/s flow.
# Usage: benchmarks/store.sh [BROKER_URL [BRIDGE_JDBC_URL]]   (default tcp://127.0.0.1:1883, the local Mosquitto;
#        the bridge on a fresh SQLite file unless a JDBC URL is given)
set -euo pipefail
cd "$(dirname "$0")/../system-tests/faults"
mvn -B -q -o compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null 2>&1 \
  || mvn -B -q compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
exec java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "target/classes:$(cat target/bench.classpath)" org.anxin.faults.StoreBenchmark "$@"
