#!/usr/bin/env bash
# Detection figures (a benchmark, not a test): false alarms per day, absence alerts and time to
# detect on four real homes (../shared/datasets: Ordonez A and B, van Kasteren A, CIWS) and the
# robustness suite's variants of each, beside the fixed 12-hour rule: first with incidents right
# after real activity (the headline, every variant), then at random moments (the homes as
# recorded); then the wall time of './anxin replay' over the longest home (28 days).
#
#   benchmarks/detection.sh [--datasets DIR] [--config FILE] [--incidents-per-day N] [--seed N] [--verbose]
#
# The markdown tables go to stdout; progress and, with --verbose, every alarm to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
datasets=../shared/datasets
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[$i]}" = "--datasets" ] && datasets="${args[$((i + 1))]}"
done
[ -d "$datasets" ] || { echo "no datasets at $datasets (use --datasets DIR)" >&2; exit 2; }

mvn -B -q -DskipTests -pl tools/datasets -am package >&2
cp="tools/datasets/target/classes:$(cat tools/datasets/target/classpath.txt)"
java -cp "$cp" org.anxin.tools.datasets.Datasets benchmark --datasets "$datasets" --out tools/datasets/target/scenarios \
  --moments activity "${args[@]}"
java -cp "$cp" org.anxin.tools.datasets.Datasets benchmark --datasets "$datasets" --out tools/datasets/target/scenarios \
  --moments uniform --variants AS_RECORDED "${args[@]}"

echo >&2
echo "== ./anxin replay over kasteren-a (28 days) to 48 h past its end" >&2
last=$(tail -1 tools/datasets/target/scenarios/kasteren-a.csv | cut -d, -f1)
until=$(date -u -d "${last/T/ } + 2 days" +%Y-%m-%dT%H:%M:%S)
start=$(date +%s%N)
alerts=$(./anxin replay --scenario tools/datasets/target/scenarios/kasteren-a.csv --until "$until" 2>/dev/null | wc -l)
end=$(date +%s%N)
echo "  $alerts alerts, $(( (end - start) / 1000000 )) ms wall time, JVM start included" >&2
