package dev.tokenplane.simulator;

/**
 * AIMD as in Netflix concurrency-limits' {@code AIMDLimit}, with one sample per sizing tick:
 * <pre>
 * if overloaded:                   limit = limit * 0.9
 * elif granted * 2 &gt;= limit:       limit = limit + 1
 * limit = clamp(limit, minCapacity, maxCapacity)
 * </pre>
 * Overloaded stands for AIMDLimit's {@code didDrop || rtt &gt; timeout}: the latest report shows CPU above
 * {@link ServerModel#OVERLOAD_CPU} (or a disk busier than that) or latency p99 above the timeout. Like the others it sees load only through the
 * agents' reports, and has no staleness rule. {@code granted * 2 >= limit} is AIMDLimit's own app-limited guard
 * ({@code inflight * 2 >= limit}).
 */
public final class AimdAlgorithm implements SizingAlgorithm {

    private static final double BACKOFF_RATIO = 0.9;

    private final double timeoutMs;

    /** @param timeoutMs latency p99 above which a tick counts as overloaded */
    public AimdAlgorithm(double timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    @Override
    public String name() {
        return "AIMD";
    }

    @Override
    public Controller controllerFor(Scenario.Rule rule) {
        return new Controller() {
            private double limit = Double.NaN;

            @Override
            public long decide(long nowMillis, Observation observation) {
                if (Double.isNaN(limit)) {
                    limit = observation.capacity();
                }
                if (!observation.demand().hasData()) {
                    return observation.capacity();
                }
                boolean overloaded = observation
                        .latestReport()
                        .map(r -> r.cpu() > ServerModel.OVERLOAD_CPU
                                || r.diskBusy() > ServerModel.OVERLOAD_CPU
                                || r.latencyP99Ms() > timeoutMs)
                        .orElse(false);
                if (overloaded) {
                    limit = limit * BACKOFF_RATIO;
                } else if (observation.demand().grantedPerSecond() * 2 >= limit) {
                    limit = limit + 1;
                }
                limit = rule.limits().clamp(limit);
                return rule.limits().clamp(Math.round(limit));
            }
        };
    }
}
