#!/usr/bin/env bash
# City-scale figures of one bridge instance (a benchmark, not a test), measured from outside with the
# load generator (benchmarks/loadgen.sh): simulated gateways on real MQTT connections, signed.
# Each run gets its own Mosquitto (a free port on 127.0.0.1, so the machine's shared one on 1883 is
# left alone), its own PostgreSQL database (dropped afterwards) and a fresh bridge process
# (java -Xmx$BRIDGE_HEAP -jar launcher/target/anxin.jar bridge) whose webhook feed posts to the
# load generator's receiver.
#
#   throughput  events stored/s: GATEWAYS_SMALL gateways offering more readings than one instance stores
#   latency     alert -> notification p50/p99 while telemetry flows at LATENCY_RATE readings/s (default:
#               80% of what the throughput run stored, or 1000/s)
#   connected   CPU and heap with GATEWAYS_SMALL, then GATEWAYS_LARGE gateways connected (heartbeat 60 s,
#               2 readings a minute each); DROP of them fall silent at once: time to GATEWAY_OFFLINE
#   storm       STORM_GATEWAYS reconnect at once, each with STORM_BACKLOG readings and one alert queued
#
# Usage: benchmarks/city-scale.sh [throughput|latency|connected|storm|all]   (default all, ~20 min)
# Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust), mosquitto, psql and python3 on the PATH.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
WHAT="${1:-all}"
GATEWAYS_SMALL="${GATEWAYS_SMALL:-1000}"
GATEWAYS_LARGE="${GATEWAYS_LARGE:-10000}"
DROP="${DROP:-500}"
STORM_GATEWAYS="${STORM_GATEWAYS:-1000}"
STORM_BACKLOG="${STORM_BACKLOG:-20}"
# registering 10,000 keys through the REST API takes minutes here: a run with more gateways than this
# is unsigned (the bridge started with --allow-unsigned-gateways), and says so; SIGN_MAX=0: all unsigned
SIGN_MAX="${SIGN_MAX:-2000}"
signing() { # gateways: sets sign (load generator flags) and unsigned (bridge flags)
  if [ "$1" -le "$SIGN_MAX" ]; then sign=(--sign); unsigned=(); else sign=(--no-sign); unsigned=(--allow-unsigned-gateways); fi
}
BRIDGE_HEAP="${BRIDGE_HEAP:-1g}"
PG="${PG:-postgresql://127.0.0.1:5432}"
PASSWORD="loadgen city scale run"

[ "$(ulimit -n)" -ge 1024 ] || ulimit -n 20000 2>/dev/null || true
work="$(mktemp -d /tmp/anxin-city.XXXXXX)"
broker_pid="" bridge_pid="" db=""
cleanup() {
  [ -n "$bridge_pid" ] && kill "$bridge_pid" 2>/dev/null && wait "$bridge_pid" 2>/dev/null || true
  [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null && wait "$broker_pid" 2>/dev/null || true
  [ -n "$db" ] && psql -q "$PG/postgres?user=postgres" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  bridge_pid="" broker_pid="" db=""
}
trap 'cleanup; [ -n "${KEEP_LOGS:-}" ] && echo "logs kept in $work" >&2 || rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

echo "building the bridge (./anxin) and the load generator..." >&2
./anxin --help >/dev/null
benchmarks/loadgen.sh --help >/dev/null
LOADGEN=(java "${LOADGEN_JAVA_OPTS:--Xmx2g}" -cp "benchmarks/loadgen/target/classes:$(cat benchmarks/loadgen/target/classpath.txt)"
         org.anxin.loadgen.LoadGenCommand)

# A broker and a bridge of their own for one run. The broker's queue for the bridge's session is
# raised so that what is measured is the bridge: with Mosquitto's default (1,000) a backlog that
# outruns the bridge is dropped by the broker (issue 21).
start() { # name [bridge flags...]
  local name="$1" mqtt http; shift
  RUN="$name"
  mqtt="$(free_port)"; http="$(free_port)"; RECEIVER="$(free_port)"
  cat > "$work/$name.conf" <<CONF
listener $mqtt 127.0.0.1
allow_anonymous true
max_connections -1
max_queued_messages ${MAX_QUEUED:-2000000}
persistence false
user $(id -un)
log_dest file $work/$name-mosquitto.log
CONF
  mosquitto -c "$work/$name.conf" & broker_pid=$!
  db="anxin_city_$$_$name"
  psql -q "$PG/postgres?user=postgres" -c "CREATE DATABASE $db" >/dev/null
  java -Xmx"$BRIDGE_HEAP" -Danxin.home="$ROOT" -jar launcher/target/anxin.jar bridge \
      --broker "tcp://127.0.0.1:$mqtt" --db "jdbc:$PG/$db?user=postgres" \
      --webhook "http://127.0.0.1:$RECEIVER/feed" --http-port "$http" \
      --admin-user loadgen --admin-password "$PASSWORD" --signing-key "$work/signing.key" \
      --mqtt-client-id "anxin-city-bridge" "$@" > "$work/$name-bridge.log" 2>&1 & bridge_pid=$!
  BROKER="tcp://127.0.0.1:$mqtt"; BRIDGE="http://127.0.0.1:$http/"
  for _ in $(seq 120); do
    curl -s "${BRIDGE}api/health" 2>/dev/null | grep -q '"connected":true' && return 0
    kill -0 "$bridge_pid" 2>/dev/null || { tail -20 "$work/$name-bridge.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "the bridge did not connect to its broker in 60 s" >&2; tail -20 "$work/$name-bridge.log" >&2; exit 1
}

loadgen() { # name, flags...
  local name="$1"; shift
  echo "   (load average before the run: $(cut -d' ' -f1-3 /proc/loadavg))"
  ANXIN_ADMIN_PASSWORD="$PASSWORD" "${LOADGEN[@]}" --broker "$BROKER" --bridge "$BRIDGE" --bridge-user loadgen \
      --receiver-port "$RECEIVER" --bridge-pid "$bridge_pid" --id-prefix "$name-" "$@" | tee "$work/$name.out"
  echo "  bridge log: $(grep -c ' ERROR \| WARN ' "$work/$RUN-bridge.log" || true) warnings and errors"
}

echo "Anxin city-scale benchmark: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(mosquitto -h 2>/dev/null | head -1 | sed 's/ is an.*//'), PostgreSQL $(psql -tA "$PG/postgres?user=postgres" -c 'SHOW server_version'), bridge heap -Xmx$BRIDGE_HEAP"

stored_rate=""
if [[ "$WHAT" == all || "$WHAT" == throughput ]]; then
  echo; echo "== throughput: $GATEWAYS_SMALL gateways, 600 readings a minute each (10,000/s offered), 60 s"
  signing "$GATEWAYS_SMALL"; start throughput "${unsigned[@]}"
  loadgen tp --gateways "$GATEWAYS_SMALL" --connect-rate 1000 --readings-per-minute 600 --duration 60 "${sign[@]}"
  stored_rate="$(sed -n 's/.*events (.*): \([0-9,]*\) events\/s over the run.*/\1/p' "$work/tp.out" | tr -d ,)"
  cleanup
fi

if [[ "$WHAT" == all || "$WHAT" == latency ]]; then
  rate="${LATENCY_RATE:-$(( ${stored_rate:-1250} * 8 / 10 ))}"
  per_minute="$(python3 -c "print(round($rate * 60 / $GATEWAYS_SMALL, 3))")"
  echo; echo "== latency: $GATEWAYS_SMALL gateways, telemetry $rate readings/s, 20 emergency calls/s, 60 s"
  signing "$GATEWAYS_SMALL"; start latency "${unsigned[@]}"
  loadgen lat --gateways "$GATEWAYS_SMALL" --connect-rate 1000 --readings-per-minute "$per_minute" \
      --alerts-per-minute "$(python3 -c "print(20 * 60 / $GATEWAYS_SMALL)")" --duration 60 "${sign[@]}"
  cleanup
fi

if [[ "$WHAT" == all || "$WHAT" == connected ]]; then
  for n in "$GATEWAYS_SMALL" "$GATEWAYS_LARGE"; do
    echo; echo "== connected: $n gateways, heartbeat 60 s, 2 readings a minute each; $DROP fall silent at t=120 s"
    signing "$n"; start "connected$n" "${unsigned[@]}"
    loadgen "c$n" --gateways "$n" --connect-rate 500 --readings-per-minute 2 --heartbeat 60 \
        --drop "$DROP" --drop-after 120 --duration 420 "${sign[@]}"
    cleanup
  done
fi

if [[ "$WHAT" == all || "$WHAT" == storm ]]; then
  echo; echo "== storm: $STORM_GATEWAYS gateways reconnect at once, each with $STORM_BACKLOG readings and 1 alert queued"
  signing "$STORM_GATEWAYS"; start storm "${unsigned[@]}"
  loadgen st --gateways "$STORM_GATEWAYS" --connect-rate 0 --backlog "$STORM_BACKLOG" --backlog-alert --duration 600 "${sign[@]}"
  cleanup
fi
