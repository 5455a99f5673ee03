#!/usr/bin/env bash
# Foundation figures (a benchmark, not a test):
#  1. time from './anxin demo' to the first alert, and to its notification (the demo's own clock),
#     at the sample's default speed and with the replay as fast as it goes;
#  2. the gateway's heap in use after start-up, under -Xmx64m, after a full GC.
set -euo pipefail
cd "$(dirname "$0")/.."
./anxin --version >/dev/null   # builds what is missing

echo "== ./anxin demo: time to first alert"
for speed in 3600 0; do
  line=$(./anxin demo --speed "$speed" 2>/dev/null | grep "first alert")
  echo "  speed $speed:$line"
done

echo "== gateway heap after start-up (-Xmx64m)"
work=$(mktemp -d)
mkdir -p "$work/conf" "$work/data"
cp gateway-bundles/runtime/conf/*.cfg "$work/conf/"
cp scenarios/sample-home.csv "$work/"
printf 'scenario=%s\nspeed=0\nzone=UTC\n' "$work/sample-home.csv" > "$work/conf/org.anxin.driver.replay-bench.cfg"
java -Xmx64m -Dfelix.fileinstall.dir="$work/conf" -Danxin.data="$work/data" \
  -jar gateway-bundles/runtime/target/gateway.jar > "$work/gateway.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 60); do grep -q '"active"' "$work/data/status.json" 2>/dev/null && break; sleep 0.5; done
sleep 5   # let the replay finish and the uplink settle
jcmd "$pid" GC.run >/dev/null
jcmd "$pid" GC.heap_info | sed -n '1,3p' | sed 's/^/  /'
used_kb=$(jcmd "$pid" GC.heap_info | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+')
echo "  heap in use after start-up and a full GC: $((used_kb / 1024)) MiB of 64 MiB"
rss_kb=$(ps -o rss= -p "$pid" | tr -d ' ')
echo "  process resident set: $((rss_kb / 1024)) MiB"
echo "  components: $(grep -c '"active"' "$work/data/status.json") active"
