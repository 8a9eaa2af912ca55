# Shared by the benchmark scripts (sourced): starts one BMS member from bms.jar on loopback (building the jar if
# needed) and defines measure(), measure_cpu() and start_second(). Expects JAR, PORT, HZ_PORT and URL; sets WORK, BMS_PID and TOKEN, and stops the
# member on exit.
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
[ -f "$JAR" ] || mvn -B -ntp -q -pl bucket-management-service -am package -DskipTests

WORK=$(mktemp -d)
# BENCH_JAVA_OPTS: extra JVM options for the member (for example a Hazelcast property to compare)
# shellcheck disable=SC2086
java -Xms1g -Xmx1g ${BENCH_JAVA_OPTS:-} -jar "$JAR" --port "$PORT" --hazelcast-port "$HZ_PORT" \
  --cluster-name "bench-$$" --data-dir "$WORK/data" >"$WORK/bms.log" 2>&1 &
BMS_PID=$!
cleanup() { kill "$BMS_PID" 2>/dev/null || true; wait "$BMS_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for _ in $(seq 1 120); do
  curl -fs "$URL/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "$URL/health/ready" >/dev/null || { cat "$WORK/bms.log"; exit 1; }
TOKEN=$(cat "$WORK/data/admin-token")

# The conditions of a run, for the record.
conditions() {
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(java -version 2>&1 | head -1), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)," \
    "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# wrk's --latency output -> "requests/s p50 p99" (latencies in ms)
measure() {
  local out
  out=$(wrk --latency "$@")
  echo "$out" >>"$WORK/wrk.txt"
  if echo "$out" | grep -q "Non-2xx"; then echo "$out" >&2; echo "non-2xx answers" >&2; exit 1; fi
  echo "$out" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    END { printf "%.0f %.2f %.2f\n", rps, p50, p99 }'
}

# CPU ticks (1/100 s) of a process so far, and the wall clock in ms
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# "rps p50 p99 cpu-us-per-request" of one wrk run against the member whose pid is $1
measure_cpu() {
  local pid=$1 t0 c0 out
  shift
  t0=$(now_ms)
  c0=$(ticks "$pid")
  out=$(measure "$@")
  awk -v o="$out" -v c="$(( $(ticks "$pid") - c0 ))" -v ms="$(( $(now_ms) - t0 ))" 'BEGIN {
    split(o, f, " "); printf "%s %s %s %.1f\n", f[1], f[2], f[3], c * 10000 / (f[1] * ms / 1000) }'
}

# A second member from jar $1 on HTTP port $2 and Hazelcast port $3, alone in its cluster, its data in $WORK/data-$4:
# waits until it is ready, sets SECOND_PID and SECOND_TOKEN, and stops it on exit (before cleanup).
start_second() {
  java -Xms1g -Xmx1g -jar "$1" --port "$2" --hazelcast-port "$3" --cluster-name "bench-$4-$$" \
    --data-dir "$WORK/data-$4" >"$WORK/bms-$4.log" 2>&1 &
  SECOND_PID=$!
  trap 'kill "$SECOND_PID" 2>/dev/null || true; wait "$SECOND_PID" 2>/dev/null || true; cleanup' EXIT
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$2/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
  SECOND_TOKEN=$(cat "$WORK/data-$4/admin-token")
}
