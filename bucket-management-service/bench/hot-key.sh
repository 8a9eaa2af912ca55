#!/usr/bin/env bash
# Hot key over HTTP, with member-local leases on and off (needs wrk: apt-get install -y wrk).
#
# Two BMS members from bms.jar, each alone in its own cluster: one with hot keys on (BMS_HOT_KEY_RATE, default 1000),
# one with them off (BMS_HOT_KEY_RATE=0). In PAIRS alternating rounds it measures, on each member, its own
# GET /health/live and then a single acquire on one key, and reports each hot-key run as a ratio of the /health/live
# run just before it on the same member (target >= 0.85 with leases on), with p99, and the member's CPU per request
# for each (utime + stime from /proc/<pid>/stat over the run, divided by the requests): on a loaded machine the rates
# follow the scheduler, the CPU a request costs much less so (the "CPU ratio" is live's CPU per request over the hot
# key's, what the rate ratio would be if the member alone used the CPUs).
#
# Then the over-admission check, on the member with leases on: one key under a bucket that cannot grant everything
# (capacity 1000, refill 10000/s), hammered for DURATION; the grants counted from the answers must stay within
# capacity + refill x elapsed (elapsed measured around wrk, so the bound is generous by wrk's start-up only).
#
#   bucket-management-service/bench/hot-key.sh
#   PAIRS=5 DURATION=10s bucket-management-service/bench/hot-key.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BENCH=$ROOT/bucket-management-service/bench
JAR=${BMS_JAR:-$ROOT/bucket-management-service/target/bms.jar} # BMS_JAR: another build, e.g. to alternate old and new
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-10s}
PAIRS=${PAIRS:-3}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-18191}
HZ_PORT=${HZ_PORT:-15891}
OFF_PORT=${OFF_PORT:-18192}
OFF_HZ_PORT=${OFF_HZ_PORT:-15892}
URL=http://127.0.0.1:$PORT
OFF_URL=http://127.0.0.1:$OFF_PORT
CAPACITY=1000
REFILL=10000

export BMS_HOT_KEY_RATE=${BMS_HOT_KEY_RATE:-1000}
. "$BENCH/common.sh" # the member with hot keys on: $URL, $TOKEN, $WORK

# the member with hot keys off, in a cluster of its own
BMS_HOT_KEY_RATE=0 start_second "$JAR" "$OFF_PORT" "$OFF_HZ_PORT" off
OFF_PID=$SECOND_PID
OFF_TOKEN=$SECOND_TOKEN

rule() { # url token id body
  curl -fs -X PUT "$1/v1/rules/$3" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "$4" >/dev/null
}
# a rule that grants (almost) everything for the throughput pairs, and a tight one for the over-admission check
for m in "$URL $TOKEN" "$OFF_URL $OFF_TOKEN"; do
  set -- $m
  rule "$1" "$2" bench '{"match":"bench:*","capacity":1000000000,"refillPerSecond":1000000000}'
done
rule "$URL" "$TOKEN" tight "{\"match\":\"tight:*\",\"capacity\":$CAPACITY,\"refillPerSecond\":$REFILL}"

conditions >&2
echo "warming up ($WARMUP per endpoint and member) ..." >&2
for u in "$URL" "$OFF_URL"; do
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$BENCH/one-key.lua" "$u" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$u/health/live" >/dev/null
done

echo "| pair | leases | /health/live req/s | hot key req/s | ratio | live p99 ms | hot key p99 ms | CPU µs/req live, hot key | CPU ratio | load avg |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"
for p in $(seq 1 "$PAIRS"); do
  for side in on off; do
    u=$URL
    pid=$BMS_PID
    [ "$side" = off ] && u=$OFF_URL && pid=$OFF_PID
    read -r L_RPS _ L_P99 L_CPU < <(measure_cpu "$pid" -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$u/health/live")
    read -r H_RPS _ H_P99 H_CPU < <(measure_cpu "$pid" -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$BENCH/one-key.lua" "$u")
    echo "| $p | $side | $L_RPS | $H_RPS | $(awk -v a="$H_RPS" -v b="$L_RPS" 'BEGIN { printf "%.2f", a / b }') |" \
      "$L_P99 | $H_P99 | $L_CPU, $H_CPU | $(awk -v a="$L_CPU" -v b="$H_CPU" 'BEGIN { printf "%.2f", a / b }') |" \
      "$(cut -d' ' -f1-3 /proc/loadavg) |"
  done
done

START=$(date +%s%N)
OUT=$(BENCH_KEY=tight:one wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$BENCH/hot-key.lua" "$URL")
END=$(date +%s%N)
GRANTS=$(echo "$OUT" | sed -n 's/^grants=\([0-9]*\) denials=.*/\1/p')
DENIALS=$(echo "$OUT" | sed -n 's/^grants=[0-9]* denials=\([0-9]*\)/\1/p')
ELAPSED_MS=$(( (END - START) / 1000000 ))
BOUND=$(awk -v c="$CAPACITY" -v r="$REFILL" -v e="$ELAPSED_MS" 'BEGIN { printf "%d", c + r * e / 1000 }')
LOCAL=$(curl -fs "$URL/metrics" | awk '$1 == "bms_hot_key_local_grants_total" { printf "%d", $2 }')
echo
echo "over-admission check (capacity $CAPACITY, refill $REFILL/s, leases on): grants $GRANTS, denials $DENIALS" \
  "in $ELAPSED_MS ms; bound capacity + refill x elapsed = $BOUND; over-admitted $(( GRANTS > BOUND ? GRANTS - BOUND : 0 ));" \
  "local grants on the member over the whole run: $LOCAL"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
