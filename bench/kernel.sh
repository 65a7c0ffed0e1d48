#!/usr/bin/env bash
# Where a depth-1 job's server CPU goes, sockq beside Debian's beanstalkd: TCP segments, system
# calls and (for sockq) CPU per thread, per job. Prints markdown table rows.
#
#   ROUNDS=3 bash bench/kernel.sh                                  # cycle c=50, 60000 jobs a round
#   LOAD='--mode prodcons -c 100 -n 60000' bash bench/kernel.sh
#   SOCKQ_ARGS='--transport io_uring' bash bench/kernel.sh            # flags for the sockq server
#
# Segments come from nstat (the whole machine's counters: run it on a quiet machine), system calls
# from perf's syscall tracepoints on the server process, both per job over one run of the load.
# CPU comes from a second run without perf (its tracepoints make each system call dearer): per job
# from bench --server-pid over the part measured after 4 s of warm-up, and its split by thread from
# /proc/PID/task/*/stat over the whole run. Both servers are warmed up first; rounds alternate.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-3}
LOAD=${LOAD:---mode cycle -c 50 -d 1 -n 60000}
SOCKQ_PORT=11388
BS_PORT=11387
for tool in beanstalkd:beanstalkd perf:linux-perf nstat:iproute2; do
  if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
    echo "kernel: installing Debian's ${tool#*:}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${tool#*:}" >/dev/null
  fi
done
[ -f target/sockq.jar ] || mvn -B -q -DskipTests package
work=$(mktemp -d)
cp target/sockq.jar "$work/sockq.jar"
JAR="$work/sockq.jar"
mkdir "$work/sq"
(cd "$work/sq" && exec java -jar "$JAR" -p $SOCKQ_PORT --udp-port -1 --http-port -1 --in-memory ${SOCKQ_ARGS:-}) 2>"$work/sockq.log" &
SQ=$!
beanstalkd -l 127.0.0.1 -p $BS_PORT 2>"$work/beanstalkd.log" &
BS=$!
disown $SQ $BS
trap 'kill -9 $SQ $BS 2>/dev/null || true; rm -rf "$work"' EXIT
for port in $SOCKQ_PORT $BS_PORT; do
  wait_port $port
  java -jar "$JAR" bench --server 127.0.0.1:$port --quiet --duration 8 --mode cycle -c 50 >/dev/null
done

SYSCALLS="read write writev readv sendto recvfrom sendmsg recvmsg epoll_wait epoll_pwait epoll_pwait2 epoll_ctl futex io_uring_enter"
events="raw_syscalls:sys_enter"
for s in $SYSCALLS; do events="$events,syscalls:sys_enter_$s"; done

# cpu_by_thread PID -> "thread-group user-ticks system-ticks" lines, thread names folded into groups
cpu_by_thread() {
  for f in /proc/"$1"/task/*/stat; do cat "$f" 2>/dev/null || true; done | python3 -c '
import sys, re
for line in sys.stdin:
    name = line[line.index("(") + 1:line.rindex(")")]
    f = line[line.rindex(")") + 2:].split()
    group = ("event loops" if name.startswith("vert.x-eventloo") else "daemon" if name.startswith("sockq-daemon")
             else "JIT and GC" if re.match(r"(C[12] Compiler|GC |G1 |VM Thread)", name) else "other")
    print(group, f[11], f[12])'
}

# one_round NAME PORT PID -> one table row
one_round() {
  local name=$1 port=$2 pid=$3
  # counting: perf's tracepoints make every system call dearer, so CPU is measured in a run of its own
  nstat -n >/dev/null
  perf stat -x, -e "$events" -p "$pid" -o "$work/perf" &
  local perf_pid=$!
  sleep 0.5 # perf attaches to every thread first
  java -jar "$JAR" bench --server 127.0.0.1:"$port" --quiet $LOAD | grep '^RESULT ' | sed 's/^RESULT //' >"$work/counted"
  kill -INT $perf_pid; wait $perf_pid 2>/dev/null || true
  nstat 2>/dev/null >"$work/nstat"
  cpu_by_thread "$pid" >"$work/before"
  # new connections send sockq's JIT through a few seconds of recompiling: bench measures after 4 s
  java -jar "$JAR" bench --server 127.0.0.1:"$port" --quiet --warmup 4 --server-pid "$pid" $LOAD \
    | grep '^RESULT ' | sed 's/^RESULT //' >"$work/result"
  cpu_by_thread "$pid" >"$work/after"
  python3 - "$name" "$work" <<'PY'
import json, os, sys, collections
name, work = sys.argv[1], sys.argv[2]
r = json.load(open(os.path.join(work, "result")))
if r["errors"]:
    raise SystemExit("bench reported errors: %s" % r)
counted = json.load(open(os.path.join(work, "counted")))
if counted["errors"]:
    raise SystemExit("bench reported errors: %s" % counted)
cjobs = counted["jobs"]
segs = {l.split()[0]: int(l.split()[1]) for l in open(os.path.join(work, "nstat")) if l[:1].isalpha() and len(l.split()) > 1}
calls = {}
for line in open(os.path.join(work, "perf")):
    f = line.strip().split(",")
    if len(f) > 2 and f[0].isdigit():
        calls[f[2].split(":")[1].replace("sys_enter_", "")] = int(f[0])
def ticks(file):
    t = collections.Counter()
    for line in open(os.path.join(work, file)):
        g, u, s = line.rsplit(" ", 2)
        t[g + " user"] += int(u); t[g + " sys"] += int(s)
    return t
d = ticks("after"); d.subtract(ticks("before"))
total = sum(d.values()) or 1
pct = lambda t: 100.0 * t / total
top = ", ".join("%s %.1f" % (k, v / cjobs) for k, v in sorted(calls.items(), key=lambda kv: -kv[1])
                if k != "sys_enter" and v / cjobs >= 0.05)
groups = ", ".join("%s %.0f%% (system %.0f%%)" % (g, pct(d[g + " user"] + d[g + " sys"]), pct(d[g + " sys"]))
                   for g in ("event loops", "daemon", "JIT and GC", "other") if pct(d[g + " user"] + d[g + " sys"]) >= 1)
print("| %s | %.0f | %.2f | %.1f | %s | %.1f (%.1f) | %s |" % (
    name, r["jobs_per_sec"], segs.get("TcpOutSegs", 0) / cjobs, calls.get("sys_enter", 0) / cjobs, top,
    r["server_cpu_us_per_job"], r["server_sys_us_per_job"], groups if name == "sockq" else "one thread"))
PY
}

echo "Load: \`sockq bench $LOAD\`, sockq server flags: \`${SOCKQ_ARGS:-(none)}\`, ${ROUNDS} rounds each, $(date -u +%Y-%m-%d)"
echo
echo "| server | jobs/s | TCP segments sent per job | system calls per job | the most frequent, per job | server CPU µs/job (system) | server CPU by thread |"
echo "|---|---|---|---|---|---|---|"
for _ in $(seq 1 "$ROUNDS"); do
  one_round sockq $SOCKQ_PORT $SQ
  one_round beanstalkd $BS_PORT $BS
done
