#!/usr/bin/env bash
# Decision latency with borrowing and without it (the transfer protocol, issue 6): one BMS member from bms.jar on
# loopback, and wrk with 8 connections that each pause 2 ms after every answer, so that the server is not saturated
# and the figures are the latency of a decision rather than of a queue.
#
#   bucket-management-service/bench/transfers.sh                 # 5 rounds of 10 s per key, after a warm-up
#   DELAY_MS=0 bucket-management-service/bench/transfers.sh      # saturated instead: as fast as 8 connections go
#   ROUNDS=3 DURATION=20s CONNECTIONS=16 bucket-management-service/bench/transfers.sh
#
# The keys take turns, round after round, so that a change in the machine's load (it may be shared) falls on all
# three alike; the table gives every round and the median.
#
# Three keys, one token per request:
#   - plain: a bucket that grants everything, in no pool (the decision path as it is without the protocol);
#   - alone: a bucket of 100 refilling 1/s, in no pool: once empty, every decision is a denial;
#   - borrowing: the same small bucket in a pool with one large lender: once empty, every denied decision borrows
#     4 tokens (its shortfall, 4 times ahead) and retries, so one decision in four pays for a transfer.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BENCH=$ROOT/bucket-management-service/bench
JAR=$ROOT/bucket-management-service/target/bms.jar
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-15s}
ROUNDS=${ROUNDS:-5}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-8}
DELAY_MS=${DELAY_MS:-2}
PORT=${PORT:-18091}
HZ_PORT=${HZ_PORT:-15791}
URL=http://127.0.0.1:$PORT

. "$BENCH/common.sh"

admin() { curl -fs -X "$1" "$URL$2" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
admin PUT /v1/rules/xb-plain '{"match":"xplain:*","capacity":1000000000,"refillPerSecond":1000000000}' >/dev/null
admin PUT /v1/rules/xb-alone '{"match":"xalone:*","capacity":100,"refillPerSecond":1}' >/dev/null
admin PUT /v1/rules/xb-lender '{"match":"xlend:*","capacity":1000000000,"refillPerSecond":1000000000,
  "transfer":{"pool":"xb","canLend":true}}' >/dev/null
admin PUT /v1/rules/xb-hot '{"match":"xhot:*","capacity":100,"refillPerSecond":1,
  "transfer":{"pool":"xb","canBorrow":true}}' >/dev/null
for key in xlend:one xhot:one; do
  curl -fs -X POST "$URL/v1/buckets/$key/acquire" -H 'Content-Type: application/json' -d '{}' >/dev/null
done
for _ in $(seq 1 50); do
  [ "$(admin GET /v1/pools/xb | grep -o '"key"' | wc -l)" = 2 ] && break
  sleep 0.2
done

conditions >&2
warm() {
  BENCH_KEY=$1 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$BENCH/key.lua" "$URL" >/dev/null
}
run() { # key -> "requests/s p50 p99 borrowing-decisions"
  local figures
  figures=$(BENCH_KEY=$1 measure -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$BENCH/key.lua" "$URL")
  echo "$figures $(grep 'borrowing decisions' "$WORK/wrk.txt" | tail -1 | awk '{ print $3 }')"
}
echo "measuring ($WARMUP warm-up per key, then $ROUNDS rounds of $DURATION per key; $THREADS threads," \
  "$CONNECTIONS connections, ${DELAY_MS} ms pause) ..." >&2
export BENCH_DELAY_MS=$DELAY_MS
KEYS="xplain:one xalone:one xhot:one"
for key in $KEYS; do warm "$key"; done
transfers() { echo "$1" | grep -o '"transfers":{[^}]*}' | cut -d: -f2-; }
BEFORE=$(admin GET /v1/pools/xb)
ROWS=""
for round in $(seq 1 "$ROUNDS"); do
  for key in $KEYS; do
    read -r rps p50 p99 borrowing < <(run "$key")
    ROWS="$ROWS$round $key $rps $p50 $p99 $borrowing"$'\n'
  done
done
POOL=$(admin GET /v1/pools/xb)

median() { # key column -> median of that column over the rounds
  echo -n "$ROWS" | awk -v k="$1" -v c="$2" '$2 == k { print $c }' | sort -g \
    | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
echo
echo "| round | key | requests/s | p50 ms | p99 ms | decisions that borrowed |"
echo "|---:|---|---:|---:|---:|---:|"
echo -n "$ROWS" | awk '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }'
echo
echo "| median of $ROUNDS rounds ($CONNECTIONS connections, ${DELAY_MS} ms pause) | requests/s | p50 ms | p99 ms |"
echo "|---|---:|---:|---:|"
for key in $KEYS; do
  case $key in
    xplain:*) label="plain: granted, no pool" ;;
    xalone:*) label="alone: denied once empty, no pool" ;;
    *) label="borrowing: empty bucket borrowing from its pool" ;;
  esac
  echo "| $label | $(median "$key" 3) | $(median "$key" 4) | $(median "$key" 5) |"
done
echo
delta() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.2f", a - b }'; }
echo "median p99, borrowing vs plain: $(delta "$(median xhot:one 5)" "$(median xplain:one 5)") ms;" \
  "vs alone: $(delta "$(median xhot:one 5)" "$(median xalone:one 5)") ms (target <= 1 ms)"
echo "pool transfers after the warm-up: $(transfers "$BEFORE")"
echo "pool transfers after the rounds:  $(transfers "$POOL"), breaker $(echo "$POOL" | grep -o '"breaker":"[a-z_]*"' | cut -d'"' -f4)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exit 0
