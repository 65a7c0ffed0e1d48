# Helpers the bench scripts share; sourced, not run: . "$(dirname "$0")/lib.sh"

# median: the median of the numbers on stdin, one per line
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2}'; }

# wait_port PORT [TRIES] [INTERVAL]: until 127.0.0.1:PORT accepts a connection (200 x 0.05 s by
# default); fails after TRIES attempts
wait_port() {
  local tries=${2:-200} interval=${3:-0.05}
  for _ in $(seq 1 "$tries"); do
    (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
    sleep "$interval"
  done
  return 1
}
