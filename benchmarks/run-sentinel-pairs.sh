#!/usr/bin/env bash
# The BMS side by side with Sentinel's cluster token server (1.8.8) on this machine, for BENCHMARKS.md: one server
# JVM of each (1 GB heap), both alive for the whole run, and one load generator (DecisionLoad) that runs against each
# in turn with the same callers, offered load and keys, rotating which goes first in each round. The BMS is measured
# twice: over HTTP/1.1 ("bms") and over its binary decision port ("wire", BMS_DECISION_PORT, through the SDK's
# decisionEndpoint transport: one pipelined connection per process, as Sentinel's client has). Reported per run:
# decisions/s, p50/p99/p99.9 (from the intended send time when paced) and the server's CPU per decision, from
# utime + stime of /proc/<pid>/stat before and after the run (so other load on the machine does not count).
#
#   benchmarks/run-sentinel-pairs.sh [pairs] [outdir]          # build first:
#   mvn -B -ntp -pl bucket-management-service,benchmarks -am package -DskipTests
#   CALLERS=8 RATES="0 20000" KEYS="1 10000" SECONDS_PER_RUN=10 benchmarks/run-sentinel-pairs.sh 3
#
# Sentinel is measured with its own client (one Netty connection per process, as an application has), the BMS over
# HTTP/1.1 keep-alive (one connection per caller, POST /v1/buckets/bench:k<n>/acquire), both against rules that
# grant everything, so the decision path is measured, not denials. The generator shares the 2 CPUs with the server.
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS="${1:-3}"
OUT="${2:-benchmarks/target/sentinel-pairs}"
BENCH_JAR="${BENCH_JAR:-benchmarks/target/benchmarks.jar}"
BMS_JAR="${BMS_JAR:-bucket-management-service/target/bms.jar}"
CALLERS="${CALLERS:-8}"
RATES="${RATES:-0 20000}"
KEYS="${KEYS:-1 10000}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-10}"
WARMUP_S="${WARMUP_S:-10}"
for j in "$BENCH_JAR" "$BMS_JAR"; do [ -f "$j" ] || { echo "$j missing: build first (see the header)" >&2; exit 1; }; done
mkdir -p "$OUT"
rm -f "$OUT"/runs.jsonl
WORK=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
S_PORT=$(free_port); B_PORT=$(free_port); HZ_PORT=$(free_port); D_PORT=$(free_port)
MAX_KEYS=$(tr ' ' '\n' <<<"$KEYS" | sort -n | tail -1)

java -Xms1g -Xmx1g -Dcsp.sentinel.log.dir="$WORK/sentinel-logs" -Dproject.name=tokenplane-bench-server \
  -cp "$BENCH_JAR" dev.tokenplane.benchmarks.sentinel.SentinelTokenServerMain "$S_PORT" "$MAX_KEYS" \
  >"$WORK/sentinel.log" 2>&1 &
S_PID=$!
# Secrets through the environment only (never the command line): the admin token is also the generator's.
export BENCH_BMS_TOKEN
BENCH_BMS_TOKEN=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
BMS_ADMIN_TOKEN=$BENCH_BMS_TOKEN BMS_CLUSTER_SECRET=$(head -c 24 /dev/urandom | base64 | tr -d '/+=') \
  java -Xms1g -Xmx1g -jar "$BMS_JAR" --port "$B_PORT" --decision-port "$D_PORT" --hazelcast-port "$HZ_PORT" --cluster-name "sentinel-pairs-$$" \
  --data-dir "$WORK/data" >"$WORK/bms.log" 2>&1 &
B_PID=$!
cleanup() { kill "$S_PID" "$B_PID" 2>/dev/null || true; wait "$S_PID" "$B_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$B_PORT/health/ready" >/dev/null 2>&1 && grep -q ready "$WORK/sentinel.log" && break
  sleep 0.5
done
grep -q ready "$WORK/sentinel.log" || { cat "$WORK/sentinel.log"; exit 1; }
curl -fs "http://127.0.0.1:$B_PORT/health/ready" >/dev/null || { cat "$WORK/bms.log"; exit 1; }
(umask 077; echo "Authorization: Bearer $BENCH_BMS_TOKEN" >"$WORK/auth")  # a header file: no token in ps
curl -fs -X PUT "http://127.0.0.1:$B_PORT/v1/rules/bench" -H @"$WORK/auth" \
  -H 'Content-Type: application/json' \
  -d '{"match":"bench:*","capacity":1000000000,"refillPerSecond":1000000000}' >/dev/null

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
TCK=$(getconf CLK_TCK)
run() { # target keys rate [seconds]
  local target=$1 keys=$2 rate=$3 seconds=${4:-$SECONDS_PER_RUN} pid addr before after line
  case "$target" in
    sentinel) pid=$S_PID; addr=127.0.0.1:$S_PORT ;;
    wire) pid=$B_PID; addr=127.0.0.1:$D_PORT ;;
    *) pid=$B_PID; addr=127.0.0.1:$B_PORT ;;
  esac
  before=$(cpu_ticks "$pid")
  line=$(java -Xmx256m -Dcsp.sentinel.log.dir="$WORK/sentinel-logs" -Dbench.httpPort="$B_PORT" -cp "$BENCH_JAR" \
    dev.tokenplane.benchmarks.sentinel.DecisionLoad "$target" "$addr" "$CALLERS" "$rate" "$seconds" "$keys" | grep "^{" | tail -1)
  after=$(cpu_ticks "$pid")
  python3 -c 'import json,sys; r=json.loads(sys.argv[1]); t=(int(sys.argv[3])-int(sys.argv[2]))/int(sys.argv[4]); r["serverCpuS"]=t; r["cpuUsPerDecision"]=1e6*t/max(1,r["decisions"]); r["load"]=open("/proc/loadavg").read().split()[0]; r["pair"]=int(sys.argv[5]); print(json.dumps(r))' \
    "$line" "$before" "$after" "$TCK" "${PAIR:-0}" | tee -a "$OUT/runs.jsonl"
}

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(java -version 2>&1 | head -1), load average: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/conditions.txt"
echo "warming up ($WARMUP_S s each) ..." >&2
for k in $KEYS; do
  for t in sentinel bms wire; do PAIR=0 run "$t" "$k" 0 "$WARMUP_S" >/dev/null; done
done
sed -i '/"pair": 0[,}]/d' "$OUT/runs.jsonl"   # the warm-up runs are not measurements
for i in $(seq 1 "$PAIRS"); do
  for k in $KEYS; do
    for r in $RATES; do
      case $(( i % 3 )) in  # each target goes first, second and third in turn
        1) order="bms wire sentinel" ;;
        2) order="sentinel bms wire" ;;
        *) order="wire sentinel bms" ;;
      esac
      for t in $order; do PAIR=$i run "$t" "$k" "$r"; done
    done
  done
done >&2
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/conditions.txt"

python3 - "$OUT/runs.jsonl" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
groups = {}
for r in runs:
    groups.setdefault((r["keys"], r["offered"]), {}).setdefault(r["pair"], {})[r["target"]] = r
print("| keys | offered/s | decisions/s HTTP / binary / Sentinel | p50/p99/p99.9 µs HTTP | p50/p99/p99.9 µs binary"
      " | p50/p99/p99.9 µs Sentinel | server CPU µs/decision HTTP / binary / Sentinel"
      " | CPU binary/Sentinel (per round) | CPU binary/HTTP (per round) | p99 binary/Sentinel (per round) |")
print("|---|---|---|---|---|---|---|---|---|---|")
ts = ("bms", "wire", "sentinel")
for (keys, offered), pairs in sorted(groups.items()):
    ps = [p for _, p in sorted(pairs.items()) if all(t in p for t in ts)]
    if not ps:
        continue
    med = lambda f, t: statistics.median(p[t][f] for p in ps)
    ratio = lambda f, a, b: [p[a][f] / p[b][f] for p in ps]
    show = lambda xs: "%.2f (%s)" % (statistics.median(xs), ", ".join("%.2f" % x for x in xs))
    lat = lambda t: "%.0f / %.0f / %.0f" % (med("p50us", t), med("p99us", t), med("p999us", t))
    print("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        keys, "closed loop" if offered == 0 else "%.0f" % offered,
        " / ".join("%.0f" % med("perSecond", t) for t in ts), lat("bms"), lat("wire"), lat("sentinel"),
        " / ".join("%.1f" % med("cpuUsPerDecision", t) for t in ts),
        show(ratio("cpuUsPerDecision", "wire", "sentinel")), show(ratio("cpuUsPerDecision", "wire", "bms")),
        show(ratio("p99us", "wire", "sentinel"))))
errs = sum(r["errors"] for r in runs); den = sum(r["denied"] for r in runs)
print("\nerrors: %d, denials: %d over %d runs (medians over %s rounds)" % (errs, den, len(runs), len(set(r["pair"] for r in runs if r["pair"]))))
PY
