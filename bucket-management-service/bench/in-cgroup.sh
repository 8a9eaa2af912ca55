#!/usr/bin/env bash
# Runs a command inside a fresh control group with a memory limit and a CPU quota, as a container runtime would, so
# that the JVM sizes its heap and picks its collector from the limit exactly as in the chart's container (1 GiB,
# 2 CPUs by default). Needs root and cgroup v1 (memory, cpu) or v2 (memory, cpu controllers enabled).
#
#   bucket-management-service/bench/in-cgroup.sh 1g 2 java -XX:MaxRAMPercentage=75 -jar bms.jar ...
#   LAUNCH="bucket-management-service/bench/in-cgroup.sh 1g 2" bucket-management-service/bench/option-pairs.sh 3
#
# The group is named after this script's pid and removed when the command ends; its peak memory (bytes) and the number
# of times the kernel's OOM killer ran in it are written to stderr then, and to $CGROUP_REPORT when that is set.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 <memory, e.g. 1g> <cpus> <command...>" >&2; exit 2; }
MEMORY=$(numfmt --from=iec "$(echo "$1" | tr '[:lower:]' '[:upper:]')")
CPUS=$2
shift 2
NAME=tp-bench-$$
PERIOD=100000
QUOTA=$(awk -v c="$CPUS" -v p="$PERIOD" 'BEGIN { printf "%d", c * p }')

DIRS=()
# the groups go when this script ends, whatever the command did (and if one of them could not be made)
remove_groups() { for d in "${DIRS[@]}"; do rmdir "$d" 2>/dev/null || true; done; }
trap remove_groups EXIT

if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  DIRS=(/sys/fs/cgroup/$NAME)
  mkdir "${DIRS[0]}"
  echo "$MEMORY" >"${DIRS[0]}/memory.max"
  echo 0 >"${DIRS[0]}/memory.swap.max" 2>/dev/null || true
  echo "$QUOTA $PERIOD" >"${DIRS[0]}/cpu.max"
  peak() { cat "${DIRS[0]}/memory.peak" 2>/dev/null || echo unknown; }
  ooms() { awk '$1 == "oom_kill" { print $2 }' "${DIRS[0]}/memory.events"; }
else
  DIRS=(/sys/fs/cgroup/memory/$NAME /sys/fs/cgroup/cpu/$NAME)
  for d in "${DIRS[@]}"; do mkdir "$d"; done
  echo "$MEMORY" >"${DIRS[0]}/memory.limit_in_bytes"
  echo "$PERIOD" >"${DIRS[1]}/cpu.cfs_period_us"
  echo "$QUOTA" >"${DIRS[1]}/cpu.cfs_quota_us"
  peak() { cat "${DIRS[0]}/memory.max_usage_in_bytes"; }
  ooms() { awk '$1 == "oom_kill" { print $2 }' "${DIRS[0]}/memory.oom_control"; }
fi

# the command runs in the group; this shell stays outside it, to report and remove the group afterwards
( for d in "${DIRS[@]}"; do echo "$BASHPID" >"$d/cgroup.procs"; done; exec "$@" ) &
CHILD=$!
trap 'kill "$CHILD" 2>/dev/null || true' TERM INT
set +e
wait "$CHILD"
STATUS=$?
wait "$CHILD" 2>/dev/null
set -e
REPORT="cgroup $NAME: memory limit $MEMORY, peak $(peak) bytes, oom kills $(ooms)"
echo "$REPORT" >&2
[ -n "${CGROUP_REPORT:-}" ] && echo "$REPORT" >>"$CGROUP_REPORT"
exit "$STATUS"
