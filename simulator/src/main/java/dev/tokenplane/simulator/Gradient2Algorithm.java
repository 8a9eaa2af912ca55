package dev.tokenplane.simulator;

/**
 * A gradient limiter applied to capacity, after the idea of Netflix concurrency-limits' {@code Gradient2Limit}: the
 * limit follows the ratio of a long-term average latency to the current one, so it holds while latency is at its
 * usual level and backs off in proportion when a queue builds. One sample per sizing tick, the agent's latency p99:
 * <pre>
 * longRtt  = average of the first 10 samples, then an exponential average over LONG_WINDOW samples
 * if longRtt / rtt &gt; 2:         longRtt = longRtt * 0.9      (recover fast after a long overload)
 * if granted &lt; limit / 2:       hold                        (app-limited)
 * gradient = clamp(longRtt / rtt, 0.5, 1.0)
 * target   = limit * gradient + sqrt(limit)                 (room for a queue of sqrt(limit))
 * limit    = limit * (1 - SMOOTHING) + target * SMOOTHING
 * limit    = clamp(limit, minCapacity, maxCapacity)
 * </pre>
 * Gradient2's defaults are kept (smoothing 0.2, long window 600, warm-up 10); its queue allowance of a fixed 4
 * concurrent requests becomes {@code sqrt(limit)} requests/s, the allowance of its predecessor {@code GradientLimit},
 * since a capacity is in the hundreds where a concurrency limit is in the tens. Like the others it sees load only
 * through the agents' reports; it does not read CPU or disk, only latency, which is the point of the idea.
 * This is our own implementation of the formula, not Netflix's code.
 */
public final class Gradient2Algorithm implements SizingAlgorithm {

    static final double SMOOTHING = 0.2;
    static final int LONG_WINDOW = 600;
    static final int WARMUP = 10;

    @Override
    public String name() {
        return "Gradient2";
    }

    @Override
    public Controller controllerFor(Scenario.Rule rule) {
        return new Controller() {
            private double limit = Double.NaN;
            private double longRtt;
            private int samples;
            private long lastSampleAt = Long.MIN_VALUE;

            @Override
            public long decide(long nowMillis, Observation observation) {
                if (Double.isNaN(limit)) {
                    limit = observation.capacity();
                }
                if (!observation.demand().hasData()
                        || observation.latestReport().isEmpty()) {
                    return observation.capacity();
                }
                var report = observation.latestReport().get();
                double rtt = report.latencyP99Ms();
                if (report.atMillis() == lastSampleAt || !(rtt > 0)) {
                    return observation.capacity(); // no new sample: Gradient2 updates on samples only
                }
                lastSampleAt = report.atMillis();
                samples++;
                longRtt = samples <= WARMUP
                        ? longRtt + (rtt - longRtt) / samples
                        : longRtt + (rtt - longRtt) * 2.0 / (LONG_WINDOW + 1);
                if (longRtt / rtt > 2) {
                    longRtt *= 0.9;
                }
                if (observation.demand().grantedPerSecond() < limit / 2) {
                    return rule.limits().clamp(Math.round(limit));
                }
                double gradient = Math.max(0.5, Math.min(1.0, longRtt / rtt));
                double target = limit * gradient + Math.sqrt(limit);
                limit = limit * (1 - SMOOTHING) + target * SMOOTHING;
                limit = rule.limits().clamp(limit);
                return rule.limits().clamp(Math.round(limit));
            }
        };
    }
}
