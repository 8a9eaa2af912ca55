-- many-keys.lua (single acquires over BENCH_KEYS random keys, paced by BENCH_DELAY_MS), and the tail of the latency
-- distribution at the end, which wrk's --latency table stops short of (it ends at the 99th percentile).
dofile(os.getenv("BENCH_DIR") .. "/many-keys.lua")

function done(summary, latency, requests)
  io.write(string.format("tail: %d requests, p99 %.2f ms, p99.9 %.2f ms, p99.99 %.2f ms, max %.2f ms\n",
    summary.requests, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency:percentile(99.99) / 1000, latency.max / 1000))
end
