#!/usr/bin/env bash
# Runs sockq and Debian's beanstalkd side by side under the same loads, on this machine, in one
# run, and writes the medians and the sockq/beanstalkd ratios to BENCHMARKS.md.
#
#   bash bench/compare.sh            # ROUNDS=3 by default; ROUNDS=5 bash bench/compare.sh for more
#                                    # WARMUP=4: seconds of unmeasured load at the start of each round
#                                    # SERVER_WARMUP=8: seconds of load (put loads: cycles) on each fresh server pair first
#                                    # ONLY=REGEX: just the loads whose name matches (no memory part),
#                                    #   e.g. ONLY='io_uring' OUT=/tmp/part.md bash bench/compare.sh
#
# For each load both servers are started once, warmed up (not measured), then measured in
# alternating rounds (sockq, beanstalkd, sockq, ...) with the same client (`sockq bench`).
# Server CPU per job comes from /proc/PID/stat (user+system ticks) over each round's measured part.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-3}
# Each round's client connects anew, and new connections send sockq's JIT through about 3 s of
# deoptimizing and recompiling (-XX:+LogCompilation: class_check and unstable_if traps in the
# connection and framing paths); a round measures the steady state after it.
WARMUP=${WARMUP:-4}
SERVER_WARMUP=${SERVER_WARMUP:-8}
OUT=${OUT:-BENCHMARKS.md}
SOCKQ_PORT=11390
BS_PORT=11391
JAR=target/sockq.jar
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

if ! command -v beanstalkd >/dev/null 2>&1; then
  echo "compare: installing Debian's beanstalkd" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq beanstalkd >/dev/null
fi
[ -f "$JAR" ] || mvn -B -q -DskipTests package
cp "$JAR" "$work/sockq.jar"   # a rebuild during the run must not change what is measured
JAR="$work/sockq.jar"

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
# column_median FIELD sq|bs: the median over one load's rounds of one field of one_round's output
column_median() { cut -d' ' -f"$1" "$work/$2.txt" | median; }

# start_servers "<sockq args>" "<beanstalkd args>": fresh data folders, both listening
start_servers() {
  rm -rf "$work/sq" "$work/bs"; mkdir -p "$work/sq" "$work/bs"
  (cd "$work/sq" && exec java -jar "$JAR" -p $SOCKQ_PORT --udp-port -1 $1) 2>"$work/sockq.log" &
  SQ=$!; pids+=("$SQ")
  (cd "$work/bs" && exec beanstalkd -l 127.0.0.1 -p $BS_PORT $2) 2>"$work/beanstalkd.log" &
  BS=$!; pids+=("$BS")
  wait_port $SOCKQ_PORT && wait_port $BS_PORT
}
stop_servers() { kill "$SQ" "$BS" 2>/dev/null || true; wait "$SQ" "$BS" 2>/dev/null || true; }

# one_round PORT PID "<bench args>" -> prints "jobs_per_sec p99_us cpu_us_per_job"
# Each round first runs its load unmeasured for WARMUP seconds on the same connections (the client is
# a fresh JVM per round; cold, it limited the fastest loads), then measures; bench reads the server's
# CPU time from /proc/PID/stat over the measured part only.
one_round() {
  local line
  line=$(java -jar "$JAR" bench --server 127.0.0.1:"$1" --quiet --warmup "$WARMUP" --server-pid "$2" $3 \
    | grep '^RESULT ' | sed 's/^RESULT //')
  python3 - "$line" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
if r["errors"]: raise SystemExit("bench reported errors: %s" % r)
print("%.0f %.0f %.2f %.2f" % (r["jobs_per_sec"], r["p99_us"], r["server_cpu_us_per_job"], r["server_sys_us_per_job"]))
PY
}

rows=()
# case NAME "<bench args>" "<sockq server args>" "<beanstalkd server args>"
run_case() {
  local name=$1 args=$2 sargs=$3 bargs=$4
  if [ -n "${ONLY:-}" ] && ! [[ $name =~ $ONLY ]]; then return; fi
  echo "compare: $name" >&2
  start_servers "$sargs" "$bargs"
  # both servers get the same warm-up; sockq's JIT (C2) keeps compiling for about 8 s of load. Put
  # loads warm up as cycles, which leave no jobs behind: a timed put warm-up would store more jobs
  # in the faster server and make its measured rounds work on a bigger heap.
  local warm=${args//-n [0-9]*/}
  warm=${warm/--mode put/--mode cycle}
  java -jar "$JAR" bench --server 127.0.0.1:$SOCKQ_PORT --quiet --duration "$SERVER_WARMUP" $warm >/dev/null || true
  java -jar "$JAR" bench --server 127.0.0.1:$BS_PORT --quiet --duration "$SERVER_WARMUP" $warm >/dev/null || true
  : >"$work/sq.txt"; : >"$work/bs.txt"
  for _ in $(seq 1 "$ROUNDS"); do
    one_round $SOCKQ_PORT "$SQ" "$args" >>"$work/sq.txt"
    one_round $BS_PORT "$BS" "$args" >>"$work/bs.txt"
  done
  stop_servers
  local sj bj sp bp sc bc ssys bsys
  sj=$(column_median 1 sq); bj=$(column_median 1 bs)
  sp=$(column_median 2 sq); bp=$(column_median 2 bs)
  sc=$(column_median 3 sq); bc=$(column_median 3 bs)
  ssys=$(column_median 4 sq); bsys=$(column_median 4 bs)
  rows+=("| $name | \`$args\` | $sj | $bj | $(awk -v a="$sj" -v b="$bj" 'BEGIN {printf "%.2f", a / b}') | $sp | $bp | $sc ($ssys) | $bc ($bsys) |")
}

run_case "put c=1 d=1"          "--mode put -c 1 -d 1 -n 20000"         "--in-memory" ""
run_case "put c=50 d=1"         "--mode put -c 50 -d 1 -n 200000"       "--in-memory" ""
# d=16 stores about 1.8M jobs a round (each round's timed warm-up included) and the rounds add up:
# past sockq's default memory budget (half the heap) puts would answer OUT_OF_MEMORY, so it gets 4 GB
run_case "put c=50 d=16"        "--mode put -c 50 -d 16 -n 400000"      "--in-memory --max-job-bytes 4000000000" ""
run_case "cycle c=50 d=1"       "--mode cycle -c 50 -d 1 -n 100000"     "--in-memory" ""
run_case "prodcons c=100"       "--mode prodcons -c 100 -n 100000"      "--in-memory" ""
run_case "cycle c=50 4 KiB"     "--mode cycle -c 50 -d 1 --size 4096 -n 50000" "--in-memory" ""
run_case "cycle c=50, 8 tubes, 1 shard" "--mode cycle -c 50 -d 1 --tubes 8 -n 100000" "--in-memory" ""
run_case "cycle c=50, 8 tubes, 2 shards x 2 TCP" "--mode cycle -c 50 -d 1 --tubes 8 -n 100000" "--in-memory --daemon-shards 2 --tcp-instances 2" ""
run_case "put c=1 d=1, --single-thread" "--mode put -c 1 -d 1 -n 20000" "--in-memory --single-thread" ""
run_case "cycle c=50 d=1, --single-thread" "--mode cycle -c 50 -d 1 -n 100000" "--in-memory --single-thread" ""
run_case "put c=1 d=1, --daemon-spin-us 0" "--mode put -c 1 -d 1 -n 20000" "--in-memory --daemon-spin-us 0" ""
run_case "cycle c=50 d=1, --daemon-spin-us 0" "--mode cycle -c 50 -d 1 -n 100000" "--in-memory --daemon-spin-us 0" ""
run_case "put c=50 d=1, --transport io_uring" "--mode put -c 50 -d 1 -n 200000" "--in-memory --transport io_uring" ""
run_case "cycle c=50 d=1, --transport io_uring" "--mode cycle -c 50 -d 1 -n 100000" "--in-memory --transport io_uring" ""
run_case "prodcons c=100, --transport io_uring" "--mode prodcons -c 100 -n 100000" "--in-memory --transport io_uring" ""
run_case "cycle c=50 d=1, --single-thread --transport io_uring" "--mode cycle -c 50 -d 1 -n 100000" "--in-memory --single-thread --transport io_uring" ""
run_case "prodcons c=100, --single-thread --transport io_uring" "--mode prodcons -c 100 -n 100000" "--in-memory --single-thread --transport io_uring" ""
run_case "journal put c=50, fsync always vs -f 0" "--mode put -c 50 -d 1 -n 100000" "--fsync always" "-b . -f 0"
run_case "journal put c=50, fsync 200 ms vs -f 200" "--mode put -c 50 -d 1 -n 100000" "--fsync 200" "-b . -f 200"
run_case "journal put c=50, never vs -F" "--mode put -c 50 -d 1 -n 100000" "--fsync never" "-b . -F"

if [ -z "${ONLY:-}" ]; then
  echo "compare: memory after 1,000,000 jobs of 100 bytes" >&2
  start_servers "--in-memory" ""
  java -jar "$JAR" bench --server 127.0.0.1:$SOCKQ_PORT --quiet --mode put -c 50 -d 16 -n 1000000 >/dev/null
  java -jar "$JAR" bench --server 127.0.0.1:$BS_PORT --quiet --mode put -c 50 -d 16 -n 1000000 >/dev/null
  srss=$(rss_kb "$SQ"); brss=$(rss_kb "$BS")
  # then idle: sockq's heap trim runs after 5 s without a collection (README, Memory); poll, at most 20 s
  for _ in $(seq 1 40); do sleep 0.5; [ "$(rss_kb "$SQ")" -lt $((srss * 9 / 10)) ] && break; done
  sleep 1; srss_idle=$(rss_kb "$SQ"); brss_idle=$(rss_kb "$BS")
  stop_servers
fi

{
  echo "# Benchmarks"
  echo
  echo "Measured by \`${ONLY:+ONLY='$ONLY' }ROUNDS=$ROUNDS bash bench/compare.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores,"
  echo "$(java -version 2>&1 | head -1), $(beanstalkd -v 2>&1). Client: \`sockq bench\` on the same"
  echo "machine (it shares the cores with the server). Medians of $ROUNDS alternating rounds per"
  echo "load, after $SERVER_WARMUP s of the load on each fresh server (both; put loads warm up as cycles, which"
  echo "store nothing), each round measured after $WARMUP s"
  echo "of the same load unmeasured (\`bench --warmup $WARMUP\`);"
  echo "ratio = sockq / beanstalkd jobs per second, taken in the same run. CPU = server CPU time"
  echo "(user + system, \`bench --server-pid\`) per job over the measured part; in brackets its"
  echo "system (kernel) part, medians each, so the two need not add up across columns."
  echo
  echo "| load | bench arguments | sockq jobs/s | beanstalkd jobs/s | ratio | sockq p99 µs | beanstalkd p99 µs | sockq CPU µs/job | beanstalkd CPU µs/job |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  if [ -z "${ONLY:-}" ]; then   # a partial run writes the table only
    echo "Memory (RSS) with 1,000,000 ready jobs of 100 bytes, once idle: sockq $((srss_idle / 1024)) MiB, beanstalkd $((brss_idle / 1024)) MiB"
    echo "($(awk -v a="$srss_idle" -v b="$brss_idle" 'BEGIN {printf "%.2f", a / b}')x; right after the last put: sockq $((srss / 1024)) MiB, beanstalkd $((brss / 1024)) MiB)."
    if [ -f bench/extra.md ]; then echo; cat bench/extra.md; fi
    if [ -f bench/jmh.md ]; then echo; cat bench/jmh.md; fi   # written by bench/jmh.sh
  fi
} >"$OUT"
echo "compare: wrote $OUT" >&2
