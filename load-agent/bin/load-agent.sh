#!/usr/bin/env sh
# Starts the load agent with the JVM options measured in BENCHMARKS.md ("load-agent cost").
# Configuration is by AGENT_* environment variables or the equal flags (see load-agent/README.md);
# arguments are passed through, e.g.  load-agent.sh --server-id web-1 --bms-urls http://127.0.0.1:8080
# Override the JVM options with AGENT_JAVA_OPTS, the jar with AGENT_JAR.
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
JAR="${AGENT_JAR:-$HERE/../target/load-agent.jar}"
# Two glibc malloc arenas instead of one per core: fewer, fuller arenas for a process with few threads.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# shellcheck disable=SC2086
exec java ${AGENT_JAVA_OPTS:--Xmx16m -Xmn4m -Xss256k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m} \
  -jar "$JAR" "$@"
