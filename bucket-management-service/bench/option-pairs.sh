#!/usr/bin/env bash
# Compares JVM options (GC, Hazelcast properties, -D settings) or two bms.jar builds in alternating pairs on this
# machine: each run starts a fresh member, warms it up, then measures GET /health/live (the ceiling), single acquires on
# 10,000 keys at full speed (with the member's CPU per decision from utime + stime of /proc/<pid>/stat), and the same
# at a fixed offered load (paced connections, the same for A and B: about half of A's first maximum). Needs wrk
# (apt-get install wrk) and a built jar (mvn -B -ntp -q -pl bucket-management-service -am package -DskipTests).
#
#   A_OPTS="" B_OPTS="-XX:+UseParallelGC" bucket-management-service/bench/option-pairs.sh 3
#   B_ARGS="--http-event-loops 1" bucket-management-service/bench/option-pairs.sh 3
#   A_JAR=/tmp/old.jar B_JAR=bucket-management-service/target/bms.jar bucket-management-service/bench/option-pairs.sh 3
#   # as in the chart's container (1 GiB, 2 CPUs; the heap and collector are then the JVM's choice), G1 against it:
#   LAUNCH="bucket-management-service/bench/in-cgroup.sh 1g 2" HEAP_OPTS="-XX:MaxRAMPercentage=75" \
#     B_OPTS="-XX:+UseG1GC" bucket-management-service/bench/option-pairs.sh 3
#
# Prints one line per run (with the load average before it) and the ratios B/A of each pair. Figures from a shared
# machine are noisy: compare within pairs only.
set -euo pipefail
cd "$(dirname "$0")/../.."
BENCH=$(pwd)/bucket-management-service/bench
PAIRS=${1:-3}
A_JAR=${A_JAR:-bucket-management-service/target/bms.jar}
B_JAR=${B_JAR:-$A_JAR}
A_OPTS=${A_OPTS:-}
B_OPTS=${B_OPTS:-}
# BMS flags (after -jar), e.g. --http-event-loops 1
A_ARGS=${A_ARGS:-}
B_ARGS=${B_ARGS:-}
# the heap of both (empty: the JVM's choice) and a command the member is started under (e.g. in-cgroup.sh 1g 2)
HEAP_OPTS=${HEAP_OPTS--Xms1g -Xmx1g}
LAUNCH=${LAUNCH:-}
DURATION=${DURATION:-8s}
WARMUP=${WARMUP:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
DELAY_MS=${BENCH_DELAY_MS:-2}
unset BENCH_DELAY_MS
# the paced connections; empty: calibrated on the first run of A to about half its maximum rate
PACED=${PACED:-}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
# run_once runs in a subshell: the calibration it makes is kept in a file
PACED_FILE=$(mktemp)
trap 'rm -f "$PACED_FILE"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# wrk --latency output -> "requests/s p99-ms requests"
wrk_line() {
  awk 'function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 } $1 == "99%" { p99 = ms($2) } / requests in / { n = $1 }
    END { printf "%.0f %.2f %d\n", rps, p99, n }'
}

# one run: name jar opts -> "health_rps many_rps many_p99 us_cpu_per_decision paced_rps paced_p99 peak_rss_mb"
run_once() {
  local jar=$1 opts=$2 args=$3 port hz work pid jpid token
  port=$(free_port); hz=$(free_port); work=$(mktemp -d)
  # shellcheck disable=SC2086
  $LAUNCH java $HEAP_OPTS $opts -jar "$jar" --port "$port" --hazelcast-port "$hz" --cluster-name "pairs-$$-$port" \
    --data-dir "$work/data" $args >"$work/bms.log" 2>&1 &
  pid=$!
  trap 'kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
  local url=http://127.0.0.1:$port
  for _ in $(seq 1 120); do curl -fs "$url/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fs "$url/health/ready" >/dev/null || { cat "$work/bms.log" >&2; kill "$pid"; exit 1; }
  token=$(cat "$work/data/admin-token")
  # the JVM: the started process, or its child when LAUNCH wraps it
  jpid=$(pgrep -P "$pid" java || echo "$pid")
  curl -fs -X PUT "$url/v1/rules/bench" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"match":"bench:*","capacity":1000000000,"refillPerSecond":1000000000}' >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$BENCH/many-keys.lua" "$url" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d3s "$url/health/live" >/dev/null
  local health many t0 t1 paced
  health=$(wrk --latency -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$url/health/live" | wrk_line)
  t0=$(cpu_ticks "$jpid")
  many=$(wrk --latency -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$BENCH/many-keys.lua" "$url" | wrk_line)
  t1=$(cpu_ticks "$jpid")
  [ -z "$PACED" ] && [ -s "$PACED_FILE" ] && PACED=$(cat "$PACED_FILE")
  if [ -z "$PACED" ]; then
    # connections that each pause DELAY_MS offer about C / (pause + latency) requests/s; aim at half the maximum
    PACED=$(awk -v r="${many%% *}" -v d="$DELAY_MS" 'BEGIN { c = int(r / 2 * (d + 0.5) / 1000 + 0.5); print (c < 2 ? 2 : c) }')
    echo "$PACED" >"$PACED_FILE"
    echo "paced connections: $PACED (${DELAY_MS} ms pause)" >&2
  fi
  paced=$(BENCH_DELAY_MS=$DELAY_MS wrk --latency -t"$THREADS" -c"$PACED" -d"$DURATION" -s "$BENCH/many-keys.lua" "$url" | wrk_line)
  local rss_kb; rss_kb=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$jpid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$work"
  local hz_ticks; hz_ticks=$(getconf CLK_TCK)
  read -r h_rps _ _ <<<"$health"; read -r m_rps m_p99 m_n <<<"$many"; read -r p_rps p_p99 _ <<<"$paced"
  awk -v h="$h_rps" -v r="$m_rps" -v p="$m_p99" -v n="$m_n" -v dt=$((t1 - t0)) -v tck="$hz_ticks" -v pr="$p_rps" -v pp="$p_p99" \
    -v rss="$rss_kb" 'BEGIN { printf "%d %d %.2f %.1f %d %.2f %d\n", h, r, p, 1e6 * dt / tck / (n > 0 ? n : 1), pr, pp, rss / 1024 }'
}

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(java -version 2>&1 | head -1)" >&2
echo "A: $LAUNCH java $HEAP_OPTS $A_OPTS -jar $A_JAR $A_ARGS" >&2
echo "B: $LAUNCH java $HEAP_OPTS $B_OPTS -jar $B_JAR $B_ARGS" >&2
echo "run load1 | health_rps many_rps many_p99_ms cpu_us_per_decision paced_rps paced_p99_ms peak_rss_mb"
RATIOS=()
for i in $(seq 1 "$PAIRS"); do
  # alternate which goes first
  if (( i % 2 == 1 )); then order="A B"; else order="B A"; fi
  for who in $order; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    if [ "$who" = A ]; then a=$(run_once "$A_JAR" "$A_OPTS" "$A_ARGS"); echo "A$i $load | $a"; else b=$(run_once "$B_JAR" "$B_OPTS" "$B_ARGS"); echo "B$i $load | $b"; fi
  done
  r=$(awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ");
    printf "pair %d B/A: many/health %.2f vs %.2f (ratio %.2f), many_rps %.2f, cpu/decision %.2f, paced p99 %.2f", '"$i"',
      y[2] / y[1], x[2] / x[1], (y[2] / y[1]) / (x[2] / x[1]), y[2] / x[2], y[4] / x[4], y[6] / x[6] }')
  echo "$r"
done
