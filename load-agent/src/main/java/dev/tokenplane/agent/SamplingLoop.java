package dev.tokenplane.agent;

import dev.tokenplane.agent.core.AgentReport;
import dev.tokenplane.agent.core.LatencySummary;
import dev.tokenplane.agent.core.SystemLoad;
import dev.tokenplane.agent.core.SystemReading;
import dev.tokenplane.agent.sampling.SystemSource;
import java.time.InstantSource;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sampling tick: read the machine, take the interval's latency, build a report from the difference with the
 * previous tick and hand it to the reporter (which only queues it). Runs on the sampler thread only.
 */
final class SamplingLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SamplingLoop.class);

    private final SystemSource source;
    private final LongFunction<LatencySummary> latency;
    private final InstantSource clock;
    private final String region;
    private final String pool;
    private final Consumer<AgentReport> sink;
    private final AgentMetrics metrics;
    private SystemReading previous;
    private volatile long lastSampleAtMillis;

    /**
     * @param source  the machine's counters
     * @param latency the latency summary of the interval ending at the given monotonic time
     * @param clock   wall clock for report timestamps
     * @param region  report region
     * @param pool    report pool
     * @param sink    where reports go (must not block)
     * @param metrics where ticks are counted
     */
    SamplingLoop(
            SystemSource source,
            LongFunction<LatencySummary> latency,
            InstantSource clock,
            String region,
            String pool,
            Consumer<AgentReport> sink,
            AgentMetrics metrics) {
        this.source = source;
        this.latency = latency;
        this.clock = clock;
        this.region = region;
        this.pool = pool;
        this.sink = sink;
        this.metrics = metrics;
        this.lastSampleAtMillis = clock.millis();
    }

    @Override
    public void run() {
        try {
            SystemReading reading = source.read();
            LatencySummary interval = latency.apply(reading.monotonicNanos());
            long now = clock.millis();
            if (previous != null) {
                SystemLoad.between(previous, reading)
                        .ifPresent(load -> sink.accept(new AgentReport(now, region, pool, load, interval)));
            }
            previous = reading;
            lastSampleAtMillis = now;
            metrics.sampleTaken();
        } catch (RuntimeException e) {
            // A failing read must not end the schedule (a thrown exception would cancel it).
            LOG.warn("Sampling failed: {}", e.toString());
        }
    }

    /** Epoch ms of the last completed tick (the start time before the first). */
    long lastSampleAtMillis() {
        return lastSampleAtMillis;
    }
}
