#!/usr/bin/env bash
# Heap bytes per bucket, one JVM per mode (see MemoryFootprint). Usage: benchmarks/run-memory.sh [N] [modes...]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
shift || true
MODES=("$@")
if [ ${#MODES[@]} -eq 0 ]; then
  MODES=(bare-object bare-binary tokenplane-object-sweep tokenplane-binary-sweep tokenplane-object-ttl
         tokenplane-binary-ttl bucket4j bucket4j-expiry)
fi
# Hazelcast's module flags, defined once in the parent pom (docs/operations.md)
FLAGS="$(sed -n 's:.*<hazelcast.jvm.flags>\(.*\)</hazelcast.jvm.flags>.*:\1:p' pom.xml)"
for mode in "${MODES[@]}"; do
  # shellcheck disable=SC2086
  java $FLAGS -Xms4g -Xmx4g -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 \
    -cp benchmarks/target/benchmarks.jar dev.tokenplane.benchmarks.MemoryFootprint "$mode" "$N" 2>/dev/null \
    | grep 'bytes per bucket'
done
