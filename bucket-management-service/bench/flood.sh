#!/usr/bin/env bash
# The key-flood benchmark (issue 11): a well-behaved client's decision rate on one existing key, alone and during a
# flood of distinct keys through the batch endpoint, and the member's heap once its bucket budget is reached and after
# the flood. Each run starts a fresh member JVM from bms.jar (-Xmx256m, the default budget); runs follow each other,
# so baseline and flood alternate, and the program prints each run and the medians.
#
#   bucket-management-service/bench/flood.sh                 # 3 runs, 1,000,000 keys, 2 flood threads, 20 s baseline
#   RUNS=2 KEYS=200000 FLOOD_THREADS=3 BASELINE_S=10 bucket-management-service/bench/flood.sh
#   FLOOD_RATE=20000 bucket-management-service/bench/flood.sh  # a paced flood: 20,000 keys/s in all (0: flat out)
#   FLOOD_S=60            # the flood stops after this long even if not all keys were decided (429s are resent)
#   REFUSALS=0            # BMS_CLIENT_REFUSALS_PER_SECOND of the member (empty: its default; 0: the budget alone)
#   WARMUP_S=30           # a client warms the member up this long before the first baseline (default 10)
#   MEMBER_CPUS=0 GENERATOR_CPUS=1   # pin the member and the load generator to CPUs (taskset; empty: not pinned)
#   MEMBER_JVM_OPTIONS="-XX:StartFlightRecording=filename=/tmp/member.jfr,settings=profile"  # e.g. profile the member
#
# A Java load generator (FloodBenchmark in the BMS test sources, with KeyFlood and WellBehavedClient): wrk cannot send
# a fixed number of distinct keys. Needs a JDK (jcmd reads the member's heap).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-3}
KEYS=${KEYS:-1000000}
FLOOD_THREADS=${FLOOD_THREADS:-2}
BASELINE_S=${BASELINE_S:-20}
FLOOD_RATE=${FLOOD_RATE:-0}
FLOOD_S=${FLOOD_S:-60}
REFUSALS=${REFUSALS:-}
WARMUP_S=${WARMUP_S:-10}
MEMBER_CPUS=${MEMBER_CPUS:-}
GENERATOR_CPUS=${GENERATOR_CPUS:-}
MEMBER_JVM_OPTIONS=${MEMBER_JVM_OPTIONS:-}
CP_DIR=$(mktemp -d)
trap 'rm -rf "$CP_DIR"' EXIT
mvn -B -ntp -q -pl bucket-management-service -am package -DskipTests dependency:build-classpath \
  -Dmdep.includeScope=test "-Dmdep.outputFile=$CP_DIR/\${project.artifactId}.txt"
M=bucket-management-service
CP="$M/target/test-classes:$M/target/classes:$(cat "$CP_DIR/tokenplane-bucket-management-service.txt")"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(java -version 2>&1 | head -1)," \
  "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
PIN=()
if [[ -n "$GENERATOR_CPUS" ]]; then PIN=(taskset -c "$GENERATOR_CPUS"); fi
"${PIN[@]}" java -Dbms.jar="$M/target/bms.jar" -Dbms.cpus="$MEMBER_CPUS" -Dbms.jvmOptions="$MEMBER_JVM_OPTIONS" \
  -cp "$CP" dev.tokenplane.bms.budget.FloodBenchmark \
  "$RUNS" "$KEYS" "$FLOOD_THREADS" "$BASELINE_S" "$FLOOD_RATE" "$FLOOD_S" "$REFUSALS" "$WARMUP_S" 2> >(grep -v ' INFO \| WARN ' >&2)
