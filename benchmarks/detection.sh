#!/usr/bin/env bash
# Detection figures (a benchmark, not a test): false alarms per day and time to detect on four real
# homes (../shared/datasets: Ordonez A and B, van Kasteren A, CIWS), beside the fixed 12-hour rule,
# then the wall time of './anxin replay' over the longest home (28 days).
#
#   benchmarks/detection.sh [--datasets DIR] [--config FILE] [--incidents-per-day N] [--seed N]
#                           [--moments uniform|activity] [--verbose]
#
# The markdown table goes to stdout; progress and, with --verbose, every false alarm to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
datasets=../shared/datasets
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[$i]}" = "--datasets" ] && datasets="${args[$((i + 1))]}"
done
[ -d "$datasets" ] || { echo "no datasets at $datasets (use --datasets DIR)" >&2; exit 2; }

mvn -B -q -DskipTests -pl tools/datasets -am package >&2
java -cp "tools/datasets/target/classes:$(cat tools/datasets/target/classpath.txt)" \
  org.anxin.tools.datasets.Datasets benchmark --datasets "$datasets" --out tools/datasets/target/scenarios "${args[@]}"

echo >&2
echo "== ./anxin replay over kasteren-a (28 days) to 48 h past its end" >&2
last=$(tail -1 tools/datasets/target/scenarios/kasteren-a.csv | cut -d, -f1)
until=$(date -u -d "${last/T/ } + 2 days" +%Y-%m-%dT%H:%M:%S)
start=$(date +%s%N)
alerts=$(./anxin replay --scenario tools/datasets/target/scenarios/kasteren-a.csv --until "$until" 2>/dev/null | wc -l)
end=$(date +%s%N)
echo "  $alerts alerts, $(( (end - start) / 1000000 )) ms wall time, JVM start included" >&2
