package dev.tokenplane.sizing;

/**
 * The demand counters drained from a bucket since the last tick.
 *
 * @param attempted    tokens requested in the window, granted or not, &gt;= 0
 * @param granted      tokens granted in the window, &gt;= 0 (normally at most {@code attempted})
 * @param windowMillis the window's length; 0 means no data (the counters were not drained, or the bucket is new)
 */
public record DemandWindow(long attempted, long granted, long windowMillis) {

    public DemandWindow {
        Ranges.atLeast("attempted", attempted, 0);
        Ranges.atLeast("granted", granted, 0);
        Ranges.atLeast("windowMillis", windowMillis, 0);
    }

    /** No demand data this tick. */
    public static DemandWindow none() {
        return new DemandWindow(0, 0, 0);
    }

    public boolean hasData() {
        return windowMillis > 0;
    }

    /** Attempted tokens per second; 0 without data. */
    public double attemptedPerSecond() {
        return hasData() ? attempted * 1000.0 / windowMillis : 0;
    }

    /** Granted tokens per second; 0 without data. */
    public double grantedPerSecond() {
        return hasData() ? granted * 1000.0 / windowMillis : 0;
    }
}
