#!/usr/bin/env bash
# Journal disk use under churn: one old buried job, then CYCLES put/reserve/delete cycles of 1 KB
# bodies; folder size after the churn, and again after the old job is deleted and a little more
# traffic has passed. sockq and beanstalkd in the same run. Prints markdown table rows.
#
#   CYCLES=100000 bash bench/journal-size.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
CYCLES=${CYCLES:-100000}
PORT=11388
work=$(mktemp -d)
cp target/sockq.jar "$work/sockq.jar"
trap 'pkill -9 -f "sockq.jar -p $PORT" 2>/dev/null || true; pkill -9 -f "beanstalkd -l 127.0.0.1 -p $PORT" 2>/dev/null || true; rm -rf "$work"' EXIT
say() { (exec 3<>/dev/tcp/127.0.0.1/$PORT; printf "$1" >&3; timeout 1 cat <&3 || true) >/dev/null; }
kib() { du -sk "$1" | cut -f1; }
row() {
  local name=$1; shift
  mkdir -p "$work/$name/data"
  (cd "$work/$name" && exec "$@") >/dev/null 2>&1 &
  local pid=$!
  wait_port $PORT 400
  say 'put 0 0 60 3\r\nold\r\nreserve\r\nbury 1 0\r\n'
  java -jar "$work/sockq.jar" bench --server 127.0.0.1:$PORT --quiet --mode cycle -c 10 --size 1024 -n "$CYCLES" >/dev/null
  local churned
  churned=$(kib "$work/$name/data")
  say 'delete 1\r\n'
  java -jar "$work/sockq.jar" bench --server 127.0.0.1:$PORT --quiet --mode cycle -c 10 --size 1024 -n 20000 >/dev/null
  local after
  after=$(kib "$work/$name/data")
  kill -9 $pid; wait $pid 2>/dev/null || true
  echo "| $name | $CYCLES | $((churned / 1024)) MiB | $((after / 1024)) MiB |"
}
echo "| server | cycles of 1 KB with one old buried job | journal folder after | after deleting the old job (+20,000 cycles) |"
echo "|---|---|---|---|"
row sockq java -jar "$work/sockq.jar" -p $PORT --udp-port -1 --fsync never -b data
row beanstalkd beanstalkd -l 127.0.0.1 -p $PORT -b data -F
