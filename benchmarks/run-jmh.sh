#!/usr/bin/env bash
# The token-store JMH runs behind BENCHMARKS.md. Usage: benchmarks/run-jmh.sh [outdir]
# Every run also reports the CPU time of the whole JVM per operation (CpuPerOpProfiler): on a shared machine it is
# steadier than ops/s, and BENCHMARKS.md reads the ratios from it.
# Build first: mvn -B -ntp -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-benchmarks/target/results}"
JAR="${JAR:-benchmarks/target/benchmarks.jar}"
mkdir -p "$OUT"
run() { local name="$1"; shift; java -jar "$JAR" "$@" -rf json -rff "$OUT/$name.json" | tee "$OUT/$name.txt" | grep -E '^(Benchmark|[A-Za-z]+Benchmark\.)'; }

# 1. Local store against Bucket4j LOCK_FREE, one key, 1 and 2 threads (with allocation per operation).
PROF="-prof dev.tokenplane.benchmarks.CpuPerOpProfiler"
run local-t1 LocalAcquireBenchmark -t 1 -prof gc $PROF
run local-t2 LocalAcquireBenchmark -t 2 -prof gc $PROF
# 2. One embedded member, 2 threads, single calls: 1 key and 100k keys, OBJECT and BINARY.
run hz-single 'HazelcastAcquireBenchmark\.(tokenplane|bucket4j)$' -p completions=direct -p format=OBJECT,BINARY $PROF
# 3. Completion executors on the same path, and Bucket4j's async API (few CPUs: a common pool of one thread).
run hz-completions 'HazelcastAcquireBenchmark\.(tokenplane|bucket4jAsync)$' -p keys=100000 -p format=OBJECT \
    -p completions=pool,threadPerCallback $PROF
run hz-completions-fjp2 'HazelcastAcquireBenchmark\.(tokenplane|bucket4jAsync)$' -p keys=100000 -p format=OBJECT \
    -p completions=pool -jvmArgsPrepend -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 $PROF
# 4. Batches of 100 decisions against one Bucket4j call per decision (both reported per decision).
run hz-batch 'HazelcastAcquireBenchmark\.(tokenplaneBatch|bucket4jPerDecision)$' -p keys=100000 \
    -p format=OBJECT,BINARY -p completions=direct $PROF
