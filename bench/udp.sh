#!/usr/bin/env bash
# Datagram puts per second (sockq only: beanstalkd has no UDP socket), one and several senders,
# median of ROUNDS runs each against one warmed-up server. Prints markdown table rows.
#
#   ROUNDS=3 bash bench/udp.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-3}
PORT=11389
work=$(mktemp -d)
cp target/sockq.jar "$work/sockq.jar"
(cd "$work" && exec java -jar sockq.jar -p $PORT --in-memory) 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
wait_port $PORT
bench() { java -jar "$work/sockq.jar" bench --server 127.0.0.1:$PORT --quiet --mode udp-put "$@" | grep '^RESULT '; }
bench -c 2 -d 16 --duration 2 >/dev/null   # warm-up, not measured
echo "| senders | window | bench arguments | datagram puts/s (median) | p99 µs (median) | retransmits |"
echo "|---|---|---|---|---|---|"
for args in "-c 1 -d 1 -n 20000" "-c 1 -d 16 -n 100000" "-c 4 -d 16 -n 100000"; do
  : >"$work/r.txt"
  for _ in $(seq 1 "$ROUNDS"); do
    bench $args | sed 's/^RESULT //' | python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["errors"] == 0, r; print(r["jobs_per_sec"], r["p99_us"], r["retransmits"])' >>"$work/r.txt"
  done
  c=$(echo "$args" | awk '{print $2}'); d=$(echo "$args" | awk '{print $4}')
  echo "| $c | $d | \`--mode udp-put $args\` | $(cut -d' ' -f1 "$work/r.txt" | median) | $(cut -d' ' -f2 "$work/r.txt" | median) | $(cut -d' ' -f3 "$work/r.txt" | awk '{s+=$1} END {print s}') |"
done
