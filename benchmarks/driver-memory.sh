#!/usr/bin/env bash
# Memory cost of the device-driver bundles in the running gateway (a benchmark, not a test).
# Boots the exported gateway (-Xmx64m) three times: without driver configurations, with the GPIO
# driver configured (three inputs, a water meter, the siren), and with two CoAP servers (plain and
# DTLS) that take 200 readings. Prints, after a full GC, the heap in use, the metaspace in use and
# the classes loaded; the differences to the first run are what the drivers cost.
# Off a Raspberry Pi the GPIO pins cannot be opened (no /dev/gpiochip): the GPIO figures then
# include Pi4J and the driver but not libgpiod's line handles (a few KB of native memory).
set -euo pipefail
cd "$(dirname "$0")/.."
jar=gateway-bundles/runtime/target/gateway.jar
[ -f "$jar" ] || mvn -B -q -pl gateway-bundles/runtime -am package -DskipTests
R=~/.m2/repository/org/eclipse/californium
CP=$R/californium-core/3.13.0/californium-core-3.13.0.jar:$R/element-connector/3.13.0/element-connector-3.13.0.jar:$R/scandium/3.13.0/scandium-3.13.0.jar:$HOME/.m2/repository/org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar

measure() { # name, then cfg files as name=content
  local name=$1; shift
  local work; work=$(mktemp -d)
  mkdir -p "$work/conf" "$work/data"
  printf 'gatewayId=gw-bench\nbrokerUrl=tcp://127.0.0.1:9\n' > "$work/conf/org.anxin.uplink.cfg"
  for f in "$@"; do printf '%b' "${f#*=}" > "$work/conf/${f%%=*}"; done
  sed -i "s#@KEYS@#$work/keys.txt#" "$work"/conf/*.cfg
  printf 'kitchen-meter=00112233445566778899aabbccddeeff\n' > "$work/keys.txt"
  java -Xmx64m -Dfelix.fileinstall.dir="$work/conf" -Danxin.data="$work/data" -jar "$jar" > "$work/gateway.log" 2>&1 &
  local pid=$!
  sleep 12
  if [ "$name" = coap ]; then
    java -cp "$CP" benchmarks/CoapLoad.java 2>/dev/null
    sleep 2
  fi
  jcmd "$pid" GC.run >/dev/null; sleep 1; jcmd "$pid" GC.run >/dev/null
  local heap meta classes threads
  heap=$(jcmd "$pid" GC.heap_info | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+')
  meta=$(jcmd "$pid" GC.heap_info | grep -E '^ *Metaspace' | grep -oE 'used [0-9]+K' | grep -oE '[0-9]+')
  classes=$(jcmd "$pid" PerfCounter.print | grep -E '^java.cls.loadedClasses=' | cut -d= -f2)
  threads=$(jcmd "$pid" Thread.print | grep -c '^"')
  printf '%-6s heap used %6s KB   metaspace used %6s KB   classes loaded %5s   threads %3s\n' "$name" "$heap" "$meta" "$classes" "$threads"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}

measure none
measure gpio \
  'org.anxin.driver.gpio.input-front.cfg=device=front\nkind=entry_door\npin=17\n' \
  'org.anxin.driver.gpio.input-smoke.cfg=device=kitchen-smoke\nkind=smoke\npin=22\n' \
  'org.anxin.driver.gpio.input-call.cfg=device=call-1\nkind=call\npin=23\n' \
  'org.anxin.driver.gpio.water-tap.cfg=device=kitchen-tap\npin=27\n' \
  'org.anxin.driver.gpio.alarm.cfg=sirenPin=18\nledPin=24\n'
measure coap \
  'org.anxin.driver.coap-plain.cfg=security=none\nport=15683\nbindAddress=127.0.0.1\n' \
  'org.anxin.driver.coap-dtls.cfg=port=15684\nbindAddress=127.0.0.1\npskFile=@KEYS@\n'
