package dev.tokenplane.sizing;

/**
 * What the policy remembers about one bucket between ticks. The caller stores it with the bucket (for example in the
 * bucket's Hazelcast entry, or a map keyed like the buckets so it moves with the partition) and passes it back on the
 * next tick. Small and made of primitives: a forecast, a smoothed pressure and three times.
 *
 * @param forecast               the demand forecaster's state
 * @param pressure               the smoothed load pressure level ({@link PressureConfig#level}): 0..1, or above 1 while
 *                               a signal is past its target (meaningless while {@code pressureSampleAtMillis} is
 *                               {@link #NEVER})
 * @param pressureSampleAtMillis the time of the newest load sample folded into {@code pressure}, or {@link #NEVER}
 * @param lastResizeAtMillis     when the policy last changed the size (epoch millis), or {@link #NEVER}
 * @param lastShedAtMillis       when the policy last shrank the size for pressure (epoch millis), or {@link #NEVER}
 */
public record SizingState(
        ForecastState forecast,
        double pressure,
        long pressureSampleAtMillis,
        long lastResizeAtMillis,
        long lastShedAtMillis) {

    /** "Never happened": any cooldown counted from it is over. */
    public static final long NEVER = Long.MIN_VALUE;

    private static final SizingState INITIAL = new SizingState(ForecastState.empty(), 0, NEVER, NEVER, NEVER);

    public SizingState {
        Ranges.required("forecast", forecast);
    }

    /** The state of a bucket the policy has not seen yet. */
    public static SizingState initial() {
        return INITIAL;
    }

    SizingState withForecast(ForecastState value) {
        return new SizingState(value, pressure, pressureSampleAtMillis, lastResizeAtMillis, lastShedAtMillis);
    }

    SizingState withPressure(double value, long sampleAtMillis) {
        return new SizingState(forecast, value, sampleAtMillis, lastResizeAtMillis, lastShedAtMillis);
    }

    SizingState resizedAt(long nowMillis, boolean shed) {
        return new SizingState(
                forecast, pressure, pressureSampleAtMillis, nowMillis, shed ? nowMillis : lastShedAtMillis);
    }

    /**
     * Whether at least {@code millis} have passed since {@code sinceMillis}. A clock behind the one that wrote
     * {@code sinceMillis} (the partition moved to another member) sees a negative elapsed time: not passed yet.
     */
    static boolean elapsed(long nowMillis, long sinceMillis, long millis) {
        if (sinceMillis == NEVER) {
            return true;
        }
        if (nowMillis < sinceMillis) {
            return false;
        }
        long elapsed = nowMillis - sinceMillis;
        return elapsed < 0 || elapsed >= millis; // elapsed < 0: overflowed, so very long ago
    }
}
