#!/usr/bin/env bash
# The tail of paced single acquires with many buckets in one member: fills BUCKETS buckets (single acquires over that
# many random keys at full speed), then offers a paced load (CONNECTIONS, below) over the same keys for DURATION and
# prints p99, p99.9, p99.99 and the maximum, with the member's young-collection pauses in that time (-Xlog:gc).
#
#   BUCKETS=200000 bucket-management-service/bench/tail-at-scale.sh
#   BUCKETS=200000 BENCH_JAVA_OPTS="-XX:+UseZGC" bucket-management-service/bench/tail-at-scale.sh
#   BUCKETS=200000 SETTLE=120s JAR=/tmp/other.jar bucket-management-service/bench/tail-at-scale.sh
#
# SETTLE: paced load, not measured, between the fill and the measurement. The buckets the fill created stay in G1's
# survivor spaces for up to 15 young collections (about 100 s here) and are copied at each one; a member that has held
# its buckets for longer has them in the old generation, which SETTLE=120s reproduces.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BENCH=$ROOT/bucket-management-service/bench
JAR=${JAR:-$ROOT/bucket-management-service/target/bms.jar}
BUCKETS=${BUCKETS:-200000}
DURATION=${DURATION:-65s}
# paced connections, each pausing 2 ms after every answer: 40 offer about 14,000 decisions/s here
CONNECTIONS=${CONNECTIONS:-40}
PORT=${PORT:-18190}
HZ_PORT=${HZ_PORT:-15890}
URL=http://127.0.0.1:$PORT
GC_LOG=$(mktemp)
export BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-} -Xlog:gc:file=$GC_LOG:uptime"
. "$BENCH/common.sh"
trap 'rm -f "$GC_LOG"; cleanup' EXIT
curl -fs -X PUT "$URL/v1/rules/bench" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"match":"bench:*","capacity":1000000000,"refillPerSecond":1000000000}' >/dev/null

conditions
BENCH_KEYS=$BUCKETS wrk -t2 -c64 -d25s -s "$BENCH/many-keys.lua" "$URL" >/dev/null
echo "buckets in the member: $(curl -fs "$URL/metrics" | awk '/^bms_bucket_budget_used / { print $2 }')"
# the paced load, for $1
paced() { BENCH_DIR=$BENCH BENCH_KEYS=$BUCKETS BENCH_DELAY_MS=2 wrk -t2 -c"$CONNECTIONS" -d"$1" -s "$BENCH/tail.lua" "$URL"; }
if [ -n "${SETTLE:-}" ]; then
  paced "$SETTLE" >/dev/null
fi
before=$(grep -c 'Pause Young' "$GC_LOG" || true)
paced "$DURATION" | grep -E 'Requests/sec|^tail|Non-2xx'
pauses=$(grep 'Pause Young' "$GC_LOG" | tail -n +$((before + 1)) | awk '{ print $NF }' | sed 's/ms$//' | sort -n)
echo "young pauses while paced: $(echo "$pauses" | grep -c . || true), median and max $(echo "$pauses" | awk 'NF { a[++n] = $1 } END { print (n ? a[int((n + 1) / 2)] " ms and " a[n] " ms" : "-") }') (none with ZGC: it does not pause to collect)"
