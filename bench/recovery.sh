#!/usr/bin/env bash
# Recovery time: fill a journal with JOBS ready jobs, kill -9 the server, restart it on the same
# folder and time from launch to the first answered command (beanstalkd listens before it
# replays, so a connect alone would not show its replay); same for beanstalkd's binlog. Prints one
# markdown table row per server.
#
#   JOBS=1000000 bash bench/recovery.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
JOBS=${JOBS:-1000000}
PORT=11392
work=$(mktemp -d)
cp target/sockq.jar "$work/sockq.jar"
trap 'pkill -9 -f "sockq.jar -p $PORT" 2>/dev/null || true; pkill -9 -f "beanstalkd -l 127.0.0.1 -p $PORT" 2>/dev/null || true; rm -rf "$work"' EXIT

ms() { echo $(( $(date +%s%N) / 1000000 )); }

row() { # row NAME START_COMMAND...
  local name=$1; shift
  mkdir -p "$work/$name/data"   # beanstalkd does not create its binlog folder
  (cd "$work/$name" && exec "$@") >"$work/$name.log" 2>&1 &
  wait_port $PORT 12000 0.005
  java -jar "$work/sockq.jar" bench --server 127.0.0.1:$PORT --quiet --mode put -c 50 -d 16 -n "$JOBS" --tube recovery >/dev/null
  pkill -9 -f "$1.*-p $PORT" || true
  sleep 0.5
  local disk
  disk=$(du -sm "$work/$name" | cut -f1)
  local t0
  t0=$(ms)
  (cd "$work/$name" && exec "$@") >>"$work/$name.log" 2>&1 &
  wait_port $PORT 12000 0.005
  local count
  count=$( (exec 3<>/dev/tcp/127.0.0.1/$PORT; printf 'stats-tube recovery\r\n' >&3; timeout 60 head -c 40 <&3 || true) \
    | awk '/current-jobs-ready/ {print $2}')
  local t1
  t1=$(ms)
  count=$( (exec 3<>/dev/tcp/127.0.0.1/$PORT; printf 'stats-tube recovery\r\n' >&3; timeout 2 cat <&3 || true) \
    | awk '/current-jobs-ready/ {print $2}')
  pkill -9 -f "$1.*-p $PORT" || true
  wait 2>/dev/null || true
  echo "| $name | $JOBS | ${disk} MiB | $((t1 - t0)) ms | ${count:-?} |"
}

echo "| server | jobs written | journal on disk | restart to first reply | ready jobs after restart |"
echo "|---|---|---|---|---|"
row sockq java -jar "$work/sockq.jar" -p $PORT --udp-port -1 --fsync never -b data
row beanstalkd beanstalkd -l 127.0.0.1 -p $PORT -b data -F
