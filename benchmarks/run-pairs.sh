#!/usr/bin/env bash
# Paired comparisons for BENCHMARKS.md on a shared machine: each tokenplane benchmark and its Bucket4j counterpart run
# back to back, PAIRS times, alternating which goes first, each with the CPU-per-operation profiler. The summary gives
# the median over pairs of the ops/s ratio and of the CPU-per-operation ratio (Bucket4j / tokenplane: > 1 means
# tokenplane is faster), and the bytes allocated per operation (JMH's gc profiler).
# Usage: benchmarks/run-pairs.sh [pairs] [outdir]   (build the jar first)
# ONLY=regex runs only the comparisons whose label matches, e.g. ONLY='^local' for the local store alone.
# The '-vs-single' comparisons put a tokenplane batch against tokenplane's own single calls (the "Bucket4j" columns of
# the summary are then the single calls). JAVA_OPTS is passed to every JMH run (e.g. -Djmh.ignoreLock=true on a machine
# where another JMH run holds the lock).
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS="${1:-3}"
OUT="${2:-benchmarks/target/pairs}"
JAR="${JAR:-benchmarks/target/benchmarks.jar}"
mkdir -p "$OUT"
ONLY="${ONLY:-.}"
SHORT=(-wi 2 -w 2 -i 3 -r 2 -prof dev.tokenplane.benchmarks.CpuPerOpProfiler -prof gc)

one() { # name, then JMH arguments
  local name="$1"; shift
  java ${JAVA_OPTS:-} -jar "$JAR" "$@" "${SHORT[@]}" -rf json -rff "$OUT/$name.json" > "$OUT/$name.txt" 2>&1
}

pair() { # label, tokenplane args (quoted string), bucket4j args (quoted string)
  local label="$1" ours="$2" theirs="$3"
  [[ "$label" =~ $ONLY ]] || return 0
  RAN+=("$label")
  rm -f "$OUT/$label"-[0-9]*-{ours,theirs}.{json,txt}  # a run with fewer pairs must not summarise older ones
  for i in $(seq 1 "$PAIRS"); do
    if (( i % 2 )); then
      one "$label-$i-ours" $ours; one "$label-$i-theirs" $theirs
    else
      one "$label-$i-theirs" $theirs; one "$label-$i-ours" $ours
    fi
    echo "$label pair $i done ($(uptime | sed 's/.*load average: //'))"
  done
}

RAN=()
HZ='HazelcastAcquireBenchmark\.'
B4J_LOCAL='LocalAcquireBenchmark.bucket4jLockFreeMillisByKey$'
pair local-t1 'LocalAcquireBenchmark.tokenplaneLocalStore$ -t 1' "$B4J_LOCAL -t 1"
pair local-t2 'LocalAcquireBenchmark.tokenplaneLocalStore$ -t 2' "$B4J_LOCAL -t 2"
pair local-sync-t1 'LocalAcquireBenchmark.tokenplaneLocalStoreSync$ -t 1' "$B4J_LOCAL -t 1"
pair local-sync-t2 'LocalAcquireBenchmark.tokenplaneLocalStoreSync$ -t 2' "$B4J_LOCAL -t 2"
pair local-try-t1 'LocalAcquireBenchmark.tokenplaneLocalStoreTry$ -t 1' "$B4J_LOCAL -t 1"
pair local-try-t2 'LocalAcquireBenchmark.tokenplaneLocalStoreTry$ -t 2' "$B4J_LOCAL -t 2"
pair hz-1key "${HZ}tokenplane$ -p keys=1 -p format=OBJECT -p completions=direct" "${HZ}bucket4j$ -p keys=1"
pair hz-100k "${HZ}tokenplane$ -p keys=100000 -p format=OBJECT -p completions=direct" "${HZ}bucket4j$ -p keys=100000"
pair hz-batch "${HZ}tokenplaneBatch$ -p keys=100000 -p format=OBJECT -p completions=direct" \
    "${HZ}bucket4jPerDecision$ -p keys=100000"
pair hz-batch-p23 "${HZ}tokenplaneBatch$ -p keys=100000 -p format=OBJECT -p completions=direct -p partitions=23" \
    "${HZ}bucket4jPerDecision$ -p keys=100000"
pair hz-batch-colocated "${HZ}tokenplaneBatchColocated$" "${HZ}bucket4jPerDecision$ -p keys=100000"
SINGLE="${HZ}tokenplane$ -p keys=100000 -p format=OBJECT -p completions=direct"
pair hz-batch-vs-single "${HZ}tokenplaneBatch$ -p keys=100000 -p format=OBJECT -p completions=direct" "$SINGLE"
pair hz-batch-p23-vs-single "${HZ}tokenplaneBatch$ -p keys=100000 -p format=OBJECT -p completions=direct -p partitions=23" \
    "$SINGLE -p partitions=23"
pair hz-colocated-vs-single "${HZ}tokenplaneBatchColocated$" "$SINGLE"
pair hz-batch-3m-vs-single "${HZ}tokenplaneBatch$ -p keys=100000 -p format=OBJECT -p completions=direct -p members=3" \
    "$SINGLE -p members=3"
# The sharded layout (ShardedHazelcastBucketStore: one entry per partition and shard): its batch against its own single
# calls, and against the one-entry-per-bucket batch, on 271 and on 23 partitions, on one and on three members.
SHARDED="-p keys=100000 -p format=OBJECT -p completions=direct -p layout=sharded"
BATCH="${HZ}tokenplaneBatch$ -p keys=100000 -p format=OBJECT -p completions=direct"
pair hz-sharded-batch-vs-single "${HZ}tokenplaneBatch$ $SHARDED" "${HZ}tokenplane$ $SHARDED"
pair hz-sharded-batch-vs-batch "${HZ}tokenplaneBatch$ $SHARDED" "$BATCH"
pair hz-sharded-batch-p23-vs-single "${HZ}tokenplaneBatch$ $SHARDED -p partitions=23" \
    "${HZ}tokenplane$ $SHARDED -p partitions=23"
pair hz-sharded-batch-p23-vs-batch "${HZ}tokenplaneBatch$ $SHARDED -p partitions=23" "$BATCH -p partitions=23"
pair hz-sharded-single-vs-single "${HZ}tokenplane$ $SHARDED" "$SINGLE"
pair hz-sharded-batch-3m-vs-single "${HZ}tokenplaneBatch$ $SHARDED -p members=3" "${HZ}tokenplane$ $SHARDED -p members=3"
pair hz-sharded-batch-3m-vs-batch "${HZ}tokenplaneBatch$ $SHARDED -p members=3" "$BATCH -p members=3"

python3 - "$OUT" "${RAN[@]}" <<'PY'
import json, glob, os, statistics, sys
out = sys.argv[1]
def load(path):
    r = json.load(open(path))[0]
    m = r["secondaryMetrics"]
    alloc = m.get("gc.alloc.rate.norm", {}).get("score", float("nan"))
    return r["primaryMetric"]["score"], m["cpu.us/op"]["score"], alloc
labels = sys.argv[2:]  # the comparisons this run made, in order
print(f"{'comparison':20} {'tokenplane ops/s':>17} {'Bucket4j ops/s':>15} {'ops ratio':>9} "
      f"{'tp us/op':>9} {'b4j us/op':>9} {'cpu ratio':>9} {'tp B/op':>8} {'b4j B/op':>8}  per pair (ops, cpu)")
for label in labels:
    rows = []
    for p in sorted(glob.glob(f"{out}/{label}-[0-9]*-ours.json")):
        ours, theirs = load(p), load(p.replace("-ours.json", "-theirs.json"))
        rows.append((ours[0], theirs[0], ours[1], theirs[1], ours[2], theirs[2]))
    med = lambda xs: statistics.median(xs)
    print(f"{label:20} {med([r[0] for r in rows]):17,.0f} {med([r[1] for r in rows]):15,.0f} "
          f"{med([r[0] / r[1] for r in rows]):9.2f} {med([r[2] for r in rows]):9.3f} "
          f"{med([r[3] for r in rows]):9.3f} {med([r[3] / r[2] for r in rows]):9.2f} "
          f"{med([r[4] for r in rows]):8.0f} {med([r[5] for r in rows]):8.0f}  "
          + ", ".join(f"{r[0] / r[1]:.2f}/{r[3] / r[2]:.2f}" for r in rows))
PY
