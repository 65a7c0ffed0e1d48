#!/usr/bin/env bash
# sockq against itself: one shard and one TCP instance, then a second TCP instance, a second
# daemon shard, and both; the four servers run at once and are measured in alternating rounds
# under the same load. Prints markdown table rows with medians and the ratio to the first.
#
#   ROUNDS=3 bash bench/scaling.sh
#   LOAD='--mode prodcons -c 100 --tubes 8 -n 100000' bash bench/scaling.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-3}
LOAD=${LOAD:---mode cycle -c 50 -d 1 --tubes 8 -n 100000}
CONFIGS=("" "--tcp-instances 2" "--daemon-shards 2" "--daemon-shards 2 --tcp-instances 2")
[ -f target/sockq.jar ] || mvn -B -q -DskipTests package
work=$(mktemp -d)
cp target/sockq.jar "$work/sockq.jar"
JAR="$work/sockq.jar"
pids=()
trap 'kill -9 "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
for i in "${!CONFIGS[@]}"; do
  mkdir "$work/s$i"
  (cd "$work/s$i" && exec java -jar "$JAR" -p $((11370 + i)) --udp-port -1 --http-port -1 --in-memory ${CONFIGS[$i]}) \
    2>"$work/s$i.log" &
  pids+=($!)
done
for i in "${!CONFIGS[@]}"; do
  wait_port $((11370 + i))
  java -jar "$JAR" bench --server 127.0.0.1:$((11370 + i)) --quiet --duration 8 $(echo "$LOAD" | sed 's/-n [0-9]*//') >/dev/null
done
for _ in $(seq 1 "$ROUNDS"); do
  for i in "${!CONFIGS[@]}"; do
    java -jar "$JAR" bench --server 127.0.0.1:$((11370 + i)) --quiet --warmup 4 --server-pid "${pids[$i]}" $LOAD \
      | grep '^RESULT ' | sed 's/^RESULT //' | python3 -c '
import json, sys
r = json.load(sys.stdin)
if r["errors"]: raise SystemExit("bench reported errors: %s" % r)
print(r["jobs_per_sec"], r["p99_us"], r["server_cpu_us_per_job"], r["server_sys_us_per_job"])' >>"$work/r$i.txt"
  done
done
echo "Load: \`sockq bench $LOAD\`, medians of ${ROUNDS} alternating rounds, $(date -u +%Y-%m-%d)"
echo
echo "| sockq server flags | jobs/s | ratio to the first | p99 µs | server CPU µs/job (system) |"
echo "|---|---|---|---|---|"
base=$(cut -d' ' -f1 "$work/r0.txt" | median)
for i in "${!CONFIGS[@]}"; do
  jobs=$(cut -d' ' -f1 "$work/r$i.txt" | median)
  echo "| \`${CONFIGS[$i]:-(defaults)}\` | $jobs | $(python3 -c "print('%.2f' % ($jobs / $base))") | $(cut -d' ' -f2 "$work/r$i.txt" | median) | $(cut -d' ' -f3 "$work/r$i.txt" | median) ($(cut -d' ' -f4 "$work/r$i.txt" | median)) |"
done
