#!/usr/bin/env bash
# One BMS member against a cluster of three on this machine, for BENCHMARKS.md and docs/scaling.md: aggregate
# decisions/s, p50/p99 and the members' CPU per decision (utime + stime of every member's /proc/<pid>/stat), with the
# same load generator (DecisionLoad: CALLERS HTTP/1.1 connections spread over the members, KEYS random keys,
# closed loop), alternating which cluster size goes first in each pair. Each cluster is started fresh per run.
#
#   mvn -B -ntp -pl bucket-management-service,benchmarks -am package -DskipTests
#   PAIRS=3 CALLERS=12 KEYS=10000 SECONDS_PER_RUN=15 benchmarks/run-members.sh [outdir]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-benchmarks/target/members}"
PAIRS="${PAIRS:-3}"; CALLERS="${CALLERS:-12}"; KEYS="${KEYS:-10000}"; SECONDS_PER_RUN="${SECONDS_PER_RUN:-15}"
WARMUP_S="${WARMUP_S:-10}"; HEAP="${HEAP:-512m}"
BENCH_JAR=benchmarks/target/benchmarks.jar; BMS_JAR=bucket-management-service/target/bms.jar
mkdir -p "$OUT"; rm -f "$OUT/runs.jsonl"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export BENCH_BMS_TOKEN
BENCH_BMS_TOKEN=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
SECRET=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
PIDS=()
WORK=
stop_cluster() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done; PIDS=(); [ -n "$WORK" ] && rm -rf "$WORK"; WORK=; }
trap stop_cluster EXIT

start_cluster() { # n: starts n members, sets ADDRS
  local n=$1 i hz=() http=() members
  WORK=$(mktemp -d)
  for i in $(seq 1 "$n"); do hz+=("$(free_port)"); http+=("$(free_port)"); done
  members=$(printf '127.0.0.1:%s,' "${hz[@]}"); members=${members%,}
  # one after the other: JVMs starting together on a busy 2-core machine can miss their start-up deadlines
  for i in $(seq 0 $((n - 1))); do
    BMS_ADMIN_TOKEN=$BENCH_BMS_TOKEN BMS_CLUSTER_SECRET=$SECRET BMS_CLUSTER_MEMBERS=$members BMS_EXPECTED_MEMBERS=$n \
      java -Xms"$HEAP" -Xmx"$HEAP" -jar "$BMS_JAR" --port "${http[$i]}" --hazelcast-port "${hz[$i]}" \
      --cluster-name "members-$$-$n" --data-dir "$WORK/data-$i" >"$WORK/bms-$i.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:${http[$i]}/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
    curl -fs "http://127.0.0.1:${http[$i]}/health/ready" >/dev/null || { tail -n 30 "$WORK/bms-$i.log" >&2; exit 1; }
  done
  ADDRS=$(printf '127.0.0.1:%s,' "${http[@]}"); ADDRS=${ADDRS%,}
  (umask 077; echo "Authorization: Bearer $BENCH_BMS_TOKEN" >"$WORK/auth")
  for _ in $(seq 1 60); do
    curl -fs -X PUT "http://127.0.0.1:${http[0]}/v1/rules/bench" -H @"$WORK/auth" -H 'Content-Type: application/json' \
      -d '{"match":"bench:*","capacity":1000000000,"refillPerSecond":1000000000}' >/dev/null && break; sleep 1
  done
}
cpu_all() { local t=0 p; for p in "${PIDS[@]}"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done; echo $t; }
measure() { # n pair
  local n=$1 before after line
  start_cluster "$n"
  java -Xmx256m -cp "$BENCH_JAR" dev.tokenplane.benchmarks.sentinel.DecisionLoad bms "$ADDRS" "$CALLERS" 0 "$WARMUP_S" "$KEYS" >/dev/null
  before=$(cpu_all)
  line=$(java -Xmx256m -cp "$BENCH_JAR" dev.tokenplane.benchmarks.sentinel.DecisionLoad bms "$ADDRS" "$CALLERS" 0 \
    "$SECONDS_PER_RUN" "$KEYS" | grep '^{' | tail -1)
  after=$(cpu_all)
  stop_cluster
  python3 -c 'import json,sys; r=json.loads(sys.argv[1]); t=(int(sys.argv[3])-int(sys.argv[2]))/int(sys.argv[4]); r.update(members=int(sys.argv[5]), pair=int(sys.argv[6]), serverCpuS=t, cpuUsPerDecision=1e6*t/max(1,r["decisions"]), load=open("/proc/loadavg").read().split()[0]); print(json.dumps(r))' \
    "$line" "$before" "$after" "$(getconf CLK_TCK)" "$n" "$2" | tee -a "$OUT/runs.jsonl"
}
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/conditions.txt"
for i in $(seq 1 "$PAIRS"); do
  if (( i % 2 )); then measure 1 "$i"; measure 3 "$i"; else measure 3 "$i"; measure 1 "$i"; fi
done >&2
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/conditions.txt"
python3 - "$OUT/runs.jsonl" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = {}
for r in runs: by.setdefault(r["pair"], {})[r["members"]] = r
ps = [p for _, p in sorted(by.items()) if 1 in p and 3 in p]
print("| members | decisions/s (median; per pair) | p50 µs | p99 µs | members' CPU µs/decision | errors |")
print("|---|---|---|---|---|---|")
for n in (1, 3):
    rs = [p[n] for p in ps]
    print("| %d | %.0f (%s) | %.0f | %.0f | %.1f | %d |" % (n, statistics.median(r["perSecond"] for r in rs),
          ", ".join("%.0f" % r["perSecond"] for r in rs), statistics.median(r["p50us"] for r in rs),
          statistics.median(r["p99us"] for r in rs), statistics.median(r["cpuUsPerDecision"] for r in rs),
          sum(r["errors"] for r in rs)))
print("\n3 / 1 members, decisions/s per pair: " + ", ".join("%.2f" % (p[3]["perSecond"] / p[1]["perSecond"]) for p in ps))
PY
