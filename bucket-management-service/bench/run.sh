#!/usr/bin/env bash
# Benchmarks the BMS over HTTP with wrk (Debian's wrk 4.1): single acquire on 1 key and on 10k keys, the batch
# endpoint (100 decisions per request), a trivial endpoint of the same Vert.x server as the ceiling (/health/live),
# and the latency at half the maximum single-acquire rate.
#
#   bucket-management-service/bench/run.sh            # 15 s per measurement after a warm-up
#   DURATION=30s THREADS=2 CONNECTIONS=64 bucket-management-service/bench/run.sh
#
# It starts one BMS member (embedded Hazelcast on loopback, a fresh data directory) from bms.jar, building it if needed.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BENCH=$ROOT/bucket-management-service/bench
JAR=${JAR:-$ROOT/bucket-management-service/target/bms.jar}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-20s}
# the pause of the paced run (see below); the other runs must not pause
DELAY_MS=${BENCH_DELAY_MS:-2}
unset BENCH_DELAY_MS
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
# fewer batch requests in flight: each carries 100 decisions
BATCH_CONNECTIONS=${BATCH_CONNECTIONS:-16}
PORT=${PORT:-18090}
HZ_PORT=${HZ_PORT:-15790}
URL=http://127.0.0.1:$PORT

. "$BENCH/common.sh"
# A rule that grants (almost) everything: the benchmark measures decisions, not denials.
curl -fs -X PUT "$URL/v1/rules/bench" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"match":"bench:*","capacity":1000000000,"refillPerSecond":1000000000}' >/dev/null

conditions >&2
echo "warming up ($WARMUP per endpoint) ..." >&2
for s in one-key many-keys batch; do
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$BENCH/$s.lua" "$URL" >/dev/null
done
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$URL/health/live" >/dev/null

echo "measuring ($DURATION each, $THREADS threads, $CONNECTIONS connections) ..." >&2
read -r CEIL_RPS CEIL_P50 CEIL_P99 < <(measure -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$URL/health/live")
read -r ONE_RPS ONE_P50 ONE_P99 < <(measure -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$BENCH/one-key.lua" "$URL")
read -r MANY_RPS MANY_P50 MANY_P99 < <(measure -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$BENCH/many-keys.lua" "$URL")
read -r BATCH_RPS BATCH_P50 BATCH_P99 < <(measure -t"$THREADS" -c"$BATCH_CONNECTIONS" -d"$DURATION" -s "$BENCH/batch.lua" "$URL")
# For comparison only: the same batches on one key (one partition), to show what HTTP and JSON alone allow.
read -r BATCH1_RPS BATCH1_P50 BATCH1_P99 < <(BENCH_KEYS=1 measure -t"$THREADS" -c"$BATCH_CONNECTIONS" -d"$DURATION" -s "$BENCH/batch.lua" "$URL")

# Half the maximum rate, without wrk2's fixed-rate mode: each connection pauses DELAY_MS after every answer,
# so C connections offer about C / (pause + latency) requests/s. Calibrate C on a short run, then measure.
TARGET=$(( MANY_RPS / 2 ))
export BENCH_DELAY_MS=$DELAY_MS
CONNS=$(( TARGET * DELAY_MS / 1000 + 1 ))
for _ in 1 2 3; do
  read -r CAL_RPS _ _ < <(measure -t"$THREADS" -c"$CONNS" -d5s -s "$BENCH/many-keys.lua" "$URL")
  CONNS=$(awk -v c="$CONNS" -v t="$TARGET" -v r="$CAL_RPS" 'BEGIN { n = int(c * t / (r > 0 ? r : 1) + 0.5); print (n < 1 ? 1 : n) }')
done
CONNS=$(( CONNS < THREADS ? THREADS : CONNS ))
read -r HALF_RPS HALF_P50 HALF_P99 < <(measure -t"$THREADS" -c"$CONNS" -d"$DURATION" -s "$BENCH/many-keys.lua" "$URL")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", 100 * a / b }'; }
cat <<TABLE

| measure | requests/s | decisions/s | p50 ms | p99 ms |
|---|---:|---:|---:|---:|
| ceiling: GET /health/live (same server) | $CEIL_RPS | - | $CEIL_P50 | $CEIL_P99 |
| single acquire, 1 key | $ONE_RPS | $ONE_RPS | $ONE_P50 | $ONE_P99 |
| single acquire, 10k keys | $MANY_RPS | $MANY_RPS | $MANY_P50 | $MANY_P99 |
| batch, 100 decisions/request, 10k keys ($BATCH_CONNECTIONS conns) | $BATCH_RPS | $(( BATCH_RPS * 100 )) | $BATCH_P50 | $BATCH_P99 |
| (comparison) batch, 100 decisions/request, all on 1 key | $BATCH1_RPS | $(( BATCH1_RPS * 100 )) | $BATCH1_P50 | $BATCH1_P99 |
| single acquire, 10k keys, paced to ~half of max ($CONNS conns, ${DELAY_MS} ms pause) | $HALF_RPS | $HALF_RPS | $HALF_P50 | $HALF_P99 |

single acquire vs ceiling: 1 key $(ratio "$ONE_RPS" "$CEIL_RPS"), 10k keys $(ratio "$MANY_RPS" "$CEIL_RPS") (target >= 60%)
batch decisions/s vs single (10k keys): $(awk -v a="$BATCH_RPS" -v b="$MANY_RPS" 'BEGIN { printf "%.1fx", 100 * a / b }') (target >= 10x)
p99 at half the max rate: ${HALF_P99} ms (target <= 2 ms, issue 18)
TABLE
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "raw wrk output: $WORK/wrk.txt (removed on exit; set KEEP=1 to copy it to ./bench-wrk.txt)" >&2
[ "${KEEP:-0}" = 1 ] && cp "$WORK/wrk.txt" ./bench-wrk.txt
exit 0
