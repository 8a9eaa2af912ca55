#!/usr/bin/env bash
# Measures the load agent's own cost: CPU share of one core and resident memory while it samples and reports.
#
#   load-agent/bench/measure-agent-cost.sh [seconds] [java options...]
#
# Starts a tiny sink on 127.0.0.1 that answers every report with 202 (python3 http.server), runs
# load-agent/target/load-agent.jar against it with AGENT_INTERVAL_MS=1000 under /usr/bin/time -v, and reads
# /proc/<pid>/stat (utime+stime) and /proc/<pid>/status (VmRSS) every second. The steady-state CPU share is taken
# from second 10 to the end (after start-up and JIT warm-up); /usr/bin/time reports the whole run including start-up.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION="${1:-70}"
shift || true
JAVA_OPTS=("$@")
JAR=load-agent/target/load-agent.jar
OUT="$(mktemp -d /tmp/agent-cost.XXXXXX)"
HZ="$(getconf CLK_TCK)"

SINK_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cat > "$OUT/sink.py" <<'PY'
import http.server, signal, sys
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.count += 1
        self.send_response(202); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink)
server.count = 0
try:
    server.serve_forever()
finally:
    open(sys.argv[2], "w").write(str(server.count))
PY
python3 "$OUT/sink.py" "$SINK_PORT" "$OUT/reports" &
SINK_PID=$!
trap 'kill "$SINK_PID" 2>/dev/null || true' EXIT
sleep 0.5

AGENT_SERVER_ID=bench-1 AGENT_BMS_URLS="http://127.0.0.1:$SINK_PORT" AGENT_INTERVAL_MS=1000 AGENT_PORT=0 \
  /usr/bin/time -v -o "$OUT/time.txt" java "${JAVA_OPTS[@]}" -jar "$JAR" 2> "$OUT/agent.log" &
TIME_PID=$!
sleep 0.3
JAVA_PID="$(pgrep -P "$TIME_PID" java)"

ticks() { awk '{print $14 + $15}' "/proc/$JAVA_PID/stat"; }
: > "$OUT/samples.tsv"
for ((s = 1; s <= DURATION; s++)); do
  sleep 1
  echo -e "$s\t$(ticks)\t$(awk '/VmRSS/ {print $2}' "/proc/$JAVA_PID/status")" >> "$OUT/samples.tsv"
done
kill -TERM "$JAVA_PID"
wait "$TIME_PID" || true
kill -TERM "$SINK_PID" 2>/dev/null || true
wait "$SINK_PID" 2>/dev/null || true

awk -v hz="$HZ" -v from=10 '
  $1 == from { t0 = $2 } { t1 = $2; last = $1; if ($3 > max) max = $3; if ($1 >= from) { sum += $3; n++ } }
  END {
    printf "steady state (s %d..%d): CPU %.3f %% of one core; RSS mean %.1f MiB, max %.1f MiB\n",
      from, last, 100 * (t1 - t0) / hz / (last - from), sum / n / 1024, max / 1024
  }' "$OUT/samples.tsv"
grep -E "Percent of CPU|Maximum resident|Elapsed|User time|System time" "$OUT/time.txt"
echo "reports accepted by the sink: $(cat "$OUT/reports" 2>/dev/null || echo '?')"
echo "java options: ${JAVA_OPTS[*]:-(none)}; raw data in $OUT"
