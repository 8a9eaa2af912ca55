package dev.tokenplane.client;

import java.time.Duration;

/**
 * One item of a batch.
 *
 * @param key       the bucket key, 1..256 characters
 * @param tokens    tokens wanted, at least 1
 * @param maxWaitMs how long the BMS may make the caller wait for a reservation, 0 for none
 */
public record AcquireRequest(String key, long tokens, long maxWaitMs) {

    /** One token, no wait. */
    public static AcquireRequest of(String key) {
        return new AcquireRequest(key, 1, 0);
    }

    /** {@code tokens} tokens, waiting at most {@code maxWait} for a BMS reservation. */
    public static AcquireRequest of(String key, long tokens, Duration maxWait) {
        return new AcquireRequest(key, tokens, maxWait.toMillis());
    }

    /** {@link #maxWaitMs()} as a duration. */
    public Duration maxWait() {
        return Duration.ofMillis(maxWaitMs);
    }

    /** {@code tokens} tokens, no wait. */
    public static AcquireRequest of(String key, long tokens) {
        return new AcquireRequest(key, tokens, 0);
    }
}
