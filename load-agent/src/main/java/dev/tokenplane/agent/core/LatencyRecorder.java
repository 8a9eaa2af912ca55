package dev.tokenplane.agent.core;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Collects latency samples pushed by the service and summarises them per interval with an HdrHistogram
 * {@link Recorder} (3 significant digits, 1 µs to 1 h).
 *
 * <p>Thread safety: {@link #record} may be called from any number of threads at once, without locks (the recorder is
 * wait-free for writers); {@link #drain} must be called from one thread at a time (the sampler).
 */
public final class LatencyRecorder {

    /** The largest sample accepted, in ms (one hour). */
    public static final double MAX_SAMPLE_MS = 3_600_000.0;

    private static final long MAX_MICROS = (long) (MAX_SAMPLE_MS * 1000);

    private final Recorder recorder = new Recorder(MAX_MICROS, 3);
    private Histogram recycled;
    private long lastDrainNanos;

    /**
     * @param startNanos the monotonic time the first interval starts at
     */
    public LatencyRecorder(long startNanos) {
        this.lastDrainNanos = startNanos;
    }

    /**
     * Records one request's latency.
     *
     * @param latencyMs latency in ms, within [0, {@link #MAX_SAMPLE_MS}] (validated by the intake; values outside are
     *                  clamped)
     */
    public void record(double latencyMs) {
        long micros = Math.round(latencyMs * 1000.0);
        recorder.recordValue(Math.max(0, Math.min(MAX_MICROS, micros)));
    }

    /**
     * Summarises the samples recorded since the previous drain and starts a new interval.
     *
     * @param nowNanos the monotonic time the interval ends at
     * @return count, requests/s over the interval, p50 and p99 in ms
     */
    public LatencySummary drain(long nowNanos) {
        recycled = recorder.getIntervalHistogram(recycled);
        long elapsedNanos = nowNanos - lastDrainNanos;
        lastDrainNanos = nowNanos;
        return summarise(recycled, elapsedNanos);
    }

    /**
     * The summary of a histogram of microsecond values over {@code elapsedNanos}.
     */
    static LatencySummary summarise(Histogram micros, long elapsedNanos) {
        long count = micros.getTotalCount();
        if (count == 0) {
            return LatencySummary.EMPTY;
        }
        return new LatencySummary(
                count,
                CounterRates.perSecond(count, elapsedNanos),
                micros.getValueAtPercentile(50.0) / 1000.0,
                micros.getValueAtPercentile(99.0) / 1000.0);
    }
}
