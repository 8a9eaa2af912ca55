#!/usr/bin/env bash
# Two builds of the BMS side by side, in alternating pairs (needs wrk: apt-get install -y wrk): a baseline jar
# (BASE_JAR) and a candidate (JAR, default the worktree's bms.jar), each a member alone in its own cluster, both
# running for the whole run. In each of PAIRS rounds, each member in turn: its own GET /health/live, a single acquire
# on one key (hot keys on, as by default), a single acquire over 10,000 keys, and then one key and 10,000 keys paced
# to about half of the baseline's 10k-key maximum (the same connections and pause for both, calibrated once on the
# baseline): at the same offered rate, the CPU per request compares the builds without a busy machine's say in how
# many requests each wake-up of an event loop finds.
# It prints one row per member and round: the rates, the decision rates as ratios of that member's /health/live just
# before (a busy machine moves numerator and denominator together), and the member's CPU time per request (user +
# system from /proc/<pid>/stat over the run: what a loaded machine distorts least); compare the members within a round.
#
#   BASE_JAR=/tmp/old-bms.jar bucket-management-service/bench/decision-pairs.sh
#   PAIRS=5 DURATION=10s BASE_JAR=/tmp/old-bms.jar bucket-management-service/bench/decision-pairs.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BENCH=$ROOT/bucket-management-service/bench
: "${BASE_JAR:?set BASE_JAR to the baseline bms.jar}"
JAR=${JAR:-$ROOT/bucket-management-service/target/bms.jar}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-10s}
PAIRS=${PAIRS:-3}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
DELAY_MS=${DELAY_MS:-2}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

start() { # name jar port hz-port
  # shellcheck disable=SC2086
  java -Xms1g -Xmx1g ${BENCH_JAVA_OPTS:-} -jar "$2" --port "$3" --hazelcast-port "$4" --cluster-name "pairs-$1-$$" \
    --data-dir "$WORK/$1" >"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
}
start base "$BASE_JAR" 18291 15691
BASE_PID=$!
start cand "$JAR" 18292 15692
CAND_PID=$!
for u in http://127.0.0.1:18291 http://127.0.0.1:18292; do
  for _ in $(seq 1 120); do curl -fs "$u/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fs "$u/health/ready" >/dev/null || { cat "$WORK"/*.log; exit 1; }
done
for m in base:18291 cand:18292; do
  curl -fs -X PUT "http://127.0.0.1:${m#*:}/v1/rules/bench" -H "Authorization: Bearer $(cat "$WORK/${m%%:*}/admin-token")" \
    -H 'Content-Type: application/json' -d '{"match":"bench:*","capacity":1000000000,"refillPerSecond":1000000000}' >/dev/null
done

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
TICKS_PER_S=$(getconf CLK_TCK)

# measure PID wrk-args... -> "requests/s p99 cpu-us-per-request" (p99 in ms) of wrk --latency against member PID
measure() {
  local pid=$1 before out
  shift
  before=$(cpu_ticks "$pid")
  out=$(wrk --latency "$@")
  echo "$out" | awk -v ticks="$(( $(cpu_ticks "$pid") - before ))" -v hz="$TICKS_PER_S" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Non-2xx/ { bad = 1 }
    /requests in/ { n = $1 }
    /Requests\/sec/ { rps = $2 }
    $1 == "99%" { p99 = ms($2) }
    END { if (bad) { print "non-2xx answers" > "/dev/stderr"; exit 1 } printf "%.0f %.2f %.1f\n", rps, p99, ticks * 1e6 / hz / n }'
}

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, base $BASE_JAR, candidate $JAR," \
  "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "warming up ($WARMUP per endpoint and member) ..." >&2
for u in http://127.0.0.1:18291 http://127.0.0.1:18292; do
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$BENCH/one-key.lua" "$u" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$BENCH/many-keys.lua" "$u" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$u/health/live" >/dev/null
done
# the paced load: connections for about half of the baseline's 10k-key maximum, with a pause after every answer
read -r MAX _ < <(measure "$BASE_PID" -t"$THREADS" -c"$CONNECTIONS" -d5s -s "$BENCH/many-keys.lua" http://127.0.0.1:18291)
PACED=$(( MAX / 2 * DELAY_MS / 1000 + 1 ))
for _ in 1 2; do
  read -r R _ < <(BENCH_DELAY_MS=$DELAY_MS measure "$BASE_PID" -t"$THREADS" -c"$PACED" -d5s -s "$BENCH/many-keys.lua" http://127.0.0.1:18291)
  PACED=$(awk -v c="$PACED" -v t="$(( MAX / 2 ))" -v r="$R" 'BEGIN { n = int(c * t / (r > 0 ? r : 1) + 0.5); print (n < 2 ? 2 : n) }')
done
echo "paced: $PACED connections, ${DELAY_MS} ms pause (baseline max $MAX/s)" >&2

echo "| pair | build | /health/live req/s | 1 key req/s | 1 key / live | 10k keys req/s | 10k / live | CPU µs/req live | 1 key | 10k keys | paced 1 key µs/req | paced 10k µs/req | paced 10k req/s | paced 10k p99 ms | load avg |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for p in $(seq 1 "$PAIRS"); do
  for m in base:18291:$BASE_PID cand:18292:$CAND_PID; do
    IFS=: read -r name port pid <<<"$m"
    u=http://127.0.0.1:$port
    read -r L _ LC < <(measure "$pid" -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$u/health/live")
    read -r H _ HC < <(measure "$pid" -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$BENCH/one-key.lua" "$u")
    read -r K _ KC < <(measure "$pid" -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$BENCH/many-keys.lua" "$u")
    read -r _ _ PHC < <(BENCH_KEY=bench:one BENCH_DELAY_MS=$DELAY_MS measure "$pid" -t"$THREADS" -c"$PACED" -d"$DURATION" -s "$BENCH/key.lua" "$u")
    read -r P P99 PC < <(BENCH_DELAY_MS=$DELAY_MS measure "$pid" -t"$THREADS" -c"$PACED" -d"$DURATION" -s "$BENCH/many-keys.lua" "$u")
    echo "| $p | $name | $L | $H | $(awk -v a="$H" -v b="$L" 'BEGIN { printf "%.2f", a / b }') | $K |" \
      "$(awk -v a="$K" -v b="$L" 'BEGIN { printf "%.2f", a / b }') | $LC | $HC | $KC | $PHC | $PC | $P | $P99 |" \
      "$(cut -d' ' -f1-3 /proc/loadavg) |"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
