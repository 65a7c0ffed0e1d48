#!/usr/bin/env bash
# JMH benchmarks of the daemon core alone (dev.sockq.daemon.Daemon driven with Commands, no
# sockets, no event bus): builds target/benchmarks.jar (-Pjmh), runs every benchmark with the gc
# profiler (bytes allocated per op) and writes the table to bench/jmh.md, which bench/compare.sh
# appends to BENCHMARKS.md.
#
#   bash bench/jmh.sh                                   # all benchmarks, JMH_ARGS below
#   JMH_ARGS="-f 1 -wi 2 -i 3 -w 1s -r 1s" bash bench/jmh.sh Cycle   # shorter, one benchmark
set -euo pipefail
cd "$(dirname "$0")/.."
JMH_ARGS=${JMH_ARGS:-"-f 1 -wi 3 -i 5 -w 2s -r 2s"}
OUT=${OUT:-bench/jmh.md}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mvn -B -q -Pjmh -DskipTests package
# shellcheck disable=SC2086
java -jar target/benchmarks.jar $JMH_ARGS -prof gc -rf json -rff "$work/jmh.json" "$@" >&2

python3 - "$work/jmh.json" "$JMH_ARGS" "$*" "$(date -u +%Y-%m-%d)" "$(nproc)" "$(java -version 2>&1 | head -1)" >"$OUT" <<'PY'
import json, statistics, sys
results, args, only, day, cores, jvm = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
op = {
    "PutBenchmark.put": "put (one session, one tube)",
    "CycleBenchmark.putReserveDelete": "put, reserve, delete",
    "FanInBenchmark.putToWaitingWorker": "put into 10 tubes, handed to 1 of 10 waiting workers; its delete + reserve",
    "ReleaseBuryKickBenchmark.releaseBuryKick": "reserve + release, reserve + bury, kick 1 (tube of 1,000)",
    "MillionJobsBenchmark.reserveDeletePut": "reserve, delete, put (tube of 1,000,000 ready jobs)",
}
cmd = "java -jar target/benchmarks.jar %s -prof gc%s" % (args, (" " + only) if only else "")
print("## Daemon core (JMH)")
print()
print("Measured by `bash bench/jmh.sh%s` on %s, %s cores, %s, that is:" % ((" " + only) if only else "", day, cores, jvm))
print()
print("```sh")
print("mvn -B -q -Pjmh -DskipTests package && %s" % cmd)
print("```")
print()
print("The daemon alone, fed as DaemonVerticle feeds it (one `submit` per client read, then every")
print("touched session's output taken), with the system clock and 100-byte bodies; each command of an")
print("op is its own read. ops/s: median of the measured iterations, then JMH's mean and 99.9% error")
print("(the machine is shared, so the error is wide); B/op: bytes allocated per op (`-prof gc`),")
print("including the Command objects the harness makes as the parser would (about 100 B per command")
print("that carries a job id or priority).")
print()
print("| benchmark | one op | ops/s (median) | ops/s (mean ± error) | B/op |")
print("|---|---|---|---|---|")
for r in results:
    name = ".".join(r["benchmark"].split(".")[-2:])
    pm = r["primaryMetric"]
    raw = [x for fork in pm["rawData"] for x in fork]
    norm = r["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score", float("nan"))
    print("| %s | %s | %.0f | %.0f ± %.0f | %.0f |" % (name, op.get(name, ""), statistics.median(raw), pm["score"], pm["scoreError"], norm))
PY
echo "jmh: wrote $OUT" >&2
