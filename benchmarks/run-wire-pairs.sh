#!/usr/bin/env bash
# Two BMS jars side by side on the binary decision port (BMS_DECISION_PORT), for BENCHMARKS.md: a baseline ("old") and
# a candidate ("new") member, each in its own JVM (1 GB heap), both alive for the whole run, and one load generator
# (DecisionLoad wire: the SDK's decisionEndpoint transport, one pipelined connection) that runs against each in turn
# with the same callers, offered load and keys, alternating which goes first in each pair. Reported per run:
# decisions/s, p50/p99/p99.9 and the member's CPU per decision (utime + stime of /proc/<pid>/stat before and after
# the run), with the load average beside it; then per-pair ratios new/old.
#
#   mvn -B -ntp -q -pl bucket-management-service,benchmarks -am package -DskipTests
#   cp bucket-management-service/target/bms.jar /tmp/old-bms.jar      # on the baseline's commit, then build the new
#   OLD_JAR=/tmp/old-bms.jar PAIRS=3 KEYS="1 10000" RATES="0 5000" SECONDS_PER_RUN=8 benchmarks/run-wire-pairs.sh
#   # the client side too: OLD_BENCH_JAR (benchmarks.jar of the baseline, with its SDK) drives the old member
#   OLD_JAR=/tmp/old-bms.jar OLD_BENCH_JAR=/tmp/old-benchmarks.jar benchmarks/run-wire-pairs.sh
#
# The generator shares the 2 CPUs with both members; the idle member costs a little background CPU (its ticks).
set -euo pipefail
cd "$(dirname "$0")/.."
OLD_JAR="${OLD_JAR:?the baseline bms.jar}"
NEW_JAR="${NEW_JAR:-bucket-management-service/target/bms.jar}"
BENCH_JAR="${BENCH_JAR:-benchmarks/target/benchmarks.jar}"
OLD_BENCH_JAR="${OLD_BENCH_JAR:-$BENCH_JAR}"
PAIRS="${PAIRS:-3}"
KEYS="${KEYS:-1 10000}"
RATES="${RATES:-0 5000}"
CALLERS="${CALLERS:-8}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-8}"
WARMUP_S="${WARMUP_S:-8}"
OUT="${OUT:-benchmarks/target/wire-pairs}"
for j in "$OLD_JAR" "$NEW_JAR" "$BENCH_JAR" "$OLD_BENCH_JAR"; do [ -f "$j" ] || { echo "$j missing: build first (see the header)" >&2; exit 1; }; done
mkdir -p "$OUT"
rm -f "$OUT/runs.jsonl"
WORK=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Secrets through the environment only (never the command line).
export BENCH_BMS_TOKEN
BENCH_BMS_TOKEN=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
start() { # jar name -> "pid httpPort decisionPort"
  local hz http dec
  hz=$(free_port); http=$(free_port); dec=$(free_port)
  BMS_ADMIN_TOKEN=$BENCH_BMS_TOKEN BMS_CLUSTER_SECRET=$(head -c 24 /dev/urandom | base64 | tr -d '/+=') \
    java -Xms1g -Xmx1g -jar "$1" --port "$http" --decision-port "$dec" --hazelcast-port "$hz" \
    --cluster-name "wire-pairs-$2-$$" --data-dir "$WORK/$2" >"$WORK/$2.log" 2>&1 &
  echo "$! $http $dec"
}
read -r O_PID O_HTTP O_DEC < <(start "$OLD_JAR" old)
read -r N_PID N_HTTP N_DEC < <(start "$NEW_JAR" new)
cleanup() { kill "$O_PID" "$N_PID" 2>/dev/null || true; wait "$O_PID" "$N_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
(umask 077; echo "Authorization: Bearer $BENCH_BMS_TOKEN" >"$WORK/auth")  # a header file: no token in ps
for port in "$O_HTTP" "$N_HTTP"; do
  for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fs -X PUT "http://127.0.0.1:$port/v1/rules/bench" -H @"$WORK/auth" -H 'Content-Type: application/json' \
    -d '{"match":"bench:*","capacity":1000000000,"refillPerSecond":1000000000}' >/dev/null
done
run() { # old|new keys rate seconds pair
  local pid dec generator before after line
  if [ "$1" = old ]; then pid=$O_PID; dec=$O_DEC; generator=$OLD_BENCH_JAR; else pid=$N_PID; dec=$N_DEC; generator=$BENCH_JAR; fi
  before=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  line=$(java -Xmx256m -cp "$generator" dev.tokenplane.benchmarks.sentinel.DecisionLoad wire "127.0.0.1:$dec" \
    "$CALLERS" "$3" "$4" "$2" 2>/dev/null | grep "^{" | tail -1)
  after=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  python3 -c 'import json,sys; r=json.loads(sys.argv[1]); t=(int(sys.argv[3])-int(sys.argv[2]))/int(sys.argv[6]); r["jar"]=sys.argv[4]; r["serverCpuS"]=t; r["cpuUsPerDecision"]=1e6*t/max(1,r["decisions"]); r["load"]=open("/proc/loadavg").read().split()[0]; r["pair"]=int(sys.argv[5]); print(json.dumps(r))' \
    "$line" "$before" "$after" "$1" "$5" "$(getconf CLK_TCK)" | tee -a "$OUT/runs.jsonl"
}
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/conditions.txt"
for k in $KEYS; do run old "$k" 0 "$WARMUP_S" 0 >/dev/null; run new "$k" 0 "$WARMUP_S" 0 >/dev/null; done
sed -i '/"pair": 0[,}]/d' "$OUT/runs.jsonl"   # the warm-up runs are not measurements
for i in $(seq 1 "$PAIRS"); do
  for k in $KEYS; do
    for r in $RATES; do
      if [ $((i % 2)) = 1 ]; then order="old new"; else order="new old"; fi
      for j in $order; do run "$j" "$k" "$r" "$SECONDS_PER_RUN" "$i"; done
    done
  done
done >&2
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/conditions.txt"

python3 - "$OUT/runs.jsonl" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
groups = {}
for r in runs:
    groups.setdefault((r["keys"], r["offered"]), {}).setdefault(r["pair"], {})[r["jar"]] = r
print("| keys | offered/s | pair | decisions/s old / new | p50 / p99 µs old | p50 / p99 µs new | CPU µs/decision old / new | load old / new | CPU new/old | p99 new/old |")
print("|---|---|---|---|---|---|---|---|---|---|")
for (keys, offered), pairs in sorted(groups.items()):
    cpu, p99 = [], []
    for i, p in sorted(pairs.items()):
        if "old" not in p or "new" not in p:
            continue
        o, n = p["old"], p["new"]
        cpu.append(n["cpuUsPerDecision"] / o["cpuUsPerDecision"]); p99.append(n["p99us"] / o["p99us"])
        print("| %d | %s | %d | %.0f / %.0f | %d / %d | %d / %d | %.1f / %.1f | %s / %s | %.2f | %.2f |" % (
            keys, "closed loop" if offered == 0 else "%.0f" % offered, i, o["perSecond"], n["perSecond"],
            o["p50us"], o["p99us"], n["p50us"], n["p99us"], o["cpuUsPerDecision"], n["cpuUsPerDecision"],
            o["load"], n["load"], cpu[-1], p99[-1]))
    if cpu:
        print("| %d | %s | **median** | | | | | | **%.2f** | **%.2f** |" % (
            keys, "closed loop" if offered == 0 else "%.0f" % offered, statistics.median(cpu), statistics.median(p99)))
print("\nerrors: %d over %d runs" % (sum(r["errors"] for r in runs), len(runs)))
PY
