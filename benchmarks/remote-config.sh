#!/usr/bin/env bash
# Remote configuration figures (a benchmark, not a test): push -> applied for one gateway, a bulk
# push to N gateway processes, a diagnostics round trip. Usage: benchmarks/remote-config.sh [gateways] [pushes]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl launcher -am install -DskipTests
mvn -B -q -pl launcher test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "launcher/target/test-classes:launcher/target/classes:$(cat launcher/target/bench.classpath)" \
  org.anxin.launcher.RemoteConfigBenchmark "${1:-5}" "${2:-20}"
