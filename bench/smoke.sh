#!/usr/bin/env bash
# Starts `java -jar target/sockq.jar` on its defaults, checks it answers a beanstalkd
# client on 127.0.0.1:11300, then stops it with SIGTERM and expects exit code 0.
set -euo pipefail
cd "$(dirname "$0")/.."
if (exec 3<>/dev/tcp/127.0.0.1/11300) 2>/dev/null; then
  echo "smoke: port 11300 is already in use here; skipping the default-port start check"
  exit 0
fi
extra=()
if (exec 3<>/dev/tcp/127.0.0.1/11380) 2>/dev/null; then
  echo "smoke: port 11380 (health and metrics) is in use here; starting with --http-port 0"
  extra=(--http-port 0)
fi
log=$(mktemp)
work=$(mktemp -d)
jar="$PWD/target/sockq.jar"
start=$(date +%s%N)
(cd "$work" && exec java -jar "$jar" "${extra[@]}") 2>"$log" &
pid=$!
trap 'kill -9 $pid 2>/dev/null || true; rm -rf "$log" "$work"' EXIT
for _ in $(seq 1 300); do
  grep -q "sockq listening tcp=127.0.0.1:11300" "$log" && break
  kill -0 $pid 2>/dev/null || { cat "$log"; echo "smoke: sockq exited"; exit 1; }
  sleep 0.1
done
grep -q "sockq listening tcp=127.0.0.1:11300" "$log" || { cat "$log"; echo "smoke: no listening line"; exit 1; }
echo "smoke: listening after $(( ($(date +%s%N) - start) / 1000000 )) ms"
exec 3<>/dev/tcp/127.0.0.1/11300
printf 'put 0 0 10 5\r\nhello\r\nreserve\r\n' >&3
read -r -t 5 inserted <&3
read -r -t 5 reserved <&3
read -r -t 5 body <&3
exec 3>&-
[ "${inserted%$'\r'}" = "INSERTED 1" ] && [ "${reserved%$'\r'}" = "RESERVED 1 5" ] && [ "${body%$'\r'}" = "hello" ] \
  || { echo "smoke: unexpected replies: $inserted / $reserved / $body"; exit 1; }
kill -TERM $pid
code=0
wait $pid || code=$?
[ "$code" = 0 ] || { cat "$log"; echo "smoke: exit code $code after SIGTERM"; exit 1; }
echo "smoke: ok (put/reserve over TCP, SIGTERM exit 0)"
