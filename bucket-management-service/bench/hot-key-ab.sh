#!/usr/bin/env bash
# Hot key over HTTP, two builds side by side (needs wrk: apt-get install -y wrk).
#
# hot-key.sh measures one build; on a loaded machine two of its runs minutes apart differ more than two builds do.
# This starts a member from each of two jars at once (each alone in its own cluster, hot keys on), and in each of
# ROUNDS rounds measures on both, in an order that alternates every round (A then B, then B then A): the member's own
# GET /health/live, then single acquires on one key (bench/one-key.lua), each for DURATION. Per run it reports what
# hot-key.sh reports (requests/s, p99, the member's CPU per request from /proc/<pid>/stat), and per build the ratio of
# the hot key to the /health/live run just before it; at the end the median of each build's ratios and CPU figures.
#
#   A_JAR=/tmp/old.jar B_JAR=bucket-management-service/target/bms.jar bucket-management-service/bench/hot-key-ab.sh
#   ROUNDS=6 DURATION=5s A_JAR=... B_JAR=... bucket-management-service/bench/hot-key-ab.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BENCH=$ROOT/bucket-management-service/bench
A_JAR=${A_JAR:?the baseline jar}
B_JAR=${B_JAR:-$ROOT/bucket-management-service/target/bms.jar}
JAR=$A_JAR # common.sh starts the member of build A
DURATION=${DURATION:-5s}
WARMUP=${WARMUP:-10s}
ROUNDS=${ROUNDS:-4}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-18193}
HZ_PORT=${HZ_PORT:-15893}
B_PORT=${B_PORT:-18194}
B_HZ_PORT=${B_HZ_PORT:-15894}
URL=http://127.0.0.1:$PORT
B_URL=http://127.0.0.1:$B_PORT

export BMS_HOT_KEY_RATE=${BMS_HOT_KEY_RATE:-1000}
. "$BENCH/common.sh" # build A's member: $URL, $TOKEN, $WORK, $BMS_PID

start_second "$B_JAR" "$B_PORT" "$B_HZ_PORT" b
B_PID=$SECOND_PID
B_TOKEN=$SECOND_TOKEN

for m in "$URL $TOKEN" "$B_URL $B_TOKEN"; do
  set -- $m
  curl -fs -X PUT "$1/v1/rules/bench" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
    -d '{"match":"bench:*","capacity":1000000000,"refillPerSecond":1000000000}' >/dev/null
done

conditions >&2
echo "A: $A_JAR, B: $B_JAR; warming up ($WARMUP per endpoint and member) ..." >&2
for u in "$URL" "$B_URL"; do
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$BENCH/one-key.lua" "$u" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$u/health/live" >/dev/null
done

echo "| round | build | /health/live req/s | hot key req/s | ratio | live p99 ms | hot key p99 ms | CPU µs/req live, hot key | load avg |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---|"
: >"$WORK/ratios"
for r in $(seq 1 "$ROUNDS"); do
  order="A B"
  [ $((r % 2)) -eq 0 ] && order="B A"
  for build in $order; do
    u=$URL
    pid=$BMS_PID
    [ "$build" = B ] && u=$B_URL && pid=$B_PID
    read -r L_RPS _ L_P99 L_CPU < <(measure_cpu "$pid" -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$u/health/live")
    read -r H_RPS _ H_P99 H_CPU < <(measure_cpu "$pid" -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$BENCH/one-key.lua" "$u")
    RATIO=$(awk -v a="$H_RPS" -v b="$L_RPS" 'BEGIN { printf "%.2f", a / b }')
    echo "$build $RATIO $L_CPU $H_CPU" >>"$WORK/ratios"
    echo "| $r | $build | $L_RPS | $H_RPS | $RATIO | $L_P99 | $H_P99 | $L_CPU, $H_CPU | $(cut -d' ' -f1-3 /proc/loadavg) |"
  done
done

echo
for build in A B; do
  # medians of the ratio, live's CPU and the hot key's CPU per request
  awk -v b="$build" '$1 == b { print $2, $3, $4 }' "$WORK/ratios" | awk '
    { r[NR] = $1; l[NR] = $2; h[NR] = $3 }
    function median(a, n,   i, j, t) {
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    END { printf "build '"$build"': median ratio %.2f, median CPU µs/req live %.1f, hot key %.1f (%d rounds)\n",
      median(r, NR), median(l, NR), median(h, NR), NR }'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
