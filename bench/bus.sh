#!/usr/bin/env bash
# Event-bus throughput of the JSON API (sockq.put, then sockq.reserve + sockq.delete) over the
# local bus and over a loopback Hazelcast cluster, ROUNDS rounds each; prints a markdown table of
# medians. Uses BusBench from the test classes (compiled by `mvn test-compile`).
#
#   ROUNDS=3 N=100000 bash bench/bus.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-3}
N=${N:-100000}
C=${C:-64}
[ -f target/sockq.jar ] || mvn -B -q -DskipTests package
[ -f target/test-classes/dev/sockq/bench/BusBench.class ] || mvn -B -q test-compile
echo "| bus | requests in flight | puts/s | reserve+delete/s |"
echo "|---|---|---|---|"
for mode in local cluster; do
  : >/tmp/bus.$$
  for _ in $(seq 1 "$ROUNDS"); do
    java -cp target/test-classes:target/sockq.jar dev.sockq.bench.BusBench --mode "$mode" -n "$N" -c "$C" 2>/dev/null \
      | grep '^RESULT ' | sed 's/^RESULT //' >>/tmp/bus.$$
  done
  puts=$(python3 -c 'import json,sys; [print(json.loads(l)["putsPerSec"]) for l in open(sys.argv[1])]' /tmp/bus.$$ | median)
  cycles=$(python3 -c 'import json,sys; [print(json.loads(l)["reserveDeletesPerSec"]) for l in open(sys.argv[1])]' /tmp/bus.$$ | median)
  printf '| %s | %s | %.0f | %.0f |\n' "$mode" "$C" "$puts" "$cycles"
done
rm -f /tmp/bus.$$
