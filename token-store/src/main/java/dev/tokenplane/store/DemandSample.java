package dev.tokenplane.store;

/**
 * Demand seen by one bucket over a window, drained by the sizing loop.
 *
 * @param attempted  tokens requested in the window (granted or not)
 * @param granted    tokens granted in the window
 * @param fromMillis start of the window (epoch millis)
 * @param toMillis   end of the window (epoch millis)
 * @param capacity   the bucket's capacity in tokens at the end of the window
 * @param ratePerMilli the bucket's refill at the end of the window, nanotokens per millisecond
 * @param generation the generation of the spec the bucket was last reset from (which rule or override set it up)
 */
public record DemandSample(
        long attempted,
        long granted,
        long fromMillis,
        long toMillis,
        long capacity,
        long ratePerMilli,
        long generation) {

    /** The window's length in milliseconds, never negative. */
    public long windowMillis() {
        return Math.max(0, toMillis - fromMillis);
    }
}
