#!/usr/bin/env bash
# The load generator (org.anxin.loadgen.LoadGenCommand): simulated gateways on real MQTT connections,
# against a broker and a bridge on this machine. Flags: benchmarks/loadgen.sh --help, benchmarks/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -pl benchmarks/loadgen -am package -DskipTests >/dev/null 2>&1 \
  || mvn -B -q -pl benchmarks/loadgen -am package -DskipTests >/dev/null
cd benchmarks/loadgen
exec java ${LOADGEN_JAVA_OPTS:--Xmx2g} -cp "target/classes:$(cat target/classpath.txt)" org.anxin.loadgen.LoadGenCommand "$@"
