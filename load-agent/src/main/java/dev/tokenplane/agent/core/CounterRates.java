package dev.tokenplane.agent.core;

import java.util.Map;

/**
 * Increments and per-second rates of monotonic counters (bytes received, sectors written, ...), pure and stateless.
 *
 * <p>A counter that went down either wrapped or was reset:
 * <ul>
 *   <li><b>wrap</b>: the previous value was in the top quarter of the counter's range and the new one is in the bottom
 *       quarter; the increment is {@code (current - previous) mod 2^bits};</li>
 *   <li><b>reset</b> (interface re-created, driver reloaded, device re-attached): anything else; the counter is taken to
 *       have restarted at zero, so the increment is {@code current} (as Prometheus' {@code rate()} does).</li>
 * </ul>
 * Values are read as unsigned. Increments are never negative.
 */
public final class CounterRates {

    private CounterRates() {}

    /**
     * The increment of a counter between two readings.
     *
     * @param previous the earlier reading (unsigned)
     * @param current  the later reading (unsigned)
     * @param width    the counter's width
     * @return the increment, an unsigned value (in practice far below 2^63)
     */
    public static long increment(long previous, long current, CounterWidth width) {
        long mask = width.mask();
        long prev = previous & mask;
        long cur = current & mask;
        if (Long.compareUnsigned(cur, prev) >= 0) {
            return cur - prev;
        }
        long quarter = width.quarter();
        boolean previousNearTop = Long.compareUnsigned(prev, mask - quarter) > 0;
        boolean currentNearBottom = Long.compareUnsigned(cur, quarter) < 0;
        if (previousNearTop && currentNearBottom) {
            return (cur - prev) & mask;
        }
        return cur;
    }

    /**
     * The summed increment over a set of named counters (one per interface or disk). A name present in only one of
     * the two readings contributes nothing: it appeared or vanished between them, so it has no increment yet.
     *
     * @param previous earlier readings by name
     * @param current  later readings by name
     * @param width    the counters' width
     * @return the sum of increments, never negative
     */
    public static double summedIncrement(Map<String, Long> previous, Map<String, Long> current, CounterWidth width) {
        double sum = 0;
        for (Map.Entry<String, Long> entry : current.entrySet()) {
            Long before = previous.get(entry.getKey());
            if (before != null) {
                sum += unsignedToDouble(increment(before, entry.getValue(), width));
            }
        }
        return sum;
    }

    /**
     * A per-second rate.
     *
     * @param increment    the counter's increment (non-negative)
     * @param elapsedNanos the monotonic time between the two readings
     * @return {@code increment / elapsed seconds}, or 0 when no time elapsed
     */
    public static double perSecond(double increment, long elapsedNanos) {
        if (elapsedNanos <= 0) {
            return 0.0;
        }
        return increment * 1e9 / elapsedNanos;
    }

    private static double unsignedToDouble(long value) {
        return value >= 0 ? value : (value >>> 1) * 2.0 + (value & 1);
    }
}
